import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Engine, SentNotifications } from "../../src/index.js"
import futian from "../../src/presets/futian-10-30-24.json" with { type: "json" }
import { memoryEngine, publishedPacks, runOn } from "./support.js"

const packs = publishedPacks(futian)
const run = runOn(packs)

const T0 = Date.parse("2026-03-02T09:00:00+08:00")
const min = 60_000

const submit = (id: string, at: number, extra: Record<string, unknown> = {}) => ({
  _tag: "Submit" as const,
  petitionId: id,
  at,
  actor: { kind: "petitioner" as const },
  petitioner: { anonymous: false },
  channel: "channel.district-secretary-online",
  category: "city-management.sanitation.refuse-odour",
  jurisdiction: "community.yuanling.hongli",
  title: "垃圾站异味",
  content: "小区门口垃圾站异味严重",
  ...extra
})

describe("engine: the Futian story", () => {
  it("routes on submit, watches the leader channel's leader, and meets all three 10-30-24 clocks", async () => {
    const result = await run(
      Effect.gen(function*() {
        const engine = yield* Engine
        const submitted = yield* engine.handle(submit("p-1", T0))
        const tags = submitted.events.map((e) => e._tag)
        expect(tags).toContain("Dispatched")
        expect(tags).toContain("WatcherAdded")
        const state = yield* engine.state("p-1")
        expect(state.lead).toBe("dept.urban-management")
        expect(state.coHandlers).toEqual(["dept.ecology"])
        expect(state.watchers).toContain("person.district-secretary")
        const unit = "dept.urban-management"
        yield* engine.handle({ _tag: "Accept", petitionId: "p-1", at: T0 + 2 * min, actor: { kind: "unit", id: unit }, unit })
        yield* engine.handle({ _tag: "Acknowledge", petitionId: "p-1", at: T0 + 5 * min, actor: { kind: "unit", id: unit }, unit })
        yield* engine.handle({ _tag: "Contact", petitionId: "p-1", at: T0 + 8 * min, actor: { kind: "unit", id: unit }, unit, method: "phone" })
        yield* engine.handle({ _tag: "AssignHandler", petitionId: "p-1", at: T0 + 20 * min, actor: { kind: "unit", id: unit }, unit, person: "person.head.urban-management" })
        yield* engine.handle({ _tag: "CompleteFirstRound", petitionId: "p-1", at: T0 + 6 * 60 * min, actor: { kind: "unit", id: unit }, unit, summary: "清运并消杀" })
        const tick = yield* engine.tick(T0 + 25 * 60 * min)
        const clocks = yield* engine.clocks("p-1", T0 + 25 * 60 * min)
        return { tick, clocks }
      })
    )
    const states = Object.fromEntries(result.clocks.clocks.map((c) => [c.name, c.state]))
    expect(states).toEqual({ feedback: "met", contact: "met", "handler-named": "met", "first-round": "met" })
    expect(result.tick.actions).toEqual([])
  })

  it("feedback not given in 10 minutes notifies the street's linked leader, once", async () => {
    const { notes, history } = await run(
      Effect.gen(function*() {
        const engine = yield* Engine
        yield* engine.handle(submit("p-2", T0))
        yield* engine.tick(T0 + 10 * min)
        yield* engine.tick(T0 + 11 * min)
        yield* engine.tick(T0 + 12 * min)
        yield* engine.relay(T0 + 12 * min)
        return { notes: yield* (yield* SentNotifications).all, history: yield* engine.history("p-2") }
      })
    )
    const breaches = history.filter((e) => e._tag === "ClockBreached" && e.clock === "feedback")
    expect(breaches).toHaveLength(1)
    const overdue = notes.filter((n) => n.template === "feedback-overdue")
    expect(overdue.length).toBeGreaterThan(0)
    expect(new Set(overdue.map((n) => n.recipient)).size).toBe(overdue.length)
  })

  it("records a breach that passed before a late command, even when no timer fired in between", async () => {
    const history = await run(
      Effect.gen(function*() {
        const engine = yield* Engine
        yield* engine.handle(submit("p-late", T0))
        const unit = "dept.urban-management"
        yield* engine.handle({ _tag: "Accept", petitionId: "p-late", at: T0 + 11 * min, actor: { kind: "unit", id: unit }, unit })
        yield* engine.tick(T0 + 12 * min)
        return yield* engine.history("p-late")
      })
    )
    const tags = history.map((e) => (e._tag === "ClockBreached" ? `${e._tag}:${e.clock}` : e._tag))
    expect(tags.indexOf("ClockBreached:feedback")).toBeGreaterThan(-1)
    expect(tags.indexOf("ClockBreached:feedback")).toBeLessThan(tags.indexOf("Accepted"))
    expect(tags.filter((t) => t === "ClockBreached:feedback")).toHaveLength(1)
  })

  it("records each notice a rule sends, and each rule that could not act, in the petition's history", async () => {
    const withGap = {
      ...futian,
      version: "gap.1",
      escalation: [
        ...futian.escalation,
        {
          id: "tell-the-grid",
          conditions: { all: [{ fact: "trigger", path: "$.type", operator: "equal", value: "Submitted" }] },
          event: { type: "notify", params: { recipients: [{ linkedLeader: "grid" }], template: "feedback-overdue" } }
        }
      ]
    }
    const gapPacks = publishedPacks(withGap)
    const history = await Effect.runPromise(
      Effect.gen(function*() {
        const engine = yield* Engine
        yield* engine.handle(submit("p-rec", T0))
        yield* engine.tick(T0 + 11 * min)
        return yield* engine.history("p-rec")
      }).pipe(
        Effect.provide(memoryEngine(gapPacks))
      )
    )
    const queued = history.filter((e) => e._tag === "NotificationQueued" && e.rule?.ruleId === "feedback-overdue")
    expect(queued).toHaveLength(1)
    expect(queued[0]).toMatchObject({ template: "feedback-overdue", rule: { ruleId: "feedback-overdue", packVersion: "gap.1" } })
    expect(queued[0]!._tag === "NotificationQueued" && queued[0]!.recipients.length).toBeGreaterThan(0)
    const failed = history.filter((e) => e._tag === "RuleActionFailed")
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatchObject({ rule: { ruleId: "tell-the-grid" } })
  })
})
