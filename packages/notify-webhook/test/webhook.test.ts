import { EventStore, Notifier, Outbox, Storage } from "@minyi/core"
import type { Notification, NotifyFailed } from "@minyi/core"
import { batch, closedLoopbackPort, newEvent, notifierContract, outboxMessage, sampleNotification, sendThrough } from "@minyi/testkit"
import { ConfigProvider, Effect, Exit, Layer, Option, Redacted } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { layer, layerConfig, make, retryAfterUntil, verify } from "../src/index.js"
import type { WebhookConfig } from "../src/index.js"
import { startReceiver } from "./receivers.js"
import type { Receiver } from "./receivers.js"

const secret = "test-secret-不要在生产中使用"
const receivers: Array<Receiver> = []
const receiver = async (...args: Parameters<typeof startReceiver>) => {
  const r = await startReceiver(...args)
  receivers.push(r)
  return r
}
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close()
})

const config = (url: string, extra: Partial<WebhookConfig> = {}): WebhookConfig => ({ endpoints: { unit: url }, secret, ...extra })

const send = (cfg: WebhookConfig, notification: Notification) =>
  Effect.runPromise(Effect.exit(Effect.flatMap(make(cfg), (n) => n.send(notification))))

/** Sends with one notifier instance several times (its Retry-After memory lives in the instance). */
const sendAll = (cfg: WebhookConfig, notifications: ReadonlyArray<Notification>) =>
  Effect.runPromise(
    Effect.flatMap(make(cfg), (n) => Effect.forEach(notifications, (x) => Effect.exit(n.send(x))))
  )

const failureOf = (exit: Exit.Exit<unknown, unknown>) =>
  Option.getOrThrowWith(Exit.findErrorOption(exit), () => new Error("expected a failure"))

const unit = "unit:dept.housing"

notifierContract({
  name: "@minyi/notify-webhook",
  start: async (behaviour) => {
    const port = behaviour === "unavailable" ? await closedLoopbackPort() : undefined
    const r = port === undefined ? await startReceiver(() => ({ status: behaviour === "accept" ? 204 : 410 })) : undefined
    const url = r?.url ?? `http://127.0.0.1:${port}/hook`
    return {
      notifier: layer({ endpoints: { unit: url }, secret }),
      recipient: unit,
      received: async () => (r?.requests ?? []).map((q) => ({ idempotencyKey: q.idempotencyKey, text: q.body })),
      close: async () => r?.close()
    }
  }
})

describe("@minyi/notify-webhook against real HTTP servers on loopback", () => {
  it("is refused by a receiver that fails twice, then delivered on the third try with the same idempotency key", async () => {
    const r = await receiver((_, index) => ({ status: index < 2 ? 503 : 200 }))
    const n = sampleNotification(unit)
    const exits = await sendAll(config(r.url), [n, n, n])
    expect(exits.map((e) => (Exit.isSuccess(e) ? "delivered" : (failureOf(e) as NotifyFailed).retryable ? "retry" : "dead"))).toEqual([
      "retry",
      "retry",
      "delivered"
    ])
    expect(r.requests.map((q) => q.idempotencyKey)).toEqual([n.idempotencyKey, n.idempotencyKey, n.idempotencyKey])
  })

  it("gives up on a hung endpoint after the timeout, as a retryable failure", async () => {
    const r = await receiver(() => undefined)
    const failure = failureOf(await send(config(r.url, { timeoutMs: 300 }), sampleNotification(unit))) as NotifyFailed
    expect(failure.retryable).toBe(true)
    expect(failure.reason).toContain("300 ms")
    expect(r.requests).toHaveLength(1)
  })

  it("turns 410 Gone into a permanent failure that names the status", async () => {
    const r = await receiver(() => ({ status: 410, body: "recipient retired" }))
    const failure = failureOf(await send(config(r.url), sampleNotification(unit))) as NotifyFailed
    expect(failure.retryable).toBe(false)
    expect(failure.reason).toContain("410")
    expect(failure.reason).toContain("recipient retired")
  })

  it.each([408, 429, 500, 502, 503])("treats %i as retryable", async (status) => {
    const r = await receiver(() => ({ status }))
    expect((failureOf(await send(config(r.url), sampleNotification(unit))) as NotifyFailed).retryable).toBe(true)
  })

  it.each([400, 401, 403, 404, 422])("treats %i as permanent", async (status) => {
    const r = await receiver(() => ({ status }))
    expect((failureOf(await send(config(r.url), sampleNotification(unit))) as NotifyFailed).retryable).toBe(false)
  })

  it("signs timestamp and body so that a receiver checking the signature accepts it, and refuses a wrong secret", async () => {
    const checked: Array<string> = []
    const r = await receiver((q) => {
      const result = verify({ secret, body: q.body, timestamp: q.timestamp, signature: q.signature, nowSeconds: Math.floor(Date.now() / 1000) })
      checked.push(result.ok ? "ok" : result.problem)
      return { status: result.ok ? 200 : 401 }
    })
    expect(Exit.isSuccess(await send(config(r.url, { secret: Redacted.make(secret) }), sampleNotification(unit)))).toBe(true)
    const refused = failureOf(await send(config(r.url, { secret: "someone-else" }), sampleNotification(unit))) as NotifyFailed
    expect(refused.retryable).toBe(false)
    expect(checked).toEqual(["ok", "bad-signature"])
    const body: unknown = JSON.parse(r.requests[0]!.body)
    expect(body).toMatchObject({ petitionId: "P-2026-0001", recipient: unit, idempotencyKey: sampleNotification(unit).idempotencyKey })
  })

  it("lets receivers reject a stale timestamp even with a valid signature (a replayed request)", async () => {
    const r = await receiver(() => ({ status: 200 }))
    await send(config(r.url), sampleNotification(unit))
    const q = r.requests[0]!
    const fresh = Number(q.timestamp)
    expect(verify({ secret, body: q.body, timestamp: q.timestamp, signature: q.signature, nowSeconds: fresh + 60 })).toEqual({ ok: true })
    expect(verify({ secret, body: q.body, timestamp: q.timestamp, signature: q.signature, nowSeconds: fresh + 301 })).toEqual({ ok: false, problem: "stale-timestamp" })
    expect(verify({ secret, body: `${q.body} `, timestamp: q.timestamp, signature: q.signature, nowSeconds: fresh })).toEqual({ ok: false, problem: "bad-signature" })
    expect(verify({ secret, body: q.body, timestamp: undefined, signature: q.signature, nowSeconds: fresh })).toEqual({ ok: false, problem: "missing-headers" })
  })

  it("honours Retry-After: no request reaches the endpoint before the time it asked for", async () => {
    const r = await receiver((_, index) => (index === 0 ? { status: 429, headers: { "retry-after": "120" } } : { status: 200 }))
    const exits = await sendAll(config(r.url), [sampleNotification(unit), sampleNotification(unit)])
    expect(exits.map((e) => (failureOf(e) as NotifyFailed).retryable)).toEqual([true, true])
    expect((failureOf(exits[1]!) as NotifyFailed).reason).toContain("Retry-After")
    expect(r.requests).toHaveLength(1)
  })

  it("sends again once the Retry-After time has passed", async () => {
    const r = await receiver((_, index) => (index === 0 ? { status: 503, headers: { "retry-after": "1" } } : { status: 200 }))
    const exits = await Effect.runPromise(
      Effect.flatMap(make(config(r.url)), (n) =>
        Effect.gen(function*() {
          const held = [yield* Effect.exit(n.send(sampleNotification(unit))), yield* Effect.exit(n.send(sampleNotification(unit)))]
          yield* Effect.sleep(1_100)
          return [...held, yield* Effect.exit(n.send(sampleNotification(unit)))]
        })
      )
    )
    expect(exits.map((e) => Exit.isSuccess(e))).toEqual([false, false, true])
    expect(r.requests).toHaveLength(2)
  })

  it("through the outbox: 429 and 503 with Retry-After are retried after each hold, with one idempotency key and no dead letter", async () => {
    const r = await receiver((_, index) =>
      index === 0 ? { status: 429, headers: { "retry-after": "1" } } : index === 1 ? { status: 503, headers: { "retry-after": "2" } } : { status: 200 }
    )
    const n = sampleNotification(unit)
    // A retry policy whose backoff (10 ms) is far shorter than the holds: only notBefore can keep
    // the outbox from trying (and, with 3 attempts, dead-lettering) while the endpoint is held.
    const storage = Storage.layerMemory({ retry: { initialDelayMs: 10, factor: 1, maxDelayMs: 60_000, maxAttempts: 3, jitter: 0 } })
    const message = outboxMessage(n.id, n.streamId, 0, { idempotencyKey: n.idempotencyKey, channel: n.channel, recipient: n.recipient, payload: n.payload })
    const log = await Effect.runPromise(
      Effect.gen(function*() {
        const outbox = yield* Outbox
        const notifier = yield* make(config(r.url))
        yield* (yield* EventStore).append(batch(n.streamId, 0, [newEvent("e1")], { outbox: [message] }))
        const outcomes: Array<string> = []
        // The relay's step, polled every 100 ms for 5 s of real time.
        for (let tick = 0; tick < 50 && (yield* outbox.pendingCount()) > 0; tick++) {
          const now = Date.now()
          for (const claim of yield* outbox.claim({ now, limit: 1, leaseMs: 60_000, workerId: "relay" })) {
            const sent = yield* Effect.exit(notifier.send(n))
            if (Exit.isSuccess(sent)) {
              yield* outbox.ack(claim.message.id, claim.token)
              outcomes.push("delivered")
              continue
            }
            const f = failureOf(sent) as NotifyFailed
            const outcome = yield* outbox.fail(claim.message.id, claim.token, {
              retryable: f.retryable,
              reason: f.reason,
              ...(f.notBefore === undefined ? {} : { notBefore: f.notBefore })
            }, now)
            outcomes.push(outcome._tag === "Retrying" ? `retry after ${Math.round((outcome.nextAttemptAt - now) / 1000)} s` : "dead")
          }
          yield* Effect.sleep(100)
        }
        return { outcomes, dead: yield* outbox.deadLetters() }
      }).pipe(Effect.provide(storage))
    )
    expect(log.outcomes).toEqual(["retry after 1 s", "retry after 2 s", "delivered"])
    expect(log.dead).toEqual([])
    expect(r.requests.map((q) => q.idempotencyKey)).toEqual([n.idempotencyKey, n.idempotencyKey, n.idempotencyKey])
  })

  it("reads Retry-After as seconds or an HTTP date, capped", () => {
    const now = Date.parse("2026-03-02T01:10:00Z")
    expect(retryAfterUntil("30", now, 3_600_000)).toBe(now + 30_000)
    expect(retryAfterUntil("Mon, 02 Mar 2026 01:12:00 GMT", now, 3_600_000)).toBe(now + 120_000)
    expect(retryAfterUntil("86400", now, 3_600_000)).toBe(now + 3_600_000)
    expect(retryAfterUntil("soon", now, 3_600_000)).toBeUndefined()
    expect(retryAfterUntil(null, now, 3_600_000)).toBeUndefined()
  })

  it("treats a refused connection as retryable", async () => {
    const port = await closedLoopbackPort()
    const failure = failureOf(await send(config(`http://127.0.0.1:${port}/hook`), sampleNotification(unit))) as NotifyFailed
    expect(failure.retryable).toBe(true)
  })

  it("fails permanently for a recipient no endpoint covers, and picks the exact recipient over its kind", async () => {
    const general = await receiver(() => ({ status: 200 }))
    const special = await receiver(() => ({ status: 200 }))
    const cfg: WebhookConfig = { endpoints: { unit: general.url, [unit]: special.url }, secret }
    await send(cfg, sampleNotification(unit))
    await send(cfg, sampleNotification("unit:dept.other"))
    expect([general.requests.length, special.requests.length]).toEqual([1, 1])
    const failure = failureOf(await send(cfg, sampleNotification("person:p.li"))) as NotifyFailed
    expect(failure.retryable).toBe(false)
    expect(failure.reason).toContain("person:p.li")
  })

  it("names every bad config field by its path", async () => {
    const exit = await Effect.runPromise(Effect.exit(make({ endpoints: { unit: "ftp://x" }, secret: "" })))
    const error = failureOf(exit)
    expect(error).toMatchObject({ _tag: "InvalidInput" })
    const paths = (error as { problems: ReadonlyArray<{ path: string }> }).problems.map((p) => p.path)
    expect(paths).toEqual(expect.arrayContaining(["/endpoints/unit", "/secret"]))
  })

  it("works as the engine's Notifier layer", async () => {
    const r = await receiver(() => ({ status: 200 }))
    await Effect.runPromise(Notifier.use((n) => n.send(sampleNotification(unit))).pipe(Effect.provide(layer(config(r.url)))))
    expect(r.requests).toHaveLength(1)
  })
})

describe("layerConfig", () => {
  const sendWith = (env: Record<string, string>) =>
    sendThrough(layerConfig.pipe(Layer.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env })))), sampleNotification(unit))

  it("posts to the endpoints in MINYI_WEBHOOK_ENDPOINTS, signed with MINYI_WEBHOOK_SECRET", async () => {
    const checked: Array<boolean> = []
    const r = await receiver((q) => {
      checked.push(verify({ secret, body: q.body, timestamp: q.timestamp, signature: q.signature, nowSeconds: Math.floor(Date.now() / 1000) }).ok)
      return { status: 200 }
    })
    const exit = await sendWith({ MINYI_WEBHOOK_ENDPOINTS: JSON.stringify({ unit: r.url }), MINYI_WEBHOOK_SECRET: secret })
    expect(Exit.isSuccess(exit)).toBe(true)
    expect(checked).toEqual([true])
  })

  it("fails naming the variable that is missing or not JSON", async () => {
    expect(String(failureOf(await sendWith({ MINYI_WEBHOOK_SECRET: secret })))).toContain("MINYI_WEBHOOK_ENDPOINTS")
    expect(String(failureOf(await sendWith({ MINYI_WEBHOOK_ENDPOINTS: "{not json", MINYI_WEBHOOK_SECRET: secret })))).toContain("MINYI_WEBHOOK_ENDPOINTS")
    expect(String(failureOf(await sendWith({ MINYI_WEBHOOK_ENDPOINTS: "{}" })))).toContain("MINYI_WEBHOOK_SECRET")
  })
})
