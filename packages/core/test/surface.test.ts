import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import * as adapter from "../src/adapter.js"
import * as core from "../src/index.js"

// The two pages an outsider imports. Both lists are pinned on purpose: adding, renaming or removing
// a public name must show up here as a decision, not slip in with a refactor. Types leave no trace
// at run time, so these are the value names; the type names follow their values' modules.
describe("the public surface", () => {
  it("keeps the root to what an embedder reaches for, and the concepts as namespaces", () => {
    expect(Object.keys(core).sort()).toEqual([
    "AccessDenied", "Calendar", "ChainBroken", "Clocks", "Directory", "DuplicateId", "Engine", "EngineOnly", "EventStore", "HistoryTampered",
    "IdempotencyKeyReused", "InstantFromString", "InvalidInput", "LeaseLost", "Messages", "NoRulePack",
    "Notifier", "Notifiers", "NotifyFailed", "Outbox", "PermanentNotifyFailure", "Petition",
    "PetitionCommand", "PetitionEvent", "PetitionNotFound", "PetitionSummary", "PublishRefused", "Queries",
    "Refusal", "Reports", "ReviewWindowUnknown", "RuleLoop", "RulePackInvalid", "Rules", "SchemaTooNew",
    "SentNotifications", "Storage", "StoreCorrupt", "StoreUnavailable", "StoredEvent", "Timers",
    "TooMuchContention", "VersionConflict", "createMinyi", "decide", "decodeCommand", "decodeEngineCommand",
    "decodeEvent", "decodeInput", "definePlugin", "describeError", "describeInvalidInput", "describeProblem",
    "emptyRegistry", "encodeCommand", "encodeEvent", "engineLayer", "engineLayerMemory", "evolve",
    "formatInstant", "formatInstantWithOffset", "httpStatusOf", "initialState", "isRulePackPreset", "loadDirectory",
    "loadRulePack", "makeMemoryStorage", "parseInstant", "publish", "replay", "rulePackPresets",
    "runScheduler", "sampleDirectory", "schedulerLayer", "verifyChain"
    ])
  })

  it("gives adapters their own page, @minyi/core/adapter", () => {
    expect(Object.keys(adapter).sort()).toEqual([
    "AppendBatch", "AppendResult", "CLOCK_TIMER", "ClaimedMessage", "ClaimedTimer", "DeadLetter",
    "DuplicateId", "InvalidInput", "LeaseLost", "MetricDelta", "MetricRow", "NewEvent",
    "NotificationPayload", "NotifyFailed", "OPEN_CASES_DAY", "OutboxMessage", "PetitionSummary",
    "RepeatCandidate", "RepeatEntry", "SchemaTooNew", "StoreCorrupt", "StoreUnavailable", "StoredEvent",
    "StreamHead", "TimerKey", "TimerSpec", "VersionConflict", "auditHistories", "clampPageLimit", "decodeAppendBatch", "decodeInput",
    "decodeTimerSpecs", "defaultRetryPolicy", "deliverable", "duplicateId", "figuresFromReadModel",
    "invalidInput", "leaseLost", "localDay", "makeGroupCommit", "metricDeltas", "metricScopeKeys", "nextAttemptAt",
    "notificationPayload", "notifyFailed", "readModelRequests", "rekeyRepeatIndex", "repeatKey",
    "retryDelay", "schemaTooNew", "sealHeads", "storeCorrupt", "storeUnavailable", "versionConflict"
    ])
  })

  it("reaches the petition API and the boundary helpers from the root or a concept's namespace", () => {
    for (const name of ["decide", "evolve", "replay", "initialState", "verifyChain", "decodeCommand", "decodeEvent", "encodeEvent", "decodeInput", "InstantFromString", "parseInstant", "formatInstantWithOffset", "loadDirectory", "sampleDirectory", "describeInvalidInput", "describeError"]) {
      expect(core, name).toHaveProperty(name)
    }
    for (const name of ["ratingLabels", "describeRefusal", "lifecycle", "inputLimits", "DeliveryMethod", "ReplyKind", "DeliveryTimeImpossible"]) {
      expect(core.Petition, name).toHaveProperty(name)
    }
    expect(core.Rules).toHaveProperty("RoutingMode")
    expect(core.Messages).toHaveProperty("renderMessage")
    expect(adapter).toHaveProperty("invalidInput")
  })

  it("keeps internals inside: sealing, hashing and issue formatting are on no page", () => {
    const pages = [core, adapter, core.Petition, core.Refusal, core.Calendar, core.Clocks, core.Rules, core.Reports, core.Messages, core.Directory]
    for (const name of ["seal", "hashOf", "canonicalJson", "sha256Hex", "problemsOf", "toJsonPointer", "describeProblems"]) {
      for (const page of pages) expect(page, name).not.toHaveProperty(name)
    }
  })

  it("offers each concept's module as a subpath (@minyi/core/petition, ...) that bundlers can tree-shake", () => {
    // A namespace on the root is one object, kept whole by a bundler; the subpath is the same module.
    const index = readFileSync(new URL("../src/index.ts", import.meta.url), "utf8")
    const namespaces = [...index.matchAll(/export \* as (\w+) from "\.\/(\w+)\/index\.js"/g)].map((m) => [m[1], m[2]])
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))
    const subpaths = Object.keys(pkg.exports).filter((k) => !k.includes("json") && k !== "." && k !== "./adapter")
    expect(subpaths.sort()).toEqual(namespaces.map(([, dir]) => `./${dir}`).sort())
    for (const [, dir] of namespaces) {
      expect(pkg.exports[`./${dir}`]["@minyi/source"]).toBe(`./src/${dir}/index.ts`)
      expect(pkg.publishConfig.exports[`./${dir}`].import).toBe(`./dist/${dir}/index.js`)
    }
  })
})
