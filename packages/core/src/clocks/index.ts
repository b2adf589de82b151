export { AppliesWhen, ClockPolicy, EventMatch, ExtensionRule, LimitOverride, Warning } from "./policy.js"
export type { ClockPolicyJson } from "./policy.js"
export { ExtensionRefused } from "./errors.js"
export { checkExtension, clockApplies, effectiveLimit, evaluateClocks } from "./evaluate.js"
export type {
  ClockError,
  ClockEvaluation,
  ClockEvent,
  ClockState,
  ClockStatus,
  ClockSubject,
  EvaluateClocksInput,
  Wakeup
} from "./evaluate.js"
