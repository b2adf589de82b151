/**
 * `@minyi/core/rules` — rule packs: loading and validation, routing, escalation, the ladder, plugins, explain and what-if. The same module is the `Rules` namespace on the root; import from
 * this subpath in a browser bundle, where a namespace object would be kept whole.
 * @module @minyi/core/rules
 */
export { loadRulePack, RulePackInvalid } from "./pack/load.js"
export type { EscalationRule, LoadOptions, PackDocument, PackRule, RoutingRule, RulePack } from "./pack/load.js"
export { PackProblemSchema } from "./pack/messages.js"
export type { PackProblem } from "./pack/messages.js"
export { templatePlaceholders } from "./pack/lints.js"
export { rulePackJsonSchema } from "./json-schema.js"
export type { CompiledRule, ConditionTrace, FactsBag, Predicate } from "./compile.js"
export type {
  AllCondition,
  AnyCondition,
  Condition,
  ConditionReference,
  FactCondition,
  FactReference,
  NotCondition,
  Rule,
  RuleEvent,
  TopLevelCondition
} from "./format.js"
export { ClockFactsJson, clockFields, factCatalogue, PetitionFactsJson, RuleFactsJson, triggerFromEvent, triggerFromTimer } from "./facts.js"
export type { ClockFacts, PetitionFacts, RuleFacts, TriggerFacts } from "./facts.js"
export { operatorNames, operators } from "./operators.js"
export type { OperatorDefinition } from "./operators.js"
export {
  ActionEvent,
  actionSchemas,
  EscalateParams,
  FlagParams,
  NotifyParams,
  OwnerSpec,
  Recipient,
  RequireVisitParams,
  RouteParams,
  SetPriorityParams,
  WhistleParams
} from "./actions.js"
export type { ActionParams, ActionType, EscalationEvent, RoutingEvent } from "./actions.js"
export { LadderRung, RepeatPolicy, ReviewWindows, RoutingMode, RulePackSchema, Template } from "./schema.js"
export { escalate, NoRecipients, route } from "./actions-eval.js"
export type { EscalationResult, NotificationTarget, Provenance, RoutingDecision, RuleAction, WhistleOrder } from "./actions-eval.js"
export type { AccusedParties } from "./ladder.js"
export { accusedParties, OwnerNotFound, resolveOwner, resolveOwnerSpec } from "./ladder.js"
export { emptyRegistry, packFor, pinnedPack, publish, PublishRefused } from "./registry.js"
export type { RulePackRegistry } from "./registry.js"
export { describeExplanation, explain } from "./explain.js"
export type { Explanation, RuleExplanation } from "./explain.js"
export { simulatePacks } from "./simulate.js"
export { closest } from "./suggest.js"
export type { ActionSummary, ClockSummary, PetitionDifference, RouteSummary, SimulationInput, SimulationReport } from "./simulate.js"
export { definePlugin, isPlugin, PluginFailed, PluginInvalid, pluginAction, pluginFact } from "./plugins.js"
export type {
  DecoratorTest,
  OperatorTest,
  Plugin,
  PluginAction,
  PluginDecorator,
  PluginDefinition,
  PluginFact,
  PluginInput,
  PluginOperator
} from "./plugins.js"
export { PluginOutput } from "./plugin-output.js"
export { noPlugins, PluginConflict, pluginSet } from "./plugin-set.js"
export type { PluginSet } from "./plugin-set.js"
export { EvaluationFacts } from "./plugin-eval.js"
export { parseVersion, satisfies } from "./semver.js"
export { pluginEffects } from "./actions-eval.js"
export type { PluginActionEvent } from "./actions.js"
