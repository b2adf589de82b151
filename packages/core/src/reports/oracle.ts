/**
 * Every figure computed straight from petition histories: the oracle. Slow (it replays each
 * history) but obviously right, so the read-model path the engine keeps up to date in the same
 * append is tested against it on random generated data. Pure: histories in, figures out.
 */
import type { Directory } from "../directory/index.js"
import { scopeOf } from "../engine/viewer.js"
import type { EventOf, PetitionEvent, PetitionState } from "../petition/index.js"
import { replay } from "../petition/index.js"
import type { Instant } from "../shared/instant.js"
import type { DifficultCase, Figures, Hotspot, MetricsScope, RateFigure } from "./figures.js"
import type { ReportFormulas } from "./formulas.js"
import { defaultReportFormulas, rate, responseWindowMs } from "./formulas.js"

export const DAY_MS = 86_400_000
/** Asia/Shanghai: UTC+8, no daylight saving since 1991. */
export const CHINA_OFFSET_MINUTES = 480

export interface FiguresOptions {
  readonly directory: Directory
  /** The period, [from, to). */
  readonly from: Instant
  readonly to: Instant
  readonly scope?: MetricsScope
  readonly formulas?: ReportFormulas
  /** Clock names to report even when none breached (the pack's clocks). */
  readonly clocks?: ReadonlyArray<string>
  /** The local day boundary, in minutes east of UTC; default +08:00. */
  readonly offsetMinutes?: number
}

/** The local calendar date of an instant, `YYYY-MM-DD`. */
export const localDate = (at: Instant, offsetMinutes: number = CHINA_OFFSET_MINUTES): string =>
  new globalThis.Date(Math.floor((at + offsetMinutes * 60_000) / DAY_MS) * DAY_MS).toISOString().slice(0, 10)

/** The instant a local date starts; undefined unless `YYYY-MM-DD` names a real date. */
export const startOfLocalDate = (date: string, offsetMinutes: number = CHINA_OFFSET_MINUTES): Instant | undefined => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined
  const utc = globalThis.Date.parse(`${date}T00:00:00Z`)
  if (Number.isNaN(utc) || new globalThis.Date(utc).toISOString().slice(0, 10) !== date) return undefined
  return utc - offsetMinutes * 60_000
}

const OPEN = new Set(["received", "dispatched", "in_progress", "suspended"])
const DONE = new Set(["resolved", "closed"])

/** Does the scope cover this petition (as it stands at the period's end)? Mirrors the engine's `canSee`. */
const scopeTest = (scope: MetricsScope, directory: Directory): ((s: PetitionState) => boolean) => {
  switch (scope._tag) {
    case "All":
      return () => true
    case "Jurisdiction":
      return (s) => s.jurisdiction !== undefined && directory.isJurisdictionWithin(s.jurisdiction, scope.id)
    case "Unit":
      return (s) => chainUnits(s).includes(scope.id)
    case "Channel":
      return (s) => s.channel === scope.id
    case "Category":
      return (s) => s.category !== undefined && directory.isWithin(s.category, scope.id)
    case "Viewer": {
      const v = scopeOf({ person: scope.person }, directory)
      // An unknown viewer sees nothing; the caller checks the person first to say why.
      if (!("all" in v)) return () => false
      if (v.all) return () => true
      return (s) => {
        const channel = s.channel === undefined ? undefined : directory.channel(s.channel)
        return (
          v.units.some((u) => chainUnits(s).includes(u)) ||
          v.jurisdictions.some((j) => s.jurisdiction !== undefined && directory.isJurisdictionWithin(s.jurisdiction, j)) ||
          s.owner === v.person.id ||
          (channel?.kind === "leader_channel" && channel.person === v.person.id) ||
          s.watchers.includes(v.person.id)
        )
      }
    }
  }
}

const chainUnits = (s: PetitionState): ReadonlyArray<string> => [
  ...(s.firstHandler === undefined ? [] : [s.firstHandler]),
  ...(s.lead === undefined ? [] : [s.lead]),
  ...s.coHandlers,
  ...Object.values(s.whistles).flatMap((w) => w.summoned)
]

const bump = (counts: Record<string, number>, key: string | undefined, by = 1): void => {
  if (key !== undefined) counts[key] = (counts[key] ?? 0) + by
}

/** A whistle answered: every summoned unit reported for duty by the deadline. Undefined while it may still be. */
const whistleAnswered = (blown: EventOf<"WhistleBlown">, events: ReadonlyArray<PetitionEvent>, to: Instant): boolean | undefined => {
  const onTime = new Set(
    events.flatMap((e) => (e._tag === "ReportedForDuty" && e.whistleId === blown.whistleId && e.at <= blown.deadline ? [e.unit] : []))
  )
  if (blown.summoned.every((u) => onTime.has(u))) return true
  return blown.deadline >= to ? undefined : false
}

/** Per clock (the pack's, and any that breached): how many breached, and the share of received that did not. */
export const slaOf = (clocks: ReadonlyArray<string>, breachedByClock: Readonly<Record<string, number>>, received: number) => {
  const sla: Record<string, { breached: number; compliance: RateFigure }> = {}
  for (const clock of new Set([...clocks, ...Object.keys(breachedByClock)])) {
    const breached = breachedByClock[clock] ?? 0
    sla[clock] = { breached, compliance: rate(received - breached, received) }
  }
  return sla
}

/** Each channel's closure rate: closed of received. */
export const closureByChannelOf = (byChannel: Readonly<Record<string, number>>, closedByChannel: Readonly<Record<string, number>>) => {
  const closure: Record<string, RateFigure> = {}
  for (const [channel, n] of Object.entries(byChannel)) closure[channel] = rate(closedByChannel[channel] ?? 0, n)
  return closure
}

/** Difficult cases, hardest first: tier, then overdue, then oldest. */
export const hardestFirst = (a: DifficultCase, b: DifficultCase): number =>
  b.tier - a.tier || Number(b.overdue) - Number(a.overdue) || a.receivedAt - b.receivedAt || (a.petitionId < b.petitionId ? -1 : 1)

/** The top `top` of a period's counts, each with its baseline's daily average and its rise against it. */
export const hotspots = (
  period: Record<string, number>,
  baseline: Record<string, number>,
  periodDays: number,
  baselineDays: number,
  top: number
): Array<Hotspot> =>
  Object.entries(period)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .slice(0, top)
    .map(([id, count]) => {
      const baselineDailyAverage = (baseline[id] ?? 0) / baselineDays
      return {
        id,
        count,
        baselineDailyAverage,
        rise: baselineDailyAverage === 0 ? null : (count / periodDays - baselineDailyAverage) / baselineDailyAverage
      }
    })

/**
 * Computes every figure of the period from the petitions' histories (each in version order).
 * Each history is cut at the period's end, so events after it change nothing.
 */
export const figuresFromHistories = (histories: Iterable<ReadonlyArray<PetitionEvent>>, options: FiguresOptions): Figures => {
  const { directory, from, to } = options
  const scope = options.scope ?? { _tag: "All" }
  const formulas = options.formulas ?? defaultReportFormulas
  const offset = options.offsetMinutes ?? CHINA_OFFSET_MINUTES
  const window = responseWindowMs(formulas)
  const weights = formulas.satisfaction.weights
  const baselineDays = formulas.hotspots.baselineDays
  const baselineFrom = from - baselineDays * DAY_MS
  const periodDays = Math.max(1, Math.round((to - from) / DAY_MS))
  const inScope = scopeTest(scope, directory)
  const depth = formulas.hotspots.categoryDepth
  const hotspotCategory = (category: string): string => {
    const path = directory.categoryPath(category)
    return path[Math.min(depth, path.length) - 1]?.id ?? category
  }

  let received = 0
  const byChannel: Record<string, number> = {}
  const byCategory: Record<string, number> = {}
  const byStreet: Record<string, number> = {}
  const byCommunity: Record<string, number> = {}
  const hotCategory: Record<string, number> = {}
  const baselineCategory: Record<string, number> = {}
  const baselineCommunity: Record<string, number> = {}
  const closedByChannel: Record<string, number> = {}
  const breachedByClock: Record<string, number> = {}
  const returnsByUnit: Record<string, number> = {}
  const trend: Record<string, number> = {}
  let responded = 0, responseDue = 0
  let solved = 0, resolutionBase = 0
  let satisfaction = 0, rated = 0
  let closed = 0
  let whistles = 0, whistlesAnswered = 0, whistlesJudged = 0
  let ownedTaken = 0, ownedResolved = 0
  let batches = 0, persons = 0, home = 0, reception = 0
  let overdue = 0, repeats = 0, proactive = 0
  const cases: Array<DifficultCase> = []
  for (let day = baselineFrom; day < to; day += DAY_MS) trend[localDate(day, offset)] = 0

  for (const history of histories) {
    const submitted = history[0]
    if (submitted === undefined || submitted._tag !== "Submitted" || submitted.at >= to) continue
    let end = history.length
    while (end > 0 && history[end - 1]!.at >= to) end--
    const events = end === history.length ? history : history.slice(0, end)
    const s = replay(events, submitted.petitionId)
    if (!inScope(s)) continue
    const receivedAt = submitted.at
    const place = directory.jurisdictionPath(submitted.jurisdiction)
    const community = place.find((j) => j.level === "community")?.id
    const street = place.find((j) => j.level === "street")?.id

    if (receivedAt >= baselineFrom) bump(trend, localDate(receivedAt, offset))
    if (receivedAt >= baselineFrom && receivedAt < from) {
      bump(baselineCategory, hotspotCategory(submitted.category))
      bump(baselineCommunity, community)
    }
    if (receivedAt >= from) {
      received++
      bump(byChannel, submitted.channel)
      bump(byCategory, directory.categoryPath(submitted.category)[0]?.id ?? submitted.category)
      bump(hotCategory, hotspotCategory(submitted.category))
      bump(byStreet, street)
      bump(byCommunity, community)
      if (directory.channel(submitted.channel)?.kind === "proactive") proactive++
      if (events.some((e) => e._tag === "RepeatLinked")) repeats++

      const response = events.find((e) => formulas.response.events.includes(e._tag))
      if (response !== undefined && response.at <= receivedAt + window) {
        responded++
        responseDue++
      } else if (receivedAt + window < to) responseDue++

      const done = DONE.has(s.status)
      if (done && s.checklist?.problemSolved === true) solved++
      if (formulas.resolution.denominator === "received" || done) resolutionBase++

      let latest: EventOf<"SatisfactionRated"> | undefined
      for (const e of events) if (e._tag === "SatisfactionRated") latest = e
      if (latest !== undefined) {
        rated++
        satisfaction += weights[latest.rating]
      }

      if (s.status === "closed") {
        closed++
        bump(closedByChannel, submitted.channel)
      }
      for (const clock of new Set(events.flatMap((e) => (e._tag === "ClockBreached" ? [e.clock] : [])))) bump(breachedByClock, clock)
    }

    let escalatedBefore = false
    for (const e of events) {
      const inPeriod = e.at >= from
      switch (e._tag) {
        case "WhistleBlown":
          if (!inPeriod) break
          whistles++
          {
            const answered = whistleAnswered(e, events, to)
            if (answered !== undefined) whistlesJudged++
            if (answered === true) whistlesAnswered++
          }
          break
        case "Escalated":
          // A case is taken once (包案), however many rungs it then climbs.
          if (!escalatedBefore && inPeriod) {
            ownedTaken++
            if (DONE.has(s.status)) ownedResolved++
          }
          escalatedBefore = true
          break
        case "VisitRecorded":
          if (!inPeriod) break
          batches += e.batches
          persons += e.persons
          if (e.kind === "home") home += e.batches
          else reception += e.batches
          break
        case "Returned":
          if (inPeriod) bump(returnsByUnit, e.unit)
          break
        default:
          break
      }
    }

    if (OPEN.has(s.status)) {
      const breached = [...new Set(events.flatMap((e) => (e._tag === "ClockBreached" ? [e.clock] : [])))]
      const isOverdue = breached.length > 0
      if (isOverdue) overdue++
      if (isOverdue || s.tier > 0 || s.owner !== undefined) {
        cases.push({
          petitionId: s.id,
          title: s.title ?? "",
          status: s.status,
          category: s.category ?? null,
          jurisdiction: s.jurisdiction ?? null,
          tier: s.tier,
          owner: s.owner ?? null,
          lead: s.lead ?? null,
          breachedClocks: breached,
          receivedAt,
          escalated: s.tier > 0,
          overdue: isOverdue
        })
      }
    }
  }

  const sla = slaOf(options.clocks ?? [], breachedByClock, received)
  const closureByChannel = closureByChannelOf(byChannel, closedByChannel)
  cases.sort(hardestFirst)

  return {
    from,
    to,
    scope,
    received,
    byChannel,
    byCategory,
    byStreet,
    byCommunity,
    rates: {
      response: rate(responded, responseDue),
      resolution: rate(solved, resolutionBase),
      satisfaction: rate(satisfaction, rated)
    },
    closure: rate(closed, received),
    closureByChannel,
    sla,
    whistles: { blown: whistles, response: rate(whistlesAnswered, whistlesJudged) },
    ownedCases: { taken: ownedTaken, resolved: ownedResolved },
    visits: { batches, persons, home, reception },
    returnsByUnit,
    overdue,
    repeats,
    proactive,
    hotspots: {
      categories: hotspots(hotCategory, baselineCategory, periodDays, baselineDays, formulas.hotspots.top),
      communities: hotspots(byCommunity, baselineCommunity, periodDays, baselineDays, formulas.hotspots.top)
    },
    trend: Object.entries(trend).map(([date, n]) => ({ date, received: n })),
    cases
  }
}
