import { Result, Schema } from "effect"
import { describe, expect, it } from "vitest"
import futian from "../../src/presets/futian-10-30-24.json" with { type: "json" }
import xinfang from "../../src/presets/xinfang-statutory.json" with { type: "json" }
import { CalendarSpec, ClockPolicy, decodeInput, evaluateClocks, InstantFromString, makeCalendars } from "../../src/index.js"
import type { ClockEvent } from "../../src/index.js"

// The parts of a rule pack this module owns; the rule-pack schema composes them with the rest.
const PackClocks = Schema.Struct({
  id: Schema.String,
  version: Schema.String,
  effectiveFrom: InstantFromString,
  calendars: Schema.Record(Schema.String, CalendarSpec),
  clocks: Schema.Array(ClockPolicy)
})
const load = (json: { readonly id: string; readonly version: string; readonly effectiveFrom: string; readonly calendars: unknown; readonly clocks: unknown }) => {
  const { id, version, effectiveFrom, calendars, clocks } = json
  return Result.getOrThrow(decodeInput(PackClocks, "rule pack")({ id, version, effectiveFrom, calendars, clocks }))
}
const subject = { categoryPath: ["urban"], priority: "normal" }
const ev = (_tag: string, iso: string, payload: Record<string, unknown> = {}): ClockEvent => ({ _tag, at: Date.parse(iso), ...payload })

describe("preset futian-10-30-24", () => {
  const pack = load(futian)
  const calendars = makeCalendars(pack.calendars)

  it("has the four 10-30-24 clocks in natural time", () => {
    expect(pack.clocks.map((c) => [c.name, c.limit.iso])).toEqual([
      ["feedback", "PT10M"],
      ["contact", "PT30M"],
      ["handler-named", "PT24H"],
      ["first-round", "PT24H"]
    ])
    expect(Object.values(pack.calendars).every((c) => c.kind === "natural")).toBe(true)
  })

  it("runs over a night and a holiday without stopping", () => {
    const events = [
      ev("Submitted", "2026-09-30T23:55:00+08:00", { firstHandler: "centre" }),
      ev("Acknowledged", "2026-10-01T00:03:00+08:00", { unit: "centre" }),
      ev("HandlerAssigned", "2026-10-01T09:00:00+08:00", { unit: "dept", person: "p1" })
    ]
    const r = Result.getOrThrow(evaluateClocks({ events, subject, policies: pack.clocks, calendars, now: Date.parse("2026-10-01T10:00:00+08:00") }))
    const state = Object.fromEntries(r.clocks.map((c) => [c.name, c.state]))
    expect(state).toEqual({ feedback: "met", contact: "breached", "handler-named": "met", "first-round": "running" })
    expect(r.nextWakeups).toEqual([
      { at: Date.parse("2026-10-01T11:55:00+08:00"), key: "first-round", kind: "warning", threshold: "0.5" },
      { at: Date.parse("2026-10-01T21:55:00+08:00"), key: "first-round", kind: "warning", threshold: "PT2H" },
      { at: Date.parse("2026-10-01T23:55:00+08:00"), key: "first-round", kind: "breach" }
    ])
  })
})

describe("preset xinfang-statutory", () => {
  const pack = load(xinfang)

  it("has the statutory limits and one extension of at most 30 days", () => {
    expect(pack.clocks.map((c) => [c.name, c.limit.iso])).toEqual([
      ["acceptance", "P15D"],
      ["handling", "P60D"],
      ["review-decision", "P30D"],
      ["re-review-decision", "P30D"]
    ])
    const handling = pack.clocks.find((c) => c.name === "handling")!
    expect(handling.extensions?.maxCount).toBe(1)
    expect(handling.extensions?.maxTotal.iso).toBe("P30D")
  })

  const events = [
    ev("Submitted", "2026-01-05T10:00:00+08:00", { firstHandler: "letters-office" }),
    ev("Accepted", "2026-01-09T10:00:00+08:00", { unit: "dept" })
  ]
  const dueOf = (calendars: ReturnType<typeof makeCalendars>) =>
    Result.getOrThrow(evaluateClocks({ events, subject, policies: pack.clocks, calendars, now: Date.parse("2026-01-10T00:00:00+08:00") }))
      .clocks.find((c) => c.name === "handling")!.dueAt

  it("counts calendar days by default", () => {
    expect(dueOf(makeCalendars(pack.calendars))).toBe(Date.parse("2026-03-10T10:00:00+08:00"))
  })

  it("counts working days when the calendar switch says so", () => {
    // 60 working days from Friday 9 January 2026: across the nine-day Spring Festival (15–23 February)
    // with its make-up Saturdays 14 and 28 February, and Qingming (4–6 April).
    const working = makeCalendars({ "statutory-days": { kind: "working", holidays: "china" } })
    expect(dueOf(working)).toBe(Date.parse("2026-04-10T10:00:00+08:00"))
  })

  it("decides reviews by stage", () => {
    const r = Result.getOrThrow(
      evaluateClocks({
        events: [...events, ev("Resolved", "2026-02-02T10:00:00+08:00", { unit: "dept" }), ev("ReviewRequested", "2026-02-10T10:00:00+08:00"), ev("ReviewDecided", "2026-03-01T10:00:00+08:00", { stage: "review", outcome: "upheld" }), ev("ReReviewRequested", "2026-03-05T10:00:00+08:00")],
        subject,
        policies: pack.clocks,
        calendars: makeCalendars(pack.calendars),
        now: Date.parse("2026-03-06T10:00:00+08:00")
      })
    )
    const state = Object.fromEntries(r.clocks.map((c) => [c.name, c.state]))
    expect(state).toEqual({ acceptance: "met", handling: "met", "review-decision": "met", "re-review-decision": "running" })
  })
})

describe("the presets' calendars and clocks", () => {
  it("describe themselves in Chinese first, with the English after it", () => {
    for (const pack of [load(futian), load(xinfang)]) {
      const described = [...Object.entries(pack.calendars), ...pack.clocks.map((c) => [c.name, c] as const)]
      for (const [name, item] of described) {
        expect({ pack: pack.id, name, description: item.description }).toEqual({
          pack: pack.id,
          name,
          description: expect.stringMatching(/^[^(]*[\u4e00-\u9fff][^(]* \([a-z0-9].*\)$/)
        })
      }
    }
  })
})
