/**
 * Deadlines counted over a year without holiday data are provisional; once the year's data is
 * added they are counted again. This says which deadlines that moved (or confirmed): the engine
 * records each as a `DeadlineRecomputed` event and reschedules the petition's timer.
 */
import type { Instant } from "../shared/instant.js"
import type { ClockEvaluation } from "./types.js"

/** One provisional deadline counted again with new holiday data. */
export interface DeadlineChange {
  /** The clock's name (the policy's), as breaches and warnings record it. */
  readonly clock: string
  /** The instance key (`name`, `name:unit`, `name:whistleId:unit`). */
  readonly key: string
  readonly unit?: string
  readonly calendar: string
  readonly previousDueAt: Instant
  readonly dueAt: Instant
  /** The new deadline still reaches a year without data (the release did not cover it). */
  readonly stillProvisional: boolean
}

/**
 * The open clocks whose deadline was provisional in `before` and, in `after` (the same history
 * counted with the new data), is due at another instant or is no longer provisional. A clock that
 * stopped or breached meanwhile is not a deadline any more and is left out.
 */
export const deadlineChanges = (before: ClockEvaluation, after: ClockEvaluation): ReadonlyArray<DeadlineChange> => {
  const changes: Array<DeadlineChange> = []
  for (const old of before.clocks) {
    if (old.provisional === undefined || old.dueAt === undefined || (old.state !== "running" && old.state !== "paused")) continue
    const recounted = after.clocks.find((c) => c.key === old.key)
    if (recounted?.dueAt === undefined || (recounted.state !== "running" && recounted.state !== "paused")) continue
    if (recounted.dueAt === old.dueAt && recounted.provisional !== undefined) continue
    changes.push({
      clock: old.name,
      key: old.key,
      ...(recounted.unit === undefined ? {} : { unit: recounted.unit }),
      calendar: old.calendar,
      previousDueAt: old.dueAt,
      dueAt: recounted.dueAt,
      stillProvisional: recounted.provisional !== undefined
    })
  }
  return changes
}
