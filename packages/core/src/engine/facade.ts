/**
 * For callers who do not use Effect: one object with async methods over one ManagedRuntime.
 * Errors arrive as real `Error` instances with a `_tag` and a readable `message`.
 */
import { Clock, Effect, Layer, ManagedRuntime, Result } from "effect"
import type { Directory } from "../directory/index.js"
import { loadDirectory } from "../directory/index.js"
import type { Petitioner, PetitionEvent, PetitionState } from "../petition/index.js"
import type { DeadLetter, Notifier, PageRequest, PromiseNotifier, Storage as StoragePorts } from "../ports/index.js"
import { EventStore, Notifiers, Outbox, Storage } from "../ports/index.js"
import type { Figures, FiguresOptions, MetricsScope } from "../reports/index.js"
import { figuresFromStore, viewerMetricsScope } from "../reports/index.js"
import { isRulePackPreset, rulePackPresets } from "../presets/index.js"
import type { Plugin, RulePack, RulePackInvalid, RulePackRegistry } from "../rules/index.js"
import { emptyRegistry, loadRulePack, publish } from "../rules/index.js"
import type { Instant } from "../shared/instant.js"
import type { ClockEvaluation } from "../clocks/index.js"
import type { EngineCommand, EngineOptions, Handled, HolidaysPublished, PetitionView, RelayReport, TickReport } from "./engine.js"
import { decodeEngineCommand, Engine, layer as engineLayer } from "./engine.js"
import type { SchedulerOptions } from "./scheduler.js"
import { schedulerLayer } from "./scheduler.js"
import type { Viewer } from "./viewer.js"

export interface MinyiOptions {
  /** A loaded directory, or its JSON (validated; every problem named by JSON path). */
  readonly directory: Directory | unknown
  /** A registry of published versions, a loaded pack, a pack's JSON, or a preset name such as "futian-10-30-24". */
  readonly rulePack?: RulePackRegistry | RulePack | string | unknown
  /**
   * Several versions of one pack, oldest first, each a loaded pack, its JSON or a preset name:
   * each is published after the one before, so a portal upgrading its pack keeps the petitions
   * received under the old version pinned to it. Taken after `rulePack` when both are given.
   */
  readonly rulePacks?: ReadonlyArray<RulePack | string | unknown>
  /** Storage ports; default in memory. Durable: `layer({ path })` from @minyi/store-sqlite, or @minyi/store-postgres. */
  readonly store?: Layer.Layer<StoragePorts, unknown>
  /**
   * Where notifications go; default the console. One notifier layer, or one notifier per outbox
   * channel (see `Notifiers.byChannel`; the rules' notifications use the channel "default"). A
   * channel's notifier may be an async function (`async (message) => …`): resolving means
   * delivered, throwing means retry with backoff, throwing a `PermanentNotifyFailure` (or anything
   * with `retryable: false`) means a dead letter recorded on the petition.
   */
  readonly notifiers?: Layer.Layer<Notifier, unknown> | Readonly<Record<string, Notifier["Service"] | PromiseNotifier>>
  /** The same as `notifiers` given one layer (the name of the first releases). */
  readonly notifier?: Layer.Layer<Notifier, unknown>
  /**
   * Rule plugins (`definePlugin`): a pack given as JSON or a preset is loaded with them, and uses
   * those its `"plugins"` names. A loaded pack or a registry already carries its plugins.
   */
  readonly plugins?: ReadonlyArray<Plugin>
  /** Run the scheduler (timers and outbox) in the background; default false — call `tick`/`relay` yourself. */
  readonly scheduler?: boolean | SchedulerOptions
  readonly engine?: Omit<EngineOptions, "directory" | "packs">
}

/** Removes a key from each member of a union (`Omit` alone would merge the members). */
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** A command as the facade takes it: `at` may be left out, and is then the engine's clock. */
export type MinyiCommand = OmitEach<EngineCommand, "at"> & { readonly at?: Instant }

/** A command as JSON, instants as ISO strings: decoded at run time, every problem named by its JSON path. */
export interface JsonCommand {
  readonly _tag: string
  readonly at: string
  readonly [field: string]: unknown
}

export interface Minyi {
  readonly directory: Directory
  /**
   * Runs a command. A typed command is checked by the compiler (a misspelt tag or field does not
   * compile) and again at run time; a JSON command (`at` as an ISO string) is decoded first.
   */
  handle(command: MinyiCommand): Promise<Handled>
  handle(command: JsonCommand): Promise<Handled>
  tick(at?: Instant): Promise<TickReport>
  relay(at?: Instant): Promise<RelayReport>
  /** The petition as it stands, its petitioner masked (the real identity only through `readIdentity`). */
  state(petitionId: string): Promise<PetitionState>
  /** The petition's events, the petitioner masked in its Submitted event as in `state`. */
  history(petitionId: string): Promise<ReadonlyArray<PetitionEvent>>
  clocks(petitionId: string, at?: Instant): Promise<ClockEvaluation>
  query(viewer: Viewer, request: PageRequest & { readonly overdue?: boolean }): Promise<ReadonlyArray<PetitionView>>
  readIdentity(viewer: Viewer, petitionId: string, reason: string, at?: Instant): Promise<Petitioner>
  deadLetters(): Promise<ReadonlyArray<DeadLetter>>
  /**
   * Publishes a new version of the pack on the running engine — a loaded pack, its JSON or a
   * preset name, loaded with the directory and plugins given at creation. Petitions received from
   * its `effectiveFrom` on answer to it; those received earlier stay pinned to their version.
   * Rejects with `RulePackInvalid` or `PublishRefused` (not newer, a duplicate version, another
   * pack's id) and changes nothing then. Resolves to the versions now published, oldest first.
   * Only this engine learns of it: pass every published version in `rulePacks` when the portal
   * starts again, and publish on every instance that shares the store.
   */
  publish(pack: RulePack | string | unknown): Promise<RulePackRegistry>
  /** The rule-pack versions this engine holds, oldest first. */
  rulePacks(): Promise<RulePackRegistry>
  /**
   * Adds holiday data published since this build (a `Calendar.HolidayRelease`, e.g. parsed JSON)
   * and records every provisional deadline it moves (see docs/calendars-and-clocks.md).
   */
  publishHolidays(release: unknown, at?: Instant): Promise<HolidaysPublished>
  /**
   * The report figures of a period as one viewer may see them, from the read model the engine
   * keeps: their own view, or a narrower `scope` their view covers (AccessDenied otherwise).
   */
  metrics(viewer: Viewer, options: Omit<FiguresOptions, "directory" | "scope"> & { readonly scope?: MetricsScope }): Promise<Figures>
  /**
   * Opens the store and reads from it once: resolves when it answers, rejects at once with its
   * typed error (`StoreUnavailable`, `StoreCorrupt`, `SchemaTooNew`, `InvalidInput` for a bad store
   * configuration) when it does not — for a portal that wants to fail at start rather than at the
   * first request. Optional: every other method opens the store too, and after a failed open the
   * next call tries again, so a store that comes back later (PostgreSQL not up yet at boot, a
   * locked SQLite file) is used without restarting.
   */
  ready(): Promise<void>
  /** Stops the scheduler and releases the store. */
  dispose(): Promise<void>
}

const orThrow = <A, E>(result: Result.Result<A, E>): A => {
  if (Result.isFailure(result)) throw result.failure
  return result.success
}

const isDirectory = (d: unknown): d is Directory =>
  typeof d === "object" && d !== null && "unit" in d && typeof d.unit === "function" && "dispatchCentre" in d

const isRegistry = (r: unknown): r is RulePackRegistry =>
  typeof r === "object" && r !== null && "versions" in r && Array.isArray(r.versions) && "packId" in r

const isNotifierLayer = (n: NonNullable<MinyiOptions["notifiers"]>): n is Layer.Layer<Notifier, unknown> => Layer.isLayer(n)

const isPack = (r: unknown): r is RulePack =>
  typeof r === "object" && r !== null && "routing" in r && Array.isArray(r.routing) && "document" in r

/**
 * Creates a minyi engine. Throws (synchronously) an `InvalidInput`, `RulePackInvalid` or
 * `PublishRefused` when the directory or rule pack is wrong.
 */
export const createMinyi = (options: MinyiOptions): Minyi => {
  const directory = isDirectory(options.directory) ? options.directory : orThrow(loadDirectory(options.directory))
  const sourceOf = (given: unknown): unknown => typeof given === "string" && isRulePackPreset(given) ? rulePackPresets[given] : given
  const loadPack = (given: unknown): Result.Result<RulePack, RulePackInvalid> => {
    const source = sourceOf(given)
    return isPack(source) ? Result.succeed(source) : loadRulePack(source, { directory, plugins: options.plugins ?? [] })
  }
  const packOf = (given: unknown): RulePack => orThrow(loadPack(given))
  const first = options.rulePack === undefined ? undefined : sourceOf(options.rulePack)
  const base = first === undefined
    ? emptyRegistry
    : isRegistry(first)
    ? first
    : orThrow(publish(emptyRegistry, packOf(first), { directory }))
  const packs = (options.rulePacks ?? []).reduce<RulePackRegistry>((registry, pack) => orThrow(publish(registry, packOf(pack), { directory })), base)

  const given = options.notifiers
  const notifiers = given === undefined || isNotifierLayer(given)
    ? given
    : Notifiers.layerByChannel(
      Object.fromEntries(Object.entries(given).map(([channel, n]) => [channel, typeof n === "function" ? Notifiers.fromPromise(channel, n) : n]))
    )
  const ports = Layer.merge(options.store ?? Storage.layerMemory(), notifiers ?? options.notifier ?? Notifiers.layerConsole)
  const engine = engineLayer({ ...options.engine, directory, packs }).pipe(Layer.provideMerge(ports))
  // The scheduler lives in the runtime's scope: disposing the runtime stops it.
  const scheduled = options.scheduler === undefined || options.scheduler === false
    ? engine
    : Layer.merge(engine, schedulerLayer(options.scheduler === true ? {} : options.scheduler).pipe(Layer.provide(engine)))
  // A ManagedRuntime keeps a failed build for good. A store that was down when first opened must
  // not poison the facade: after a failed build the runtime is dropped, and the next call builds
  // (opens the store) again.
  let runtime = ManagedRuntime.make(scheduled)
  const built = async (): Promise<ManagedRuntime.ManagedRuntime<Layer.Success<typeof scheduled>, Layer.Error<typeof scheduled>>> => {
    const current = runtime
    try {
      await current.context()
      return current
    } catch (error) {
      if (runtime === current) {
        runtime = ManagedRuntime.make(scheduled)
        await current.dispose().catch(() => undefined)
      }
      throw error
    }
  }
  const runPromise = async <A, E>(effect: Effect.Effect<A, E, Layer.Success<typeof scheduled>>): Promise<A> => (await built()).runPromise(effect)
  const run = <A, E>(f: (engine: Engine["Service"]) => Effect.Effect<A, E>): Promise<A> => runPromise(Engine.use(f))

  return {
    directory,
    handle: (command) =>
      run((e) => {
        const unstamped = typeof command === "object" && command !== null && !("at" in command)
        const typed = unstamped || (typeof command === "object" && command !== null && typeof command.at === "number")
        // JSON is decoded here (instants from ISO strings); a typed command is checked here to give it
        // its type, and the engine checks it again (a few µs) as it does for every caller. A command
        // without `at` takes the engine's clock (a TestClock under test), never the wall clock directly.
        return typed
          ? Clock.currentTimeMillis.pipe(
            Effect.flatMap((now) => Effect.fromResult(decodeEngineCommand(unstamped ? { ...command, at: now } : command, "typed"))),
            Effect.flatMap(e.handle)
          )
          : e.handleJson(command)
      }),
    tick: (at) => run((e) => e.tick(at)),
    relay: (at) => run((e) => e.relay(at)),
    state: (id) => run((e) => e.state(id)),
    history: (id) => run((e) => e.history(id)),
    clocks: (id, at) => run((e) => e.clocks(id, at)),
    query: (viewer, request) => run((e) => e.query(viewer, request)),
    readIdentity: (viewer, id, reason, at) => run((e) => e.readIdentity(viewer, id, reason, at)),
    deadLetters: () => runPromise(Outbox.use((o) => o.deadLetters())),
    publish: (pack) => run((e) => Effect.flatMap(Effect.fromResult(loadPack(pack)), e.publish)),
    rulePacks: () => run((e) => e.packs),
    publishHolidays: (release, at) => run((e) => e.publishHolidays(release, at)),
    metrics: (viewer, { scope, ...options }) =>
      runPromise(
        Effect.fromResult(viewerMetricsScope(viewer, directory, scope)).pipe(
          Effect.flatMap((allowed) => figuresFromStore({ ...options, directory, scope: allowed }))
        )
      ),
    ready: () => runPromise(EventStore.use((store) => store.streamIds({ limit: 1 })).pipe(Effect.asVoid)),
    dispose: () => runtime.dispose()
  }
}
