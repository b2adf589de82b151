import { Clock, Effect, Layer, Option } from "effect"
import { Engine } from "./api.js"

export interface SchedulerOptions {
  /** The longest the scheduler sleeps before looking again, e.g. for timers another instance wrote. */
  readonly pollMs?: number
}

/** One round: fire what is due, deliver the outbox; a failure is logged and the next round tries again. */
const round = Effect.fn("Scheduler.round")(function*(engine: Engine["Service"], now: number) {
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
})

/**
 * The long-running loop: fire what is due, deliver the outbox, sleep until the next timer (or the
 * poll interval). Time comes from Effect's `Clock`, so under the test clock it sleeps no real time
 * and a test moves it with `TestClock.adjust`. It runs until interrupted; `schedulerLayer` runs it
 * for as long as a layer's scope is open.
 */
export const runScheduler = (options: SchedulerOptions = {}) =>
  Effect.gen(function*() {
    const engine = yield* Engine
    const pollMs = options.pollMs ?? 1_000
    while (true) {
      const now = yield* Clock.currentTimeMillis
      yield* round(engine, now)
      const next = yield* engine.nextDueAt.pipe(Effect.orElseSucceed(() => Option.none<number>()))
      const wait = Option.match(next, {
        onNone: () => pollMs,
        onSome: (due) => Math.max(0, Math.min(pollMs, due - now))
      })
      yield* Effect.sleep(wait === 0 ? 1 : wait)
    }
  })

/** The scheduler in the background of a layer: started when the layer is built, stopped when its scope closes. */
export const schedulerLayer = (options: SchedulerOptions = {}): Layer.Layer<never, never, Engine> =>
  Layer.effectDiscard(Effect.forkScoped(runScheduler(options)))
