import { Result } from "effect"
import type { Calendar, Calendars } from "../calendar/calendar.js"
import { lookupCalendar } from "../calendar/calendar.js"
import type { Duration } from "../calendar/duration.js"
import type { Instant } from "../shared/instant.js"
import type { AppliesWhen, ClockPolicy } from "./policy.js"
import type { Run } from "./runs.js"
import type { Accountability } from "./runs.js"
import { accountabilityAfter, apply, freshRun, spawn, statusOf, Thrown, unwrap } from "./runs.js"

export type { ClockError, ClockEvaluation, ClockEvent, ClockState, ClockStatus, ClockSubject, EvaluateClocksInput, Wakeup } from "./types.js"
import type { ClockError, ClockEvaluation, ClockEvent, ClockStatus, ClockSubject, EvaluateClocksInput, Wakeup } from "./types.js"

const within = (path: ReadonlyArray<string>, subtrees: ReadonlyArray<string> | undefined) =>
  subtrees === undefined || path.some((c) => subtrees.includes(c))

const oneOf = (value: string | undefined, list: ReadonlyArray<string> | undefined) =>
  list === undefined || (value !== undefined && list.includes(value))

/** Does the policy apply to this petition? Every condition given must hold. */
export const clockApplies = (when: AppliesWhen | undefined, s: ClockSubject): boolean =>
  when === undefined ||
  (oneOf(s.channelKind, when.channelKinds) &&
    oneOf(s.channel, when.channels) &&
    within(s.categoryPath, when.categories) &&
    (when.flags ?? []).every((f) => (s.flags ?? []).includes(f)) &&
    (when.minPersons === undefined || (s.persons ?? 1) >= when.minPersons) &&
    oneOf(s.priority, when.priorities))

/** The limit in force: the first override whose categories and priorities match, else the policy's. */
export const effectiveLimit = (policy: ClockPolicy, s: ClockSubject): Duration =>
  (policy.overrides ?? []).find((o) => within(s.categoryPath, o.categories) && oneOf(s.priority, o.priorities))?.limit ??
    policy.limit

/**
 * The clocks of a petition folded up to some event: every run's state and the responsible unit.
 * It answers for the subject and policies it was started with; the runs it holds are its own
 * copies, so folding on never changes a fold someone else keeps.
 */
export interface ClockFold {
  readonly subject: ClockSubject
  readonly policies: ReadonlyArray<ClockPolicy>
  readonly calendars: Calendars
  /** Events folded in so far. */
  readonly count: number
  /** The latest instant among the events folded in (0 before any): the fold answers for instants from there on. */
  readonly latestAt: Instant
  readonly runs: ReadonlyMap<string, Readonly<Run>>
  readonly perPolicy: ReadonlyArray<{ readonly policy: ClockPolicy; readonly calendar: Calendar; readonly limit: Duration }>
  /** Whom a petition-wide clock is charged to after the events folded in. */
  readonly responsible: Accountability
}

const copyRuns = (runs: ReadonlyMap<string, Readonly<Run>>): Map<string, Run> => {
  const copy = new Map<string, Run>()
  for (const [key, run] of runs) copy.set(key, { ...run })
  return copy
}

const guarded = <A>(f: () => A): Result.Result<A, ClockError> => {
  try {
    return Result.succeed(f())
  } catch (e) {
    if (e instanceof Thrown) return Result.fail(e.error)
    throw e
  }
}

/** The runs a fold starts with; throws (Thrown) on a calendar the pack does not define. */
const begin = (input: Omit<EvaluateClocksInput, "events" | "now">): ClockFold & { readonly runs: Map<string, Run> } => {
  const runs = new Map<string, Run>()
  const perPolicy: Array<{ policy: ClockPolicy; calendar: Calendar; limit: Duration }> = []
  for (const policy of input.policies) {
    if (!clockApplies(policy.appliesWhen, input.subject)) continue
    const calendar = unwrap(lookupCalendar(input.calendars, policy.calendar))
    const limit = effectiveLimit(policy, input.subject)
    perPolicy.push({ policy, calendar, limit })
    if ((policy.per ?? "petition") === "petition") runs.set(policy.name, freshRun(policy.name, policy, calendar, limit))
  }
  return { subject: input.subject, policies: input.policies, calendars: input.calendars, count: 0, latestAt: 0, runs, perPolicy, responsible: {} }
}

/** Folds `events` up to the first one after `until` into `runs`, which the caller owns. */
const foldInto = (runs: Map<string, Run>, fold: ClockFold, events: ReadonlyArray<ClockEvent>, until: Instant): ClockFold => {
  let responsible = fold.responsible
  let count = fold.count
  let latestAt = fold.latestAt
  for (const e of events) {
    if (e.at > until) break
    for (const [key, run] of runs) {
      apply(run, e, responsible.unit)
      // A reset ends a per-unit instance; the next start event creates it anew.
      if (run.unit !== undefined && !run.started) runs.delete(key)
    }
    for (const { policy, calendar, limit } of fold.perPolicy) spawn(policy, calendar, limit, e, runs)
    responsible = accountabilityAfter(e, responsible)
    count++
    latestAt = Math.max(latestAt, e.at)
  }
  return { ...fold, runs, responsible, count, latestAt }
}

/** The clocks of `runs` (which `statusOf` may mark breached: the caller's own) as of `now`. */
const statuses = (runs: Iterable<Run>, now: Instant, responsible: string | undefined): ClockEvaluation => {
  const clocks: Array<ClockStatus> = []
  const nextWakeups: Array<Wakeup> = []
  for (const run of runs) {
    const { status, wakeups } = statusOf(run, now, responsible)
    clocks.push(status)
    for (const w of wakeups) if (w.at > now) nextWakeups.push(w)
  }
  nextWakeups.sort((a, b) => a.at - b.at)
  return { clocks, nextWakeups }
}

/** A fold of no events: the applicable policies, their calendars and limits, for this subject. */
export const startClockFold = (input: Omit<EvaluateClocksInput, "events" | "now">): Result.Result<ClockFold, ClockError> =>
  guarded(() => begin(input))

/** The fold after `events` more, in stream order. */
export const foldClockEvents = (fold: ClockFold, events: ReadonlyArray<ClockEvent>): Result.Result<ClockFold, ClockError> =>
  events.length === 0 ? Result.succeed(fold) : guarded(() => foldInto(copyRuns(fold.runs), fold, events, Number.POSITIVE_INFINITY))

/** The clocks of a fold as of `now`, which must not be before the latest event folded in. */
export const clocksOfFold = (fold: ClockFold, now: Instant): Result.Result<ClockEvaluation, ClockError> =>
  guarded(() => statuses(copyRuns(fold.runs).values(), now, fold.responsible.unit))

/**
 * Evaluates every clock of every applicable policy over a petition's history at `now`. Pure: the
 * same input gives the same states and wake-ups. Events are taken in the order given (the
 * stream's order); events after `now` are ignored. This is the whole-history oracle the engine's
 * incremental folds are tested against.
 */
export const evaluateClocks = (input: EvaluateClocksInput): Result.Result<ClockEvaluation, ClockError> =>
  guarded(() => {
    const start = begin(input)
    // The runs are this call's own: no copies.
    const folded = foldInto(start.runs, start, input.events, input.now)
    return statuses(start.runs.values(), input.now, folded.responsible.unit)
  })
