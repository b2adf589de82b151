// Working-calendar arithmetic: the interval index against the day-by-day walk (the test oracle),
// in the same process. Each index iteration does BATCH additions; additions/s = hz × BATCH.
import { Result } from "effect"
import { bench, describe } from "vitest"
import { makeCalendar, presetCalendar } from "../src/calendar/calendar.js"
import { compileDayRules } from "../src/calendar/days.js"
import { makeDuration } from "../src/calendar/duration.js"
import { oracleAdd } from "../src/calendar/oracle.js"
import { calendarPresets } from "../src/calendar/spec.js"
import type { WorkingCalendarSpec } from "../src/calendar/spec.js"

const BATCH = 1000
const from = Date.parse("2024-01-01T00:00:00+08:00")
const span = Date.parse("2025-10-01T00:00:00+08:00") - from
// A fixed pseudo-random sequence (LCG) so runs compare like with like.
let seed = 12345
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
const instants = Float64Array.from({ length: 4096 }, () => from + Math.floor(random() * span))

const china = presetCalendar("china")!
const rules = compileDayRules("china", calendarPresets.china)
const pt24h = makeDuration(0, 24 * 3_600_000)
const p60d = makeDuration(60, 0)

let i = 0
let sink = 0
const next = () => instants[i++ & 4095]!

const indexBatch = (d: typeof pt24h) => () => {
  for (let k = 0; k < BATCH; k++) {
    const r = china.add(next(), d)
    if (Result.isSuccess(r)) sink += r.success
  }
}

describe("add PT24H (working hours, china)", () => {
  bench(`index ×${BATCH}`, indexBatch(pt24h), { time: 2000 })
  bench("day walk (oracle) ×1", () => {
    sink += oracleAdd(rules, next(), pt24h)
  }, { time: 2000 })
})

describe("add P60D (working days, china)", () => {
  bench(`index ×${BATCH}`, indexBatch(p60d), { time: 2000 })
  bench("day walk (oracle) ×1", () => {
    sink += oracleAdd(rules, next(), p60d)
  }, { time: 2000 })
})

// December deadlines that run into a year without holiday data (counted provisionally): `add`
// alone, and `addReckoned`, which also says what was assumed — what flagging a deadline costs.
describe("add P15D into a year without data (provisional)", () => {
  const december = Float64Array.from(
    { length: 4096 },
    (_, k) => Date.parse("2026-12-01T09:00:00+08:00") + (k % 30) * 86_400_000 + ((k * 7919) % 28_800_000)
  )
  const p15d = makeDuration(15, 0)
  bench(`add ×${BATCH}`, () => {
    for (let k = 0; k < BATCH; k++) {
      const r = china.add(december[i++ & 4095]!, p15d)
      if (Result.isSuccess(r)) sink += r.success
    }
  }, { time: 2000 })
  bench(`addReckoned ×${BATCH}`, () => {
    for (let k = 0; k < BATCH; k++) {
      const r = china.addReckoned(december[i++ & 4095]!, p15d)
      if (Result.isSuccess(r)) sink += r.success.value
    }
  }, { time: 2000 })
})

// Policy staff add a district holiday: a new calendar is compiled (indexes rebuilt lazily) and
// every open deadline is recomputed. One iteration = build + 1,000,000 additions.
describe("recompute 1M deadlines after a calendar edit", () => {
  let edit = 0
  bench(
    "new calendar + 1M × add PT24H",
    () => {
      const spec: WorkingCalendarSpec = {
        ...(calendarPresets.china as WorkingCalendarSpec),
        extraHolidays: [{ date: `2025-03-${String(3 + (edit++ % 20)).padStart(2, "0")}`, name: "district day" }]
      }
      const cal = makeCalendar("edited", spec)
      for (let k = 0; k < 1_000_000; k++) {
        const r = cal.add(instants[k & 4095]!, pt24h)
        if (Result.isSuccess(r)) sink += r.success
      }
    },
    { iterations: 3, time: 0, warmupIterations: 1 }
  )
})

export const keep = () => sink
