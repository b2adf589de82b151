import { Engine, engineLayer, makeMemoryStorage } from "@minyi/core"
import type { RetryPolicy, RulePackRegistry } from "@minyi/core"
import * as Webhook from "@minyi/notify-webhook"
import { Effect, Layer } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { directory, futianPacks, MINUTE, packWithDeadLetterRule, SECRET, startReceiver, submitAt, T0 } from "./support.js"
import type { Receiver } from "./support.js"

const retry: RetryPolicy = { initialDelayMs: 1_000, factor: 2, maxDelayMs: 60_000, maxAttempts: 10, jitter: 0.2 }

const receivers: Array<Receiver> = []
const receiver = async (answer: Parameters<typeof startReceiver>[0]) => {
  const r = await startReceiver(answer)
  receivers.push(r)
  return r
}
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close()
})

/** An engine over in-memory storage whose notifications go out as webhooks to `endpoints`. */
const engineWith = (packs: RulePackRegistry, endpoints: Record<string, string>) =>
  engineLayer({ directory, packs }).pipe(
    Layer.provideMerge(Layer.merge(Layer.succeedContext(makeMemoryStorage({ retry })), Webhook.layer({ endpoints, secret: SECRET })))
  )

describe("the relay with a webhook receiver on loopback", () => {
  it("delivers after an outage, retrying with exponential backoff and jitter in between", async () => {
    let now = 0
    const recoversAt = T0 + 11 * MINUTE + 20_000
    const attempts = new Map<string, Array<number>>()
    const r = await receiver(() => (now >= recoversAt ? 200 : 503))
    const STEP = 100
    const out = await Effect.runPromise(
      Effect.gen(function*() {
        const engine = yield* Engine
        yield* engine.handle(submitAt("p-outage"))
        yield* engine.tick(T0 + 11 * MINUTE)
        // Virtual time in small steps: the relay only tries a message when its backoff has run out.
        for (now = T0 + 11 * MINUTE; now <= T0 + 12 * MINUTE; now += STEP) {
          const before = r.hits.length
          yield* engine.relay(now)
          for (const hit of r.hits.slice(before)) attempts.set(hit.notificationId, [...(attempts.get(hit.notificationId) ?? []), now])
        }
        return yield* engine.relay(now)
      }).pipe(Effect.provide(engineWith(futianPacks(), { "*": r.url })))
    )
    expect(out.deadLettered).toEqual([])
    expect(attempts.size).toBeGreaterThan(0)
    for (const [id, times] of attempts) {
      const hits = r.hits.filter((h) => h.notificationId === id)
      // Delivered exactly once, after the receiver recovered, always with the same key.
      expect(hits.filter((h) => h.status === 200)).toHaveLength(1)
      expect(times[times.length - 1]).toBeGreaterThanOrEqual(recoversAt)
      expect(new Set(hits.map((h) => h.idempotencyKey)).size).toBe(1)
      // The gap after the n-th failure is 1 s · 2^(n−1) ± 20 %, give or take one step of the loop.
      const gaps = times.slice(1).map((t, i) => t - times[i]!)
      expect(gaps.length).toBeGreaterThanOrEqual(4)
      gaps.forEach((gap, i) => {
        const base = retry.initialDelayMs * retry.factor ** i
        expect(gap).toBeGreaterThanOrEqual(base * (1 - retry.jitter) - STEP)
        expect(gap).toBeLessThanOrEqual(base * (1 + retry.jitter) + STEP)
      })
    }
    // Jitter spreads the messages apart, so they do not all hit the recovering receiver at once.
    const schedules = [...attempts.values()].map((t) => t.slice(0, 4).join(","))
    if (schedules.length > 1) expect(new Set(schedules).size).toBeGreaterThan(1)
  })

  it("records a permanent failure on the petition as a dead letter, and a rule tells the dispatch centre", async () => {
    const gone = await receiver(() => 410)
    const centre = await receiver(() => 200)
    const out = await Effect.runPromise(
      Effect.gen(function*() {
        const engine = yield* Engine
        yield* engine.handle(submitAt("p-dead"))
        yield* engine.tick(T0 + 11 * MINUTE)
        const first = yield* engine.relay(T0 + 11 * MINUTE)
        const second = yield* engine.relay(T0 + 11 * MINUTE + 1)
        return { first, second, history: yield* engine.history("p-dead") }
      }).pipe(Effect.provide(engineWith(packWithDeadLetterRule(), { "unit:unit.dispatch-centre": centre.url, "*": gone.url })))
    )
    expect(out.first.deadLettered.length).toBeGreaterThan(0)
    expect(out.first.deadLettered.every((d) => d.reason.includes("410"))).toBe(true)
    const recorded = out.history.filter((e) => e._tag === "NotificationDeadLettered")
    expect(recorded.map((e) => (e._tag === "NotificationDeadLettered" ? e.notificationId : "")).sort()).toEqual(
      out.first.deadLettered.map((d) => d.message.id).sort()
    )
    // The rule on NotificationDeadLettered sent the dispatch centre a notice, which arrived.
    expect(out.second.delivered).toBeGreaterThan(0)
    expect(centre.hits.length).toBeGreaterThan(0)
    const notice = JSON.parse(centre.hits[0]!.body) as { recipient: string; template: string; payload: { message: { "zh-CN": { subject: string } } } }
    expect(notice.recipient).toBe("unit:unit.dispatch-centre")
    expect(notice.template).toBe("notification-lost")
    expect(notice.payload.message["zh-CN"].subject).toBe("诉求 p-dead 的通知无法送达")
    expect(gone.hits.every((h) => h.status === 410)).toBe(true)
  })
})
