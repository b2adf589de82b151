/**
 * What a rule's `event` may ask for. `event.type` names the action; `event.params` is checked
 * against the action's schema when the pack is loaded.
 */
import { Schema } from "effect"
import { DurationFromString } from "../calendar/duration.js"
import { Role } from "../directory/schema.js"
import { Priority } from "../petition/schema.js"
import type { PluginInput } from "./plugins.js"

const Id = Schema.NonEmptyString
const Ids = Schema.Array(Id)

/** Who owns an escalated petition at a tier. */
export const OwnerSpec = Schema.Union([
  Schema.Struct({ kind: Schema.Literal("leadUnitLeader") }),
  Schema.Struct({ kind: Schema.Literal("unitLeader"), unit: Schema.String }),
  Schema.Struct({
    kind: Schema.Literal("linkedLeader"),
    level: Schema.Literals(["district", "street", "community", "grid"]),
    role: Schema.optionalKey(Role)
  }),
  Schema.Struct({ kind: Schema.Literal("role"), role: Role })
]).annotate({
  identifier: "OwnerSpec",
  expected: '{ "kind": "leadUnitLeader" }, { "kind": "unitLeader", "unit" }, { "kind": "linkedLeader", "level", "role"? } or { "kind": "role", "role" }'
})
export type OwnerSpec = typeof OwnerSpec.Type

/** Summon units to report for duty by a deadline (吹哨报到). Without a deadline, the pack's `whistle.deadline`. */
export const WhistleParams = Schema.Struct({
  summon: Schema.NonEmptyArray(Id),
  deadline: Schema.optionalKey(DurationFromString),
  reason: Schema.optionalKey(Schema.String)
})

export const RouteParams = Schema.Struct({
  lead: Id,
  coHandlers: Schema.optionalKey(Ids),
  whistle: Schema.optionalKey(WhistleParams)
})

/**
 * Who receives a notification. `linked-leader`: the leaders linked to the petition's place
 * (分片包联), nearest first; `{ "linkedLeader": "street" }`: those linked to its street.
 */
const recipientKeys = ["role", "unit", "person", "linkedLeader"] as const
// One struct with a "name exactly one" check rather than a union of four, so that a mistake in
// one recipient gives one message, not one per alternative.
const RecipientObject = Schema.Struct({
  role: Schema.optionalKey(Role),
  unit: Schema.optionalKey(Id),
  person: Schema.optionalKey(Id),
  linkedLeader: Schema.optionalKey(Schema.Literals(["district", "street", "community", "grid"]))
}).check(
  Schema.makeFilter((r) => recipientKeys.filter((k) => r[k] !== undefined).length === 1 || 'name exactly one of "role", "unit", "person" or "linkedLeader"', {
    expected: '{ "role": "…" }, { "unit": "…" }, { "person": "…" } or { "linkedLeader": "street" }'
  })
)
export const Recipient = Schema.Union([Schema.Literals(["linked-leader", "lead-unit", "owner"]), RecipientObject]).annotate({
  identifier: "Recipient",
  expected: '"linked-leader", "lead-unit", "owner", { "role": "…" }, { "unit": "…" }, { "person": "…" } or { "linkedLeader": "street" }'
})
export type Recipient = typeof Recipient.Type

export const NotifyParams = Schema.Struct({
  recipients: Schema.NonEmptyArray(Recipient),
  template: Id,
  /**
   * The outbox channel, i.e. which of the host's notifiers delivers it (`sms`, `webhook`…); default
   * `default`. Which notifiers exist is the host's choice, unknown when the pack is checked, so a
   * channel no notifier serves is not refused here: its messages become dead letters on the petition.
   */
  channel: Schema.optionalKey(Id)
})

export const EscalateParams = Schema.Struct({
  tier: Schema.Literals([1, 2, 3]),
  reason: Schema.optionalKey(Schema.String),
  /** Overrides the ladder for this rule, e.g. the dispatch centre's leader. */
  owner: Schema.optionalKey(OwnerSpec)
})

export const FlagParams = Schema.Struct({ flag: Id })
export const SetPriorityParams = Schema.Struct({ priority: Priority })
export const RequireVisitParams = Schema.Struct({
  reason: Schema.String,
  kind: Schema.optionalKey(Schema.Literals(["home", "reception"]))
})

/** Action schemas by `event.type`, and which section may use each. */
export const actionSchemas = {
  route: RouteParams,
  notify: NotifyParams,
  escalate: EscalateParams,
  whistle: WhistleParams,
  flag: FlagParams,
  setPriority: SetPriorityParams,
  requireVisit: RequireVisitParams
} as const

export type ActionType = keyof typeof actionSchemas
export const routingActionTypes: ReadonlyArray<ActionType> = ["route"]
export const escalationActionTypes: ReadonlyArray<ActionType> = ["notify", "escalate", "whistle", "flag", "setPriority", "requireVisit"]

export type ActionParams = { readonly [K in ActionType]: (typeof actionSchemas)[K]["Type"] }

const isActionTypeKey = Object.prototype.hasOwnProperty
/** Whether a rule's `event.type` names an action (an own entry: "constructor" or "toString" names none). */
export const isActionType = (type: string): type is ActionType => isActionTypeKey.call(actionSchemas, type)

/*
 * A rule's `event` once its params are decoded, one member per action type, so that evaluation
 * narrows on `type` and reads params already typed.
 */
export const RouteEvent = Schema.Struct({ type: Schema.Literal("route"), params: RouteParams })
export const NotifyEvent = Schema.Struct({ type: Schema.Literal("notify"), params: NotifyParams })
export const EscalateEvent = Schema.Struct({ type: Schema.Literal("escalate"), params: EscalateParams })
export const WhistleEvent = Schema.Struct({ type: Schema.Literal("whistle"), params: WhistleParams })
export const FlagEvent = Schema.Struct({ type: Schema.Literal("flag"), params: FlagParams })
export const SetPriorityEvent = Schema.Struct({ type: Schema.Literal("setPriority"), params: SetPriorityParams })
export const RequireVisitEvent = Schema.Struct({ type: Schema.Literal("requireVisit"), params: RequireVisitParams })

/** Every action event, in the order of `actionSchemas` (the JSON Schema export lists them so). */
export const ActionEvent = Schema.Union([RouteEvent, NotifyEvent, EscalateEvent, WhistleEvent, FlagEvent, SetPriorityEvent, RequireVisitEvent])
export type ActionEvent = typeof ActionEvent.Type
/** What a routing rule may do. */
export type RoutingEvent = typeof RouteEvent.Type
/**
 * A rule's event naming an action a plugin adds (`"type": "forwardToCity"` as written): the
 * plugin's Schema decoded its params when the pack loaded, into `perform`.
 */
export interface PluginActionEvent {
  readonly type: "plugin"
  /** The action's name, as the rule writes it in `type`. */
  readonly action: string
  readonly plugin: string
  /** The params as written. */
  readonly params: Readonly<Record<string, unknown>>
  readonly perform: (input: PluginInput) => unknown
}
/** What an escalation rule may do: every action but `route`, and the plugins' actions. */
export type EscalationEvent = Exclude<ActionEvent, RoutingEvent> | PluginActionEvent
