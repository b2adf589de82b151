/**
 * Clock timers: firing what is due. Each petition has one timer, its clocks' next wake-up; firing
 * it records the warnings and breaches due by then and runs the rules on them.
 */
import { Clock, Effect, Result } from "effect"
import type { ClaimedTimer } from "../ports/index.js"
import type { Instant } from "../shared/instant.js"
import type { TickReport, TimerFailure } from "./api.js"
import { CLOCK_TIMER } from "./api.js"
import type { EngineContext } from "./context.js"
import type { makeHandle } from "./handle.js"
import type { FiredAction } from "./step.js"

export const makeTimers = (ctx: EngineContext, handling: ReturnType<typeof makeHandle>) => {
  const { batchSize, leaseMs, timers, workerId } = ctx

  /** Fires one claimed timer; a second worker firing the same instant finds the records and does nothing. */
  const fire = Effect.fnUntraced(function*(claim: ClaimedTimer, now: Instant) {
    const done = yield* handling.run(claim.streamId, [{ _tag: "Wake", now: Math.max(now, claim.dueAt) }], now, { mustExist: false })
    if (done.events.length > 0) return done
    // Nothing new: the append did not move the timer, so move (or drop) it here.
    const next = done.outcome?.nextWakeAt
    if (next === undefined) yield* timers.complete(claim).pipe(Effect.catchTag("LeaseLost", () => Effect.void))
    else yield* timers.schedule([{ streamId: claim.streamId, key: CLOCK_TIMER, dueAt: next, payload: claim.payload }])
    return done
  })

  const tick = Effect.fn("Engine.tick")(function*(at?: Instant) {
    const now = at ?? (yield* Clock.currentTimeMillis)
    let fired = 0
    let events = 0
    const actions: Array<FiredAction> = []
    const failed: Array<TimerFailure> = []
    while (true) {
      const claims = yield* timers.claimDue({ now, limit: batchSize, leaseMs, workerId })
      if (claims.length === 0) break
      for (const claim of claims) {
        const done = yield* Effect.result(fire(claim, now))
        if (Result.isFailure(done)) {
          // A store that is down fails every firing alike: stop and let the caller retry.
          if (done.failure._tag === "StoreUnavailable") return yield* Effect.fail(done.failure)
          failed.push({ petitionId: claim.streamId, dueAt: claim.dueAt, error: done.failure })
          continue
        }
        fired++
        events += done.success.events.length
        actions.push(...done.success.actions)
      }
      if (claims.length < batchSize) break
    }
    return { fired, events, actions, failed } satisfies TickReport
  })

  return { tick }
}
