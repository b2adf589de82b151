export {
  Actor,
  Checklist,
  ContactMethod,
  IsoDuration,
  Petitioner,
  PetitionCommand,
  PetitionEvent,
  Priority,
  Rating,
  RecommendationKind,
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
export { ChainBroken, GENESIS_HASH, verifyChain } from "./chain.js"
