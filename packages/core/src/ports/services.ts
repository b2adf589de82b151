import { Context } from "effect"
import type { Effect, Option } from "effect"
import type { InvalidInput } from "../shared/validation.js"
import type { DuplicateId, LeaseLost, NotifyFailed, StoreError, VersionConflict } from "./errors.js"
import type {
  AppendBatch,
  AppendResult,
  ClaimedMessage,
  ClaimedTimer,
  ClaimOptions,
  DeadLetter,
  DeliveryFailure,
  FailOutcome,
  MetricRow,
  MetricsRequest,
  Notification,
  Page,
  PageRequest,
  PetitionSummary,
  RepeatCandidate,
  RepeatWindow,
  StoredEvent,
  StreamHead,
  TimerKey,
  TimerSpec
} from "./model.js"

/**
 * Event-sourced petition streams. `append` writes the events together with the outbox messages,
 * timer changes and the read-model row of the batch in one transaction.
 */
export class EventStore extends Context.Service<EventStore, {
  /**
   * Appends atomically. Order of checks: a known idempotency key returns the earlier result
   * (nothing written); then the batch is validated (InvalidInput); then the expected version
   * (VersionConflict); then uniqueness of event and outbox ids (DuplicateId).
   */
  append(batch: AppendBatch): Effect.Effect<AppendResult, InvalidInput | VersionConflict | DuplicateId | StoreError>
  /**
   * The stream's events in version order; empty for an unknown stream. With `afterVersion`, only
   * the events after that version (what a reader that kept the stream up to it has not seen).
   */
  readStream(streamId: string, options?: { readonly afterVersion?: number }): Effect.Effect<ReadonlyArray<StoredEvent>, StoreError>
  /** Events of every stream with a position greater than `afterPosition`, in position order, at most `limit` (clamped to 1…10,000). */
  readAll(afterPosition: number, limit: number): Effect.Effect<ReadonlyArray<StoredEvent>, StoreError>
  /** The result of the append that used this idempotency key, if any. */
  findByIdempotencyKey(key: string): Effect.Effect<Option.Option<AppendResult>, StoreError>
  /** The stream's head as the last append that carried one wrote it (none for an unknown stream). */
  readHead(streamId: string): Effect.Effect<Option.Option<StreamHead>, StoreError>
  /**
   * Every stream id that has events or a head, in id order, one page at a time (`after` is the
   * previous page's `next`): what an audit walks so that a stream missing either is still seen.
   */
  streamIds(page: { readonly limit: number; readonly after?: string }): Effect.Effect<Page<string>, StoreError>
}>()("@minyi/core/ports/EventStore") {}

/**
 * Due instants per petition and purpose. Finding due timers costs O(log n + due), never a scan of
 * all open timers.
 */
export class Timers extends Context.Service<Timers, {
  /** Schedules outside an append (e.g. on start-up); the same (streamId, key) replaces. */
  schedule(specs: ReadonlyArray<TimerSpec>): Effect.Effect<void, InvalidInput | StoreError>
  /** Removes a timer; unknown keys are ignored. */
  cancel(key: TimerKey): Effect.Effect<void, StoreError>
  /**
   * Leases up to `limit` timers due at `now` (dueAt ≤ now, no live lease), earliest first, to
   * `workerId` until `now + leaseMs`. A timer is never handed to two workers while a lease is
   * live; when the lease expires it can be claimed again.
   */
  claimDue(options: ClaimOptions): Effect.Effect<ReadonlyArray<ClaimedTimer>, StoreError>
  /** Deletes the timer if the claim's token still holds it; LeaseLost otherwise. */
  complete(claim: ClaimedTimer): Effect.Effect<void, LeaseLost | StoreError>
  /** The earliest instant at which some timer becomes claimable (its dueAt, or its lease end); none when empty. */
  nextDueAt(): Effect.Effect<Option.Option<number>, StoreError>
  /** The timer as scheduled, if present. */
  get(key: TimerKey): Effect.Effect<Option.Option<TimerSpec>, StoreError>
}>()("@minyi/core/ports/Timers") {}

/**
 * Notifications written with the events. Delivered at least once by a relay: claim with a lease,
 * then ack, or fail (exponential backoff with jitter; then dead letter).
 */
export class Outbox extends Context.Service<Outbox, {
  /** Leases up to `limit` messages whose next attempt is due at `now`, oldest due first. */
  claim(options: ClaimOptions): Effect.Effect<ReadonlyArray<ClaimedMessage>, StoreError>
  /** Delivered: removes the message if the token still holds it. */
  ack(id: string, token: string): Effect.Effect<void, LeaseLost | StoreError>
  /**
   * Not delivered. Retryable failures are rescheduled with backoff until the store's retry policy
   * runs out of attempts; then, or at once for non-retryable failures, the message becomes a dead
   * letter, returned so the engine can record it as an event.
   */
  fail(id: string, token: string, failure: DeliveryFailure, now: number): Effect.Effect<FailOutcome, LeaseLost | StoreError>
  /** Every dead letter, oldest first. */
  deadLetters(): Effect.Effect<ReadonlyArray<DeadLetter>, StoreError>
  /** Messages not yet delivered nor dead (claimed or not). */
  pendingCount(): Effect.Effect<number, StoreError>
}>()("@minyi/core/ports/Outbox") {}

/**
 * The petition read model. Filters only: viewer scoping and masking are the engine's job.
 * Every listing pages in petition-id order.
 */
export class Queries extends Context.Service<Queries, {
  get(petitionId: string): Effect.Effect<Option.Option<PetitionSummary>, StoreError>
  /** Petitions whose firstHandler, lead, coHandlers or chainUnits include the unit. */
  byUnit(unitId: string, page: PageRequest): Effect.Effect<Page<PetitionSummary>, StoreError>
  /** Petitions whose jurisdiction is the node or below it (the node is on jurisdictionPath). */
  byJurisdiction(nodeId: string, page: PageRequest): Effect.Effect<Page<PetitionSummary>, StoreError>
  /** Petitions whose category is the node or below it (the node is on categoryPath). */
  byCategory(nodeId: string, page: PageRequest): Effect.Effect<Page<PetitionSummary>, StoreError>
  /** Petitions the person owns (包案), leads through a leader channel, or watches. */
  byPerson(personId: string, page: PageRequest): Effect.Effect<Page<PetitionSummary>, StoreError>
  /** Petitions with a breached clock, or whose nextDueAt is at or before `now`. */
  overdue(now: number, page: PageRequest): Effect.Effect<Page<PetitionSummary>, StoreError>
  all(page: PageRequest): Effect.Effect<Page<PetitionSummary>, StoreError>
  /**
   * The petitions whose repeat-index entry has this key and a receivedAt within the window,
   * newest first (ties by petition id): O(log n + matches), never a scan of the petitions.
   */
  repeatCandidates(key: string, window: RepeatWindow): Effect.Effect<ReadonlyArray<RepeatCandidate>, StoreError>
  /**
   * The report counters of one scope added up (see `MetricsRequest`): a range read of the scope's
   * rows, whose number grows with days and keys, never with petitions. Rows that sum to 0 may be left out.
   */
  metrics(request: MetricsRequest): Effect.Effect<ReadonlyArray<MetricRow>, StoreError>
}>()("@minyi/core/ports/Queries") {}

/** Delivers notifications over one or more channels; classifies failures as retryable or not. */
export class Notifier extends Context.Service<Notifier, {
  send(notification: Notification): Effect.Effect<void, NotifyFailed>
}>()("@minyi/core/ports/Notifier") {}

/** Everything a storage adapter provides. */
export type Storage = EventStore | Timers | Outbox | Queries
