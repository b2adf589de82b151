/**
 * The three rates (三率) leaders judge departments by, as data a rule pack can carry. Places
 * define them differently — which act counts as a response, what a resolution rate is out of,
 * whether 基本满意 counts as satisfied — so the definition is configuration, never code.
 * Sources and the reasoning behind the defaults: docs/reports.md.
 */
import { Result, Schema } from "effect"
import { DurationFromString } from "../calendar/index.js"
import type { PetitionEventTag } from "../petition/index.js"
import { PetitionEvent } from "../petition/index.js"
import type { InvalidInput } from "../shared/validation.js"
import { decodeInput } from "../shared/validation.js"
import type { RateFigure } from "./figures.js"

const eventTags = Object.keys(PetitionEvent.cases) as ReadonlyArray<PetitionEventTag> // keys of a tagged union are its tags; Object.keys types them as string
const EventTag = Schema.Literals(eventTags)
const Weight = Schema.Number.check(Schema.isBetween({ minimum: 0, maximum: 1 }, { expected: "a weight between 0 and 1" }))
const PositiveInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1, { expected: "a whole number ≥ 1" }))

/** How the figures are computed. Every field has a default (see {@link defaultReportFormulas}). */
export const ReportFormulas = Schema.Struct({
  /** 响应率: a petition is answered in time when one of `events` happens within `within` of its receipt (natural time). */
  response: Schema.Struct({
    events: Schema.Array(EventTag).check(Schema.isMinLength(1, { expected: "at least one event that counts as a response" })),
    within: DurationFromString
  }),
  /**
   * 解决率: petitions whose standing resolution says the problem was solved (三到位 `problemSolved`),
   * out of every petition received (`received`) or only those resolved so far (`resolved`).
   */
  resolution: Schema.Struct({ denominator: Schema.Literals(["received", "resolved"]) }),
  /** 满意率: the weighted share of each petition's latest rating; weights per rating between 0 and 1. */
  satisfaction: Schema.Struct({
    weights: Schema.Struct({ satisfied: Weight, basically_satisfied: Weight, unsatisfied: Weight })
  }),
  /**
   * 热点: how many categories and communities to list, how many days before the period make the
   * baseline, and at which depth of the category tree hotspots are counted (1 = top level; a
   * catalogue of 1,600 kinds is too fine for a leader to see a trend in).
   */
  hotspots: Schema.Struct({ top: PositiveInt, baselineDays: PositiveInt, categoryDepth: PositiveInt })
})
export type ReportFormulas = typeof ReportFormulas.Type
export type ReportFormulasJson = typeof ReportFormulas.Encoded

/** The defaults, as JSON — the shape a pack's `reports` section would take. */
export const defaultReportFormulasJson: ReportFormulasJson = {
  response: { events: ["Acknowledged", "Contacted"], within: "PT24H" },
  resolution: { denominator: "received" },
  satisfaction: { weights: { satisfied: 1, basically_satisfied: 1, unsatisfied: 0 } },
  hotspots: { top: 5, baselineDays: 7, categoryDepth: 2 }
}

const decodeFormulas = decodeInput(ReportFormulas, "report formulas")

/** Decodes formulas from JSON; every problem is named by its JSON path. */
export const decodeReportFormulas = (input: unknown): Result.Result<ReportFormulas, InvalidInput> => decodeFormulas(input)

/** The defaults, decoded. They are checked by the tests, so a failure here is a packaging defect. */
export const defaultReportFormulas: ReportFormulas = Result.getOrThrow(decodeFormulas(defaultReportFormulasJson))

/** A rate with what it is made of, so a reader can check it: `rate` is null when nothing is counted. */
export const rate = (numerator: number, denominator: number): RateFigure => ({
  numerator,
  denominator,
  rate: denominator === 0 ? null : numerator / denominator
})

/** A rate as leaders read it: `98.87%`, two decimals; `—` when there is nothing to count. */
export const formatRate = (r: RateFigure | number | null): string => {
  const value = typeof r === "number" || r === null ? r : r.rate
  return value === null ? "—" : `${(Math.round(value * 10_000) / 100).toFixed(2)}%`
}

/** The response window in milliseconds (natural time). */
export const responseWindowMs = (f: ReportFormulas): number => f.response.within.days * 86_400_000 + f.response.within.ms
