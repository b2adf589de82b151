import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { decodeInput } from "../../src/index.js"
import { CalendarSpec, lookupCalendar, makeCalendar, makeCalendars, parseDuration, presetCalendar } from "../../src/calendar/index.js"
import type { Calendar } from "../../src/calendar/index.js"

const china = presetCalendar("china")!
const natural = presetCalendar("natural")!
const dur = (iso: string) => Result.getOrThrow(parseDuration(iso))
const due = (cal: Calendar, from: string, add: string) => cal.format(Result.getOrThrow(cal.add(Date.parse(from), dur(add))))

describe("ISO durations", () => {
  it("parses days, hours, minutes and seconds", () => {
    expect(dur("PT10M")).toEqual({ days: 0, ms: 600_000, iso: "PT10M" })
    expect(dur("PT24H")).toEqual({ days: 0, ms: 86_400_000, iso: "PT24H" })
    expect(dur("P15D")).toEqual({ days: 15, ms: 0, iso: "P15D" })
    expect(dur("P1DT2H")).toEqual({ days: 1, ms: 7_200_000, iso: "P1DT2H" })
    expect(dur("PT90M").iso).toBe("PT1H30M")
    expect(dur("PT1.5S").ms).toBe(1500)
  })

  it.each(["", "P", "PT", "10M", "P1M", "P1Y", "P2W", "PT-5M", "pt10m", "P1DT"])("refuses %j, naming it", (text) => {
    const r = parseDuration(text)
    expect(Result.isFailure(r)).toBe(true)
    if (Result.isFailure(r)) {
      expect(r.failure._tag).toBe("InvalidDuration")
      expect(r.failure.input).toBe(text)
      expect(r.failure.message).toContain(`"${text}"`)
      expect(r.failure.message).toMatch(/^无效的时限：.*\(Invalid duration: .*\.\)$/)
    }
  })
})

describe("the china calendar", () => {
  it("adds one working day at 10:00 on a Friday before a holiday: same time on the next working day", () => {
    // Friday 3 April 2026; Qingming 4–6 April; Tuesday 7 April is the next working day.
    expect(due(china, "2026-04-03T10:00:00+08:00", "P1D")).toBe("2026-04-07T10:00:00+08:00")
    // Friday 24 January 2025; Sunday 26 January is a make-up working day for the Spring Festival.
    expect(due(china, "2025-01-24T10:00:00+08:00", "P1D")).toBe("2025-01-26T10:00:00+08:00")
  })

  it("adds working hours across the lunch break, the weekend and the holiday", () => {
    expect(due(china, "2026-04-03T10:00:00+08:00", "PT24H")).toBe("2026-04-09T15:00:00+08:00")
    expect(due(china, "2026-04-07T11:30:00+08:00", "PT1H")).toBe("2026-04-07T14:30:00+08:00")
    // Exactly used up at the end of the morning: due at 12:00, not 14:00.
    expect(due(china, "2026-04-07T09:00:00+08:00", "PT3H")).toBe("2026-04-07T12:00:00+08:00")
  })

  it("counts days from the next working instant when the petition arrives out of hours", () => {
    expect(due(china, "2026-04-07T19:30:00+08:00", "P1D")).toBe("2026-04-09T09:00:00+08:00")
    expect(due(china, "2026-04-07T12:30:00+08:00", "P1D")).toBe("2026-04-08T14:00:00+08:00")
    expect(due(china, "2026-09-30T10:00:00+08:00", "P1D")).toBe("2026-10-08T10:00:00+08:00")
  })

  it("crosses the year boundary when both years have data", () => {
    // 1–3 January 2026 off, Sunday 4 January a make-up working day.
    expect(due(china, "2025-12-31T17:00:00+08:00", "PT2H")).toBe("2026-01-04T10:00:00+08:00")
    expect(due(china, "2025-12-15T10:00:00+08:00", "P15D")).toBe("2026-01-06T10:00:00+08:00")
  })

  it("tells working instants and measures working time", () => {
    expect(Result.getOrThrow(china.isWorking(Date.parse("2026-04-07T11:59:00+08:00")))).toBe(true)
    expect(Result.getOrThrow(china.isWorking(Date.parse("2026-04-07T12:00:00+08:00")))).toBe(false)
    expect(Result.getOrThrow(china.isWorking(Date.parse("2026-02-14T10:00:00+08:00")))).toBe(true)
    expect(china.format(Result.getOrThrow(china.nextWorking(Date.parse("2026-04-03T18:00:00+08:00"))))).toBe(
      "2026-04-07T09:00:00+08:00"
    )
    const between = Result.getOrThrow(china.between(Date.parse("2026-04-03T10:00:00+08:00"), Date.parse("2026-04-09T15:00:00+08:00")))
    expect(between).toBe(24 * 3_600_000)
    expect(Result.getOrThrow(china.between(Date.parse("2026-04-09T15:00:00+08:00"), Date.parse("2026-04-03T10:00:00+08:00")))).toBe(-between)
  })

  it("says why an instant is not working time: the day it falls on, in the calendar's zone", () => {
    // 23:30 UTC on 30 September is 07:30 on 1 October in Shanghai: National Day, not a Wednesday.
    const night = Date.parse("2026-09-30T23:30:00Z")
    expect(Result.getOrThrow(china.isWorking(night))).toBe(false)
    expect(Result.getOrThrow(china.dayOf(night))).toMatchObject({ date: "2026-10-01", working: false, reason: "holiday", name: "国庆节" })
    expect(Result.getOrThrow(china.dayOf(Date.parse("2026-02-14T10:00:00+08:00")))).toMatchObject({ working: true, reason: "makeUpWorkday", name: "春节" })
    // A working day, but after hours: the day's minutes say when it works.
    const evening = Result.getOrThrow(china.dayOf(Date.parse("2026-04-07T19:00:00+08:00")))
    expect(evening).toMatchObject({ working: true, reason: "weekday", minutes: [[540, 720], [840, 1080]] })
    expect(Result.getOrThrow(natural.dayOf(night))).toMatchObject({ date: "2026-10-01", working: true, reason: "natural" })
    const unknown = china.strict.dayOf(Date.parse("2027-03-01T10:00:00+08:00"))
    expect(Result.isFailure(unknown) && unknown.failure.year).toBe(2027)
  })

  it("in strict mode refuses to run past the last year with data", () => {
    const r = china.strict.add(Date.parse("2026-12-30T10:00:00+08:00"), dur("P5D"))
    expect(Result.isFailure(r) && r.failure._tag).toBe("CalendarYearUnknown")
    expect(Result.isFailure(r) && r.failure.year).toBe(2027)
  })

  it("refuses a date that does not exist", () => {
    const r = china.day("2026-02-30")
    expect(Result.isFailure(r) && r.failure._tag).toBe("InvalidDate")
  })
})

describe("other calendars", () => {
  it("natural time adds elapsed time and calendar days", () => {
    expect(due(natural, "2026-04-03T10:00:00+08:00", "PT24H")).toBe("2026-04-04T10:00:00+08:00")
    expect(due(natural, "2026-04-03T10:00:00+08:00", "P60D")).toBe("2026-06-02T10:00:00+08:00")
    expect(Result.getOrThrow(natural.day("2027-01-01")).working).toBe(true)
  })

  it("counts an unknown year as plain weekends when the calendar says fallback: weekends", () => {
    const cal = makeCalendar("lenient", { kind: "working", fallback: "weekends" })
    const day = Result.getOrThrow(cal.day("2027-01-01"))
    expect(day).toMatchObject({ working: true, reason: "weekday", fallback: true })
    expect(due(cal, "2027-01-01T10:00:00+08:00", "P1D")).toBe("2027-01-04T10:00:00+08:00")
    // Years with data still use it.
    expect(Result.getOrThrow(cal.day("2026-10-01")).reason).toBe("holiday")
  })

  it("takes explicit holiday lists and extra days", () => {
    const cal = makeCalendar("district", {
      kind: "working",
      hours: { mon: ["08:30-17:30"], tue: ["08:30-17:30"], wed: ["08:30-17:30"], thu: ["08:30-17:30"], fri: ["08:30-12:00"] },
      holidays: { years: [2027], holidays: [{ date: "2027-01-01", name: "元旦" }], workdays: [{ date: "2027-01-09", name: "元旦" }] },
      extraHolidays: [{ date: "2027-01-05", name: "区运动会" }]
    })
    expect(Result.getOrThrow(cal.day("2027-01-05"))).toMatchObject({ working: false, reason: "extraHoliday", name: "区运动会" })
    expect(Result.getOrThrow(cal.day("2027-01-09"))).toMatchObject({ working: true, reason: "makeUpWorkday" })
    // Friday afternoon is off here; Saturday 9 January is a make-up day with Monday's hours.
    expect(due(cal, "2027-01-08T11:00:00+08:00", "PT2H")).toBe("2027-01-09T09:30:00+08:00")
    expect(Result.isFailure(cal.strict.day("2028-01-03"))).toBe(true)
    expect(Result.getOrThrow(cal.day("2028-01-03"))).toMatchObject({ working: true, provisional: true })
  })

  it("looks calendars up by name, presets included", () => {
    const cals = makeCalendars({ office: { kind: "working", holidays: "none" } })
    expect(Result.isSuccess(lookupCalendar(cals, "china"))).toBe(true)
    expect(Result.isSuccess(lookupCalendar(cals, "office"))).toBe(true)
    const r = lookupCalendar(cals, "chna")
    expect(Result.isFailure(r) && r.failure.message).toContain("china")
  })
})

describe("CalendarSpec validation", () => {
  const decode = decodeInput(CalendarSpec, "calendar")

  it("accepts the presets' shape", () => {
    expect(Result.isSuccess(decode({ kind: "working", timeZone: "Asia/Shanghai", hours: { mon: ["09:00-12:00", "14:00-18:00"] }, holidays: "china" }))).toBe(true)
    expect(Result.isSuccess(decode({ kind: "natural" }))).toBe(true)
  })

  it("names every bad field by JSON path", () => {
    const r = decode({
      kind: "working",
      timeZone: "Mars/Olympus",
      hours: { mon: ["09:00-12:00", "11:00-13:00"], tue: ["18:00-09:00"], xyz: [] },
      holidays: "chinese",
      extraHolidays: [{ date: "2026-02-30", name: "x" }]
    })
    expect(Result.isFailure(r)).toBe(true)
    if (Result.isFailure(r)) {
      const paths = r.failure.problems.map((p) => p.path)
      expect(paths).toEqual(
        expect.arrayContaining(["/timeZone", "/hours/mon/1", "/hours/tue/0", "/hours/xyz", "/holidays", "/extraHolidays/0/date"])
      )
      expect(r.failure.problems.find((p) => p.path === "/hours/mon/1")?.message).toContain("starts before")
      // Staff read Chinese first, with the English after it.
      expect(r.failure.problems.find((p) => p.path === "/timeZone")?.message).toBe(
        '"Mars/Olympus" 不是 IANA 时区（例如 Asia/Shanghai） ("Mars/Olympus" is not an IANA time zone)'
      )
      expect(r.failure.problems.find((p) => p.path === "/extraHolidays/0/date")?.message).toMatch(/^"2026-02-30" 不是存在的日期.*\(".*that exists\)$/)
    }
  })

  it("refuses weekly hours without any working time, at /hours", () => {
    for (const hours of [{}, { mon: [], sat: [] }]) {
      const r = decode({ kind: "working", hours, holidays: "none" })
      expect(Result.isFailure(r) && r.failure.problems.map((p) => [p.path, p.message])).toEqual([
        ["/hours", expect.stringContaining("no weekday has working hours")]
      ])
    }
  })

  it("says what a calendar is when the kind is wrong", () => {
    const r = decode({ kind: "office" })
    expect(Result.isFailure(r) && r.failure.problems[0]?.message).toContain('"kind": "working"')
  })
})
