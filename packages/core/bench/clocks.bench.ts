// Clock evaluation on a typical history: the four futian-10-30-24 clocks (natural time) and the
// statutory handling clock on the china working calendar, with a suspension and an extension.
// Baseline in the same process: the same history with natural-time clocks only.
import { Result } from "effect"
import { bench, describe } from "vitest"
import { makeCalendars } from "../src/calendar/calendar.js"
import { ClockPolicy } from "../src/clocks/policy.js"
import { evaluateClocks } from "../src/clocks/evaluate.js"
import type { ClockEvent } from "../src/clocks/evaluate.js"
import { decodeInput } from "../src/shared/validation.js"

const decode = decodeInput(ClockPolicy, "clock policy")
const p = (json: unknown) => Result.getOrThrow(decode(json))
const natural = [
  p({ name: "feedback", start: ["Submitted"], stop: ["Acknowledged"], limit: "PT10M", calendar: "natural", warnings: [0.5, "PT2M"] }),
  p({ name: "contact", start: ["Submitted"], stop: ["Contacted"], limit: "PT30M", calendar: "natural", warnings: [0.5] }),
  p({ name: "handler-named", start: ["Submitted"], stop: ["HandlerAssigned"], limit: "PT24H", calendar: "natural" }),
  p({ name: "first-round", start: ["Submitted"], stop: ["FirstRoundCompleted"], limit: "PT24H", calendar: "natural", warnings: [0.8] })
]
const working = [
  ...natural,
  p({
    name: "handling",
    start: ["Accepted"],
    stop: ["Resolved"],
    pause: ["Suspended"],
    resume: ["Resumed"],
    limit: "P60D",
    calendar: "china",
    warnings: [0.5, 0.8],
    extensions: { maxCount: 1, maxTotal: "P30D" }
  })
]
const calendars = makeCalendars({})
const T = Date.parse("2025-03-03T10:00:00+08:00")
const H = 3_600_000
const events: Array<ClockEvent> = [
  { _tag: "Submitted", at: T, firstHandler: "centre" },
  { _tag: "Acknowledged", at: T + 300_000, unit: "centre" },
  { _tag: "Contacted", at: T + 900_000, unit: "centre" },
  { _tag: "Dispatched", at: T + H, lead: "dept", coHandlers: ["a", "b"] },
  { _tag: "Accepted", at: T + 2 * H, unit: "dept" },
  { _tag: "HandlerAssigned", at: T + 3 * H, unit: "dept", person: "p" },
  { _tag: "FirstRoundCompleted", at: T + 20 * H, unit: "dept", summary: "s" },
  { _tag: "Suspended", at: T + 48 * H, reason: "r" },
  { _tag: "Resumed", at: T + 120 * H, reason: "r" },
  { _tag: "Extended", at: T + 200 * H, clock: "handling", amount: "P30D", reason: "r", approver: "boss" }
]
const subject = { categoryPath: ["urban"], priority: "normal" }
const now = T + 300 * H
let sink = 0

describe("evaluate the clocks of one petition (10 events)", () => {
  bench("4 natural clocks", () => {
    const r = evaluateClocks({ events, subject, policies: natural, calendars, now })
    if (Result.isSuccess(r)) sink += r.success.clocks.length
  })
  bench("4 natural + 1 working-day clock with pause and extension", () => {
    const r = evaluateClocks({ events, subject, policies: working, calendars, now })
    if (Result.isSuccess(r)) sink += r.success.clocks.length
  })
})

export const keep = () => sink
