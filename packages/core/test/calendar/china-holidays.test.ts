import { isWorkday } from "chinese-days"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { chinaHolidayYears, presetCalendar } from "../../src/calendar/index.js"

const china = presetCalendar("china")!

const everyDay = function* (from: string, to: string) {
  const d = new Date(`${from}T00:00:00Z`)
  for (; d.toISOString().slice(0, 10) <= to; d.setUTCDate(d.getUTCDate() + 1)) yield d.toISOString().slice(0, 10)
}

describe("bundled mainland holiday data", () => {
  it("agrees with the chinese-days package on every day of 2019–2026", () => {
    const disagreements: Array<string> = []
    let days = 0
    for (const date of everyDay("2019-01-01", "2026-12-31")) {
      const ours = Result.getOrThrow(china.day(date))
      if (ours.working !== isWorkday(date)) disagreements.push(`${date}: ours ${ours.working ? "workday" : "restday"} (${ours.reason})`)
      days++
    }
    expect(days).toBe(2922)
    expect(disagreements).toEqual([])
  })

  it("names the holiday, the make-up working day and its notice", () => {
    const eve = Result.getOrThrow(china.day("2026-02-16"))
    expect(eve).toMatchObject({ working: false, reason: "holiday", name: "春节", nameEn: "Spring Festival" })
    expect(eve.notice?.number).toBe("国办发明电〔2025〕7号")
    expect(Result.getOrThrow(china.day("2026-02-14"))).toMatchObject({ working: true, reason: "makeUpWorkday", name: "春节" })
    expect(Result.getOrThrow(china.day("2026-03-07"))).toMatchObject({ working: false, reason: "weekend" })
    expect(Result.getOrThrow(china.day("2026-03-09"))).toMatchObject({ working: true, reason: "weekday" })
  })

  it("records the 2020 Spring Festival extension, which cancelled the 1 February make-up day", () => {
    const feb1 = Result.getOrThrow(china.day("2020-02-01"))
    expect(feb1).toMatchObject({ working: false, reason: "holiday", name: "春节" })
    expect(feb1.notice?.number).toBe("国办发明电〔2020〕1号")
    expect(Result.getOrThrow(china.day("2020-01-19")).reason).toBe("makeUpWorkday")
  })

  it("has a notice for every year, and every make-up day falls on a weekend", () => {
    expect(chinaHolidayYears.map((y) => y.year)).toEqual([2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026])
    for (const y of chinaHolidayYears) {
      expect(y.notices.length).toBeGreaterThan(0)
      for (const n of y.notices) expect(n.number).toMatch(/^国办发明电〔\d{4}〕\d+号$/)
      for (const b of y.blocks) {
        expect(b.from <= b.to).toBe(true)
        for (const w of b.workdays) expect([0, 6]).toContain(new Date(`${w}T00:00:00Z`).getUTCDay())
      }
    }
  })

  it("in strict mode refuses a year without data, naming it and what to do", () => {
    const r = china.strict.day("2027-03-01")
    expect(Result.isFailure(r) && r.failure._tag).toBe("CalendarYearUnknown")
    if (Result.isFailure(r) && r.failure._tag === "CalendarYearUnknown") {
      expect(r.failure.year).toBe(2027)
      expect(r.failure.message).toContain("fallback")
    }
    const earlier = china.strict.day("2018-06-01")
    expect(Result.isFailure(earlier) && earlier.failure._tag === "CalendarYearUnknown" && earlier.failure.year).toBe(2018)
  })
})
