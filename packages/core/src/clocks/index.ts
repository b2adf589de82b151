export { AppliesWhen, ClockPolicy, EventMatch, ExtensionRule, LimitOverride, Warning } from "./policy.js"
export type { ClockPolicyJson } from "./policy.js"
export { ExtensionRefused } from "./errors.js"
export { clockApplies, clocksOfFold, effectiveLimit, evaluateClocks, foldClockEvents, startClockFold } from "./evaluate.js"
export { checkExtension } from "./extensions.js"
export type {
  ClockError,
  ClockEvaluation,
  ClockEvent,
  ClockFold,
  ClockState,
  ClockStatus,
  ClockSubject,
  EvaluateClocksInput,
  Wakeup
} from "./evaluate.js"
export { deadlineChanges } from "./recompute.js"
export type { DeadlineChange } from "./recompute.js"
