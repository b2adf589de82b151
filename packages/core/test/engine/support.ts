// What the engine tests share: the sample directory, a pack published from JSON, and an engine
// over fresh in-memory storage and a recording notifier.
import { Effect, Redacted, Result } from "effect"
import type { Engine, EngineOptions, RulePackRegistry, SentNotifications } from "../../src/index.js"
import { emptyRegistry, engineLayerMemory, loadRulePack, publish, sampleDirectory } from "../../src/index.js"

export const directory = sampleDirectory()

/** A registry holding one version, loaded and published from pack JSON (throws if the pack is bad). */
export const publishedPacks = (json: unknown): RulePackRegistry =>
  Result.getOrThrow(publish(emptyRegistry, Result.getOrThrow(loadRulePack(json, { directory })), { directory }))

/** The deployment secret of the test engines' repeat index. */
export const identityKey = Redacted.make("engine-tests-identity-key")

/** An engine over fresh in-memory storage and a recording notifier (the sample directory unless options say otherwise). */
export const memoryEngine = (packs: RulePackRegistry, options: Partial<EngineOptions> = {}) =>
  engineLayerMemory({ directory, packs, identityKey, ...options })

// The Submit fixtures are shared with the other packages' tests (plain data; @minyi/testkit's
// fixtures, read from its sources since core does not depend on testkit).
export { refuseOdourSubmit, sampleSubmit } from "../../../testkit/src/fixtures.js"

/** Runs a program on a fresh in-memory engine. */
export const runOn = (packs: RulePackRegistry) => <A, E>(program: Effect.Effect<A, E, Engine | SentNotifications>) =>
  Effect.runPromise(program.pipe(Effect.provide(memoryEngine(packs))))
