import { Result, Schema, Struct } from "effect"
import type { InvalidInput } from "../shared/validation.js"
import { decodeInput, invalidInput } from "../shared/validation.js"
import { AppendBatch, MetricDelta, TimerSpec } from "./model.js"

/** How the outbox backs off between delivery attempts. */
export interface RetryPolicy {
  /** Delay after the first failed attempt. */
  readonly initialDelayMs: number
  /** Growth per attempt (2 doubles the delay each time). */
  readonly factor: number
  /** Upper bound of a delay, jitter included. */
  readonly maxDelayMs: number
  /** Failed attempts after which a message becomes a dead letter. */
  readonly maxAttempts: number
  /** Spread of the jitter as a fraction of the delay (0.2 = ±20 %). */
  readonly jitter: number
}

export const defaultRetryPolicy: RetryPolicy = {
  initialDelayMs: 5_000,
  factor: 2,
  maxDelayMs: 3_600_000,
  maxAttempts: 8,
  jitter: 0.2
}

// FNV-1a: the jitter must be reproducible (core has no random source and tests replay) yet spread
// retries of different messages apart so they do not hit a recovering receiver together.
const unitHash = (text: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0) / 0x1_0000_0000
}

/**
 * The delay before the next attempt after `failedAttempts` failures (≥ 1) of message `id`:
 * initialDelay · factor^(failedAttempts−1), spread by ±jitter derived from the id and attempt,
 * capped at maxDelayMs.
 */
export const retryDelay = (policy: RetryPolicy, id: string, failedAttempts: number): number => {
  const base = policy.initialDelayMs * Math.pow(policy.factor, Math.max(0, failedAttempts - 1))
  const spread = 1 + policy.jitter * (2 * unitHash(`${id}#${failedAttempts}`) - 1)
  return Math.round(Math.min(policy.maxDelayMs, base * spread))
}

/**
 * When a retryable failure is next attempted: after the policy's backoff, or at the receiver's
 * `notBefore` if that is later. A receiver may stretch one wait up to maxDelayMs but no further, so
 * it cannot park a message indefinitely; the failure itself counts as one attempt, as any other, and
 * since the next attempt waits for the hold, a hold no longer than maxDelayMs costs just that one.
 */
export const nextAttemptAt = (policy: RetryPolicy, id: string, failedAttempts: number, now: number, notBefore?: number): number => {
  const backoff = now + retryDelay(policy, id, failedAttempts)
  // A non-finite notBefore is no instant at all; the backoff alone must still schedule the retry.
  return notBefore === undefined || !Number.isFinite(notBefore) ? backoff : Math.max(backoff, Math.min(notBefore, now + policy.maxDelayMs))
}

const decodeWholeBatch = decodeInput(AppendBatch, "append batch")
// The batch with its rows taken as they are: they are checked beside it.
const decodeBatchButMetrics = decodeInput(
  AppendBatch.mapFields(Struct.assign({ metrics: Schema.optionalKey(Schema.Array(Schema.Unknown)) })),
  "append batch"
)

const isId = (u: unknown): u is string => typeof u === "string" && u.length > 0

const metricFields: ReadonlySet<string> = new Set(Object.keys(MetricDelta.fields))

/**
 * A metric row that `MetricDelta` certainly accepts, rebuilt as a fresh object (as the schema's
 * output is). Stricter than the schema where that is cheaper (a finite value): a row this
 * refuses is decoded by the schema, which has the last word and names the problem.
 */
const wellFormedMetric = (u: unknown): MetricDelta | undefined => {
  if (
    typeof u !== "object" || u === null ||
    !("scope" in u && "kind" in u && "dim" in u && "key" in u && "periodDay" in u && "asOfDay" in u && "value" in u)
  ) return undefined
  // The schema refuses excess properties; seven own keys, all fields, means no other.
  const own = Object.keys(u)
  if (own.length !== metricFields.size || !own.every((k) => metricFields.has(k))) return undefined
  const { scope, kind, dim, key, periodDay, asOfDay, value } = u
  return isId(scope) && isId(kind) && isId(dim) && typeof key === "string" && Number.isSafeInteger(periodDay) &&
      Number.isSafeInteger(asOfDay) && typeof value === "number" && Number.isFinite(value) &&
      typeof periodDay === "number" && typeof asOfDay === "number"
    ? { scope, kind, dim, key, periodDay, asOfDay, value }
    : undefined
}

/**
 * Validates an append batch; every adapter calls it before writing. A receipt carries about a
 * hundred read-model rows, and the schema's generic walk costs several µs a row, more than the
 * rest of the batch: well-formed rows are checked by a plain loop, and a batch with any other row
 * is decoded whole by the schema, so a bad row is reported exactly as before.
 */
export const decodeAppendBatch = (input: unknown): Result.Result<AppendBatch, InvalidInput> => Result.flatMap(decodeRows(input), headAtEnd)

const decodeRows = (input: unknown): Result.Result<AppendBatch, InvalidInput> => {
  if (typeof input !== "object" || input === null || !("metrics" in input) || !Array.isArray(input.metrics)) return decodeWholeBatch(input)
  const rows: ReadonlyArray<unknown> = input.metrics
  const metrics: Array<MetricDelta> = []
  for (const row of rows) {
    const checked = wellFormedMetric(row)
    if (checked === undefined) return decodeWholeBatch(input)
    metrics.push(checked)
  }
  return Result.map(decodeBatchButMetrics(input), (batch): AppendBatch => ({ ...batch, metrics }))
}

// A head that does not end where the batch ends would anchor a history that does not exist.
const headAtEnd = (batch: AppendBatch): Result.Result<AppendBatch, InvalidInput> => {
  const { head, expectedVersion, events } = batch
  return head !== undefined && head.version !== expectedVersion + events.length
    ? Result.fail(
        invalidInput("append batch", [{
          path: "/head/version",
          message: `链头版本应为 ${expectedVersion + events.length}（expectedVersion 加本批事件数），实为 ${head.version} (Expected ${expectedVersion + events.length} (expectedVersion + events), got ${head.version})`
        }])
      )
    : Result.succeed(batch)
}

/** Validates timer specs given to `Timers.schedule`. */
export const decodeTimerSpecs = decodeInput(Schema.Array(TimerSpec), "timer specs")

/** Clamps a requested page or batch size to 1…10,000, the range every adapter honours. */
export const clampPageLimit = (limit: number): number => Math.max(1, Math.min(10_000, Math.floor(limit) || 1))
