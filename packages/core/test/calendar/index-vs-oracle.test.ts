import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { addWorkingDaysIndexed, addWorkingMsIndexed, betweenIndexed, makeCalendarEngine, nextWorkingIndexed } from "../../src/calendar/year-index.js"
import { compileDayRules } from "../../src/calendar/days.js"
import { oracleAddDays, oracleAddMs, oracleBetween, oracleNextWorking } from "../../src/calendar/oracle.js"
import { calendarPresets } from "../../src/calendar/spec.js"
import type { CalendarSpec } from "../../src/calendar/spec.js"

// Spring Festival make-up Saturdays and Sundays, and days next to holidays.
const specialDays = [
  "2020-01-19", "2020-02-01", "2020-02-03", "2021-02-07", "2021-02-20", "2022-01-29", "2022-01-30", "2023-01-28",
  "2023-01-29", "2024-02-04", "2024-02-18", "2025-01-26", "2025-02-08", "2026-02-14", "2026-02-28", "2025-09-30",
  "2023-12-31", "2024-12-31", "2022-04-02", "2026-01-04"
]
// Midnight, the edges of the lunch break and of the day.
const specialWalls = ["00:00", "08:59", "09:00", "11:59", "12:00", "12:30", "13:59", "14:00", "17:59", "18:00", "23:59"]

const instantIn = (zoneOffset: string, from: string, to: string) =>
  fc.oneof(
    fc.integer({ min: Date.parse(from), max: Date.parse(to) }),
    fc
      .tuple(fc.constantFrom(...specialDays), fc.constantFrom(...specialWalls), fc.integer({ min: -60_000, max: 60_000 }))
      .map(([d, w, jitter]) => Date.parse(`${d}T${w}:00${zoneOffset}`) + jitter)
  )

const msDuration = fc.oneof(
  fc.integer({ min: 0, max: 400 * 3_600_000 }),
  fc.constantFrom(600_000, 1_800_000, 24 * 3_600_000, 3 * 3_600_000, 7 * 3_600_000)
)
const days = fc.integer({ min: 0, max: 60 })

const check = (name: string, spec: CalendarSpec, instants: fc.Arbitrary<number>, runs: number) => {
  const rules = compileDayRules(name, spec)
  const engine = makeCalendarEngine(rules)
  describe(`index == day walk (${name})`, () => {
    it("adding working time", () => {
      fc.assert(fc.property(instants, msDuration, (at, ms) => addWorkingMsIndexed(engine, at, ms) === oracleAddMs(rules, at, ms)), {
        numRuns: runs
      })
    })
    it("adding working days", () => {
      fc.assert(fc.property(instants, days, (at, n) => addWorkingDaysIndexed(engine, at, n) === oracleAddDays(rules, at, n)), {
        numRuns: runs
      })
    })
    it("next working instant", () => {
      fc.assert(fc.property(instants, (at) => nextWorkingIndexed(engine, at) === oracleNextWorking(rules, at)), { numRuns: runs })
    })
    it("working time between two instants", () => {
      fc.assert(
        fc.property(instants, fc.integer({ min: -90 * 86_400_000, max: 90 * 86_400_000 }), (a, delta) => {
          return betweenIndexed(engine, a, a + delta) === oracleBetween(rules, a, a + delta)
        }),
        { numRuns: runs }
      )
    })
    it("adding then measuring gives the duration back", () => {
      fc.assert(
        fc.property(instants, msDuration, (at, ms) => {
          const start = nextWorkingIndexed(engine, at)
          return betweenIndexed(engine, start, addWorkingMsIndexed(engine, start, ms)) === ms
        }),
        { numRuns: runs }
      )
    })
  })
}

check("china", calendarPresets.china, instantIn("+08:00", "2020-01-01T00:00:00+08:00", "2026-08-31T00:00:00+08:00"), 300)

// Hours straddle 02:00 on Sundays, where US daylight saving starts and ends, and reach midnight.
const weekday = ["08:00-12:00", "13:00-17:00"]
check(
  "new-york",
  {
    kind: "working",
    timeZone: "America/New_York",
    hours: { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: ["08:00-12:00", "13:00-24:00"], sat: ["00:00-03:00"], sun: ["01:00-03:30", "22:00-24:00"] },
    holidays: "none"
  },
  fc.oneof(
    fc.integer({ min: Date.parse("2020-01-01T00:00:00Z"), max: Date.parse("2026-08-31T00:00:00Z") }),
    fc
      .tuple(
        fc.constantFrom("2024-03-10", "2024-11-03", "2025-03-09", "2025-11-02", "2026-03-08", "2023-11-05"),
        fc.constantFrom("00:30", "01:00", "01:30", "01:59", "02:00", "02:30", "03:00", "03:29", "03:30", "22:00", "23:59"),
        fc.constantFrom("-05:00", "-04:00")
      )
      .map(([d, w, off]) => Date.parse(`${d}T${w}:00${off}`))
  ),
  300
)

describe("zone-correct arithmetic across daylight saving (America/New_York)", () => {
  const rules = compileDayRules("ny", { kind: "working", timeZone: "America/New_York", hours: { sun: ["01:00-04:00"], mon: ["09:00-17:00"] }, holidays: "none" })
  const engine = makeCalendarEngine(rules)
  it("the spring-forward Sunday has two working hours, the fall-back Sunday four", () => {
    const spring = Date.parse("2026-03-08T01:00:00-05:00")
    expect(betweenIndexed(engine, spring, Date.parse("2026-03-08T04:00:00-04:00"))).toBe(2 * 3_600_000)
    const fall = Date.parse("2026-11-01T01:00:00-04:00")
    expect(betweenIndexed(engine, fall, Date.parse("2026-11-01T04:00:00-05:00"))).toBe(4 * 3_600_000)
  })
  it("a working day later keeps the wall-clock time, not the elapsed 24 hours", () => {
    // Monday 2 March 10:00 EST + 2 working days: Sunday 8 March (spring forward) is the first, Monday 9 March
    // the second: 10:00 on the wall clock, which is now EDT (one hour earlier in UTC than 10:00 EST).
    const monday = Date.parse("2026-03-02T10:00:00-05:00")
    expect(addWorkingDaysIndexed(engine, monday, 2)).toBe(Date.parse("2026-03-09T10:00:00-04:00"))
  })
})
