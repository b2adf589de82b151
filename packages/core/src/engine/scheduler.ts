import { Clock, Effect, Option } from "effect"
import { Engine } from "./engine.js"

export interface SchedulerOptions {
  /** The longest the scheduler sleeps before looking again, e.g. for timers another instance wrote. */
  readonly pollMs?: number
}

/**
 * The long-running loop: fire what is due, deliver the outbox, sleep until the next timer (or the
 * poll interval). Time comes from Effect's `Clock`, so under the test clock it sleeps no real time
 * and a test moves it with `TestClock.adjust`. Fork it; interrupting the fiber stops it.
 */
export const runScheduler = (options: SchedulerOptions = {}) =>
  Effect.gen(function*() {
    const engine = yield* Engine
    const pollMs = options.pollMs ?? 1_000
    while (true) {
      const now = yield* Clock.currentTimeMillis
      yield* engine.tick(now).pipe(
        Effect.flatMap((report) =>
          Effect.forEach(report.failed, (f) => Effect.logError(`minyi scheduler: the timer of ${f.petitionId} failed`, f.error), { discard: true })
        ),
        Effect.catch((e) => Effect.logError("minyi scheduler: tick failed", e))
      )
      yield* engine.relay(now).pipe(
        Effect.flatMap((report) =>
          Effect.forEach(report.unrecorded, (u) => Effect.logError(`minyi scheduler: the dead letter ${u.deadLetter.message.id} could not be recorded`, u.error), { discard: true })
        ),
        Effect.catch((e) => Effect.logError("minyi scheduler: relay failed", e))
      )
      const next = yield* engine.nextDueAt.pipe(Effect.orElseSucceed(() => Option.none<number>()))
      const wait = Option.match(next, {
        onNone: () => pollMs,
        onSome: (due) => Math.max(0, Math.min(pollMs, due - now))
      })
      yield* Effect.sleep(wait === 0 ? 1 : wait)
    }
  })
