/**
 * `@minyi/core/adapter` — what only storage and notifier adapters need: the row schemas the ports
 * speak, batch decoding, page limits, retry delays, the store errors' constructors and the group
 * commit. Embedders import from `@minyi/core`; this page stays out of their way.
 * @module @minyi/core/adapter
 */
export * from "./ports/model.js"
export * from "./ports/errors.js"
export { clampPageLimit, decodeAppendBatch, decodeTimerSpecs, defaultRetryPolicy, nextAttemptAt, retryDelay } from "./ports/retry.js"
export type { RetryPolicy } from "./ports/retry.js"
export { makeGroupCommit } from "./ports/group-commit.js"
export type { GroupCommitOptions } from "./ports/group-commit.js"
export { deliverable, NotificationPayload, notificationPayload } from "./ports/notifiers.js"
export { CLOCK_TIMER } from "./engine/engine.js"
export { rekeyRepeatIndex, repeatKey } from "./engine/repeat-index.js"
export { auditHistories, sealHeads } from "./engine/audit.js"
export type { AuditedPetition, AuditOptions, AuditReport, SealReport } from "./engine/audit.js"
export { metricDeltas, localDay, OPEN_CASES_DAY } from "./reports/deltas.js"
export { metricScopeKeys } from "./reports/scopes.js"
export { figuresFromReadModel, readModelRequests } from "./reports/read-model.js"
export { decodeInput, invalidInput, InvalidInput } from "./shared/validation.js"
export type { InputProblem } from "./shared/validation.js"
