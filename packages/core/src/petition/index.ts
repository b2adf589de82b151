/**
 * `@minyi/core/petition` — the petition itself: commands, events, state, decide/evolve, refusals and their texts, labels, input limits, the hash chain, masking. The same module is the `Petition` namespace on the root; import from
 * this subpath in a browser bundle, where a namespace object would be kept whole.
 * @module @minyi/core/petition
 */
export {
  Actor,
  Checklist,
  ContactMethod,
  DeliveryMethod,
  IsoDuration,
  Petitioner,
  PetitionCommand,
  PetitionEvent,
  Priority,
  Rating,
  RecommendationKind,
  ReplyKind,
  ReviewOutcome,
  ReviewStageName,
  RulePackRef,
  RuleRef,
  VisitKind
} from "./schema.js"
export type {
  CommandOf,
  EventOf,
  PetitionCommandTag,
  PetitionEventJson,
  PetitionEventTag,
  UnsealedEvent
} from "./schema.js"
export { decodeCommand, decodeEvent, encodeCommand, encodeEvent } from "./codec.js"
export { inputLimits } from "./limits.js"
export { anchorOf, ChainBroken, ChainBrokenReason, chainBrokenReasons, GENESIS_HASH, GENESIS_HEAD, verifyAnchor, verifyAnchoredChain, verifyChain, verifyContinuation } from "./chain.js"
export type { ChainAnchor, ChainHead, ChainKeys } from "./chain.js"
export { decide } from "./decide.js"
export type { DecideContext } from "./decide.js"
export { evolve, initialState, replay } from "./state.js"
export type {
  Deliveries,
  Delivery,
  PetitionCounters,
  PetitionState,
  PetitionStatus,
  ReviewStage,
  ReviewState,
  RoutingSuggestion,
  WhistleState
} from "./state.js"
export { commandLabels, eventLabels, ratingLabels, statusLabels } from "./labels.js"
export type { Label } from "./labels.js"
export * from "./refusals.js"
export { describeRefusal, refusalMessage } from "./refusal-text.js"
export type { DescribeOptions } from "./refusal-text.js"
export { accepts, commandsAccepted, lifecycle, moves, statuses } from "./lifecycle.js"
export { AuthorityPolicySchema, defaultAuthorityPolicy, grantLabel, Relation, relationLabels, resolveAuthorityPolicy } from "./authority-policy.js"
export type { AuthorityPolicy, AuthorityPolicyOverrides, CallerCommandTag, Grant } from "./authority-policy.js"
export type { Move } from "./lifecycle.js"
export { maskName, maskPhone } from "./mask.js"
