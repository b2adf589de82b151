/**
 * The engine: the imperative shell around the pure core. It loads a petition, runs the pure
 * step, and appends the outcome — events, notifications, the next clock timer and the read-model
 * row — in one atomic append; it fires due timers, relays the outbox to the notifier, and answers
 * viewer-scoped queries. Time comes from Effect's `Clock`, so tests and simulations drive it.
 */
import { Clock, Context, Effect, Layer, Option, Result, Schema } from "effect"
import type { Redacted } from "effect"
import type { Calendars } from "../calendar/index.js"
import { makeCalendars } from "../calendar/index.js"
import type { ClockEvaluation } from "../clocks/index.js"
import type { Directory, Role } from "../directory/index.js"
import type { CommandOf, PetitionEvent, Petitioner, PetitionState } from "../petition/index.js"
import { decodeCommand, decodeEvent, encodeEvent, PetitionCommand, replay } from "../petition/index.js"
import type {
  AppendBatch,
  AppendResult,
  ClaimedTimer,
  DeadLetter,
  DuplicateId,
  OutboxMessage,
  Page,
  PageRequest,
  PetitionSummary,
  RepeatEntry,
  StoreError,
  StoreUnavailable,
  VersionConflict
} from "../ports/index.js"
import { EventStore, Notifier, Outbox, Queries, storeCorrupt, Timers } from "../ports/index.js"
import type { RulePack, RulePackRegistry } from "../rules/index.js"
import { packFor, pinnedPack } from "../rules/index.js"
import type { Instant } from "../shared/instant.js"
import { formatInstant } from "../shared/instant.js"
import type { InvalidInput } from "../shared/validation.js"
import { decodeInput } from "../shared/validation.js"
import type { FiredAction, StepCause, StepError, StepOutcome } from "./step.js"
import { evaluateAt, step, WINDOW_FROM_PACK } from "./step.js"
import { idempotencyKeyReused, submitDifferences, submitKey } from "./idempotency.js"
import type { IdempotencyKeyReused } from "./idempotency.js"
import { communityOf, repeatEntryOf, repeatKey } from "./repeat-index.js"
import { metricDeltas } from "../reports/deltas.js"
import { maskedPetitioner, toSummary } from "./summary.js"
import type { Viewer } from "./viewer.js"
import { AccessDenied, canSee, canSeeIdentity, defaultIdentityRoles, denied, scopeOf } from "./viewer.js"

/** The one timer a petition has: its clocks' next wake-up. */
export const CLOCK_TIMER = "clocks"

export interface EngineOptions {
  readonly directory: Directory
  /** The published rule-pack versions; each petition is pinned to the one in force when received. */
  readonly packs: RulePackRegistry
  /** Names this engine instance in timer and outbox leases. */
  readonly workerId?: string
  /** How long a claimed timer or outbox message stays with this worker before others may take it. */
  readonly leaseMs?: number
  /** Timers or messages claimed per round. */
  readonly batchSize?: number
  /** Roles allowed to read petitioners' identities (default: dispatcher, case handler, reception officer). */
  readonly identityRoles?: ReadonlyArray<Role>
  /** Repeat petitions when the rule pack has no `repeats` section: same phone, category subtree at this depth, community, within the window. */
  readonly repeats?: { readonly windowMs: number; readonly categoryDepth: number; readonly merge: boolean }
  /**
   * The deployment secret that keys the repeat index (HMAC-SHA256 of the petitioner's phone).
   * Without it no petition is indexed and no repeat is found. See docs/engine.md for rotating it.
   */
  readonly identityKey?: Redacted.Redacted<string>
}

/** No petition with this id exists. */
export class PetitionNotFound extends Schema.TaggedError<PetitionNotFound>()("PetitionNotFound", {
  petitionId: Schema.String,
  message: Schema.String
}) {}

/** No rule pack is in force at the instant a petition is received, or the pinned one is gone. */
export class NoRulePack extends Schema.TaggedError<NoRulePack>()("NoRulePack", {
  at: Schema.String,
  message: Schema.String
}) {}

/** Another writer kept winning the race for the same petition. */
export class TooMuchContention extends Schema.TaggedError<TooMuchContention>()("TooMuchContention", {
  petitionId: Schema.String,
  attempts: Schema.Number,
  message: Schema.String
}) {}

export type HandleError = StepError | InvalidInput | PetitionNotFound | NoRulePack | TooMuchContention | DuplicateId | IdempotencyKeyReused | StoreError

/** What handling a command did. */
export interface Handled {
  readonly petitionId: string
  readonly version: number
  /** The events this call appended (empty when an idempotent Submit was replayed). */
  readonly events: ReadonlyArray<PetitionEvent>
  readonly actions: ReadonlyArray<FiredAction>
  readonly notifications: number
  /** True when this was a repeat of an earlier Submit (same channel message id). */
  readonly replayed: boolean
}

export interface TickReport {
  readonly fired: number
  readonly events: number
  readonly actions: ReadonlyArray<FiredAction>
  /**
   * Timers whose firing failed (say, a `RuleLoop` in the pack, or a petition's unreadable history).
   * One petition's failure does not hold up the others' timers; a failed timer stays claimed until
   * its lease runs out and is then tried again.
   */
  readonly failed: ReadonlyArray<TimerFailure>
}

export interface TimerFailure {
  readonly petitionId: string
  readonly dueAt: Instant
  readonly error: Exclude<HandleError, StoreUnavailable> | DuplicateId
}

export interface RelayReport {
  readonly delivered: number
  readonly retrying: number
  readonly deadLettered: ReadonlyArray<DeadLetter>
  /**
   * Dead letters that could not be recorded on their petition (say, a `RuleLoop` in the rules that
   * react to it). The relay goes on delivering; the next engine instance's first relay tries again.
   */
  readonly unrecorded: ReadonlyArray<{ readonly deadLetter: DeadLetter; readonly error: Exclude<HandleError, StoreUnavailable> | DuplicateId }>
}

/** A petition as a viewer sees it: the summary, with the petitioner masked unless allowed. */
export interface PetitionView {
  readonly summary: PetitionSummary
  readonly petitioner: { readonly name: string; readonly phone: string }
  readonly identityVisible: boolean
}

/** A Submit whose rule pack the engine pins. */
export type SubmitInput = Omit<CommandOf<"Submit">, "rulePack"> & { readonly rulePack?: CommandOf<"Submit">["rulePack"] }
/** A review request whose window the engine may set from the pack (`reviews`). */
export type ReviewRequestInput<T extends "RequestReview" | "RequestReReview"> = Omit<CommandOf<T>, "windowEndsAt"> & {
  readonly windowEndsAt?: Instant
}
export type EngineCommand =
  | Exclude<PetitionCommand, CommandOf<"Submit" | "RequestReview" | "RequestReReview">>
  | SubmitInput
  | ReviewRequestInput<"RequestReview">
  | ReviewRequestInput<"RequestReReview">

export interface EngineApi {
  /** Load, decide, append (retrying on a concurrent write). Submit is idempotent per channel message id. */
  readonly handle: (command: EngineCommand) => Effect.Effect<Handled, HandleError>
  /** The same, from JSON (instants as ISO strings): every problem named by its JSON path. */
  readonly handleJson: (input: unknown) => Effect.Effect<Handled, HandleError>
  /** Fires every clock timer due by now (or `at`): records warnings and breaches and runs the rules. */
  readonly tick: (at?: Instant) => Effect.Effect<TickReport, HandleError>
  /** Delivers what the outbox holds, with retries and dead letters. */
  readonly relay: (at?: Instant) => Effect.Effect<RelayReport, HandleError>
  readonly state: (petitionId: string) => Effect.Effect<PetitionState, PetitionNotFound | StoreError | InvalidInput>
  readonly history: (petitionId: string) => Effect.Effect<ReadonlyArray<PetitionEvent>, PetitionNotFound | StoreError | InvalidInput>
  /** The clocks of a petition as of now (or `at`). */
  readonly clocks: (petitionId: string, at?: Instant) => Effect.Effect<ClockEvaluation, HandleError>
  /** Petitions the viewer may see, newest id last; identities masked unless the viewer may see them. */
  readonly query: (
    viewer: Viewer,
    request: PageRequest & { readonly overdue?: boolean }
  ) => Effect.Effect<ReadonlyArray<PetitionView>, AccessDenied | StoreError>
  /** A petitioner's identity, for a viewer allowed to see it; the reading is recorded in the petition's history. */
  readonly readIdentity: (
    viewer: Viewer,
    petitionId: string,
    reason: string,
    /** When the read happens (default: now, but never before the petition's last event). */
    at?: Instant
  ) => Effect.Effect<Petitioner, AccessDenied | HandleError>
  /** When the next timer is due, for the scheduler. */
  readonly nextDueAt: Effect.Effect<Option.Option<Instant>, StoreError>
}

export class Engine extends Context.Service<Engine, EngineApi>()("@minyi/core/engine/Engine") {}

const notFound = (petitionId: string) =>
  new PetitionNotFound({ petitionId, message: `找不到诉求 ${petitionId}（no petition ${petitionId}）` })

/**
 * The first `limit` items of a paged source that `keep` accepts, following its cursors from
 * `after`: a filter applied to one page only would drop what matches on later pages.
 */
const firstMatching = Effect.fnUntraced(function*(
  source: (after: string | undefined) => Effect.Effect<Page<PetitionSummary>, StoreError>,
  after: string | undefined,
  keep: (s: PetitionSummary) => boolean,
  limit: number
) {
  const out: Array<PetitionSummary> = []
  let cursor = after
  while (out.length < limit) {
    const page = yield* source(cursor)
    for (const s of page.items) if (out.length < limit && keep(s)) out.push(s)
    if (page.next === null) break
    cursor = page.next
  }
  return out
})

const decodeTypedCommand = decodeInput(Schema.toType(PetitionCommand), "command")

/**
 * Decodes a command from JSON (instants as ISO 8601 strings) or checks a typed one (instants as
 * epoch ms) that comes from where the type system does not reach, such as JavaScript callers of
 * the Promise facade. The engine pins the rule pack; a caller's Submit need not name one.
 */
export const decodeEngineCommand = (input: unknown, form: "json" | "typed"): Result.Result<PetitionCommand, InvalidInput> => {
  const tagOf = typeof input === "object" && input !== null ? (input as { _tag?: unknown })._tag : undefined
  // What the engine fills in itself may be left out: the pinned rule pack, and a review window the pack sets.
  const pinned =
    tagOf === "Submit" && !("rulePack" in (input as object))
      ? { ...(input as object), rulePack: { id: "pinned-by-engine", version: "pinned-by-engine" } }
      : (tagOf === "RequestReview" || tagOf === "RequestReReview") && !("windowEndsAt" in (input as object))
      ? { ...(input as object), windowEndsAt: form === "json" ? formatInstant(WINDOW_FROM_PACK) : WINDOW_FROM_PACK }
      : input
  // An unknown tag is explained by the JSON decoder, which names the tags it knows.
  const tag = typeof pinned === "object" && pinned !== null ? (pinned as { _tag?: unknown })._tag : undefined
  const known = typeof tag === "string" && Object.hasOwn(PetitionCommand.cases, tag)
  return form === "json" || !known ? decodeCommand(pinned) : decodeTypedCommand(pinned)
}

/** Builds the engine over the storage ports and a notifier. */
export const makeEngine = Effect.fnUntraced(function*(options: EngineOptions) {
  const store = yield* EventStore
  const timers = yield* Timers
  const outbox = yield* Outbox
  const queries = yield* Queries
  const notifier = yield* Notifier
  const { directory } = options
  const workerId = options.workerId ?? "engine"
  const leaseMs = options.leaseMs ?? 30_000
  const batchSize = options.batchSize ?? 100
  const identityRoles = options.identityRoles ?? defaultIdentityRoles
  const calendarCache = new Map<RulePack, Calendars>()
  const calendarsOf = (pack: RulePack): Calendars => {
    let c = calendarCache.get(pack)
    if (c === undefined) {
      c = makeCalendars(pack.document.calendars)
      calendarCache.set(pack, c)
    }
    return c
  }

  const load = Effect.fnUntraced(function*(petitionId: string) {
    const stored = yield* store.readStream(petitionId)
    const events: Array<PetitionEvent> = []
    for (const row of stored) {
      const decoded = decodeEvent(row.data)
      if (Result.isFailure(decoded)) {
        return yield* storeCorrupt(`${petitionId}@${row.version}`, decoded.failure.message)
      }
      events.push(decoded.success)
    }
    return { events, state: replay(events, petitionId) }
  })

  const packOf = (state: PetitionState, at: Instant): Result.Result<RulePack, NoRulePack> => {
    const pack = state.rulePack === undefined ? packFor(options.packs, at) : pinnedPack(options.packs, state.rulePack)
    return pack === undefined
      ? Result.fail(
          new NoRulePack({
            at: formatInstant(at),
            message:
              state.rulePack === undefined
                ? `${formatInstant(at)} 没有生效的规则包（no rule pack is in force at ${formatInstant(at)}）`
                : `诉求 ${state.id} 绑定的规则包 ${state.rulePack.id}@${state.rulePack.version} 未发布（the pinned pack is not published）`
          })
        )
      : Result.succeed(pack)
  }

  /** The append for a step: events, notifications, the clock timer, the read-model row. */
  const batchOf = (
    petitionId: string,
    expectedVersion: number,
    outcome: StepOutcome,
    pack: RulePack,
    now: Instant,
    idempotencyKey: string | undefined,
    history: ReadonlyArray<PetitionEvent>
  ): AppendBatch => ({
    streamId: petitionId,
    expectedVersion,
    events: outcome.events.map((e) => ({
      eventId: `${petitionId}@${e.version}`,
      type: e._tag,
      at: e.at,
      data: encodeEvent(e)
    })),
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    outbox: outcome.notifications as Array<OutboxMessage>,
    timers:
      outcome.nextWakeAt === undefined
        ? { schedule: [], cancel: [{ streamId: petitionId, key: CLOCK_TIMER }] }
        : {
            schedule: [{ streamId: petitionId, key: CLOCK_TIMER, dueAt: outcome.nextWakeAt, payload: { pack: `${pack.id}@${pack.version}` } }],
            cancel: []
          },
    summary: toSummary(outcome.state, outcome.clocks, directory, now),
    ...repeatEntryFor(outcome.events),
    metrics: metricDeltas(history, outcome.events, { directory })
  })

  const repeatEntryFor = (events: ReadonlyArray<PetitionEvent>): { readonly repeatEntry?: RepeatEntry } => {
    const submitted = events.find((e) => e._tag === "Submitted")
    const entry = submitted === undefined || options.identityKey === undefined ? undefined : repeatEntryOf(options.identityKey, directory, submitted)
    return entry === undefined ? {} : { repeatEntry: entry }
  }

  /**
   * One attempt: load, step through every cause, append. A version conflict means someone else
   * wrote meanwhile; the caller retries from a fresh load.
   */
  const attempt = Effect.fnUntraced(function*(
    petitionId: string,
    causes: ReadonlyArray<StepCause>,
    idempotencyKey: string | undefined,
    now: Instant
  ) {
    const { events: history, state } = yield* load(petitionId)
    // A petition stays with the pack in force when it was received; a new one takes today's.
    const pack = yield* Effect.fromResult(packOf(state, state.receivedAt ?? now))
    const context = { directory, pack, calendars: calendarsOf(pack) }
    const all: Array<PetitionEvent> = [...history]
    let current = state
    const events: Array<PetitionEvent> = []
    const actions: Array<FiredAction> = []
    const notifications: Array<OutboxMessage> = []
    let last: StepOutcome | undefined
    for (const cause of causes) {
      const outcome = yield* Effect.fromResult(step(all, current, cause, context))
      all.push(...outcome.events)
      events.push(...outcome.events)
      actions.push(...outcome.actions)
      notifications.push(...outcome.notifications)
      current = outcome.state
      last = outcome
    }
    if (last === undefined || events.length === 0) {
      return { petitionId, version: state.version, events: [], actions, notifications: 0, replayed: false, outcome: last, pack }
    }
    const merged: StepOutcome = { ...last, events, actions, notifications }
    const result = yield* store.append(batchOf(petitionId, state.version, merged, pack, now, idempotencyKey, history))
    return {
      petitionId: result.streamId,
      version: result.version,
      events: result.replayed ? [] : events,
      actions: result.replayed ? [] : actions,
      notifications: result.replayed ? 0 : notifications.length,
      replayed: result.replayed,
      outcome: last,
      pack
    }
  })

  const withRetry = <A, E extends { readonly _tag: string }, R>(petitionId: string, run: Effect.Effect<A, E, R>) => {
    const loop = (n: number): Effect.Effect<A, Exclude<E, VersionConflict> | TooMuchContention, R> =>
      run.pipe(
        Effect.catch((error): Effect.Effect<A, Exclude<E, VersionConflict> | TooMuchContention, R> =>
          error._tag !== "VersionConflict"
            ? Effect.fail(error as Exclude<E, VersionConflict>)
            : n >= 20
            ? Effect.fail(
                new TooMuchContention({
                  petitionId,
                  attempts: n,
                  message: `诉求 ${petitionId} 同时被多方修改，重试 ${n} 次仍未成功（petition ${petitionId} kept changing under ${n} attempts）`
                })
              )
            : loop(n + 1)
        )
      )
    return loop(1)
  }

  /** Repeat petitions (重复件): the same phone, category subtree and community, within the window. */
  const repeatPolicy = (pack: RulePack) => {
    const fromPack = pack.document.repeats
    return fromPack !== undefined
      ? { windowMs: fromPack.window.days * 86_400_000 + fromPack.window.ms, categoryDepth: fromPack.categoryDepth, merge: fromPack.merge }
      : (options.repeats ?? { windowMs: 30 * 86_400_000, categoryDepth: 2, merge: false })
  }

  const findRepeat = Effect.fnUntraced(function*(command: CommandOf<"Submit">, pack: RulePack) {
    const policy = repeatPolicy(pack)
    const key = options.identityKey === undefined ? null : repeatKey(options.identityKey, command.petitioner)
    const community = communityOf(directory, command.jurisdiction)
    if (key === null || community === undefined) return []
    const subtree = directory.categoryPath(command.category).slice(0, policy.categoryDepth).map((c) => c.id)
    const candidates = yield* queries.repeatCandidates(key, { from: command.at - policy.windowMs, to: command.at })
    const matches: Array<PetitionSummary> = []
    for (const c of candidates) {
      if (c.petitionId === command.petitionId || c.community !== community || !subtree.every((id, i) => c.categoryPath[i] === id)) continue
      // The status (merged or not) changes after intake, so it comes from the read model.
      const summary = yield* queries.get(c.petitionId)
      if (Option.isSome(summary)) matches.push(summary.value)
    }
    return matches
  })

  /**
   * Answers a Submit whose key was used before with the first petition — if it is the same
   * submission; a different complaint under the same message id is refused, not lost.
   */
  const replayOf = Effect.fnUntraced(function*(key: string, earlier: { readonly petitionId: string; readonly version: number }, command: SubmitInput) {
    const { events } = yield* load(earlier.petitionId)
    const first = events.find((e) => e._tag === "Submitted")
    const differences = first === undefined ? [] : submitDifferences(first, command)
    if (differences.length > 0) return yield* idempotencyKeyReused(key, earlier.petitionId, differences)
    return { petitionId: earlier.petitionId, version: earlier.version, events: [], actions: [], notifications: 0, replayed: true } satisfies Handled
  })

  const replayed = (earlier: AppendResult): Handled => ({
    petitionId: earlier.streamId,
    version: earlier.version,
    events: [],
    actions: [],
    notifications: 0,
    replayed: true
  })

  const handleDecoded = Effect.fnUntraced(function*(input: EngineCommand) {
    const now = input.at
    if (input._tag === "Submit") {
      const key = submitKey(input)
      if (key !== undefined) {
        const earlier = yield* store.findByIdempotencyKey(key)
        if (Option.isSome(earlier)) return yield* replayOf(key, replayed(earlier.value), input)
      }
      const pack = packFor(options.packs, input.at)
      if (pack === undefined) {
        return yield* new NoRulePack({ at: formatInstant(input.at), message: `${formatInstant(input.at)} 没有生效的规则包（no rule pack is in force at ${formatInstant(input.at)}）` })
      }
      const command: CommandOf<"Submit"> = { ...input, rulePack: { id: pack.id, version: pack.version } }
      // Linked to every earlier petition in the window, newest first, so the count says how often
      // the matter was raised before; merged (when the policy says so) into the newest not itself merged.
      const repeatOf = yield* findRepeat(command, pack)
      const causes: Array<StepCause> = [{ _tag: "Command", command }]
      const system = { petitionId: command.petitionId, at: command.at, actor: { kind: "system" as const } }
      for (const earlier of repeatOf) causes.push({ _tag: "Command", command: { _tag: "LinkRepeat", ...system, of: earlier.petitionId } })
      const into = repeatOf.find((earlier) => earlier.status !== "merged")
      if (into !== undefined && repeatPolicy(pack).merge) causes.push({ _tag: "Command", command: { _tag: "Merge", ...system, into: into.petitionId } })
      // A copy of this Submit racing in another fiber or process can commit between the lookup
      // above and the append: the store then answers with the key's earlier result, or (when the
      // copy had the same petition id and was loaded after it committed) the petition exists.
      const done = yield* withRetry(command.petitionId, attempt(command.petitionId, causes, key, now)).pipe(
        Effect.map(strip),
        Effect.catchTag("AlreadySubmitted", (refused) =>
          key === undefined
            ? Effect.fail(refused)
            : Effect.flatMap(store.findByIdempotencyKey(key), (earlier) =>
                Option.isSome(earlier) ? Effect.succeed(replayed(earlier.value)) : Effect.fail(refused)
              )
        )
      )
      return key !== undefined && done.replayed ? yield* replayOf(key, done, input) : done
    }
    // A review request without a window leaves it to the pack (step fills it in, or refuses).
    const command: PetitionCommand =
      (input._tag === "RequestReview" || input._tag === "RequestReReview") && input.windowEndsAt === undefined
        ? { ...input, windowEndsAt: WINDOW_FROM_PACK }
        : (input as PetitionCommand)
    const done = yield* withRetry(
      command.petitionId,
      Effect.gen(function*() {
        const exists = yield* store.readStream(command.petitionId).pipe(Effect.map((rows) => rows.length > 0))
        if (!exists) return yield* notFound(command.petitionId)
        return yield* attempt(command.petitionId, [{ _tag: "Command", command }], undefined, now)
      })
    )
    return strip(done)
  })

  const strip = (done: { readonly petitionId: string; readonly version: number; readonly events: ReadonlyArray<PetitionEvent>; readonly actions: ReadonlyArray<FiredAction>; readonly notifications: number; readonly replayed: boolean }): Handled => ({
    petitionId: done.petitionId,
    version: done.version,
    events: done.events,
    actions: done.actions,
    notifications: done.notifications,
    replayed: done.replayed
  })

  const handle = (command: EngineCommand): Effect.Effect<Handled, HandleError> => handleDecoded(command)

  const handleJson = (input: unknown): Effect.Effect<Handled, HandleError> =>
    Effect.fromResult(decodeEngineCommand(input, "json")).pipe(Effect.flatMap(handle))

  /** Fires one claimed timer; a second worker firing the same instant finds the records and does nothing. */
  const fire = (claim: ClaimedTimer, now: Instant) =>
    withRetry(
      claim.streamId,
      attempt(claim.streamId, [{ _tag: "Wake", now: Math.max(now, claim.dueAt) }], undefined, now)
    ).pipe(
      Effect.tap((done) =>
        done.events.length > 0
          ? Effect.void
          : // Nothing new: the append did not move the timer, so move (or drop) it here.
            done.outcome?.nextWakeAt === undefined
            ? timers.complete(claim).pipe(Effect.catchTag("LeaseLost", () => Effect.void))
            : timers.schedule([{ streamId: claim.streamId, key: CLOCK_TIMER, dueAt: done.outcome.nextWakeAt, payload: claim.payload }])
      )
    )

  const tick = (at?: Instant): Effect.Effect<TickReport, HandleError> =>
    Effect.gen(function*() {
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
      return { fired, events, actions, failed }
    })

  /**
   * A lost notification is itself a fact about the petition, and rules may escalate on it. The
   * dead letter and its record are two writes; a crash between them is repaired by the first relay
   * of the next engine instance, which records every dead letter the petitions do not yet show.
   */
  const recordDeadLetter = (dead: DeadLetter, now: Instant) =>
    Effect.gen(function*() {
      const { events } = yield* load(dead.message.streamId)
      if (events.length === 0) return
      if (events.some((e) => e._tag === "NotificationDeadLettered" && e.notificationId === dead.message.id)) return
      yield* handle({
        _tag: "RecordDeadLetter",
        petitionId: dead.message.streamId,
        at: Math.max(now, events[events.length - 1]!.at),
        actor: { kind: "system" },
        notificationId: dead.message.id,
        reason: dead.reason.length > 0 ? dead.reason : "undeliverable"
      })
    })
  let reconciled = false

  const relay = (at?: Instant): Effect.Effect<RelayReport, HandleError> =>
    Effect.gen(function*() {
      const now = at ?? (yield* Clock.currentTimeMillis)
      const unrecorded: Array<RelayReport["unrecorded"][number]> = []
      // One dead letter that cannot be recorded must not stop the deliveries of everyone else.
      const record = (dead: DeadLetter) =>
        Effect.gen(function*() {
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
          .fail(m.id, claim.token, { retryable: sent.failure.retryable, reason: sent.failure.reason }, now)
          .pipe(Effect.catchTag("LeaseLost", () => Effect.succeed(undefined)))
        if (outcome === undefined) continue
        if (outcome._tag === "Retrying") {
          retrying++
          continue
        }
        deadLettered.push(outcome.deadLetter)
        yield* record(outcome.deadLetter)
      }
      return { delivered, retrying, deadLettered, unrecorded }
    })

  const loaded = (petitionId: string) =>
    load(petitionId).pipe(
      Effect.flatMap((l) => (l.events.length === 0 ? Effect.fail(notFound(petitionId)) : Effect.succeed(l)))
    )

  const clocks = (petitionId: string, at?: Instant): Effect.Effect<ClockEvaluation, HandleError> =>
    Effect.gen(function*() {
      const now = at ?? (yield* Clock.currentTimeMillis)
      const { events, state } = yield* loaded(petitionId)
      const pack = yield* Effect.fromResult(packOf(state, state.receivedAt ?? now))
      return yield* Effect.fromResult(evaluateAt(state, events, { directory, pack, calendars: calendarsOf(pack) }, now))
    })

  const view = (scope: Exclude<ReturnType<typeof scopeOf>, AccessDenied>, summary: PetitionSummary): PetitionView => ({
    summary,
    petitioner: (summary.data as { petitioner?: { name: string; phone: string } }).petitioner ?? maskedPetitioner(undefined),
    identityVisible: canSeeIdentity(scope, summary, identityRoles)
  })

  const query = (viewer: Viewer, request: PageRequest & { readonly overdue?: boolean }) =>
    Effect.gen(function*() {
      const scope = scopeOf(viewer, directory)
      if (scope instanceof AccessDenied) return yield* scope
      const now = yield* Clock.currentTimeMillis
      const limit = Math.max(1, request.limit)
      const pageAfter = (after: string | undefined): PageRequest => ({
        limit,
        ...(after === undefined ? {} : { after }),
        ...(request.statuses === undefined ? {} : { statuses: request.statuses })
      })
      const overdue = (s: PetitionSummary) =>
        request.overdue !== true || s.breachedClocks.length > 0 || (s.nextDueAt !== null && s.nextDueAt <= now)
      const sources: Array<(page: PageRequest) => Effect.Effect<Page<PetitionSummary>, StoreError>> = scope.all
        ? [request.overdue === true ? (page) => queries.overdue(now, page) : (page) => queries.all(page)]
        : [
            ...scope.units.map((u) => (page: PageRequest) => queries.byUnit(u, page)),
            ...scope.jurisdictions.map((j) => (page: PageRequest) => queries.byJurisdiction(j, page)),
            (page: PageRequest) => queries.byPerson(scope.person.id, page)
          ]
      const found = yield* Effect.all(
        sources.map((source) => firstMatching((after) => source(pageAfter(after)), request.after, overdue, limit))
      )
      const seen = new Map<string, PetitionSummary>()
      for (const items of found) for (const s of items) seen.set(s.petitionId, s)
      return [...seen.values()]
        .filter((s) => canSee(scope, s))
        .sort((a, b) => (a.petitionId < b.petitionId ? -1 : a.petitionId > b.petitionId ? 1 : 0))
        .slice(0, limit)
        .map((s) => view(scope, s))
    })

  const readIdentity = (viewer: Viewer, petitionId: string, reason: string, at?: Instant) =>
    Effect.gen(function*() {
      const scope = scopeOf(viewer, directory)
      if (scope instanceof AccessDenied) return yield* scope
      const summary = yield* queries.get(petitionId)
      if (Option.isNone(summary)) return yield* notFound(petitionId)
      if (!canSeeIdentity(scope, summary.value, identityRoles)) {
        return yield* denied(
          viewer.person,
          `${scope.person.name} 无权查看诉求 ${petitionId} 的信访人身份`,
          `${scope.person.nameEn} may not see the petitioner's identity on ${petitionId}`,
          petitionId
        )
      }
      const { state: before } = yield* loaded(petitionId)
      // The read happens now; a history never runs backwards, so a clock behind the last event waits for it.
      const now = at ?? Math.max(yield* Clock.currentTimeMillis, before.lastAt ?? 0)
      yield* handle({
        _tag: "RecordIdentityRead",
        petitionId,
        at: now,
        actor: { kind: "person", id: viewer.person },
        person: viewer.person,
        reason
      })
      const { state } = yield* loaded(petitionId)
      return state.petitioner ?? { anonymous: true }
    })

  return Engine.of({
    handle,
    handleJson,
    tick,
    relay,
    state: (id) => loaded(id).pipe(Effect.map((l) => l.state)),
    history: (id) => loaded(id).pipe(Effect.map((l) => l.events)),
    clocks,
    query,
    readIdentity,
    nextDueAt: timers.nextDueAt()
  })
})

/** The engine as a layer over the storage ports and a notifier. */
export const layer = (options: EngineOptions) => Layer.effect(Engine, makeEngine(options))
