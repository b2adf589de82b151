/**
 * Ports: the services the engine needs from the outside world (storage, notification), their
 * data shapes and typed errors, and in-memory implementations.
 * @module
 */
export * from "./model.js"
export * from "./errors.js"
export { EventStore, Notifier, Outbox, Queries, Timers } from "./services.js"
export { clampPageLimit, decodeAppendBatch, decodeTimerSpecs, defaultRetryPolicy, nextAttemptAt, retryDelay } from "./retry.js"
export type { RetryPolicy } from "./retry.js"
export { makeGroupCommit } from "./group-commit.js"
export type { GroupCommitOptions } from "./group-commit.js"
export { makeMemoryStorage, Storage } from "./memory.js"
export type { MemoryStorageOptions } from "./memory.js"
export { deliverable, NotificationPayload, notificationPayload, Notifiers, PermanentNotifyFailure, SentNotifications } from "./notifiers.js"
export type { NotifierMessage, PromiseNotifier } from "./notifiers.js"
