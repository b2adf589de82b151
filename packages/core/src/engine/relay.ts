/**
 * The outbox relay: delivers queued notifications through the notifier, with retries and dead
 * letters, and records every dead letter on its petition (rules may escalate on it).
 */
import { Clock, Effect, Result } from "effect"
import type { DeadLetter } from "../ports/index.js"
import type { Instant } from "../shared/instant.js"
import type { RelayReport } from "./api.js"
import type { EngineContext } from "./context.js"
import type { makeHandle } from "./handle.js"

export const makeRelay = (ctx: EngineContext, handling: ReturnType<typeof makeHandle>) => {
  const { batchSize, leaseMs, notifier, outbox, workerId } = ctx

  /**
   * A lost notification is itself a fact about the petition, and rules may escalate on it. The
   * dead letter and its record are two writes; a crash between them is repaired by the first relay
   * of the next engine instance, which records every dead letter the petitions do not yet show.
   */
  const recordDeadLetter = Effect.fnUntraced(function*(dead: DeadLetter, now: Instant) {
    const { events } = yield* ctx.load(dead.message.streamId)
    const latest = events[events.length - 1]
    if (latest === undefined) return
    if (events.some((e) => e._tag === "NotificationDeadLettered" && e.notificationId === dead.message.id)) return
    yield* handling.record({
      _tag: "RecordDeadLetter",
      petitionId: dead.message.streamId,
      at: Math.max(now, latest.at),
      actor: { kind: "system" },
      notificationId: dead.message.id,
      reason: dead.reason.length > 0 ? dead.reason : "undeliverable"
    })
  })
  let reconciled = false

  const relay = Effect.fn("Engine.relay")(function*(at?: Instant) {
    const now = at ?? (yield* Clock.currentTimeMillis)
    const unrecorded: Array<RelayReport["unrecorded"][number]> = []
    // One dead letter that cannot be recorded must not stop the deliveries of everyone else.
    const record = Effect.fnUntraced(function*(dead: DeadLetter) {
      const done = yield* Effect.result(recordDeadLetter(dead, now))
      if (Result.isSuccess(done)) return
      if (done.failure._tag === "StoreUnavailable") return yield* Effect.fail(done.failure)
      unrecorded.push({ deadLetter: dead, error: done.failure })
    })
    if (!reconciled) {
      for (const dead of yield* outbox.deadLetters()) yield* record(dead)
      reconciled = true
    }
    let delivered = 0
    let retrying = 0
    const deadLettered: Array<DeadLetter> = []
    const claims = yield* outbox.claim({ now, limit: batchSize, leaseMs, workerId })
    for (const claim of claims) {
      const m = claim.message
      const sent = yield* Effect.result(
        notifier.send({
          id: m.id,
          streamId: m.streamId,
          idempotencyKey: m.idempotencyKey,
          channel: m.channel,
          recipient: m.recipient,
          ...(m.template === undefined ? {} : { template: m.template }),
          payload: m.payload
        })
      )
      if (Result.isSuccess(sent)) {
        yield* outbox.ack(m.id, claim.token).pipe(Effect.catchTag("LeaseLost", () => Effect.void))
        delivered++
        continue
      }
      const outcome = yield* outbox
        .fail(m.id, claim.token, {
          retryable: sent.failure.retryable,
          reason: sent.failure.reason,
          ...(sent.failure.notBefore === undefined ? {} : { notBefore: sent.failure.notBefore })
        }, now)
        .pipe(Effect.catchTag("LeaseLost", () => Effect.succeed(undefined)))
      if (outcome === undefined) continue
      if (outcome._tag === "Retrying") {
        retrying++
        continue
      }
      deadLettered.push(outcome.deadLetter)
      yield* record(outcome.deadLetter)
    }
    return { delivered, retrying, deadLettered, unrecorded } satisfies RelayReport
  })

  return { relay }
}
