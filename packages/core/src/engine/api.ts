/**
 * What the engine offers and how it fails: its options, results, errors and the `Engine` service.
 * The modules that implement it (handle, timers, relay, reads) all build on these.
 */
import type { Effect, Option, Redacted } from "effect"
import { Context, Schema } from "effect"
import type { HolidayRelease } from "../calendar/index.js"
import type { ClockEvaluation } from "../clocks/index.js"
import type { Directory, Role } from "../directory/index.js"
import { ChainBrokenReason } from "../petition/chain.js"
import type { CommandOf, PetitionCommand, PetitionEvent, Petitioner, PetitionState } from "../petition/index.js"
import type { DeadLetter, DuplicateId, PageRequest, PetitionSummary, StoreError, StoreUnavailable } from "../ports/index.js"
import type { PublishRefused, RulePack, RulePackRegistry } from "../rules/index.js"
import type { Instant } from "../shared/instant.js"
import type { InvalidInput } from "../shared/validation.js"
import type { FiredAction, ReviewRequestInput, StepError } from "./step.js"
import type { IdempotencyKeyReused } from "./idempotency.js"
import type { AccessDenied, Viewer } from "./viewer.js"

/** The one timer a petition has: its clocks' next wake-up. */
import type { EngineOnly } from "./authority.js"

export const CLOCK_TIMER = "clocks"

export interface EngineOptions {
  readonly directory: Directory
  /**
   * The published rule-pack versions; each petition is pinned to the one in force when received.
   * More may be published while the engine runs (`Engine.publish`).
   */
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
  /**
   * The deployment secret that seals each petition's stored head (HMAC-SHA256 of petition id,
   * version and hash), so that rewriting event rows and recomputing their hashes is detected on
   * load. Without it heads are kept unsealed: deletions and edits of event rows are still found,
   * a rewrite that also updates the head is not. See docs/security.md for rotating it.
   */
  readonly chainKey?: Redacted.Redacted<string>
  /** Earlier chain keys whose seals still verify while the heads are sealed again under `chainKey`. */
  readonly previousChainKeys?: ReadonlyArray<Redacted.Redacted<string>>
  /**
   * Petitions whose decoded history, state and clocks this instance keeps between commands
   * (default 1,000; 0 keeps none). Each use reads only the events after the kept version, so
   * writes by other instances are seen; the least recently used petition is dropped first.
   */
  readonly petitionCache?: number
  /** Attempts at a command that keeps meeting concurrent writes before `TooMuchContention` (default 20). */
  readonly maxAttempts?: number
  /**
   * How far a caller's command time may run ahead of the engine's clock (default 2 minutes): a
   * later one is `InvalidInput` at `/at`, so nobody freezes a petition's clocks with a future time.
   */
  readonly clockSkewMs?: number
  /**
   * Holiday data published since this version of minyi was built (a State Council notice for a
   * year the bundled data lacks), for every calendar with `holidays: "china"`. Give every instance
   * the releases in force; `publishHolidays` adds one at run time and records what it moves.
   */
  readonly holidays?: ReadonlyArray<HolidayRelease>
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

/**
 * A petition's stored history does not verify (an event edited, removed or reordered). The
 * petition is quarantined in this engine: every later command on it fails with this error
 * until an operator has looked, while the other petitions go on.
 */
export class HistoryTampered extends Schema.TaggedError<HistoryTampered>()("HistoryTampered", {
  petitionId: Schema.String,
  /** The first version that does not verify. */
  version: Schema.Number,
  reason: ChainBrokenReason,
  message: Schema.String
}) {}

export const notFound = (petitionId: string) =>
  new PetitionNotFound({ petitionId, message: `找不到信访件 ${petitionId}（no petition ${petitionId}）` })

export type HandleError =
  | StepError
  | EngineOnly
  | InvalidInput
  | PetitionNotFound
  | NoRulePack
  | TooMuchContention
  | HistoryTampered
  | DuplicateId
  | IdempotencyKeyReused
  | StoreError

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
export type { ReviewRequestInput }
/** A command as the engine takes it: what the engine fills in itself (the pinned pack, a review window the pack sets) may be left out. */
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
  readonly state: (petitionId: string) => Effect.Effect<PetitionState, PetitionNotFound | HistoryTampered | StoreError | InvalidInput>
  readonly history: (petitionId: string) => Effect.Effect<ReadonlyArray<PetitionEvent>, PetitionNotFound | HistoryTampered | StoreError | InvalidInput>
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
  /**
   * Publishes a new rule-pack version on the running engine (checked as `publish` checks it):
   * petitions received from its `effectiveFrom` on answer to it, earlier ones stay pinned to the
   * version they were received under. Answers the versions now published. Only this engine
   * instance learns of it: give every instance, and every restart, the same versions.
   */
  readonly publish: (pack: RulePack) => Effect.Effect<RulePackRegistry, PublishRefused>
  /** The rule-pack versions published on this engine, oldest first. */
  readonly packs: Effect.Effect<RulePackRegistry>
  /** When the next timer is due, for the scheduler. */
  readonly nextDueAt: Effect.Effect<Option.Option<Instant>, StoreError>
  /**
   * Adds holiday data (a {@link HolidayRelease}, decoded from `input`) to every calendar and counts
   * again, as of now (or `at`), each provisional deadline of the open petitions: every deadline it
   * moves — or makes definite — is recorded in the petition's history as `DeadlineRecomputed` with
   * the release's version, and the petition's timer follows. Publishing the same version again
   * records nothing twice.
   */
  readonly publishHolidays: (input: unknown, at?: Instant) => Effect.Effect<HolidaysPublished, HandleError>
}

/** What `publishHolidays` did. */
export interface HolidaysPublished {
  readonly version: string
  readonly years: ReadonlyArray<number>
  /** Open petitions whose read-model row showed a provisional deadline. */
  readonly checked: number
  /** The `DeadlineRecomputed` events recorded, by petition. */
  readonly recomputed: ReadonlyArray<{ readonly petitionId: string; readonly events: ReadonlyArray<PetitionEvent> }>
  /** Petitions whose deadlines could not be counted again (the rest went on). */
  readonly failed: ReadonlyArray<{ readonly petitionId: string; readonly error: Exclude<HandleError, StoreUnavailable> }>
}

export class Engine extends Context.Service<Engine, EngineApi>()("@minyi/core/engine/Engine") {}
