/**
 * @minyi/testkit — contract suites for adapters, and the fixtures they use.
 * @module @minyi/testkit
 */
export { contractRetryPolicy, storeContract } from "./store-contract.js"
export { inputContract } from "./input-contract.js"
export { tamperContract } from "./tamper-contract.js"
export type { TamperHarness, TamperRow } from "./tamper-contract.js"
export type { StoreCapabilities, StoreHarness } from "./store-contract.js"
export { closedLoopbackPort, notifierContract, sampleNotification, sendThrough } from "./notifier-contract.js"
export type { NotifierHarness, NotifierUnderTest, ReceivedMessage, ReceiverBehaviour } from "./notifier-contract.js"
export { batch, MINUTE, newEvent, outboxMessage, refuseOdourSubmit, sampleSubmit, summary, T0, timerSpec } from "./fixtures.js"
export * from "./generator/index.js"
