/**
 * The scenario file, described with effect/Schema so that every bad field is reported by its
 * JSON path. Commands stay `unknown` here: they are decoded by the petition's own command schema
 * in `load.ts`, which knows every command's fields.
 */
import { Schema } from "effect"
import { Calendar, InstantFromString } from "@minyi/core"

const Pattern = Schema.Record(Schema.String, Schema.Unknown).annotate({
  expected: "an object whose fields must all appear, with these values, in the matched item"
})
const Patterns = Schema.Array(Pattern)

const ClockState = Schema.Literals(["pending", "running", "paused", "met", "breached"])
const NullableInstant = Schema.NullOr(InstantFromString)

/** A clock expectation: a state, or the state and instants of the clock instance. */
export const ClockExpect = Schema.Union([
  ClockState,
  Schema.Struct({
    state: Schema.optionalKey(ClockState),
    startedAt: Schema.optionalKey(NullableInstant),
    dueAt: Schema.optionalKey(NullableInstant),
    stoppedAt: Schema.optionalKey(NullableInstant),
    breachedAt: Schema.optionalKey(NullableInstant),
    /** Was the due instant counted over a year without holiday data: true/false, or which years. */
    provisional: Schema.optionalKey(Schema.Union([Schema.Boolean, Schema.Struct({ years: Schema.Array(Schema.Int) })]))
  })
]).annotate({ expected: 'a clock state ("pending", "running", "paused", "met", "breached") or { state?, startedAt?, dueAt?, stoppedAt?, breachedAt?, provisional? }' })

/** A whistle's response: who was summoned, who reported, the share that reported (to two decimals). */
const WhistleExpect = Schema.Struct({
  summoned: Schema.optionalKey(Schema.Array(Schema.String)),
  reported: Schema.optionalKey(Schema.Array(Schema.String)),
  rate: Schema.optionalKey(Schema.Number.check(Schema.isBetween({ minimum: 0, maximum: 1 })))
})

/** Of the items (those `where` matches), which must (include) and must not (exclude) be there, and how many (count). */
const ListExpect = Schema.Struct({
  /** Only the items this pattern matches are considered (by include, exclude and count alike). */
  where: Schema.optionalKey(Pattern),
  include: Schema.optionalKey(Patterns),
  exclude: Schema.optionalKey(Patterns),
  count: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)))
})

export const NotificationsExpect = Schema.Struct({
  ...ListExpect.fields,
  template: Schema.optionalKey(Schema.String),
  to: Schema.optionalKey(Schema.Array(Schema.String))
})

const Nullable = Schema.NullOr(Schema.String)

export const StepExpect = Schema.Struct({
  petition: Schema.optionalKey(Schema.String),
  refused: Schema.optionalKey(Schema.String),
  status: Schema.optionalKey(Schema.Literals(["received", "dispatched", "in_progress", "suspended", "resolved", "closed", "declined", "merged"])),
  tier: Schema.optionalKey(Schema.Literals([0, 1, 2, 3])),
  owner: Schema.optionalKey(Nullable),
  firstHandler: Schema.optionalKey(Nullable),
  lead: Schema.optionalKey(Nullable),
  coHandlers: Schema.optionalKey(Schema.Array(Schema.String)),
  handler: Schema.optionalKey(Nullable),
  accountable: Schema.optionalKey(Nullable),
  /** How many earlier petitions this one is linked to as a repeat. */
  repeats: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))),
  /** The petition the step's Submit was answered with (the earlier one, when it was a replay). */
  answeredWith: Schema.optionalKey(Schema.String),
  /** Whether the step's Submit was answered by replaying an earlier one (same channel message). */
  replayed: Schema.optionalKey(Schema.Boolean),
  /** Texts the refusal's message must contain (either language). */
  refusalContains: Schema.optionalKey(Schema.Union([Schema.String, Schema.Array(Schema.String)])),
  /** Returns per unit; a unit not listed is not checked. */
  returns: Schema.optionalKey(Schema.Record(Schema.String, Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)))),
  /** By whistle id. */
  whistles: Schema.optionalKey(Schema.Record(Schema.String, WhistleExpect)),
  clocks: Schema.optionalKey(Schema.Record(Schema.String, ClockExpect)),
  actions: Schema.optionalKey(Schema.Union([Patterns, ListExpect])),
  notifications: Schema.optionalKey(NotificationsExpect),
  events: Schema.optionalKey(Schema.Union([Patterns, ListExpect]))
})
export type StepExpect = typeof StepExpect.Type

export const ScenarioStep = Schema.Struct({
  at: InstantFromString,
  note: Schema.optionalKey(Schema.String),
  /**
   * Holiday data published at `at` (a release inline, or a file relative to the scenario): the
   * engine's `publishHolidays`, which recounts provisional deadlines. A step has this or a command.
   */
  holidays: Schema.optionalKey(Schema.Union([Schema.String, Schema.Record(Schema.String, Schema.Unknown)])),
  /** Without a command the step is a checkpoint: the clock runs to `at` and `expect` is checked there. */
  command: Schema.optionalKey(
    Schema.Record(Schema.String, Schema.Unknown).annotate({ expected: 'a petition command as JSON, e.g. { "_tag": "Accept", "petitionId": "p-1", ... }' })
  ),
  expect: Schema.optionalKey(StepExpect)
})

const Inline = Schema.Record(Schema.String, Schema.Unknown)

const PackRef = Schema.Union([Schema.String, Inline]).annotate({ expected: "a preset name (futian-10-30-24, xinfang-statutory), a file path relative to the scenario, or an inline rule pack" })

/** What replaying the story's histories under another pack must show: how many petitions differ, or exactly which. */
export const WhatIfExpect = Schema.Union([
  Schema.Struct({ differences: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)) }),
  Schema.Struct({ affected: Schema.Array(Schema.String) })
]).annotate({ expected: '{ "differences": <count> } or { "affected": ["p-1", ...] }' })

/** A what-if: the story's recorded histories replayed under the scenario's pack (before) and this one (after). */
export const WhatIf = Schema.Struct({
  note: Schema.optionalKey(Schema.String),
  rulePack: PackRef,
  expect: WhatIfExpect
})

export const ScenarioFile = Schema.Struct({
  $schema: Schema.optionalKey(Schema.String),
  description: Schema.optionalKey(Schema.String),
  directory: Schema.optionalKey(Schema.Union([Schema.String, Inline])),
  rulePack: PackRef,
  start: Schema.optionalKey(InstantFromString),
  /**
   * How often the virtual scheduler wakes (ISO 8601, e.g. PT1H), on a grid counted from `start`
   * (or the first step); timers due in between fire together at the next grid instant, as a
   * polling scheduler's do. Without it every timer fires at its own due instant.
   */
  tickEvery: Schema.optionalKey(Calendar.DurationFromString),
  whatIf: Schema.optionalKey(Schema.Array(WhatIf)),
  until: Schema.optionalKey(InstantFromString),
  steps: Schema.Array(ScenarioStep)
})
export type ScenarioFile = typeof ScenarioFile.Type
