import { Result } from "effect"
import type { Calendar, Calendars } from "../calendar/calendar.js"
import { lookupCalendar } from "../calendar/calendar.js"
import type { Duration } from "../calendar/duration.js"
import { addDurations, durationExceeds, makeDuration, parseDuration } from "../calendar/duration.js"
import type { CalendarYearUnknown, UnknownCalendar } from "../calendar/errors.js"
import type { Instant } from "../shared/instant.js"
import { ExtensionRefused } from "./errors.js"
import type { AppliesWhen, ClockPolicy, EventMatch, Warning } from "./policy.js"

/** All a clock needs of an event: its tag, its instant and its payload fields. */
export interface ClockEvent {
  readonly _tag: string
  readonly at: Instant
  readonly [field: string]: unknown
}

/** What `appliesWhen` and overrides are tested against. `categoryPath` runs from the root to the petition's category. */
export interface ClockSubject {
  readonly channel?: string
  readonly channelKind?: string
  readonly categoryPath: ReadonlyArray<string>
  readonly flags?: ReadonlyArray<string>
  readonly persons?: number
  readonly priority?: string
}

export type ClockState = "pending" | "running" | "paused" | "met" | "breached"

export interface ClockStatus {
  readonly name: string
  /** The instance key: the policy name, `name:unit` per co-handler, `name:whistleId:unit` per whistle. */
  readonly key: string
  /** Whom the clock runs against (the responsible unit; the co-handler or summoned unit). */
  readonly unit?: string
  readonly calendar: string
  readonly state: ClockState
  /** The limit in force (after overrides), ISO 8601. */
  readonly limit: string
  readonly startedAt?: Instant
  readonly dueAt?: Instant
  readonly stoppedAt?: Instant
  readonly breachedAt?: Instant
  /** Working ms run so far (until stop); paused time does not count. */
  readonly elapsedMs: number
  /** Working ms left until due (negative once overdue); absent before the start. */
  readonly remainingMs?: number
  readonly elapsedFraction: number
  /** Thresholds passed: fractions as text (`"0.8"`) and offsets as ISO durations (`"PT5M"`). */
  readonly warningsPassed: ReadonlyArray<string>
  readonly extensions: { readonly count: number; readonly total: string }
}

export interface Wakeup {
  readonly at: Instant
  readonly key: string
  readonly kind: "warning" | "breach"
  readonly threshold?: string
}

export interface ClockEvaluation {
  readonly clocks: ReadonlyArray<ClockStatus>
  /** The next instants at which some clock passes a warning or breaches, earliest first. */
  readonly nextWakeups: ReadonlyArray<Wakeup>
}

export interface EvaluateClocksInput {
  readonly events: ReadonlyArray<ClockEvent>
  readonly subject: ClockSubject
  readonly policies: ReadonlyArray<ClockPolicy>
  readonly calendars: Calendars
  readonly now: Instant
}

export type ClockError = UnknownCalendar | CalendarYearUnknown

const matches = (list: ReadonlyArray<EventMatch> | undefined, event: ClockEvent): boolean =>
  list !== undefined &&
  list.some((m) =>
    typeof m === "string"
      ? m === event._tag
      : m.event === event._tag && Object.entries(m.where ?? {}).every(([k, v]) => event[k] === v)
  )

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

const thresholdText = (w: Warning): string => (typeof w === "number" ? String(w) : w.iso)

/** Working ms elapsed at which a warning passes, for a limit of `total` working ms. */
const thresholdMs = (w: Warning, total: number): number => (typeof w === "number" ? w * total : total - w.ms)

const unwrap = <A>(r: Result.Result<A, ClockError>): A => {
  if (Result.isFailure(r)) throw new Thrown(r.failure)
  return r.success
}

// Lets the fold below stay straight-line; the failure is returned as a Result at the boundary.
class Thrown {
  constructor(readonly error: ClockError) {}
}

/** One clock instance as the fold carries it (internal to clock evaluation). */
export interface Run {
  readonly key: string
  readonly policy: ClockPolicy
  readonly calendar: Calendar
  readonly limit: Duration
  readonly unit: string | undefined
  readonly whistleId: string | undefined
  readonly fixedDue: Instant | undefined
  started: boolean
  startedAt: Instant
  dueAt: Instant
  totalMs: number
  elapsedBefore: number
  segStart: Instant
  open: "running" | "paused" | undefined
  stoppedAt: Instant | undefined
  breachedAt: Instant | undefined
  breachUnit: string | undefined
  extCount: number
  extTotal: Duration
}

const zero = makeDuration(0, 0)

const freshRun = (
  key: string,
  policy: ClockPolicy,
  calendar: Calendar,
  limit: Duration,
  unit?: string,
  whistleId?: string,
  fixedDue?: Instant
): Run => ({
  key,
  policy,
  calendar,
  limit,
  unit,
  whistleId,
  fixedDue,
  started: false,
  startedAt: 0,
  dueAt: 0,
  totalMs: 0,
  elapsedBefore: 0,
  segStart: 0,
  open: undefined,
  stoppedAt: undefined,
  breachedAt: undefined,
  breachUnit: undefined,
  extCount: 0,
  extTotal: zero
})

const reset = (run: Run): void => {
  Object.assign(run, freshRun(run.key, run.policy, run.calendar, run.limit, run.unit, run.whistleId, run.fixedDue))
}

const start = (run: Run, at: Instant): void => {
  const due = run.fixedDue ?? unwrap(run.calendar.add(at, run.limit))
  run.started = true
  run.startedAt = at
  run.dueAt = due
  run.totalMs = Math.max(0, unwrap(run.calendar.between(at, due)))
  run.segStart = at
  run.open = "running"
}

const elapsedAt = (run: Run, at: Instant): number =>
  run.elapsedBefore + (run.open === "running" ? unwrap(run.calendar.between(run.segStart, at)) : 0)

const stop = (run: Run, at: Instant): void => {
  run.elapsedBefore = elapsedAt(run, at)
  run.stoppedAt = at
  run.open = undefined
}

/** Marks a breach if the clock was running past its due instant. */
const catchUp = (run: Run, at: Instant, responsible: string | undefined, inclusive: boolean): void => {
  if (run.open === "running" && run.breachedAt === undefined && (inclusive ? at >= run.dueAt : at > run.dueAt)) {
    run.breachedAt = run.dueAt
    run.breachUnit = run.unit ?? responsible
  }
}

const apply = (run: Run, e: ClockEvent, responsible: string | undefined): void => {
  const p = run.policy
  catchUp(run, e.at, responsible, false)
  // A reset may also be a start event (Reopened restarts the clock at once).
  if (matches(p.reset, e)) reset(run)
  const forThisInstance =
    (run.unit === undefined || e["unit"] === run.unit) && (run.whistleId === undefined || e["whistleId"] === run.whistleId)
  if (!run.started) {
    if (run.unit === undefined && matches(p.start, e)) start(run, e.at)
    return
  }
  if (run.open === undefined) return
  if (matches(p.stop, e) && forThisInstance) {
    stop(run, e.at)
  } else if (matches(p.pause, e) && run.open === "running") {
    run.elapsedBefore = elapsedAt(run, e.at)
    run.segStart = e.at
    run.open = "paused"
  } else if (matches(p.resume, e) && run.open === "paused") {
    if (run.breachedAt === undefined) {
      const left = unwrap(run.calendar.between(run.segStart, run.dueAt))
      run.dueAt = unwrap(run.calendar.add(e.at, makeDuration(0, Math.max(0, left))))
    }
    run.segStart = e.at
    run.open = "running"
  } else if (e._tag === "Extended" && (e["clock"] === p.name || e["clock"] === run.key)) {
    // The policy's limits hold whatever the history says: an extension it does not allow, or by an
    // amount no calendar can count (P1M), never moves the due instant — and never stops the other
    // clocks of the petition from being evaluated.
    const parsed = parseDuration(String(e["amount"]))
    if (Result.isFailure(parsed)) return
    const amount = parsed.success
    if (extensionRefusal(p, run.extCount, run.extTotal, amount) !== undefined) return
    const due = unwrap(run.calendar.add(run.dueAt, amount))
    run.totalMs += unwrap(run.calendar.between(run.dueAt, due))
    run.dueAt = due
    run.extCount++
    run.extTotal = addDurations(run.extTotal, amount)
  }
}

const strings = (v: unknown): ReadonlyArray<string> => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [])

/** Creates the per-unit instances a start event names. */
const spawn = (policy: ClockPolicy, calendar: Calendar, limit: Duration, e: ClockEvent, runs: Map<string, Run>): void => {
  if (!matches(policy.start, e)) return
  if (policy.per === "coHandler") {
    const named = strings(e["coHandlers"])
    // A co-handler the new dispatch no longer names is relieved: its clock ends there, unbreached.
    for (const run of runs.values()) {
      if (run.policy === policy && run.open !== undefined && run.unit !== undefined && !named.includes(run.unit)) stop(run, e.at)
    }
    for (const unit of named) {
      const key = `${policy.name}:${unit}`
      if (runs.has(key)) continue
      const run = freshRun(key, policy, calendar, limit, unit)
      start(run, e.at)
      runs.set(key, run)
    }
  } else if (policy.per === "whistle") {
    const whistleId = String(e["whistleId"])
    const deadline = e["deadline"]
    for (const unit of strings(e["summoned"])) {
      const key = `${policy.name}:${whistleId}:${unit}`
      if (runs.has(key)) continue
      const run = freshRun(key, policy, calendar, limit, unit, whistleId, typeof deadline === "number" ? deadline : undefined)
      start(run, e.at)
      runs.set(key, run)
    }
  }
}

const responsibleAfter = (e: ClockEvent, current: string | undefined): string | undefined => {
  if (e._tag === "Submitted" && typeof e["firstHandler"] === "string") return e["firstHandler"]
  if ((e._tag === "Dispatched" || e._tag === "Transferred") && typeof e["lead"] === "string") return e["lead"]
  return current
}

const statusOf = (run: Run, now: Instant, responsible: string | undefined): { status: ClockStatus; wakeups: Array<Wakeup> } => {
  const p = run.policy
  const base = {
    name: p.name,
    key: run.key,
    calendar: p.calendar,
    limit: run.limit.iso,
    extensions: { count: run.extCount, total: run.extTotal.iso }
  }
  const unit = run.breachUnit ?? run.unit ?? responsible
  if (!run.started) {
    return {
      status: { ...base, ...(unit !== undefined ? { unit } : {}), state: "pending", elapsedMs: 0, elapsedFraction: 0, warningsPassed: [] },
      wakeups: []
    }
  }
  catchUp(run, now, responsible, true)
  const until = run.stoppedAt ?? now
  const elapsed = run.stoppedAt !== undefined ? run.elapsedBefore : elapsedAt(run, now)
  const remaining = run.open === "paused" ? run.totalMs - elapsed : unwrap(run.calendar.between(until, run.dueAt))
  const warnings = p.warnings ?? []
  const passed = warnings.filter((w) => elapsed >= thresholdMs(w, run.totalMs) || run.breachedAt !== undefined)
  const state: ClockState =
    run.breachedAt !== undefined ? "breached" : run.stoppedAt !== undefined ? "met" : run.open === "paused" ? "paused" : "running"
  const wakeups: Array<Wakeup> = []
  if (state === "running") {
    for (const w of warnings) {
      if (passed.includes(w)) continue
      const at = unwrap(run.calendar.add(run.segStart, makeDuration(0, Math.ceil(thresholdMs(w, run.totalMs) - run.elapsedBefore))))
      wakeups.push({ at, key: run.key, kind: "warning", threshold: thresholdText(w) })
    }
    wakeups.push({ at: run.dueAt, key: run.key, kind: "breach" })
  }
  return {
    status: {
      ...base,
      ...(unit !== undefined ? { unit } : {}),
      state,
      startedAt: run.startedAt,
      dueAt: run.dueAt,
      ...(run.stoppedAt !== undefined ? { stoppedAt: run.stoppedAt } : {}),
      ...(run.breachedAt !== undefined ? { breachedAt: run.breachedAt } : {}),
      elapsedMs: elapsed,
      remainingMs: remaining,
      elapsedFraction: run.totalMs > 0 ? elapsed / run.totalMs : 1,
      warningsPassed: passed.map(thresholdText)
    },
    wakeups
  }
}

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
  readonly responsible: string | undefined
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

/** A fold of no events: the applicable policies, their calendars and limits, for this subject. */
export const startClockFold = (
  input: Omit<EvaluateClocksInput, "events" | "now">
): Result.Result<ClockFold, ClockError> =>
  guarded(() => {
    const runs = new Map<string, Run>()
    const perPolicy: Array<{ policy: ClockPolicy; calendar: Calendar; limit: Duration }> = []
    for (const policy of input.policies) {
      if (!clockApplies(policy.appliesWhen, input.subject)) continue
      const calendar = unwrap(lookupCalendar(input.calendars, policy.calendar))
      const limit = effectiveLimit(policy, input.subject)
      perPolicy.push({ policy, calendar, limit })
      if ((policy.per ?? "petition") === "petition") runs.set(policy.name, freshRun(policy.name, policy, calendar, limit))
    }
    return { ...input, count: 0, latestAt: 0, runs, perPolicy, responsible: undefined }
  })

const foldInto = (runs: Map<string, Run>, fold: ClockFold, events: Iterable<ClockEvent>): ClockFold => {
  let responsible = fold.responsible
  let count = fold.count
  let latestAt = fold.latestAt
  for (const e of events) {
    for (const [key, run] of runs) {
      apply(run, e, responsible)
      // A reset ends a per-unit instance; the next start event creates it anew.
      if (run.unit !== undefined && !run.started) runs.delete(key)
    }
    for (const { policy, calendar, limit } of fold.perPolicy) spawn(policy, calendar, limit, e, runs)
    responsible = responsibleAfter(e, responsible)
    count++
    latestAt = Math.max(latestAt, e.at)
  }
  return { ...fold, runs, responsible, count, latestAt }
}

/** The fold after `events` more, in stream order. */
export const foldClockEvents = (fold: ClockFold, events: ReadonlyArray<ClockEvent>): Result.Result<ClockFold, ClockError> =>
  events.length === 0 ? Result.succeed(fold) : guarded(() => foldInto(copyRuns(fold.runs), fold, events))

/** The clocks of a fold as of `now`, which must not be before the last event folded in. */
export const clocksOfFold = (fold: ClockFold, now: Instant): Result.Result<ClockEvaluation, ClockError> =>
  guarded(() => {
    const clocks: Array<ClockStatus> = []
    const nextWakeups: Array<Wakeup> = []
    // statusOf records a breach it catches up on: it works on copies.
    for (const run of copyRuns(fold.runs).values()) {
      const { status, wakeups } = statusOf(run, now, fold.responsible)
      clocks.push(status)
      nextWakeups.push(...wakeups.filter((w) => w.at > now))
    }
    nextWakeups.sort((a, b) => a.at - b.at)
    return { clocks, nextWakeups }
  })

function* until(events: ReadonlyArray<ClockEvent>, now: Instant): Generator<ClockEvent> {
  for (const e of events) {
    if (e.at > now) return
    yield e
  }
}

/**
 * Evaluates every clock of every applicable policy over a petition's history at `now`. Pure: the
 * same input gives the same states and wake-ups. Events are taken in the order given (the
 * stream's order); events after `now` are ignored. This is the whole-history oracle the engine's
 * incremental folds are tested against.
 */
export const evaluateClocks = (input: EvaluateClocksInput): Result.Result<ClockEvaluation, ClockError> => {
  const started = startClockFold(input)
  if (Result.isFailure(started)) return Result.fail(started.failure)
  const folded = guarded(() => foldInto(copyRuns(started.success.runs), started.success, until(input.events, input.now)))
  return Result.isFailure(folded) ? Result.fail(folded.failure) : clocksOfFold(folded.success, input.now)
}

/**
 * May this clock be extended by `amount`? Refuses clocks without an extension rule, clocks not
 * running, a count beyond `maxCount` and a total beyond `maxTotal`. Returns the totals after it.
 */
export const checkExtension = (
  clock: ClockStatus,
  policy: ClockPolicy,
  amount: Duration
): Result.Result<{ readonly count: number; readonly total: Duration }, ExtensionRefused> => {
  const refuse = (reason: ExtensionRefused["reason"], zh: string, en: string) =>
    Result.fail(new ExtensionRefused({ clock: clock.key, reason, message: `${zh} (${en})` }))
  const before = unwrapDuration(clock.extensions.total)
  const count = clock.extensions.count + 1
  const total = addDurations(before, amount)
  const refusal = extensionRefusal(policy, clock.extensions.count, before, amount)
  if (refusal === "notExtendable") {
    return refuse("notExtendable", `时限"${policy.name}"不允许延期。`, `Clock "${policy.name}" cannot be extended.`)
  }
  if (clock.state !== "running" && clock.state !== "paused") {
    return refuse("notRunning", `时限"${clock.key}"未在计时（${clock.state}），不能延期。`, `Clock "${clock.key}" is ${clock.state}, not running; it cannot be extended.`)
  }
  const maxCount = policy.extensions?.maxCount ?? 0
  if (refusal === "tooMany") {
    return refuse(
      "tooMany",
      `时限"${clock.key}"已延期 ${clock.extensions.count} 次，最多 ${maxCount} 次。`,
      `Clock "${clock.key}" has been extended ${clock.extensions.count} time(s); at most ${maxCount} allowed.`
    )
  }
  if (refusal === "tooLong") {
    const maxTotal = policy.extensions?.maxTotal.iso ?? "PT0S"
    return refuse("tooLong", `延期合计 ${total.iso} 超过上限 ${maxTotal}。`, `Extensions would total ${total.iso}, more than the ${maxTotal} allowed.`)
  }
  return Result.succeed({ count, total })
}

/** Why the policy does not allow one more extension by `amount` after `count` totalling `total`. */
const extensionRefusal = (
  policy: ClockPolicy,
  count: number,
  total: Duration,
  amount: Duration
): "notExtendable" | "tooMany" | "tooLong" | undefined => {
  const rule = policy.extensions
  if (rule === undefined || rule.maxCount === 0) return "notExtendable"
  if (count + 1 > rule.maxCount) return "tooMany"
  if (durationExceeds(addDurations(total, amount), rule.maxTotal)) return "tooLong"
  return undefined
}

const unwrapDuration = (iso: string): Duration => Result.getOrElse(parseDuration(iso), () => zero)
