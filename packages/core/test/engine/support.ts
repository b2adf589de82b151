// What the engine tests share: the sample directory, a pack published from JSON, and an engine
// over fresh in-memory storage and a recording notifier.
import { Effect, Layer, Redacted, Result } from "effect"
import type { Engine, RulePackRegistry, SentNotifications } from "../../src/index.js"
import { emptyRegistry, engineLayer, loadRulePack, Notifiers, publish, sampleDirectory, Storage } from "../../src/index.js"

export const directory = sampleDirectory()

/** A registry holding one version, loaded and published from pack JSON (throws if the pack is bad). */
export const publishedPacks = (json: unknown): RulePackRegistry =>
  Result.getOrThrow(publish(emptyRegistry, Result.getOrThrow(loadRulePack(json, { directory })), { directory }))

/** The deployment secret of the test engines' repeat index. */
export const identityKey = Redacted.make("engine-tests-identity-key")

/** An engine over fresh in-memory storage and a recording notifier. */
export const memoryEngine = (packs: RulePackRegistry) =>
  engineLayer({ directory, packs, identityKey }).pipe(Layer.provideMerge(Layer.merge(Storage.layerMemory(), Notifiers.layerMemory)))

/** Runs a program on a fresh in-memory engine. */
export const runOn = (packs: RulePackRegistry) => <A, E>(program: Effect.Effect<A, E, Engine | SentNotifications>) =>
  Effect.runPromise(program.pipe(Effect.provide(memoryEngine(packs))) as Effect.Effect<A, E, never>)

/** A Submit as JSON that the futian pack routes to urban management (refuse odour, leader channel). */
export const refuseOdourSubmit = (petitionId: string, at: string) => ({
  _tag: "Submit",
  petitionId,
  at,
  actor: { kind: "petitioner" },
  petitioner: { anonymous: true },
  channel: "channel.district-secretary-online",
  category: "city-management.sanitation.refuse-odour",
  jurisdiction: "community.yuanling.hongli",
  title: "垃圾站异味",
  content: "异味"
})
