import { Context, Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it, vi } from "vitest"
import { createMinyi, Engine, engineLayer, Notifier, Notifiers, Outbox, rulePackPresets, schedulerLayer, sampleDirectory, SentNotifications, Storage } from "../../src/index.js"
import { notifyFailed } from "../../src/ports/index.js"
import { memoryEngine, publishedPacks, refuseOdourSubmit } from "./support.js"

const directory = sampleDirectory()
const submit = refuseOdourSubmit

describe("the Promise facade", () => {
  it("runs commands and reads state with plain promises", async () => {
    const minyi = createMinyi({ directory, rulePack: "futian-10-30-24", notifier: Notifiers.layerMemory })
    try {
      const handled = await minyi.handle(submit("p-1", "2026-03-02T09:00:00+08:00"))
      expect(handled.events[0]?._tag).toBe("Submitted")
      const state = await minyi.state("p-1")
      expect(state.lead).toBe("dept.urban-management")
      const tick = await minyi.tick(Date.parse("2026-03-02T09:11:00+08:00"))
      expect(tick.actions.map((a) => a.rule)).toContain("feedback-overdue")
    } finally {
      await minyi.dispose()
    }
  })

  it("runs the scheduler in the background when asked, until disposed", async () => {
    const minyi = createMinyi({ directory, rulePack: "futian-10-30-24", notifier: Notifiers.layerMemory, scheduler: { pollMs: 20 } })
    try {
      // Received long before the (real) clock's now: the feedback clock is overdue at the first round.
      await minyi.handle(submit("p-bg", "2026-03-02T09:00:00+08:00"))
      await vi.waitFor(async () => {
        const breached = (await minyi.history("p-bg")).filter((e) => e._tag === "ClockBreached")
        expect(breached.length).toBeGreaterThan(0)
      }, { timeout: 10_000, interval: 20 })
    } finally {
      await minyi.dispose()
    }
  })

  it("delivers through the notifiers it is given: one layer, or one notifier per channel", async () => {
    const delivered: Array<string> = []
    const recorder = (name: string) => Notifier.of({ send: (n) => Effect.sync(() => void delivered.push(`${name}:${n.recipient}`)) })
    const overdue = Date.parse("2026-03-02T09:11:00+08:00")
    for (const notifiers of [Layer.succeed(Notifier, recorder("layer")), { default: recorder("channel") }]) {
      const minyi = createMinyi({ directory, rulePack: "futian-10-30-24", notifiers })
      try {
        await minyi.handle(submit("p-1", "2026-03-02T09:00:00+08:00"))
        await minyi.tick(overdue)
        const relayed = await minyi.relay(overdue)
        expect(relayed.delivered).toBeGreaterThan(0)
      } finally {
        await minyi.dispose()
      }
    }
    expect(delivered).toEqual(expect.arrayContaining(["layer:person:person.deputy-head.1", "channel:person:person.deputy-head.1"]))
  })

  it("rejects with real Error instances that carry _tag and a readable message", async () => {
    const minyi = createMinyi({ directory, rulePack: "futian-10-30-24" })
    try {
      const missing = await minyi.state("nope").catch((e: unknown) => e)
      expect(missing).toBeInstanceOf(Error)
      expect(missing).toMatchObject({ _tag: "PetitionNotFound" })
      expect((missing as Error).message).toContain("nope")
      // The `@ts-expect-error` lines stand for JavaScript callers, whom the compiler does not check.
      // @ts-expect-error a Submit without its fields does not compile
      const bad = await minyi.handle({ _tag: "Submit", petitionId: "x" }).catch((e: unknown) => e)
      expect(bad).toBeInstanceOf(Error)
      expect(bad).toMatchObject({ _tag: "InvalidInput" })
      expect((bad as Error).message).toContain("/channel")
      // A typed command (instants as epoch ms) from JavaScript is checked as well, not trusted.
      // @ts-expect-error an Accept without petitionId and actor does not compile
      const typed = await minyi.handle({ _tag: "Accept", at: Date.parse("2026-03-02T09:05:00+08:00"), unit: "dept.urban-management" }).catch((e: unknown) => e)
      expect(typed).toBeInstanceOf(Error)
      expect(typed).toMatchObject({ _tag: "InvalidInput" })
      expect((typed as { problems: ReadonlyArray<{ path: string }> }).problems.map((p) => p.path)).toEqual(["/petitionId", "/actor"])
      // @ts-expect-error a tag the engine does not know does not compile
      const unknownTag = await minyi.handle({ _tag: "Approve", at: 1 }).catch((e: unknown) => e)
      expect(unknownTag).toMatchObject({ _tag: "InvalidInput", problems: [{ path: "/_tag" }] })
    } finally {
      await minyi.dispose()
    }
  })

  it("refuses a bad directory or rule pack at creation, naming the JSON path", () => {
    expect(() => createMinyi({ directory: { units: 3 }, rulePack: "futian-10-30-24" })).toThrow(/\/units/)
    expect(() => createMinyi({ directory, rulePack: { id: "x" } })).toThrow(/version/)
  })
})

describe("the scheduler", () => {
  it("fires timers at their instants on the test clock — no sleeps", async () => {
    const packs = publishedPacks(rulePackPresets["futian-10-30-24"])
    const T0 = Date.parse("2026-03-02T09:00:00+08:00")
    const program = Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const engine = yield* Engine
      yield* engine.handleJson(submit("p-s", "2026-03-02T09:00:00+08:00"))
      // The scheduler runs for as long as the scope of the layer that starts it.
      return yield* Effect.gen(function*() {
        yield* TestClock.adjust("9 minutes")
        const before = (yield* engine.history("p-s")).filter((e) => e._tag === "ClockBreached")
        yield* TestClock.adjust("2 minutes")
        const after = (yield* engine.history("p-s")).filter((e) => e._tag === "ClockBreached")
        const sent = yield* (yield* SentNotifications).all
        return { before, after, sent }
      }).pipe(Effect.provide(schedulerLayer({ pollMs: 60_000 })))
    })
    const out = await Effect.runPromise(
      program.pipe(
        Effect.provide(memoryEngine(packs)),
        Effect.provide(TestClock.layer())
      )
    )
    expect(out.before).toEqual([])
    expect(out.after.map((e) => (e._tag === "ClockBreached" ? e.clock : e._tag))).toEqual(["feedback"])
    expect(out.sent.some((n) => n.template === "feedback-overdue")).toBe(true)
  })

  it("retries failed deliveries with backoff, then dead-letters and records it on the petition", async () => {
    const packs = publishedPacks(rulePackPresets["futian-10-30-24"])
    const T0 = Date.parse("2026-03-02T09:00:00+08:00")
    const out = await Effect.runPromise(
      Effect.gen(function*() {
        const engine = yield* Engine
        const sent = yield* SentNotifications
        yield* engine.handleJson(submit("p-d", "2026-03-02T09:00:00+08:00"))
        yield* engine.tick(T0 + 11 * 60_000)
        yield* sent.failNext(notifyFailed("default", false, "mailbox does not exist"), 10)
        const relay = yield* engine.relay(T0 + 11 * 60_000)
        return { relay, history: yield* engine.history("p-d") }
      }).pipe(
        Effect.provide(memoryEngine(packs))
      )
    )
    expect(out.relay.deadLettered.length).toBeGreaterThan(0)
    const recorded = out.history.filter((e) => e._tag === "NotificationDeadLettered")
    expect(recorded.length).toBe(out.relay.deadLettered.length)
  })

  it("records a dead letter that a crash left unrecorded, on the next engine's first relay", async () => {
    const packs = publishedPacks(rulePackPresets["futian-10-30-24"])
    const T0 = Date.parse("2026-03-02T09:00:00+08:00")
    const storage = Storage.makeMemory()
    const engineOn = engineLayer({ directory, packs }).pipe(
      Layer.provideMerge(Layer.merge(Layer.succeedContext(storage), Notifiers.layerMemory))
    )
    const out = await Effect.runPromise(
      Effect.gen(function*() {
        // A first engine: the message dies, but the process "crashes" before recording it —
        // simulated by failing the delivery through the outbox port directly, as relay would.
        yield* Effect.gen(function*() {
          const engine = yield* Engine
          yield* engine.handleJson(submit("p-c", "2026-03-02T09:00:00+08:00"))
          yield* engine.tick(T0 + 11 * 60_000)
        }).pipe(Effect.provide(engineOn))
        const outbox = Context.get(storage, Outbox)
        const claims = yield* outbox.claim({ now: T0 + 11 * 60_000, limit: 10, leaseMs: 1000, workerId: "crashed" })
        for (const c of claims) yield* outbox.fail(c.message.id, c.token, { retryable: false, reason: "no such mailbox" }, T0 + 11 * 60_000)
        // A second engine starts and relays.
        return yield* Effect.gen(function*() {
          const engine = yield* Engine
          yield* engine.relay(T0 + 12 * 60_000)
          yield* engine.relay(T0 + 13 * 60_000)
          return { dead: claims.length, history: yield* engine.history("p-c") }
        }).pipe(Effect.provide(engineOn))
      })
    )
    expect(out.dead).toBeGreaterThan(0)
    expect(out.history.filter((e) => e._tag === "NotificationDeadLettered")).toHaveLength(out.dead)
  })
})
