import { Schema } from "effect"

// Events, payloads and summary extras are opaque JSON (Schema.Json) to storage.
const Id = Schema.NonEmptyString
/** Epoch milliseconds (see `Instant` in shared). Integers only, so every store keeps them exactly. */
const InstantMs = Schema.Int
const Count = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
const Positive = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))

/** An event to append. `data` is the event as encoded by the petition module. */
export const NewEvent = Schema.Struct({
  eventId: Id,
  type: Id,
  at: InstantMs,
  data: Schema.Json
})
export type NewEvent = typeof NewEvent.Type

/** An event as stored: its stream, its 1-based gapless version in the stream and its global position. */
export const StoredEvent = Schema.Struct({
  streamId: Id,
  version: Positive,
  position: Positive,
  ...NewEvent.fields
})
export type StoredEvent = typeof StoredEvent.Type

/** Names one timer: unique per (streamId, key), e.g. key `clock:feedback` or `whistle-report:w1:dept.x`. */
export const TimerKey = Schema.Struct({ streamId: Id, key: Id })
export type TimerKey = typeof TimerKey.Type

/** A timer to schedule. Scheduling the same (streamId, key) again replaces it (and drops any lease). */
export const TimerSpec = Schema.Struct({
  streamId: Id,
  key: Id,
  dueAt: InstantMs,
  payload: Schema.Json
})
export type TimerSpec = typeof TimerSpec.Type

/** A timer handed to one worker until `leaseUntil`; `token` proves the lease on `complete`. */
export const ClaimedTimer = Schema.Struct({
  ...TimerSpec.fields,
  token: Id,
  workerId: Id,
  leaseUntil: InstantMs
})
export type ClaimedTimer = typeof ClaimedTimer.Type

/** A notification to deliver, written in the same append as the events that caused it. */
export const OutboxMessage = Schema.Struct({
  id: Id,
  streamId: Id,
  /** Stable across retries: notifiers pass it on so the receiver can drop duplicates. */
  idempotencyKey: Id,
  /** The notifier that delivers it (e.g. `sms`, `webhook`, `email`). */
  channel: Id,
  recipient: Id,
  template: Schema.optionalKey(Id),
  payload: Schema.Json,
  createdAt: InstantMs
})
export type OutboxMessage = typeof OutboxMessage.Type

/** An outbox message leased to one worker. `attempt` is 1 for the first delivery try. */
export const ClaimedMessage = Schema.Struct({
  message: OutboxMessage,
  token: Id,
  workerId: Id,
  leaseUntil: InstantMs,
  attempt: Positive
})
export type ClaimedMessage = typeof ClaimedMessage.Type

/** A message given up on: not retryable, or out of attempts. */
export const DeadLetter = Schema.Struct({
  message: OutboxMessage,
  attempts: Positive,
  reason: Schema.String,
  deadAt: InstantMs
})
export type DeadLetter = typeof DeadLetter.Type

/** The read-model row of one petition, replaced as a whole by each append that carries one. */
export const PetitionSummary = Schema.Struct({
  petitionId: Id,
  status: Id,
  tier: Count,
  priority: Id,
  owner: Schema.NullOr(Id),
  firstHandler: Schema.NullOr(Id),
  lead: Schema.NullOr(Id),
  coHandlers: Schema.Array(Id),
  /** Every unit in the responsibility chain, including units summoned by a whistle. */
  chainUnits: Schema.Array(Id),
  /** Jurisdiction node ids from the root down to the petition's node. */
  jurisdictionPath: Schema.Array(Id),
  /** Category node ids from the root down to the petition's category. */
  categoryPath: Schema.Array(Id),
  channel: Id,
  /** The leader a leader channel (主官在线) is bound to. */
  leaderPerson: Schema.NullOr(Id),
  watchers: Schema.Array(Id),
  accusedUnit: Schema.NullOr(Id),
  receivedAt: InstantMs,
  updatedAt: InstantMs,
  /** The earliest running clock deadline, if any. */
  nextDueAt: Schema.NullOr(InstantMs),
  /** Names of the clocks that have breached. */
  breachedClocks: Schema.Array(Id),
  data: Schema.Json
})
export type PetitionSummary = typeof PetitionSummary.Type

/** What a repeat lookup returns for one earlier petition (its index entry without the key). */
export const RepeatCandidate = Schema.Struct({
  petitionId: Id,
  receivedAt: InstantMs,
  /** The community (社区) the petition is in, or its deepest jurisdiction node when it has none. */
  community: Id,
  /** Category node ids from the root down to the petition's category. */
  categoryPath: Schema.Array(Id)
})
export type RepeatCandidate = typeof RepeatCandidate.Type

/**
 * A petition's entry in the repeat index (重复件), for finding earlier petitions of the same
 * petitioner. `key` is a keyed hash (HMAC-SHA256 under the deployment's identity key) of the
 * normalised phone: without the secret it cannot be recomputed from a phone number, so the index
 * cannot be searched by trying every number. No query returns the key. One entry per petition,
 * replaced by the next one written for it (re-keying).
 */
export const RepeatEntry = Schema.Struct({ key: Id, ...RepeatCandidate.fields })
export type RepeatEntry = typeof RepeatEntry.Type

/**
 * One change to the report read model (民情日报 figures): add `value` to the counter of (`scope`,
 * `kind`, `dim`, `key`, `periodDay`, `asOfDay`). `periodDay` places the row in a report period
 * (the receipt day for figures about the petitions received in a period, the activity's day for
 * what happened in it); `asOfDay` is the day from which the change counts, so a report as of a
 * day sums only the rows before it. Days are local day numbers (days since 1970-01-01 at the
 * engine's UTC offset). Reversals are negative values. Written by the engine, added up by stores.
 */
export const MetricDelta = Schema.Struct({
  scope: Id,
  kind: Id,
  dim: Id,
  key: Schema.String,
  periodDay: Schema.Int,
  asOfDay: Schema.Int,
  value: Schema.Number
})
export type MetricDelta = typeof MetricDelta.Type

/** A sum of report counters; `periodDay` is null unless the request asked for days. */
export const MetricRow = Schema.Struct({
  kind: Id,
  dim: Id,
  key: Schema.String,
  periodDay: Schema.NullOr(Schema.Int),
  value: Schema.Number
})
export type MetricRow = typeof MetricRow.Type

/**
 * What `Queries.metrics` adds up: the counters of one scope with `periodDay` in [fromDay, toDay)
 * and `asOfDay` before `asOfDay`, grouped by kind, dim and key (and by periodDay when `byDay`).
 */
export interface MetricsRequest {
  readonly scope: string
  readonly fromDay: number
  readonly toDay: number
  readonly asOfDay: number
  readonly byDay?: boolean
  /** Only these kinds; all when absent. */
  readonly kinds?: ReadonlyArray<string>
  /** Only these dims; all when absent. */
  readonly dims?: ReadonlyArray<string>
}

/**
 * Where a stream ends, kept by the store apart from the event rows (its own table) and written in
 * the same transaction as the append that moves it: the last event's version and hash, and the
 * engine's keyed seal over them (null in a deployment without a chain key). Loading compares the
 * events with it, so deleting the newest events or rewriting rows and their hashes is found.
 */
export const StreamHead = Schema.Struct({
  version: Positive,
  hash: Id,
  seal: Schema.NullOr(Id)
})
export type StreamHead = typeof StreamHead.Type

/**
 * One atomic write: the events of one stream plus everything they cause. All of it is stored,
 * or none of it.
 */
export const AppendBatch = Schema.Struct({
  streamId: Id,
  /** The stream's version the caller decided on; 0 for a new stream. */
  expectedVersion: Count,
  events: Schema.Array(NewEvent),
  /**
   * Makes the append happen at most once: appending again with a key already used returns the
   * earlier append's result and writes nothing (e.g. `submit:<channel>:<message id>`,
   * `timer:<stream>:<key>:<dueAt>`). Keys are global, not per stream.
   */
  idempotencyKey: Schema.optionalKey(Id),
  outbox: Schema.Array(OutboxMessage),
  timers: Schema.Struct({ schedule: Schema.Array(TimerSpec), cancel: Schema.Array(TimerKey) }),
  summary: Schema.optionalKey(PetitionSummary),
  /** The petition's repeat-index entry, written (or replaced) with the batch. */
  repeatEntry: Schema.optionalKey(RepeatEntry),
  /** Report read-model changes the events make, added to the counters in the same transaction. */
  metrics: Schema.optionalKey(Schema.Array(MetricDelta)),
  /**
   * The stream's head after the batch (replacing the stored one); its version must be
   * expectedVersion + the number of events. A batch without events may carry one to seal the
   * head again (key rotation).
   */
  head: Schema.optionalKey(StreamHead)
})
export type AppendBatch = typeof AppendBatch.Type

/** What an append did. `replayed` is true when the idempotency key had been used: nothing new was written. */
export const AppendResult = Schema.Struct({
  streamId: Id,
  /** The stream's version before the append (the batch's expectedVersion). */
  previousVersion: Count,
  /** The stream's version after the append (previousVersion + number of events). */
  version: Count,
  replayed: Schema.Boolean
})
export type AppendResult = typeof AppendResult.Type

/** The instants, both inclusive, a repeat lookup covers. */
export interface RepeatWindow {
  readonly from: number
  readonly to: number
}

/** Options of a lease-taking call (timers and outbox). */
export interface ClaimOptions {
  readonly now: number
  readonly limit: number
  readonly leaseMs: number
  readonly workerId: string
}

/** Why a delivery failed. Not retryable goes to the dead letters at once. */
export interface DeliveryFailure {
  readonly retryable: boolean
  readonly reason: string
  /**
   * The receiver's "not before" (epoch ms, e.g. from Retry-After): the next attempt comes no earlier
   * than this, unless that is further than the retry policy's maxDelayMs away (see `nextAttemptAt`).
   */
  readonly notBefore?: number
}

/** What `Outbox.fail` did with the message. */
export type FailOutcome =
  | { readonly _tag: "Retrying"; readonly attempts: number; readonly nextAttemptAt: number }
  | { readonly _tag: "DeadLettered"; readonly deadLetter: DeadLetter }

/** Keyset paging: `after` is the `next` cursor of the previous page. */
export interface PageRequest {
  readonly limit: number
  readonly after?: string
  /** Only petitions in one of these statuses. */
  readonly statuses?: ReadonlyArray<string>
}

/** A page of results in petition-id order; `next` is null on the last page. */
export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly next: string | null
}

/** What a notifier is asked to deliver. */
export interface Notification {
  readonly id: string
  readonly streamId: string
  readonly idempotencyKey: string
  readonly channel: string
  readonly recipient: string
  readonly template?: string
  readonly payload: Schema.Json
}
