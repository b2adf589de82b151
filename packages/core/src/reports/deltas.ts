/**
 * The report read model: what one append's events change in the counters the figures are read
 * from, so that a year's report adds up counters instead of replaying a million histories.
 *
 * Every figure is a sum over petitions of something true of the petition at an instant (received,
 * closed, rated "satisfied", breached clock X, in unit U's chain…). The petition's report facts are
 * folded from its history; after each event, the counters it stands in are compared with those
 * before it, and the difference is written on the event's day (`asOfDay`). A report as of a day
 * therefore sums what was true of every petition at that day's start — the oracle's "events after
 * the period's end change nothing" — including the petition's scopes at the time: a unit that
 * joins a petition's chain on day 10 gets its counters from day 10 on.
 *
 * Pure: histories and the directory in, counter changes out.
 */
import type { Directory } from "../directory/index.js"
import type { EventOf, PetitionEvent, PetitionState } from "../petition/index.js"
import { evolve, initialState } from "../petition/index.js"
import type { MetricDelta } from "../ports/model.js"
import type { Instant } from "../shared/instant.js"
import { scopesOf } from "./scopes.js"
import type { ReportFormulas } from "./formulas.js"
import { defaultReportFormulas, responseWindowMs } from "./formulas.js"
import { CHINA_OFFSET_MINUTES, DAY_MS } from "./oracle.js"

/** How the engine keeps the read model: the formulas' write-time parts (which events answer, the window) and the local day. */
export interface MetricOptions {
  readonly directory: Directory
  readonly formulas?: ReportFormulas
  /** The local day boundary, in minutes east of UTC; default +08:00. */
  readonly offsetMinutes?: number
}

/** The local day number of an instant: days since 1970-01-01 at the offset. */
export const localDay = (at: Instant, offsetMinutes: number = CHINA_OFFSET_MINUTES): number =>
  Math.floor((at + offsetMinutes * 60_000) / DAY_MS)

/**
 * Open-case figures (overdue) are not about a period: their rows all sit on this `periodDay`,
 * and only `asOfDay` says when they held.
 */
export const OPEN_CASES_DAY = 0

const OPEN = new Set(["received", "dispatched", "in_progress", "suspended"])
const DONE = new Set(["resolved", "closed"])

interface WhistleFacts {
  readonly day: number
  readonly deadline: Instant
  readonly summoned: ReadonlyArray<string>
  readonly onTime: Set<string>
}

/** What the figures need to know of one petition, folded from its history. */
interface Facts {
  state: PetitionState
  submitted: EventOf<"Submitted"> | undefined
  respondedAt: Instant | undefined
  latestRating: string | undefined
  readonly breached: Set<string>
  repeat: boolean
  readonly whistles: Map<string, WhistleFacts>
  escalatedDay: number | undefined
  /** Per `day|unit`. */
  readonly returns: Map<string, number>
  /** Per day: batches, persons, home batches, reception batches. */
  readonly visits: Map<number, [number, number, number, number]>
}

const emptyFacts = (id: string): Facts => ({
  state: initialState(id),
  submitted: undefined,
  respondedAt: undefined,
  latestRating: undefined,
  breached: new Set(),
  repeat: false,
  whistles: new Map(),
  escalatedDay: undefined,
  returns: new Map(),
  visits: new Map()
})

const foldFact = (f: Facts, e: PetitionEvent, responseEvents: ReadonlySet<string>, offset: number): void => {
  f.state = evolve(f.state, e)
  if (f.respondedAt === undefined && responseEvents.has(e._tag)) f.respondedAt = e.at
  switch (e._tag) {
    case "Submitted":
      f.submitted ??= e
      break
    case "SatisfactionRated":
      f.latestRating = e.rating
      break
    case "ClockBreached":
      f.breached.add(e.clock)
      break
    case "RepeatLinked":
      f.repeat = true
      break
    case "WhistleBlown":
      f.whistles.set(e.whistleId, { day: localDay(e.at, offset), deadline: e.deadline, summoned: e.summoned, onTime: new Set() })
      break
    case "ReportedForDuty": {
      const w = f.whistles.get(e.whistleId)
      if (w !== undefined && e.at <= w.deadline) w.onTime.add(e.unit)
      break
    }
    case "Escalated":
      f.escalatedDay ??= localDay(e.at, offset)
      break
    case "Returned": {
      const id = `${localDay(e.at, offset)}|${e.unit}`
      f.returns.set(id, (f.returns.get(id) ?? 0) + 1)
      break
    }
    case "VisitRecorded": {
      const day = localDay(e.at, offset)
      const v = f.visits.get(day) ?? [0, 0, 0, 0]
      v[0] += e.batches
      v[1] += e.persons
      if (e.kind === "home") v[2] += e.batches
      else v[3] += e.batches
      f.visits.set(day, v)
      break
    }
    default:
      break
  }
}

/** One counter a petition stands in: kind, dim, key, periodDay, the day it starts to count from (if later than now), value. */
interface Fact {
  readonly kind: string
  readonly dim: string
  readonly key: string
  readonly periodDay: number
  readonly fromDay: number | undefined
  readonly value: number
}

const fact = (kind: string, dim: string, key: string, periodDay: number, fromDay: number | undefined, value: number): Fact => ({
  kind,
  dim,
  key,
  periodDay,
  fromDay,
  value
})

const factsOf = (f: Facts, windowMs: number, offset: number): ReadonlyArray<Fact> => {
  const sub = f.submitted
  if (sub === undefined) return []
  const s = f.state
  const day = localDay(sub.at, offset)
  const done = DONE.has(s.status)
  const out: Array<Fact> = [
    fact("received", "all", "", day, undefined, 1),
    fact("received", "channel", sub.channel, day, undefined, 1),
    fact("received", "category", sub.category, day, undefined, 1),
    fact("received", "place", sub.jurisdiction, day, undefined, 1)
  ]
  const windowEnd = sub.at + windowMs
  if (f.respondedAt !== undefined && f.respondedAt <= windowEnd) out.push(fact("responded", "all", "", day, undefined, 1))
  // Unanswered petitions count against the rate once their window has closed (before the report's end).
  else out.push(fact("unanswered", "all", "", day, localDay(windowEnd, offset), 1))
  if (done) out.push(fact("done", "all", "", day, undefined, 1))
  if (done && s.checklist?.problemSolved === true) out.push(fact("solved", "all", "", day, undefined, 1))
  if (s.status === "closed") out.push(fact("closed", "all", "", day, undefined, 1), fact("closed", "channel", sub.channel, day, undefined, 1))
  if (f.latestRating !== undefined) out.push(fact("rated", "rating", f.latestRating, day, undefined, 1))
  for (const clock of f.breached) out.push(fact("breached", "clock", clock, day, undefined, 1))
  if (f.repeat) out.push(fact("repeat", "all", "", day, undefined, 1))
  if (OPEN.has(s.status) && f.breached.size > 0) out.push(fact("overdue", "all", "", OPEN_CASES_DAY, undefined, 1))
  for (const w of f.whistles.values()) {
    out.push(fact("whistle", "all", "", w.day, undefined, 1))
    // Judged once answered, or once its deadline has passed unanswered.
    if (w.summoned.every((u) => w.onTime.has(u))) out.push(fact("whistle_answered", "all", "", w.day, undefined, 1))
    else out.push(fact("whistle_unanswered", "all", "", w.day, localDay(w.deadline, offset), 1))
  }
  if (f.escalatedDay !== undefined) {
    out.push(fact("owned_taken", "all", "", f.escalatedDay, undefined, 1))
    if (done) out.push(fact("owned_resolved", "all", "", f.escalatedDay, undefined, 1))
  }
  for (const [id, n] of f.returns) {
    const bar = id.indexOf("|")
    out.push(fact("returned", "unit", id.slice(bar + 1), Number(id.slice(0, bar)), undefined, n))
  }
  for (const [d, [batches, persons, home, reception]] of f.visits) {
    out.push(
      fact("visit_batches", "all", "", d, undefined, batches),
      fact("visit_persons", "all", "", d, undefined, persons),
      fact("visit_home", "all", "", d, undefined, home),
      fact("visit_reception", "all", "", d, undefined, reception)
    )
  }
  return out
}

const SEP = "\u0000"

/**
 * A petition's standing in the counters: the scopes it is in, and its facts (keyed by all but the
 * value) with their values summed.
 */
interface Standing {
  readonly scopes: ReadonlySet<string>
  readonly facts: ReadonlyMap<string, Fact>
}

const NO_SCOPES: ReadonlySet<string> = new Set()

const standingOf = (f: Facts, directory: Directory, windowMs: number, offset: number): Standing => {
  const facts = new Map<string, Fact>()
  for (const x of factsOf(f, windowMs, offset)) {
    const id = `${x.kind}${SEP}${x.dim}${SEP}${x.key}${SEP}${x.periodDay}${SEP}${x.fromDay ?? ""}`
    const known = facts.get(id)
    facts.set(id, known === undefined ? x : { ...known, value: known.value + x.value })
  }
  return { scopes: facts.size === 0 ? NO_SCOPES : new Set(scopesOf(f.state, directory)), facts }
}

/** Receives one counter change: the row without its value, and the value. */
type Emit = (scope: string, id: string, fact: Fact, asOfDay: number, value: number) => void

/**
 * Emits the difference between two standings: the changed facts in the scopes kept, every fact in
 * the scopes left (negated) and entered. Only what changed is visited, so an event that changes no
 * fact nor scope costs a comparison of a dozen entries. No (scope, fact) is emitted twice.
 */
const difference = (before: Standing, after: Standing, day: number, emit: Emit): void => {
  const add = (scope: string, id: string, x: Fact, value: number) => {
    if (value !== 0) emit(scope, id, x, x.fromDay === undefined ? day : Math.max(day, x.fromDay), value)
  }
  const changed: Array<readonly [string, Fact, number]> = []
  for (const [id, x] of after.facts) {
    const was = before.facts.get(id)?.value ?? 0
    if (x.value !== was) changed.push([id, x, x.value - was])
  }
  for (const [id, x] of before.facts) if (!after.facts.has(id)) changed.push([id, x, -x.value])
  for (const scope of after.scopes) {
    if (before.scopes.has(scope)) for (const [id, x, d] of changed) add(scope, id, x, d)
    else for (const [id, x] of after.facts) add(scope, id, x, x.value)
  }
  for (const scope of before.scopes) if (!after.scopes.has(scope)) for (const [id, x] of before.facts) add(scope, id, x, -x.value)
}

const row = (scope: string, x: Fact, asOfDay: number, value: number): MetricDelta => ({
  scope,
  kind: x.kind,
  dim: x.dim,
  key: x.key,
  periodDay: x.periodDay,
  asOfDay,
  value
})

/**
 * The read model's view of one petition after `count` events: its report facts and its standing
 * in the counters. The engine keeps it with the petition, so an append folds only its own events
 * instead of the whole history; `facts` is never changed once in a fold (advancing copies it).
 */
export interface MetricFold {
  readonly count: number
  readonly lastDay: number
  readonly facts: Facts
  readonly standing: Standing
  readonly directory: Directory
  readonly formulas: ReportFormulas
  readonly offset: number
}

/** The settings a fold was made under; a fold made under others is not reused. */
interface Settings {
  readonly directory: Directory
  readonly formulas: ReportFormulas
  readonly offset: number
  readonly windowMs: number
  readonly responseEvents: ReadonlySet<string>
}

const settingsOf = (options: MetricOptions): Settings => {
  const formulas = options.formulas ?? defaultReportFormulas
  return {
    directory: options.directory,
    formulas,
    offset: options.offsetMinutes ?? CHINA_OFFSET_MINUTES,
    windowMs: responseWindowMs(formulas),
    responseEvents: new Set<string>(formulas.response.events)
  }
}

const copyFacts = (f: Facts): Facts => ({
  ...f,
  breached: new Set(f.breached),
  whistles: new Map([...f.whistles].map(([id, w]) => [id, { ...w, onTime: new Set(w.onTime) }])),
  returns: new Map(f.returns),
  visits: new Map([...f.visits].map(([day, [a, b, c, d]]) => [day, [a, b, c, d]]))
})

/** `fold` carried over the events it has not seen yet (`history` from its count on), or a fold of all of `history`. */
const foldUpTo = (fold: MetricFold | undefined, petitionId: string, history: ReadonlyArray<PetitionEvent>, settings: Settings): MetricFold => {
  const usable = fold !== undefined && fold.count <= history.length && fold.directory === settings.directory &&
    fold.formulas === settings.formulas && fold.offset === settings.offset
  if (usable && fold.count === history.length) return fold
  const facts = usable ? copyFacts(fold.facts) : emptyFacts(petitionId)
  let lastDay = usable ? fold.lastDay : Number.NEGATIVE_INFINITY
  for (let i = usable ? fold.count : 0; i < history.length; i++) {
    const e = history[i]!
    foldFact(facts, e, settings.responseEvents, settings.offset)
    lastDay = Math.max(lastDay, localDay(e.at, settings.offset))
  }
  return {
    count: history.length,
    lastDay,
    facts,
    standing: standingOf(facts, settings.directory, settings.windowMs, settings.offset),
    directory: settings.directory,
    formulas: settings.formulas,
    offset: settings.offset
  }
}

/**
 * The counter changes an append makes, and the fold after it. `history` is the petition's stream
 * before the append and `events` the events appended; `fold` (when kept) covers `history` or a
 * prefix of it. Each event's changes count from its day (never earlier than an earlier event's), a
 * fact that starts to count later (a response window closing) from that day.
 */
export const metricStep = (
  fold: MetricFold | undefined,
  history: ReadonlyArray<PetitionEvent>,
  events: ReadonlyArray<PetitionEvent>,
  options: MetricOptions
): { readonly deltas: ReadonlyArray<MetricDelta>; readonly fold: MetricFold | undefined } => {
  const first = history[0] ?? events[0]
  if (first === undefined) return { deltas: [], fold }
  const settings = settingsOf(options)
  const start = foldUpTo(fold, first.petitionId, history, settings)
  if (events.length === 0) return { deltas: [], fold: start }
  const { directory, windowMs, offset, responseEvents } = settings
  const facts = copyFacts(start.facts)
  let lastDay = start.lastDay
  let before = start.standing
  // Changes on the same day add up, so the counters are compared once per day, not per event.
  const compared: Array<boolean> = []
  for (let i = 0, day = lastDay; i < events.length; i++) {
    day = Math.max(day, localDay(events[i]!.at, offset))
    const next = events[i + 1]
    compared.push(next === undefined || Math.max(day, localDay(next.at, offset)) !== day)
  }
  // One comparison (the usual append: its events share a day) emits each row once, so the rows
  // are the deltas as they come; several are summed by row first.
  const deltas: Array<MetricDelta> = []
  const sums = new Map<string, { readonly scope: string; readonly fact: Fact; readonly asOfDay: number; value: number }>()
  const emit: Emit = compared.filter((c) => c).length === 1
    ? (scope, _id, x, asOfDay, value) => void deltas.push(row(scope, x, asOfDay, value))
    : (scope, id, x, asOfDay, value) => {
      const key = `${scope}${SEP}${id}${SEP}${asOfDay}`
      const sum = sums.get(key)
      if (sum === undefined) sums.set(key, { scope, fact: x, asOfDay, value })
      else sum.value += value
    }
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!
    foldFact(facts, e, responseEvents, offset)
    lastDay = Math.max(lastDay, localDay(e.at, offset))
    if (!compared[i]) continue
    const after = standingOf(facts, directory, windowMs, offset)
    difference(before, after, lastDay, emit)
    before = after
  }
  for (const { scope, fact: x, asOfDay, value } of sums.values()) if (value !== 0) deltas.push(row(scope, x, asOfDay, value))
  return { deltas, fold: { ...start, count: history.length + events.length, lastDay, facts, standing: before } }
}

/**
 * The counter changes an append makes: `history` is the petition's stream before it, `events`
 * the events appended (the engine uses `metricStep` instead, with the fold it keeps per petition).
 */
export const metricDeltas = (
  history: ReadonlyArray<PetitionEvent>,
  events: ReadonlyArray<PetitionEvent>,
  options: MetricOptions
): ReadonlyArray<MetricDelta> => metricStep(undefined, history, events, options).deltas
