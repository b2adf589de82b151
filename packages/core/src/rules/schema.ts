/**
 * The rule pack as one JSON document, described with effect/Schema. The same schemas decode the
 * pack and produce the JSON Schema editors use for completion.
 */
import { Schema } from "effect"
import { DurationFromString } from "../calendar/duration.js"
import { CalendarSpec } from "../calendar/spec.js"
import { ClockPolicy } from "../clocks/policy.js"
import { AuthorityPolicySchema, Grant } from "../petition/authority-policy.js"
import { InstantFromString } from "../shared/instant.js"
import { ActionEvent, OwnerSpec } from "./actions.js"
import type { Condition as ConditionType, TopLevelCondition as TopLevelConditionType } from "./format.js"

const Id = Schema.String.check(
  Schema.makeFilter((s: string) => /^[A-Za-z0-9][\w.:#-]*$/.test(s) || `"${s}" is not an id`, {
    expected: "an id of letters, digits, '.', '-', '_', ':' or '#', such as feedback-overdue"
  })
)
const Priority = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1, { expected: "a whole number ≥ 1 (higher runs first)" }))
const Params = Schema.Record(Schema.String, Schema.Unknown)
const conditionMeta = { priority: Schema.optionalKey(Priority), name: Schema.optionalKey(Schema.String) }

export const FactReference = Schema.Struct({
  fact: Schema.String,
  path: Schema.optionalKey(Schema.String),
  params: Schema.optionalKey(Params)
})

export const FactCondition = Schema.Struct({
  fact: Schema.String.annotate({ description: "petition, clocks, trigger or now" }),
  operator: Schema.String.annotate({ description: "equal, notEqual, in, notIn, contains, doesNotContain, lessThan, lessThanInclusive, greaterThan, greaterThanInclusive, categoryWithin, jurisdictionWithin, durationAtLeast, durationAtMost; json-rules-engine's decorators too, e.g. not:equal, someFact:in" }),
  value: Schema.Unknown,
  path: Schema.optionalKey(Schema.String.annotate({ description: "where in the fact, e.g. $.returnCount or $.feedback.state" })),
  params: Schema.optionalKey(Params),
  ...conditionMeta
}).annotate({ identifier: "FactCondition" })

const Conditions = Schema.Array(Schema.suspend((): Schema.Codec<ConditionType> => Condition))
export const AllCondition = Schema.Struct({ all: Conditions, ...conditionMeta }).annotate({ identifier: "AllCondition" })
export const AnyCondition = Schema.Struct({ any: Conditions, ...conditionMeta }).annotate({ identifier: "AnyCondition" })
export const NotCondition = Schema.Struct({
  not: Schema.suspend((): Schema.Codec<ConditionType> => Condition),
  ...conditionMeta
}).annotate({ identifier: "NotCondition" })
export const ConditionReference = Schema.Struct({ condition: Schema.String, ...conditionMeta }).annotate({ identifier: "ConditionReference" })

export const TopLevelCondition: Schema.Codec<TopLevelConditionType> = Schema.Union([
  AllCondition,
  AnyCondition,
  NotCondition,
  ConditionReference
]).annotate({ identifier: "TopLevelCondition", expected: 'one of { "all": [...] }, { "any": [...] }, { "not": {...} } or { "condition": "name" }' })

export const Condition: Schema.Codec<ConditionType> = Schema.Union([
  FactCondition,
  AllCondition,
  AnyCondition,
  NotCondition,
  ConditionReference
]).annotate({
  identifier: "Condition",
  expected: 'a condition: { "fact", "operator", "value" } or { "all": [...] }, { "any": [...] }, { "not": {...} }, { "condition": "name" }'
})

export const RuleEvent = Schema.Struct({
  type: Schema.String.annotate({ description: "route, notify, escalate, whistle, flag, setPriority or requireVisit" }),
  params: Schema.optionalKey(Params)
})

/** For editors: each action type with its own params, so completion knows what to offer. */
const TypedRuleEvent = ActionEvent.annotate({ identifier: "Action" })

const makeRule = <C extends Schema.Top, E extends Schema.Top>(conditions: C, event: E) =>
  Schema.Struct({
    id: Schema.optionalKey(Id),
    name: Schema.optionalKey(Schema.String),
    description: Schema.optionalKey(Schema.String),
    priority: Schema.optionalKey(Priority),
    conditions,
    event
  })

export const LadderRung = Schema.Struct({
  tier: Schema.Literals([1, 2, 3]),
  owner: OwnerSpec,
  /** Who may escalate a petition to this tier (authority grants); the policy's `Escalate` grants when left out. */
  escalatedBy: Schema.optionalKey(Schema.Array(Grant)),
  description: Schema.optionalKey(Schema.String)
})
export type LadderRung = typeof LadderRung.Type

const TemplateText = Schema.Struct({ subject: Schema.NonEmptyString, body: Schema.NonEmptyString })
export const Template = Schema.Struct({ "zh-CN": TemplateText, en: TemplateText }).annotate({ identifier: "Template" })
export type Template = typeof Template.Type

export const WhistleDefaults = Schema.Struct({ deadline: DurationFromString })

/**
 * Repeat petitions (重复件): a new petition from the same phone, in the same category subtree (the
 * top `categoryDepth` levels) and the same community within `window` is linked to the earlier one
 * and counted; with `merge`, it is also merged into it.
 */
/**
 * Review windows (复查 / 复核): how long after the written reply (the resolution) a petitioner may
 * request a review, and after the review decision a re-review, counted in one of the pack's calendars.
 * With this section the engine sets the window itself; without it the caller must give `windowEndsAt`.
 */
export const ReviewWindows = Schema.Struct({
  requestWithin: DurationFromString,
  calendar: Schema.NonEmptyString
}).annotate({ identifier: "ReviewWindows" })

/**
 * How routing's answer is used: `auto` dispatches on receipt (the default); `suggest` records it
 * as a suggestion (RoutingSuggested) that the dispatch centre confirms or changes by a Dispatch —
 * the way a 12345 centre that checks each order before it goes out works.
 */
export const RoutingMode = Schema.Literals(["auto", "suggest"]).annotate({
  description: 'auto: dispatch on receipt as routing says (default); suggest: record routing\'s answer for the dispatch centre to confirm or change'
})
export type RoutingMode = typeof RoutingMode.Type

/**
 * The rating window (回访期限): how long after the resolution the petitioner has to rate it, counted
 * in one of the pack's calendars. The engine computes the rating deadline from it; once it has
 * passed, the first handler may close an unrated petition. Without it an unrated petition cannot close.
 */
export const RatingWindow = Schema.Struct({
  within: DurationFromString,
  calendar: Schema.NonEmptyString
}).annotate({ identifier: "RatingWindow" })

export const RepeatPolicy = Schema.Struct({
  window: DurationFromString,
  categoryDepth: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1, { expected: "a depth of at least 1" })),
  merge: Schema.Boolean
}).annotate({ identifier: "RepeatPolicy" })

const makePack = <R extends Schema.Top, C extends Schema.Top>(rule: R, condition: C) =>
  Schema.Struct({
    $schema: Schema.optionalKey(Schema.String),
    id: Id,
    version: Id.annotate({ description: "this version's name, e.g. 2026.1; never reused" }),
    effectiveFrom: InstantFromString,
    effectiveTo: Schema.optionalKey(InstantFromString),
    description: Schema.optionalKey(Schema.String),
    plugins: Schema.optionalKey(
      Schema.Record(Schema.String, Schema.String).annotate({
        description: 'the plugins this pack needs, by name, each with a version range: { "futian-grid": "^1.2.0" }'
      })
    ),
    calendars: Schema.Record(Schema.String, CalendarSpec),
    clocks: Schema.Array(ClockPolicy),
    conditions: Schema.optionalKey(Schema.Record(Schema.String, condition)),
    routingMode: Schema.optionalKey(RoutingMode),
    routing: Schema.Array(rule),
    escalation: Schema.Array(rule),
    ladder: Schema.Array(LadderRung),
    whistle: Schema.optionalKey(WhistleDefaults),
    repeats: Schema.optionalKey(RepeatPolicy),
    reviews: Schema.optionalKey(ReviewWindows),
    rating: Schema.optionalKey(RatingWindow),
    /** Who may issue which command, per command; a command left out keeps the default policy's grants. */
    authority: Schema.optionalKey(AuthorityPolicySchema),
    templates: Schema.Record(Id, Template)
  })

/** The whole pack, rules included, as editors see it (the JSON Schema is made from this). */
export const RulePackSchema = makePack(makeRule(TopLevelCondition, TypedRuleEvent).annotate({ identifier: "Rule" }), Condition).annotate({
  identifier: "RulePack",
  title: "minyi rule pack"
})

/**
 * The pack's shape with conditions and action params left open: those are decoded node by node
 * (by which key a node has, as json-rules-engine does), so that a mistake yields one precise
 * message instead of one per union member.
 */
export const RulePackShape = makePack(makeRule(Schema.Unknown, RuleEvent), Schema.Unknown)

/** The keys a rule pack and a rule may have, for "did you mean". */
export const packKeys = Object.keys(RulePackShape.fields)
export const ruleKeys = ["id", "name", "description", "priority", "conditions", "event"]

/** A decoded rule pack document (instants as epoch milliseconds, durations parsed). */
export type RulePackDocument = typeof RulePackShape.Type
