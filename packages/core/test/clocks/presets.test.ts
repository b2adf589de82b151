import { Result, Schema } from "effect"
import { describe, expect, it } from "vitest"
import futian from "../../src/presets/futian-10-30-24.json" with { type: "json" }
import xinfang from "../../src/presets/xinfang-statutory.json" with { type: "json" }
import { decodeInput, InstantFromString } from "../../src/index.js"
import { CalendarSpec, makeCalendars } from "../../src/calendar/index.js"
import { ClockPolicy, evaluateClocks } from "../../src/clocks/index.js"
import type { ClockEvent } from "../../src/clocks/index.js"
import { clockFacts } from "../../src/rules/facts.js"

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
  const days = makeCalendars(pack.calendars)
  // The switch: "statutory-days" as a working calendar counts every limit in working days.
  const workingDays = makeCalendars({ ...pack.calendars, "statutory-days": { kind: "working", holidays: "china" } })
  const evaluate = (events: ReadonlyArray<ClockEvent>, now: string, calendars = days) =>
    Result.getOrThrow(evaluateClocks({ events, subject, policies: pack.clocks, calendars, now: Date.parse(now) })).clocks
  const clock = (clocks: ReturnType<typeof evaluate>, name: string) => clocks.find((c) => c.name === name)!
  const due = (clocks: ReturnType<typeof evaluate>, name: string) => new Date(clock(clocks, name).dueAt!).toISOString()
  const iso = (s: string) => new Date(Date.parse(s)).toISOString()

  it("has the statutory limits and one extension of at most 30 days", () => {
    expect(pack.clocks.map((c) => [c.name, c.limit.iso])).toEqual([
      ["acceptance", "P15D"],
      ["transfer-objection", "P5D"],
      ["handling", "P60D"],
      ["review-decision", "P30D"],
      ["re-review-decision", "P30D"]
    ])
    const handling = pack.clocks.find((c) => c.name === "handling")!
    expect(handling.extensions?.maxCount).toBe(1)
    expect(handling.extensions?.maxTotal.iso).toBe("P30D")
  })

  it("cites the articles of the 信访工作条例 (2022) that set each limit", () => {
    const cites = Object.fromEntries(pack.clocks.map((c) => [c.name, c.description?.match(/^第[一二三四五六七八九十]+条(第[一二三]款)?/)?.[0]]))
    expect(cites).toEqual({
      acceptance: "第二十三条",
      "transfer-objection": "第二十三条第三款",
      handling: "第三十四条",
      "review-decision": "第三十五条",
      "re-review-decision": "第三十六条"
    })
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
    expect(dueOf(workingDays)).toBe(Date.parse("2026-04-10T10:00:00+08:00"))
  })

  it("art. 23(2): written notice 15 days after an item raised directly — calendar and working days", () => {
    const raised = [ev("Submitted", "2026-09-28T10:00:00+08:00", { firstHandler: "dept" })]
    expect(due(evaluate(raised, "2026-09-28T11:00:00+08:00"), "acceptance")).toBe(iso("2026-10-13T10:00:00+08:00"))
    // Working days: 29–30 September, National Day 1–7 October, 8–9, make-up Saturday 10, 12–16, 19–23 October.
    expect(due(evaluate(raised, "2026-09-28T11:00:00+08:00", workingDays), "acceptance")).toBe(iso("2026-10-23T10:00:00+08:00"))
  })

  it("art. 23(3): a transferred item gives the receiving unit 15 days from its receipt, and 5 working days to object", () => {
    const transferred = [
      ev("Submitted", "2026-09-25T10:00:00+08:00", { firstHandler: "letters-office" }),
      ev("Dispatched", "2026-09-30T10:00:00+08:00", { lead: "dept", coHandlers: [] })
    ]
    const clocks = evaluate(transferred, "2026-09-30T11:00:00+08:00")
    expect(due(clocks, "acceptance")).toBe(iso("2026-10-15T10:00:00+08:00"))
    // "5个工作日" whatever the switch: 8, 9, make-up Saturday 10, 12, 13 October.
    expect(due(clocks, "transfer-objection")).toBe(iso("2026-10-13T10:00:00+08:00"))
    expect(due(evaluate(transferred, "2026-09-30T11:00:00+08:00", workingDays), "transfer-objection")).toBe(iso("2026-10-13T10:00:00+08:00"))
    // Returning the item (the objection) in time meets the clock; accepting it does too.
    const returned = evaluate([...transferred, ev("Returned", "2026-10-12T10:00:00+08:00", { unit: "dept" })], "2026-10-20T10:00:00+08:00")
    expect(clock(returned, "transfer-objection").state).toBe("met")
    const silent = evaluate(transferred, "2026-10-14T10:00:00+08:00")
    expect(clock(silent, "transfer-objection")).toMatchObject({ state: "breached", breachedAt: Date.parse("2026-10-13T10:00:00+08:00") })
  })

  it("art. 34: 60 days from acceptance, at most 30 more with approval — calendar and working days", () => {
    const accepted = [
      ev("Submitted", "2026-03-30T10:00:00+08:00", { firstHandler: "dept" }),
      ev("Accepted", "2026-04-01T10:00:00+08:00", { unit: "dept" })
    ]
    expect(due(evaluate(accepted, "2026-04-02T10:00:00+08:00"), "handling")).toBe(iso("2026-05-31T10:00:00+08:00"))
    const extended = [...accepted, ev("Extended", "2026-05-20T10:00:00+08:00", { clock: "handling", amount: "P30D" })]
    expect(due(evaluate(extended, "2026-05-21T10:00:00+08:00"), "handling")).toBe(iso("2026-06-30T10:00:00+08:00"))
    // A second extension is beyond the rule and does not move the due instant.
    const twice = [...extended, ev("Extended", "2026-06-20T10:00:00+08:00", { clock: "handling", amount: "P1D" })]
    expect(due(evaluate(twice, "2026-06-21T10:00:00+08:00"), "handling")).toBe(iso("2026-06-30T10:00:00+08:00"))
    // Working days: across Labour Day (1–5 May, make-up Saturday 9 May) and the Dragon Boat Festival (19 June).
    expect(due(evaluate(accepted, "2026-04-02T10:00:00+08:00", workingDays), "handling")).toBe(iso("2026-06-30T10:00:00+08:00"))
  })

  it("arts. 35 and 36: review and re-review decided within 30 days of the request", () => {
    const reviews = [
      ...events,
      ev("Resolved", "2026-02-02T10:00:00+08:00", { unit: "dept" }),
      ev("ReviewRequested", "2026-02-10T10:00:00+08:00"),
      ev("ReviewDecided", "2026-03-01T10:00:00+08:00", { stage: "review", outcome: "upheld" }),
      ev("ReReviewRequested", "2026-03-05T10:00:00+08:00")
    ]
    const clocks = evaluate(reviews, "2026-03-06T10:00:00+08:00")
    expect(Object.fromEntries(clocks.map((c) => [c.name, c.state]))).toEqual({
      acceptance: "met",
      "transfer-objection": "pending",
      handling: "met",
      "review-decision": "met",
      "re-review-decision": "running"
    })
    expect(due(clocks, "review-decision")).toBe(iso("2026-03-12T10:00:00+08:00"))
    expect(due(clocks, "re-review-decision")).toBe(iso("2026-04-04T10:00:00+08:00"))
  })

  it("art. 36(2): the time a hearing takes is not counted in the re-review", () => {
    const hearing = [
      ev("ReReviewRequested", "2026-03-05T10:00:00+08:00"),
      ev("Suspended", "2026-03-10T10:00:00+08:00", { reason: "举行听证 (hearing)" }),
      ev("Resumed", "2026-03-20T10:00:00+08:00", { reason: "听证结束 (hearing over)" })
    ]
    const during = clock(evaluate(hearing.slice(0, 2), "2026-04-10T10:00:00+08:00"), "re-review-decision")
    expect(during.state).toBe("paused")
    // Ten days of hearing move the due instant from 4 to 14 April.
    expect(due(evaluate(hearing, "2026-03-21T10:00:00+08:00"), "re-review-decision")).toBe(iso("2026-04-14T10:00:00+08:00"))
  })

  it("counts a December limit into 2027, whose holiday notice is not out yet, provisionally instead of failing", () => {
    const december = [
      ev("Submitted", "2026-12-21T10:00:00+08:00", { firstHandler: "letters-office" }),
      ev("Dispatched", "2026-12-28T10:00:00+08:00", { lead: "dept", coHandlers: [] })
    ]
    const clocks = evaluate(december, "2026-12-28T11:00:00+08:00", workingDays)
    // 29–31 December, 1 January assumed a holiday (元旦 is fixed by date), 4–5 January.
    expect(due(clocks, "transfer-objection")).toBe(iso("2027-01-05T10:00:00+08:00"))
    const cal = workingDays.get("statutory-working-days")!
    const objection = clock(clocks, "transfer-objection")
    expect(cal.assumptions(objection.startedAt!, objection.dueAt!)?.years).toEqual([2027])
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

const statutory = load(xinfang)
const calendars = makeCalendars(statutory.calendars)
const clocksAt = (events: ReadonlyArray<ClockEvent>, now: string) =>
  Result.getOrThrow(evaluateClocks({ events, subject, policies: statutory.clocks, calendars, now: Date.parse(now) }))
const clock = (events: ReadonlyArray<ClockEvent>, now: string, name: string) => clocksAt(events, now).clocks.find((c) => c.name === name)

describe("a breach is charged to the unit accountable at the due instant", () => {
  const submitted = ev("Submitted", "2026-03-02T09:00:00+08:00", { firstHandler: "centre" })
  const dispatched = ev("Dispatched", "2026-03-03T09:00:00+08:00", { lead: "dept", coHandlers: [] })

  it("before the lead accepts, the first handler — not the unit the petition was offered to", () => {
    const c = clock([submitted, dispatched], "2026-04-01T09:00:00+08:00", "acceptance")
    expect(c?.state).toBe("breached")
    expect(c?.unit).toBe("centre")
  })

  it("after the lead accepts, the lead", () => {
    const accepted = ev("Accepted", "2026-03-04T09:00:00+08:00", { unit: "dept" })
    const c = clock([submitted, dispatched, accepted], "2026-06-30T09:00:00+08:00", "handling")
    expect(c?.state).toBe("breached")
    expect(c?.unit).toBe("dept")
  })

  it("a lead's return hands accountability back to the first handler", () => {
    const returned = ev("Returned", "2026-03-04T09:00:00+08:00", { unit: "dept", reason: "not ours" })
    const c = clock([submitted, dispatched, returned], "2026-04-01T09:00:00+08:00", "acceptance")
    expect(c?.unit).toBe("centre")
    const running = clock([submitted, dispatched, returned], "2026-03-05T09:00:00+08:00", "acceptance")
    expect(running?.unit).toBe("centre")
  })
})

describe("clock facts", () => {
  it("report a clock by its name with its unit, never under a name with the unit glued on", () => {
    const evaluation = clocksAt([ev("Submitted", "2026-03-02T09:00:00+08:00", { firstHandler: "centre" })], "2026-03-03T09:00:00+08:00")
    const facts = clockFacts(evaluation)
    expect(facts["acceptance"]?.unit).toBe("centre")
    expect(Object.keys(facts).filter((k) => k.includes(":"))).toEqual([])
  })
})
