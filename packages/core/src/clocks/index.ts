export { AppliesWhen, ClockPolicy, EventMatch, ExtensionRule, LimitOverride, Warning } from "./policy.js"
export type { ClockPolicyJson } from "./policy.js"
