/**
 * What every part of the engine shares: the ports, the resolved options, the rule pack a petition
 * answers to, and the petitions as loaded — kept between commands, each use reading only what was
 * appended since.
 */
import { Effect, Option, Result } from "effect"
import type { Calendars, HolidayRelease } from "../calendar/index.js"
import { makeCalendars } from "../calendar/index.js"
import type { ClockFold } from "../clocks/index.js"
import type { Directory, Role } from "../directory/index.js"
import type { ChainBroken, ChainHead, ChainKeys, PetitionEvent, PetitionState } from "../petition/index.js"
import { anchorOf, decodeEvent, evolve, GENESIS_HEAD, initialState, verifyAnchor, verifyContinuation } from "../petition/index.js"
import type { StoredEvent, StoreError, StreamHead } from "../ports/index.js"
import { EventStore, Notifier, Outbox, Queries, storeCorrupt, Timers } from "../ports/index.js"
import type { MetricFold } from "../reports/deltas.js"
import type { PublishRefused, RulePack, RulePackRegistry } from "../rules/index.js"
import { packFor, pinnedPack, publish } from "../rules/index.js"
import type { Instant } from "../shared/instant.js"
import { formatInstant } from "../shared/instant.js"
import type { EngineOptions } from "./api.js"
import { HistoryTampered, NoRulePack } from "./api.js"
import type { ClocksQuiet, StepContext } from "./step.js"
import { defaultIdentityRoles } from "./viewer.js"

/** Several releases as one: a year a later release covers replaces the earlier one's. */
const mergeReleases = (releases: ReadonlyArray<HolidayRelease>): HolidayRelease | undefined => {
  const last = releases[releases.length - 1]
  if (last === undefined) return undefined
  const years = new Map<number, HolidayRelease["years"][number]>()
  for (const r of releases) for (const y of r.years) years.set(y.year, y)
  const [first, ...rest] = [...years.values()]
  return first === undefined ? undefined : { version: last.version, years: [first, ...rest] }
}

/** A petition as loaded: its decoded history, the state it folds to, and its clocks when known. */
export interface LoadedPetition {
  readonly events: ReadonlyArray<PetitionEvent>
  readonly state: PetitionState
  /** The clocks folded over `events` (or a prefix), for the pack they were folded for. */
  readonly clockFold: ClockFold | undefined
  /** Until when the clocks need no records, as the last step over `clockFold` found (see `ClocksQuiet`). */
  readonly quiet?: ClocksQuiet | undefined
  /** The read model's facts folded over `events` (or a prefix): an append computes its counter changes from here. */
  readonly metricFold: MetricFold | undefined
  /** The stored head `events` were last checked against (or written with): the same head is not checked again. */
  readonly anchor?: StreamHead | undefined
}

const sameAnchor = (a: StreamHead | undefined, b: StreamHead | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && a.version === b.version && a.hash === b.hash && a.seal === b.seal)

/** How often a load reads again when the stored head moved while it read (another writer appended). */
const ANCHOR_READS = 5

/** Keeps the most recently used petitions; a `Map` iterates in insertion order, oldest first. */
const makePetitionCache = (capacity: number) => {
  const kept = new Map<string, LoadedPetition>()
  return {
    get: (petitionId: string): LoadedPetition | undefined => {
      const hit = kept.get(petitionId)
      if (hit !== undefined) {
        kept.delete(petitionId)
        kept.set(petitionId, hit)
      }
      return hit
    },
    set: (petitionId: string, petition: LoadedPetition): void => {
      if (capacity <= 0) return
      kept.delete(petitionId)
      kept.set(petitionId, petition)
      if (kept.size > capacity) {
        const oldest = kept.keys().next()
        if (oldest.done !== true) kept.delete(oldest.value)
      }
    }
  }
}

export const makeEngineContext = Effect.fnUntraced(function*(options: EngineOptions) {
  const store = yield* EventStore
  const timers = yield* Timers
  const outbox = yield* Outbox
  const queries = yield* Queries
  const notifier = yield* Notifier
  const directory: Directory = options.directory
  const identityRoles: ReadonlyArray<Role> = options.identityRoles ?? defaultIdentityRoles
  // Holiday data published since the bundled data, in the order given; a later release's year wins.
  let releases: ReadonlyArray<HolidayRelease> = options.holidays ?? []
  let holidays = mergeReleases(releases)
  const calendarCache = new Map<RulePack, Calendars>()
  const calendarsOf = (pack: RulePack): Calendars => {
    let c = calendarCache.get(pack)
    if (c === undefined) {
      c = makeCalendars(pack.document.calendars, holidays)
      calendarCache.set(pack, c)
    }
    return c
  }
  const stepContext = (pack: RulePack): StepContext => ({ directory, pack, calendars: calendarsOf(pack) })
  /** The step context a petition had without `version` among the releases: what it was counted with before. */
  const stepContextWithout = (pack: RulePack, version: string): StepContext => ({
    directory,
    pack,
    calendars: makeCalendars(pack.document.calendars, mergeReleases(releases.filter((r) => r.version !== version)))
  })
  /** Takes `release` into every calendar from now on (again, if its version was given before). */
  const addHolidays = (release: HolidayRelease): void => {
    releases = [...releases.filter((r) => r.version !== release.version), release]
    holidays = mergeReleases(releases)
    // Kept clock folds are tied to the calendars they were folded with, so they are rebuilt too.
    calendarCache.clear()
  }

  // The registry is an immutable value; publishing swaps in a new one that only adds a version, so
  // a petition's pinned version is found before and after, and a command in flight that read the
  // registry before the swap routes a new petition as the older versions say.
  let registry: RulePackRegistry = options.packs
  const packs = (): RulePackRegistry => registry
  const publishPack = (pack: RulePack): Result.Result<RulePackRegistry, PublishRefused> => {
    const published = publish(registry, pack, { directory })
    if (Result.isSuccess(published)) registry = published.success
    return published
  }

  /** The pack a petition answers to: the one it was pinned to, or for a new one the pack in force at `at`. */
  const packOf = (state: PetitionState, at: Instant): Result.Result<RulePack, NoRulePack> => {
    const pack = state.rulePack === undefined ? packFor(registry, at) : pinnedPack(registry, state.rulePack)
    return pack === undefined
      ? Result.fail(
          new NoRulePack({
            at: formatInstant(at),
            message:
              state.rulePack === undefined
                ? `${formatInstant(at)} 没有生效的规则包（no rule pack is in force at ${formatInstant(at)}）`
                : `信访件 ${state.id} 绑定的规则包 ${state.rulePack.id}@${state.rulePack.version} 未发布（the pinned pack is not published）`
          })
        )
      : Result.succeed(pack)
  }

  const cache = makePetitionCache(options.petitionCache ?? 1_000)
  const chainKeys: ChainKeys | undefined =
    options.chainKey === undefined ? undefined : { current: options.chainKey, previous: options.previousChainKeys ?? [] }

  const decodeRows = Effect.fnUntraced(function*(petitionId: string, rows: ReadonlyArray<StoredEvent>) {
    const events: Array<PetitionEvent> = []
    for (const row of rows) {
      const decoded = decodeEvent(row.data)
      if (Result.isFailure(decoded)) return yield* storeCorrupt(`${petitionId}@${row.version}`, decoded.failure.message)
      events.push(decoded.success)
    }
    return events
  })

  /**
   * Petitions whose history failed verification. Kept for the life of this engine so that no
   * command appends to a history nobody can vouch for; a fresh engine verifies it again on load.
   */
  const quarantined = new Map<string, HistoryTampered>()
  const tampered = (broken: ChainBroken): HistoryTampered => {
    const error = new HistoryTampered({
      petitionId: broken.petitionId,
      version: broken.version,
      reason: broken.reason,
      message: broken.message
    })
    quarantined.set(error.petitionId, error)
    return error
  }

  const reject = Effect.fnUntraced(function*(broken: ChainBroken) {
    const error = tampered(broken)
    yield* Effect.logError(error.message).pipe(Effect.annotateLogs({ petitionId: error.petitionId, version: error.version, reason: error.reason }))
    return yield* error
  })

  /** Decodes rows that continue a history verified up to `from`, verifying only those rows. */
  const continueFrom = Effect.fnUntraced(function*(petitionId: string, from: ChainHead, rows: ReadonlyArray<StoredEvent>) {
    const events = yield* decodeRows(petitionId, rows)
    const verified = verifyContinuation(petitionId, from, events)
    if (Result.isFailure(verified)) return yield* reject(verified.failure)
    return events
  })

  const fromScratch = Effect.fnUntraced(function*(petitionId: string): Effect.fn.Return<LoadedPetition, HistoryTampered | StoreError> {
    const events = yield* continueFrom(petitionId, GENESIS_HEAD, yield* store.readStream(petitionId))
    return { events, state: events.reduce(evolve, initialState(petitionId)), clockFold: undefined, metricFold: undefined }
  })

  /**
   * The events as the store has them now. A kept copy is brought up to date with the events
   * appended after its version (by this instance or any other), verifying only those; if they do
   * not follow on from it, the whole stream is read and verified again.
   */
  const loadEvents = Effect.fnUntraced(function*(petitionId: string, kept: LoadedPetition | undefined): Effect.fn.Return<LoadedPetition, HistoryTampered | StoreError> {
    if (kept === undefined) return yield* fromScratch(petitionId)
    const rows = yield* store.readStream(petitionId, { afterVersion: kept.state.version })
    if (rows.length === 0) return kept
    if (rows[0]!.version !== kept.state.version + 1) return yield* fromScratch(petitionId)
    const head = { version: kept.state.version, hash: kept.state.lastHash }
    const events = yield* continueFrom(petitionId, head, rows)
    return { events: kept.events.concat(events), state: events.reduce(evolve, kept.state), clockFold: kept.clockFold, metricFold: kept.metricFold }
  })

  /**
   * The petition as the store has it now, its events verified and checked against the stored head.
   * The head is read before the events, so events appended in between by another writer show as
   * events beyond the head (or, for a new petition, events without a head): the head is read
   * again, and only an unchanged one means tampering.
   */
  const load = Effect.fnUntraced(function*(petitionId: string) {
    const known = quarantined.get(petitionId)
    if (known !== undefined) return yield* known
    for (let read = 1; ; read++) {
      const anchor = Option.getOrUndefined(yield* store.readHead(petitionId))
      const kept = cache.get(petitionId)
      const loaded = yield* loadEvents(petitionId, kept)
      if (loaded === kept && sameAnchor(kept.anchor, anchor)) return kept
      const anchored = verifyAnchor(petitionId, loaded.events, anchor, chainKeys)
      if (Result.isFailure(anchored)) {
        const raced = anchored.failure.reason === "beyond_head" || anchored.failure.reason === "head_missing"
        const moved = raced && read < ANCHOR_READS &&
          !sameAnchor(anchor, Option.getOrUndefined(yield* store.readHead(petitionId)))
        if (moved) continue
        return yield* reject(anchored.failure)
      }
      const checked: LoadedPetition = { ...loaded, anchor }
      if (checked.events.length > 0) cache.set(petitionId, checked)
      return checked
    }
  })

  /** The head to store with an append that ends at `head`, sealed when the deployment has a chain key. */
  const anchorFor = (petitionId: string, head: ChainHead): StreamHead => anchorOf(petitionId, head, chainKeys)

  /** Keeps what an append just wrote, so the next command on the petition reads nothing it knows. */
  const remember = (petitionId: string, petition: LoadedPetition): void => cache.set(petitionId, petition)

  return {
    store,
    timers,
    outbox,
    queries,
    notifier,
    options,
    directory,
    identityRoles,
    workerId: options.workerId ?? "engine",
    leaseMs: options.leaseMs ?? 30_000,
    batchSize: options.batchSize ?? 100,
    maxAttempts: options.maxAttempts ?? 20,
    stepContext,
    packs,
    publishPack,
    stepContextWithout,
    addHolidays,
    packOf,
    load,
    remember,
    anchorFor
  }
})

export type EngineContext = Effect.Success<ReturnType<typeof makeEngineContext>>
