/**
 * The engine: the imperative shell around the pure core. It loads a petition, runs the pure
 * step, and appends the outcome — events, notifications, the next clock timer and the read-model
 * row — in one atomic append; it fires due timers, relays the outbox to the notifier, and answers
 * viewer-scoped queries. Time comes from Effect's `Clock`, so tests and simulations drive it.
 *
 * Each job lives in its own module: handle.ts (load → step → append, with its retry), repeats.ts,
 * timers.ts (tick), relay.ts, reads.ts, and context.ts for what they share (ports, packs, the
 * petitions kept between commands). This one puts them together.
 */
import { Effect, Layer } from "effect"
import type { RulePack } from "../rules/index.js"
import type { Notifier, SentNotifications, Storage as StoragePorts } from "../ports/index.js"
import { Notifiers, Storage } from "../ports/index.js"
import type { EngineOptions } from "./api.js"
import { Engine } from "./api.js"
import { makeEngineContext } from "./context.js"
import { makeHandle } from "./handle.js"
import { makeReads } from "./reads.js"
import { makeRelay } from "./relay.js"
import { makeHolidays } from "./holidays.js"
import { makeTimers } from "./timers.js"

export { CLOCK_TIMER, Engine, HistoryTampered, NoRulePack, PetitionNotFound, TooMuchContention } from "./api.js"
export type {
  EngineApi,
  EngineCommand,
  EngineOptions,
  Handled,
  HandleError,
  HolidaysPublished,
  PetitionView,
  RelayReport,
  ReviewRequestInput,
  SubmitInput,
  TickReport,
  TimerFailure
} from "./api.js"
export { decodeEngineCommand } from "./command.js"

/** Builds the engine over the storage ports and a notifier. */
export const makeEngine = Effect.fnUntraced(function*(options: EngineOptions) {
  const ctx = yield* makeEngineContext(options)
  const handling = makeHandle(ctx)
  const { tick } = makeTimers(ctx, handling)
  const { relay } = makeRelay(ctx, handling)
  const reads = makeReads(ctx, handling)
  const { publishHolidays } = makeHolidays(ctx, handling)
  return Engine.of({
    handle: handling.handle,
    handleJson: handling.handleJson,
    tick,
    relay,
    ...reads,
    publish: (pack: RulePack) => Effect.fromResult(ctx.publishPack(pack)),
    packs: Effect.sync(ctx.packs),
    nextDueAt: ctx.timers.nextDueAt(),
    publishHolidays
  })
})

/** The engine as a layer over the storage ports and a notifier. */
export const layer = (options: EngineOptions) => Layer.effect(Engine, makeEngine(options))

/**
 * The engine over fresh in-memory storage, for tests, examples and trials: with a recording
 * notifier (read what was sent from `SentNotifications`), or the notifier given. The storage ports
 * are provided too, so a program can look at timers, the outbox or the read models directly.
 */
export function layerMemory(options: EngineOptions): Layer.Layer<Engine | StoragePorts | Notifier | SentNotifications>
export function layerMemory(options: EngineOptions, notifier: Layer.Layer<Notifier>): Layer.Layer<Engine | StoragePorts | Notifier>
export function layerMemory(
  options: EngineOptions,
  notifier: Layer.Layer<Notifier> | Layer.Layer<Notifier | SentNotifications> = Notifiers.layerMemory
): Layer.Layer<Engine | StoragePorts | Notifier> {
  return layer(options).pipe(Layer.provideMerge(Layer.merge(Storage.layerMemory(), notifier)))
}
