import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Engine, rulePackPresets, SentNotifications } from "../../src/index.js"
import { notifyFailed } from "../../src/ports/index.js"
import { memoryEngine, publishedPacks } from "./support.js"

const T0 = Date.parse("2026-03-02T09:00:00+08:00")

// Rules that feed each other without end, but only for petitions from the Fubao community.
const fact = (fact: string, path: string, value: string) => ({ fact, path, operator: "equal", value })
const fubao = fact("petition", "$.jurisdiction", "community.fubao.fubao")
const pingPong = {
  ...(rulePackPresets["futian-10-30-24"] as { readonly escalation: ReadonlyArray<unknown> }),
  escalation: [
    ...(rulePackPresets["futian-10-30-24"] as { readonly escalation: ReadonlyArray<unknown> }).escalation,
    { name: "breach-urgent", conditions: { all: [fubao, fact("trigger", "$.type", "ClockBreached")] }, event: { type: "setPriority", params: { priority: "urgent" } } },
    { name: "ping", conditions: { all: [fubao, fact("trigger", "$.type", "PriorityChanged"), fact("petition", "$.priority", "urgent")] }, event: { type: "setPriority", params: { priority: "normal" } } },
    { name: "pong", conditions: { all: [fubao, fact("trigger", "$.type", "PriorityChanged"), fact("petition", "$.priority", "normal")] }, event: { type: "setPriority", params: { priority: "urgent" } } }
  ]
}
const packs = publishedPacks(pingPong)

const submit = (id: string, jurisdiction: string) => ({
  _tag: "Submit",
  petitionId: id,
  at: "2026-03-02T09:00:00+08:00",
  actor: { kind: "petitioner" },
  petitioner: { anonymous: true },
  channel: "channel.hotline",
  category: "city-management.sanitation.refuse-odour",
  jurisdiction,
  title: "垃圾站异味",
  content: "异味"
})

describe("engine: tick", () => {
  it("one petition whose firing fails does not hold up the others' timers; it is reported and tried again after its lease", async () => {
    const out = await Effect.runPromise(
      Effect.gen(function*() {
        const engine = yield* Engine
        // "a-bad" sorts and falls due first: a tick that stopped at its failure would fire nothing else.
        yield* engine.handleJson(submit("a-bad", "community.fubao.fubao"))
        yield* engine.handleJson(submit("b-good", "community.yuanling.hongli"))
        const first = yield* engine.tick(T0 + 11 * 60_000)
        const good = yield* engine.history("b-good")
        const within = yield* engine.tick(T0 + 11 * 60_000 + 10_000)
        const afterLease = yield* engine.tick(T0 + 11 * 60_000 + 31_000)
        return { first, good, within, afterLease }
      }).pipe(
        Effect.provide(memoryEngine(packs, { leaseMs: 30_000 }))
      )
    )
    expect(out.first.failed.map((f) => [f.petitionId, f.error._tag])).toEqual([["a-bad", "RuleLoop"]])
    expect(out.first.fired).toBe(1)
    expect(out.good.filter((e) => e._tag === "ClockBreached").map((e) => (e as { clock: string }).clock)).toEqual(["feedback"])
    expect(out.first.actions.map((a) => a.rule)).toContain("feedback-overdue")
    // Still claimed within its lease; claimed and failing again once the lease has run out.
    expect(out.within.failed).toEqual([])
    expect(out.afterLease.failed.map((f) => f.petitionId)).toEqual(["a-bad"])
  })
})

describe("engine: relay", () => {
  it("a dead letter that cannot be recorded on its petition does not stop the other deliveries", async () => {
    const preset = rulePackPresets["futian-10-30-24"] as { readonly escalation: ReadonlyArray<unknown> }
    // Rules that feed each other without end once a notification is dead-lettered.
    const loopOnDeadLetter = {
      ...preset,
      escalation: [
        ...preset.escalation,
        { name: "dead-urgent", conditions: { all: [fact("trigger", "$.type", "NotificationDeadLettered")] }, event: { type: "setPriority", params: { priority: "urgent" } } },
        { name: "ping", conditions: { all: [fact("trigger", "$.type", "PriorityChanged"), fact("petition", "$.priority", "urgent")] }, event: { type: "setPriority", params: { priority: "normal" } } },
        { name: "pong", conditions: { all: [fact("trigger", "$.type", "PriorityChanged"), fact("petition", "$.priority", "normal")] }, event: { type: "setPriority", params: { priority: "urgent" } } }
      ]
    }
    const loopPacks = publishedPacks(loopOnDeadLetter)
    const at = T0 + 11 * 60_000
    const out = await Effect.runPromise(
      Effect.gen(function*() {
        const engine = yield* Engine
        const sent = yield* SentNotifications
        yield* engine.handleJson(submit("p-a", "community.yuanling.hongli"))
        yield* engine.handleJson(submit("p-b", "community.yuanling.hongli"))
        yield* engine.tick(at)
        yield* sent.failNext(notifyFailed("default", false, "mailbox does not exist"), 1)
        const relayed = yield* engine.relay(at)
        return { relayed, delivered: yield* sent.all }
      }).pipe(
        Effect.provide(memoryEngine(loopPacks))
      )
    )
    expect(out.relayed.deadLettered).toHaveLength(1)
    expect(out.relayed.unrecorded.map((u) => [u.deadLetter.message.id, u.error._tag])).toEqual([[out.relayed.deadLettered[0]!.message.id, "RuleLoop"]])
    // Two feedback-overdue notifications per petition; all but the dead one were delivered.
    expect(out.relayed.delivered).toBe(3)
    expect(out.delivered).toHaveLength(3)
  })
})
