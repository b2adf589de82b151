/**
 * `@minyi/core/clocks` — SLA clocks: policies, evaluation over a history, extensions. The same module is the `Clocks` namespace on the root; import from
 * this subpath in a browser bundle, where a namespace object would be kept whole.
 * @module @minyi/core/clocks
 */
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
