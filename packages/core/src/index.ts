/**
 * @minyi/core — the petition domain. Pure: no I/O, no wall clock.
 *
 * The root holds what an embedder reaches for: the facade, the engine and its layers, the ports,
 * decide/evolve, loading rule packs and directories, the command, event and view types, and the
 * errors to match on. Each concept is also a namespace (`Petition`, `Refusal`, `Calendar`, ...)
 * for the rest of its vocabulary. Adapters (stores, notifiers) import `@minyi/core/adapter`.
 * test/surface.test.ts pins both pages: a change here is a visible decision.
 * @module @minyi/core
 */

// Concepts, each its whole vocabulary.
export * as Petition from "./petition/index.js"
export * as Refusal from "./petition/refusals.js"
export * as Calendar from "./calendar/index.js"
export * as Clocks from "./clocks/index.js"
export * as Rules from "./rules/index.js"
export * as Reports from "./reports/index.js"
export * as Messages from "./messages/index.js"
export * as Directory from "./directory/index.js"

// The facade and the engine.
export { createMinyi } from "./engine/facade.js"
export type { JsonCommand, Minyi, MinyiCommand, MinyiOptions } from "./engine/facade.js"
export { httpStatusOf } from "./engine/http.js"
export type { HttpStatus, MinyiError } from "./engine/http.js"
export {
  decodeEngineCommand,
  Engine,
  HistoryTampered,
  layer as engineLayer,
  layerMemory as engineLayerMemory,
  NoRulePack,
  PetitionNotFound,
  TooMuchContention
} from "./engine/engine.js"
export type {
  EngineApi,
  EngineCommand,
  EngineOptions,
  Handled,
  HandleError,
  HolidaysPublished,
  PetitionView,
  RelayReport,
  ReviewRequestInput,
  SubmitInput,
  TickReport,
  TimerFailure
} from "./engine/engine.js"
export { runScheduler, schedulerLayer } from "./engine/scheduler.js"
export type { SchedulerOptions } from "./engine/scheduler.js"
export { AccessDenied } from "./engine/viewer.js"
export { EngineOnly } from "./engine/authority.js"
export type { Viewer } from "./engine/viewer.js"
export { IdempotencyKeyReused } from "./engine/idempotency.js"
export { ReviewWindowUnknown, RuleLoop } from "./engine/step.js"
export type { FiredAction } from "./engine/step.js"

// The ports and their in-memory implementations.
export { EventStore, Notifier, Outbox, Queries, Timers } from "./ports/services.js"
export { makeMemoryStorage, Storage } from "./ports/memory.js"
export type { MemoryStorageOptions } from "./ports/memory.js"
export { Notifiers, PermanentNotifyFailure, SentNotifications } from "./ports/notifiers.js"
export type { NotifierMessage, PromiseNotifier } from "./ports/notifiers.js"
export type { RetryPolicy } from "./ports/retry.js"
export { PetitionSummary, StoredEvent } from "./ports/model.js"
export type { Notification, Page, PageRequest } from "./ports/model.js"
export {
  DuplicateId,
  LeaseLost,
  NotifyFailed,
  SchemaTooNew,
  StoreCorrupt,
  StoreUnavailable,
  VersionConflict
} from "./ports/errors.js"
export type { OpenError, StoreError } from "./ports/errors.js"

// The petition: commands, events, state.
export { decide } from "./petition/decide.js"
export { evolve, initialState, replay } from "./petition/state.js"
export type { PetitionState, PetitionStatus } from "./petition/state.js"
export { PetitionCommand, PetitionEvent } from "./petition/schema.js"
export type { CommandOf, EventOf, PetitionCommandTag, PetitionEventTag } from "./petition/schema.js"
export { decodeCommand, decodeEvent, encodeCommand, encodeEvent } from "./petition/codec.js"
export { verifyChain, ChainBroken } from "./petition/chain.js"
export type { PetitionRefusal } from "./petition/refusals.js"

// Rule packs, directories, presets.
export { loadRulePack, RulePackInvalid } from "./rules/pack/load.js"
export type { RulePack } from "./rules/pack/load.js"
export { emptyRegistry, publish, PublishRefused } from "./rules/registry.js"
export type { RulePackRegistry } from "./rules/registry.js"
export { definePlugin } from "./rules/plugins.js"
export type { Plugin } from "./rules/plugins.js"
export { loadDirectory } from "./directory/directory.js"
export { sampleDirectory } from "./directory/sample.js"
export { isRulePackPreset, rulePackPresets } from "./presets/index.js"
export type { RulePackPresetName } from "./presets/index.js"

// Boundaries: instants, invalid input, messages.
export { formatInstant, formatInstantWithOffset, InstantFromString, parseInstant } from "./shared/instant.js"
export type { Instant } from "./shared/instant.js"
export { decodeInput, describeInvalidInput, describeProblem, InvalidInput } from "./shared/validation.js"
export type { InputProblem } from "./shared/validation.js"
export { describeError } from "./messages/describe.js"
