/**
 * One clock instance (a run) and how events move it: start, pause, resume, stop, reset, extend,
 * breach. Internal to clock evaluation; `evaluate.ts` folds histories with it.
 */
import { Result } from "effect"
import type { Calendar } from "../calendar/calendar.js"
import type { Duration } from "../calendar/duration.js"
import { addDurations, makeDuration, parseDuration } from "../calendar/duration.js"
import type { Instant } from "../shared/instant.js"
import type { ClockError, ClockEvent, ClockState, ClockStatus, Wakeup } from "./types.js"
import { extensionRefusal } from "./extensions.js"
import type { ClockPolicy, EventMatch, Warning } from "./policy.js"

const matches = (list: ReadonlyArray<EventMatch> | undefined, event: ClockEvent): boolean =>
  list !== undefined &&
  list.some((m) =>
    typeof m === "string"
      ? m === event._tag
      : m.event === event._tag && Object.entries(m.where ?? {}).every(([k, v]) => event[k] === v)
  )

const thresholdText = (w: Warning): string => (typeof w === "number" ? String(w) : w.iso)

/** Working ms elapsed at which a warning passes, for a limit of `total` working ms. */
const thresholdMs = (w: Warning, total: number): number => (typeof w === "number" ? w * total : total - w.ms)

export const unwrap = <A>(r: Result.Result<A, ClockError>): A => {
  if (Result.isFailure(r)) throw new Thrown(r.failure)
  return r.success
}

// Lets the fold below stay straight-line; the failure is returned as a Result at the boundary.
export class Thrown {
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

export const freshRun = (
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

export const apply = (run: Run, e: ClockEvent, responsible: string | undefined): void => {
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
export const spawn = (policy: ClockPolicy, calendar: Calendar, limit: Duration, e: ClockEvent, runs: Map<string, Run>): void => {
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

/**
 * Whom a petition-wide clock is charged to, as the petition state's `accountable` has it: the first
 * handler until the lead accepts a dispatch (a unit merely offered it has not taken it on), the
 * accepting unit from then on, and the first handler again when the lead returns it or it is transferred.
 */
export interface Accountability {
  readonly firstHandler?: string | undefined
  readonly lead?: string | undefined
  readonly unit?: string | undefined
}

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined)

export const accountabilityAfter = (e: ClockEvent, current: Accountability): Accountability => {
  switch (e._tag) {
    case "Submitted": {
      const firstHandler = text(e["firstHandler"])
      return firstHandler === undefined ? current : { firstHandler, unit: firstHandler }
    }
    case "Dispatched":
      return { ...current, lead: text(e["lead"]) ?? current.lead }
    case "Transferred":
      return { ...current, lead: text(e["lead"]) ?? current.lead, unit: current.firstHandler }
    case "Accepted":
      return { ...current, unit: text(e["unit"]) ?? current.unit }
    case "Returned":
      return e["unit"] === current.lead ? { firstHandler: current.firstHandler, unit: current.firstHandler } : current
    default:
      return current
  }
}

export const statusOf = (run: Run, now: Instant, responsible: string | undefined): { status: ClockStatus; wakeups: Array<Wakeup> } => {
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
  // Derived, not kept in the run: it follows from the calendar and the two instants alone.
  const provisional = run.calendar.assumptions(run.startedAt, run.dueAt)
  return {
    status: {
      ...base,
      ...(unit !== undefined ? { unit } : {}),
      ...(provisional !== undefined ? { provisional } : {}),
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
