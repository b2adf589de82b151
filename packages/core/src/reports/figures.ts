import { Schema } from "effect"

const Count = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0, { expected: "a whole number ≥ 0" }))
const Id = Schema.String.check(Schema.isNonEmpty({ expected: "a non-empty id" }))
const Counts = Schema.Record(Schema.String, Count)

/** A rate with its parts; `rate` is null when the denominator is zero (nothing to judge). */
export const RateFigure = Schema.Struct({
  /** Whole for counted rates; the weighted sum of ratings for satisfaction. */
  numerator: Schema.Number.check(Schema.isGreaterThanOrEqualTo(0, { expected: "a number ≥ 0" })),
  denominator: Count,
  rate: Schema.NullOr(Schema.Number.check(Schema.isBetween({ minimum: 0, maximum: 1 }, { expected: "a rate between 0 and 1" })))
})

/**
 * Whose figures: everything, a jurisdiction subtree (district, street, community), a unit in the
 * responsibility chain, a channel, a category subtree, or what one viewer may see (the engine's
 * viewer scoping: a unit its own, a street leader the street, the dispatch centre all).
 */
export const MetricsScope = Schema.TaggedUnion({
  All: {},
  Jurisdiction: { id: Id },
  Unit: { id: Id },
  Channel: { id: Id },
  Category: { id: Id },
  Viewer: { person: Id }
})
export type MetricsScope = typeof MetricsScope.Type

/** A category or community that drew many petitions, and how that compares with the days before. */
export const Hotspot = Schema.Struct({
  id: Id,
  count: Count,
  /** Petitions per day over the baseline days before the period. */
  baselineDailyAverage: Schema.Number,
  /** (period's daily average − baseline's) / baseline's; null when the baseline had none. */
  rise: Schema.NullOr(Schema.Number)
})
export type Hotspot = typeof Hotspot.Type

/** One open hard case: escalated, owned (包案) or overdue. Never the petitioner, never the content. */
export const DifficultCase = Schema.Struct({
  petitionId: Id,
  title: Schema.String,
  status: Id,
  category: Schema.NullOr(Id),
  jurisdiction: Schema.NullOr(Id),
  tier: Count,
  owner: Schema.NullOr(Id),
  lead: Schema.NullOr(Id),
  breachedClocks: Schema.Array(Id),
  receivedAt: Schema.Number,
  escalated: Schema.Boolean,
  overdue: Schema.Boolean
})
export type DifficultCase = typeof DifficultCase.Type

/**
 * Every figure of the daily report and the KPI tables over one period and scope. Cohort figures
 * count the petitions received in the period, judged as of its end; activity figures (whistles,
 * owned cases taken, visits, returns) count what happened in the period; `overdue` and `cases`
 * are the open petitions as of the period's end, whenever they came in.
 */
export const Figures = Schema.Struct({
  from: Schema.Number,
  to: Schema.Number,
  scope: MetricsScope,
  received: Count,
  byChannel: Counts,
  /** By top-level category. */
  byCategory: Counts,
  byStreet: Counts,
  byCommunity: Counts,
  rates: Schema.Struct({ response: RateFigure, resolution: RateFigure, satisfaction: RateFigure }),
  closure: RateFigure,
  closureByChannel: Schema.Record(Schema.String, RateFigure),
  /** Per clock: how many of the period's petitions breached it, and the share that did not. */
  sla: Schema.Record(Schema.String, Schema.Struct({ breached: Count, compliance: RateFigure })),
  whistles: Schema.Struct({ blown: Count, response: RateFigure }),
  ownedCases: Schema.Struct({ taken: Count, resolved: Count }),
  visits: Schema.Struct({ batches: Count, persons: Count, home: Count, reception: Count }),
  returnsByUnit: Counts,
  overdue: Count,
  repeats: Count,
  proactive: Count,
  hotspots: Schema.Struct({ categories: Schema.Array(Hotspot), communities: Schema.Array(Hotspot) }),
  /** Petitions received per local day, over the baseline days and the period. */
  trend: Schema.Array(Schema.Struct({ date: Schema.String, received: Count })),
  cases: Schema.Array(DifficultCase)
})
export type Figures = typeof Figures.Type
export type RateFigure = typeof RateFigure.Type
