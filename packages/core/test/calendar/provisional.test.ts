import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { compileDayRules } from "../../src/calendar/days.js"
import { oracleAdd, oracleBetween } from "../../src/calendar/oracle.js"
import { decodeInput } from "../../src/index.js"
import { CalendarSpec, chinaFixedHolidays, makeCalendar, parseDuration, presetCalendar } from "../../src/calendar/index.js"
import type { Calendar } from "../../src/calendar/index.js"

// Today is late November 2026: the State Council has not published the 2027 notice, and the
// bundled data ends with 2026. A December petition's deadline runs into 2027.
const china = presetCalendar("china")!
const dur = (iso: string) => Result.getOrThrow(parseDuration(iso))
const at = (iso: string) => Date.parse(iso)
const newYear = { date: "2027-01-01", name: "元旦", nameEn: "New Year's Day" }

describe("a deadline that reaches a year without holiday data", () => {
  it("is computed provisionally instead of failing: weekends and the fixed-date holidays", () => {
    // Monday 21 December 2026 + 15 working days: 22–25, 28–31 December (8), Friday 1 January
    // assumed a holiday, 4–8 January (13), 11–12 January (15).
    const r = Result.getOrThrow(china.addReckoned(at("2026-12-21T10:00:00+08:00"), dur("P15D")))
    expect(china.format(r.value)).toBe("2027-01-12T10:00:00+08:00")
    expect(r.provisional).toEqual({ years: [2027], basis: "provisional", daysOff: [newYear] })
    // `add` gives the same instant, without the flag.
    expect(Result.getOrThrow(china.add(at("2026-12-21T10:00:00+08:00"), dur("P15D")))).toBe(r.value)
  })

  it("counts 60 working days from 1 December 2026 to 24 February 2027, flagged — the Spring Festival is not assumed", () => {
    const r = Result.getOrThrow(china.addReckoned(at("2026-12-01T10:00:00+08:00"), dur("P60D")))
    expect(china.format(r.value)).toBe("2027-02-24T10:00:00+08:00")
    expect(r.provisional?.years).toEqual([2027])
    expect(r.provisional?.daysOff).toEqual([newYear])
    // The day walk (test oracle) over the same rules agrees.
    expect(oracleAdd(compileDayRules("china", china.spec), at("2026-12-01T10:00:00+08:00"), dur("P60D"))).toBe(r.value)
  })

  it("is not flagged when it stays inside a year with data", () => {
    const r = Result.getOrThrow(china.addReckoned(at("2026-12-01T10:00:00+08:00"), dur("P15D")))
    expect(china.format(r.value)).toBe("2026-12-22T10:00:00+08:00")
    expect(r).not.toHaveProperty("provisional")
    expect(china.assumptions(at("2026-01-05T10:00:00+08:00"), at("2026-12-31T10:00:00+08:00"))).toBeUndefined()
  })

  it("measures working time across the boundary, flagged, and agrees with the day walk", () => {
    const from = at("2026-12-30T10:00:00+08:00")
    const to = at("2027-01-05T10:00:00+08:00")
    const r = Result.getOrThrow(china.betweenReckoned(from, to))
    // 30 Dec 6 h, 31 Dec 7 h, 1 Jan assumed off, 4 Jan 7 h, 5 Jan 1 h.
    expect(r.value).toBe(21 * 3_600_000)
    expect(r.value).toBe(oracleBetween(compileDayRules("china", china.spec), from, to))
    expect(r.provisional).toEqual({ years: [2027], basis: "provisional", daysOff: [newYear] })
    expect(Result.getOrThrow(china.betweenReckoned(to, from)).value).toBe(-r.value)
  })

  it("lists only the assumed days off inside the span, across several years without data", () => {
    const a = china.assumptions(at("2027-04-30T10:00:00+08:00"), at("2028-01-02T10:00:00+08:00"))
    expect(a?.years).toEqual([2027, 2028])
    expect(a?.daysOff.map((d) => d.date)).toEqual(["2027-05-01", "2027-05-02", "2027-10-01", "2027-10-02", "2027-10-03", "2028-01-01"])
  })

  it("marks each day of such a year provisional and cites the law for the fixed-date holidays", () => {
    expect(Result.getOrThrow(china.day("2027-10-02"))).toMatchObject({
      working: false,
      reason: "holiday",
      name: "国庆节",
      nameEn: "National Day",
      provisional: true,
      notice: { number: "国务院令第795号" }
    })
    expect(Result.getOrThrow(china.day("2027-05-02"))).toMatchObject({ working: false, name: "劳动节", provisional: true })
    // 8 February 2027 (a Monday) is inside the Spring Festival, which only the notice can fix.
    expect(Result.getOrThrow(china.day("2027-02-08"))).toMatchObject({ working: true, reason: "weekday", provisional: true })
    expect(Result.getOrThrow(china.day("2027-02-06"))).toMatchObject({ working: false, reason: "weekend", provisional: true })
    // A day of a year with data is not.
    expect(Result.getOrThrow(china.day("2026-10-02"))).not.toHaveProperty("provisional")
  })

  it("assumes exactly the Gregorian dates of the 2024 放假办法: 1 January, 1–2 May, 1–3 October", () => {
    expect(chinaFixedHolidays.map((h) => h.monthDay)).toEqual(["01-01", "05-01", "05-02", "10-01", "10-02", "10-03"])
  })
})

describe("strict answers", () => {
  it("fail with CalendarYearUnknown where the provisional answer succeeds", () => {
    const r = china.strict.add(at("2026-12-21T10:00:00+08:00"), dur("P15D"))
    expect(Result.isFailure(r) && r.failure._tag === "CalendarYearUnknown" && r.failure.year).toBe(2027)
    const b = china.strict.between(at("2026-12-30T10:00:00+08:00"), at("2027-01-05T10:00:00+08:00"))
    expect(Result.isFailure(b) && b.failure.year).toBe(2027)
    expect(Result.isFailure(china.strict.addReckoned(at("2026-12-21T10:00:00+08:00"), dur("P15D")))).toBe(true)
  })

  it("agree with the provisional ones inside the years with data", () => {
    const r = Result.getOrThrow(china.strict.add(at("2026-12-21T10:00:00+08:00"), dur("P5D")))
    expect(china.format(r)).toBe("2026-12-28T10:00:00+08:00")
    expect(Result.getOrThrow(china.strict.day("2026-10-01")).reason).toBe("holiday")
  })

  it("are what a calendar with fallback: strict always gives", () => {
    const cal = makeCalendar("strict", { kind: "working", fallback: "strict" })
    expect(cal.strict).toBe(cal)
    const r = cal.add(at("2026-12-21T10:00:00+08:00"), dur("P15D"))
    expect(Result.isFailure(r) && r.failure.year).toBe(2027)
    expect(cal.assumptions(at("2026-12-21T10:00:00+08:00"), at("2027-03-01T10:00:00+08:00"))).toBeUndefined()
  })
})

describe("the fallback setting", () => {
  const weekends = makeCalendar("weekends", { kind: "working", fallback: "weekends" })
  it("weekends: the fixed-date holidays are working days too, and the answer says which basis it used", () => {
    const r = Result.getOrThrow(weekends.addReckoned(at("2026-12-21T10:00:00+08:00"), dur("P15D")))
    expect(weekends.format(r.value)).toBe("2027-01-11T10:00:00+08:00")
    expect(r.provisional).toEqual({ years: [2027], basis: "weekends", daysOff: [] })
    expect(Result.getOrThrow(weekends.day("2027-01-01"))).toMatchObject({ working: true, fallback: true, provisional: true })
  })

  it("explicit holiday lists assume no fixed dates (they are not the mainland data)", () => {
    const cal = makeCalendar("listed", { kind: "working", holidays: { years: [2026], holidays: [] } })
    expect(Result.getOrThrow(cal.day("2027-01-01"))).toMatchObject({ working: true, reason: "weekday", provisional: true })
  })

  it("a natural calendar never assumes anything", () => {
    const natural: Calendar = presetCalendar("natural")!
    expect(natural.assumptions(at("2026-12-01T10:00:00+08:00"), at("2030-01-01T00:00:00+08:00"))).toBeUndefined()
    expect(Result.getOrThrow(natural.addReckoned(at("2026-12-01T10:00:00+08:00"), dur("P60D")))).toEqual({ value: at("2027-01-30T10:00:00+08:00") })
    expect(natural.strict).toBe(natural)
  })

  it("refuses a value it does not know, naming the field and the choices", () => {
    const r = decodeInput(CalendarSpec, "calendar")({ kind: "working", fallback: "lenient" })
    expect(Result.isFailure(r)).toBe(true)
    if (Result.isFailure(r)) {
      expect(r.failure.problems.map((p) => p.path)).toContain("/fallback")
      expect(r.failure.message).toMatch(/provisional/)
    }
  })
})
