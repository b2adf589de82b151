/**
 * The figures from the report read model: the counters the engine keeps in the same append as
 * the events (see deltas.ts), added up by the store. Answers the same `Figures` as the oracle
 * (`figuresFromHistories`), at day granularity: `from` and `to` are taken as local days.
 */
import { Effect, Result, Schema } from "effect"
import type { Directory } from "../directory/index.js"
import type { AccessDenied, Scope, Viewer } from "../engine/viewer.js"
import { canSee, denied, scopeOf } from "../engine/viewer.js"
import type { MetricRow, MetricsRequest, PetitionSummary } from "../ports/model.js"
import { Queries } from "../ports/services.js"
import { localDay, OPEN_CASES_DAY } from "./deltas.js"
import { metricScopeKeys } from "./scopes.js"
import type { DifficultCase, Figures, MetricsScope } from "./figures.js"
import { defaultReportFormulas, rate } from "./formulas.js"
import type { FiguresOptions } from "./oracle.js"
import { CHINA_OFFSET_MINUTES, closureByChannelOf, DAY_MS, hardestFirst, hotspots, localDate, slaOf } from "./oracle.js"

/** The counters one report reads, each already summed over the scope's parts. */
export interface ReadModelRows {
  /** Everything with `periodDay` in the period. */
  readonly period: ReadonlyArray<MetricRow>
  /** Receipts by dim over the baseline days before the period (hotspots). */
  readonly baseline: ReadonlyArray<MetricRow>
  /** Receipts per day over the baseline and the period (trend). */
  readonly trend: ReadonlyArray<MetricRow>
  /** Open-case counters (overdue). */
  readonly open: ReadonlyArray<MetricRow>
}

/** The store reads behind one report, per part of `ReadModelRows` (to run for each of the scope's keys). */
export const readModelRequests = (
  scopeKey: string,
  options: Pick<FiguresOptions, "from" | "to" | "formulas" | "offsetMinutes">
): { readonly [K in keyof ReadModelRows]: MetricsRequest } => {
  const offset = options.offsetMinutes ?? CHINA_OFFSET_MINUTES
  const formulas = options.formulas ?? defaultReportFormulas
  const fromDay = localDay(options.from, offset)
  const toDay = localDay(options.to, offset)
  const baselineDay = fromDay - formulas.hotspots.baselineDays
  return {
    period: { scope: scopeKey, fromDay, toDay, asOfDay: toDay },
    baseline: { scope: scopeKey, fromDay: baselineDay, toDay: fromDay, asOfDay: toDay, kinds: ["received"], dims: ["category", "place"] },
    trend: { scope: scopeKey, fromDay: baselineDay, toDay, asOfDay: toDay, byDay: true, kinds: ["received"], dims: ["all"] },
    open: { scope: scopeKey, fromDay: OPEN_CASES_DAY, toDay: OPEN_CASES_DAY + 1, asOfDay: toDay, kinds: ["overdue"] }
  }
}

const sumOf = (rows: ReadonlyArray<MetricRow>, kind: string, dim = "all"): number => {
  let n = 0
  for (const r of rows) if (r.kind === kind && r.dim === dim) n += r.value
  return n
}

const countsOf = (rows: ReadonlyArray<MetricRow>, kind: string, dim: string, keyOf: (key: string) => string | undefined = (k) => k) => {
  const counts: Record<string, number> = {}
  for (const r of rows) {
    if (r.kind !== kind || r.dim !== dim) continue
    const key = keyOf(r.key)
    if (key !== undefined) counts[key] = (counts[key] ?? 0) + r.value
  }
  // A petition that left the scope leaves a counter summing to zero; the oracle never sees it.
  for (const [k, v] of Object.entries(counts)) if (v === 0) delete counts[k]
  return counts
}

/**
 * Every figure of the period and scope from the read-model counters. `cases` (the open difficult
 * cases) come from the petition summaries — see `figuresFromStore`.
 */
export const figuresFromReadModel = (
  rows: ReadModelRows,
  options: FiguresOptions & { readonly cases?: ReadonlyArray<DifficultCase> }
): Figures => {
  const { directory, from, to } = options
  const scope = options.scope ?? { _tag: "All" }
  const formulas = options.formulas ?? defaultReportFormulas
  const offset = options.offsetMinutes ?? CHINA_OFFSET_MINUTES
  const weights = formulas.satisfaction.weights
  const baselineDays = formulas.hotspots.baselineDays
  const periodDays = Math.max(1, Math.round((to - from) / DAY_MS))
  const depth = formulas.hotspots.categoryDepth
  const { period } = rows
  const topCategory = (c: string) => directory.categoryPath(c)[0]?.id ?? c
  const hotCategory = (c: string) => directory.categoryPath(c)[Math.min(depth, directory.categoryPath(c).length) - 1]?.id ?? c
  const atLevel = (level: string) => (j: string) => directory.jurisdictionPath(j).find((n) => n.level === level)?.id

  const received = sumOf(period, "received")
  const byChannel = countsOf(period, "received", "channel")
  const closureByChannel = closureByChannelOf(byChannel, countsOf(period, "closed", "channel"))
  const sla = slaOf(options.clocks ?? [], countsOf(period, "breached", "clock"), received)
  const ratings = countsOf(period, "rated", "rating")
  let satisfaction = 0, rated = 0
  for (const [rating, n] of Object.entries(ratings)) {
    rated += n
    satisfaction += n * (rating === "satisfied" || rating === "basically_satisfied" || rating === "unsatisfied" ? weights[rating] : 0)
  }
  const responded = sumOf(period, "responded")
  const answered = sumOf(period, "whistle_answered")
  const byCommunity = countsOf(period, "received", "place", atLevel("community"))
  const trendByDay = new Map<number, number>()
  for (const r of rows.trend) if (r.periodDay !== null) trendByDay.set(r.periodDay, (trendByDay.get(r.periodDay) ?? 0) + r.value)
  const trend: Array<{ date: string; received: number }> = []
  for (let day = from - baselineDays * DAY_MS; day < to; day += DAY_MS) {
    trend.push({ date: localDate(day, offset), received: trendByDay.get(localDay(day, offset)) ?? 0 })
  }
  let proactive = 0
  for (const [channel, n] of Object.entries(byChannel)) if (directory.channel(channel)?.kind === "proactive") proactive += n

  return {
    from,
    to,
    scope,
    received,
    byChannel,
    byCategory: countsOf(period, "received", "category", topCategory),
    byStreet: countsOf(period, "received", "place", atLevel("street")),
    byCommunity,
    rates: {
      response: rate(responded, responded + sumOf(period, "unanswered")),
      resolution: rate(sumOf(period, "solved"), formulas.resolution.denominator === "received" ? received : sumOf(period, "done")),
      satisfaction: rate(satisfaction, rated)
    },
    closure: rate(sumOf(period, "closed"), received),
    closureByChannel,
    sla,
    whistles: { blown: sumOf(period, "whistle"), response: rate(answered, answered + sumOf(period, "whistle_unanswered")) },
    ownedCases: { taken: sumOf(period, "owned_taken"), resolved: sumOf(period, "owned_resolved") },
    visits: {
      batches: sumOf(period, "visit_batches"),
      persons: sumOf(period, "visit_persons"),
      home: sumOf(period, "visit_home"),
      reception: sumOf(period, "visit_reception")
    },
    returnsByUnit: countsOf(period, "returned", "unit"),
    overdue: sumOf(rows.open, "overdue"),
    repeats: sumOf(period, "repeat"),
    proactive,
    hotspots: {
      categories: hotspots(
        countsOf(period, "received", "category", hotCategory),
        countsOf(rows.baseline, "received", "category", hotCategory),
        periodDays,
        baselineDays,
        formulas.hotspots.top
      ),
      communities: hotspots(byCommunity, countsOf(rows.baseline, "received", "place", atLevel("community")), periodDays, baselineDays, formulas.hotspots.top)
    },
    trend,
    cases: options.cases ?? []
  }
}

const SummaryData = Schema.Struct({ title: Schema.String, category: Schema.NullOr(Schema.String), jurisdiction: Schema.NullOr(Schema.String) })
const decodeSummaryData = Schema.decodeUnknownResult(SummaryData)
const OPEN_STATUSES = ["received", "dispatched", "in_progress", "suspended"]

/** An open petition's summary as a difficult case, when it is one (escalated, owned or overdue). */
export const difficultCaseOf = (s: PetitionSummary): DifficultCase | undefined => {
  const overdue = s.breachedClocks.length > 0
  if (!OPEN_STATUSES.includes(s.status) || !(overdue || s.tier > 0 || s.owner !== null)) return undefined
  const data = decodeSummaryData(s.data)
  const d = Result.isSuccess(data) ? data.success : { title: "", category: s.categoryPath.at(-1) ?? null, jurisdiction: s.jurisdictionPath.at(-1) ?? null }
  return {
    petitionId: s.petitionId,
    title: d.title,
    status: s.status,
    category: d.category,
    jurisdiction: d.jurisdiction,
    tier: s.tier,
    owner: s.owner,
    lead: s.lead,
    breachedClocks: [...s.breachedClocks],
    receivedAt: s.receivedAt,
    escalated: s.tier > 0,
    overdue
  }
}

/** Does a summary fall in the scope? The same test as the counters' scopes, on the read model's row. */
const summaryTest = (scope: MetricsScope, viewer: Scope | undefined): ((s: PetitionSummary) => boolean) => {
  switch (scope._tag) {
    case "All":
      return () => true
    case "Jurisdiction":
      return (s) => s.jurisdictionPath.includes(scope.id)
    case "Unit":
      return (s) => s.chainUnits.includes(scope.id)
    case "Channel":
      return (s) => s.channel === scope.id
    case "Category":
      return (s) => s.categoryPath.includes(scope.id)
    case "Viewer":
      return viewer === undefined ? () => false : (s) => canSee(viewer, s)
  }
}

/**
 * Every figure of the period and scope from the store's read models: the counters for the
 * figures, the open summaries for the difficult cases (as they stand now). A `Viewer` scope
 * applies the engine's viewer scoping; a person not in the directory sees nothing.
 */
export const figuresFromStore = Effect.fnUntraced(function*(options: FiguresOptions) {
  const queries = yield* Queries
  const scope = options.scope ?? { _tag: "All" }
  const keys = metricScopeKeys(scope, options.directory) ?? []
  const parts: { readonly [K in keyof ReadModelRows]: Array<MetricRow> } = { period: [], baseline: [], trend: [], open: [] }
  for (const key of keys) {
    const requests = readModelRequests(key, options)
    for (const part of ["period", "baseline", "trend", "open"] as const) parts[part].push(...(yield* queries.metrics(requests[part])))
  }
  const viewer = scope._tag === "Viewer" ? scopeOf({ person: scope.person }, options.directory) : undefined
  const test = summaryTest(scope, viewer === undefined || !("all" in viewer) ? undefined : viewer)
  const cases: Array<DifficultCase> = []
  if (keys.length > 0) {
    let after: string | undefined
    for (;;) {
      const request = { limit: 1_000, statuses: OPEN_STATUSES, ...(after === undefined ? {} : { after }) }
      // The store's own listing for the scope where it has one, so a unit's report pages its petitions only.
      const page = yield* (scope._tag === "Unit"
        ? queries.byUnit(scope.id, request)
        : scope._tag === "Jurisdiction"
        ? queries.byJurisdiction(scope.id, request)
        : scope._tag === "Category"
        ? queries.byCategory(scope.id, request)
        : queries.all(request))
      for (const s of page.items) {
        const c = test(s) ? difficultCaseOf(s) : undefined
        if (c !== undefined) cases.push(c)
      }
      if (page.next === null) break
      after = page.next
    }
  }
  cases.sort(hardestFirst)
  return figuresFromReadModel(parts, { ...options, cases })
})

/**
 * The scope a viewer's figures are read for: their own view by default. A narrower scope is
 * allowed when the viewer's view covers it — the dispatch centre any; a unit its own; a leader a
 * node within their jurisdictions — and refused otherwise (figures cannot be cut to a viewer).
 */
export const viewerMetricsScope = (viewer: Viewer, directory: Directory, scope?: MetricsScope): Result.Result<MetricsScope, AccessDenied> => {
  const view = scopeOf(viewer, directory)
  if (!("all" in view)) return Result.fail(view)
  if (scope === undefined || (scope._tag === "Viewer" && scope.person === viewer.person)) return Result.succeed({ _tag: "Viewer", person: viewer.person })
  const covered = view.all ||
    (scope._tag === "Unit" && view.units.includes(scope.id)) ||
    (scope._tag === "Jurisdiction" && view.jurisdictions.some((j) => directory.isJurisdictionWithin(scope.id, j)))
  return covered
    ? Result.succeed(scope)
    : Result.fail(
      denied(
        viewer.person,
        `查询人 ${viewer.person} 无权查看该范围的指标`,
        `viewer ${viewer.person} may not see the figures of ${scope._tag}${"id" in scope ? ` ${scope.id}` : ""}`
      )
    )
}
