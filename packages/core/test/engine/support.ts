// What the engine tests share: the sample directory, a pack published from JSON, and an engine
// over fresh in-memory storage and a recording notifier.
import { Effect, Redacted, Result } from "effect"
import type { Engine, EngineCommand, EngineOptions, RulePackRegistry, SentNotifications } from "../../src/index.js"
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

/** A hotline Submit about a refuse station's odour in Honglì community, received at `at`. */
export const sampleSubmit = (petitionId: string, at: number): EngineCommand => ({
  _tag: "Submit",
  petitionId,
  at,
  actor: { kind: "petitioner" },
  petitioner: { anonymous: true },
  channel: "channel.hotline",
  category: "city-management.sanitation.refuse-odour",
  jurisdiction: "community.yuanling.hongli",
  title: "垃圾站异味",
  content: "异味"
})

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

/** Runs a program on a fresh in-memory engine. */
export const runOn = (packs: RulePackRegistry) => <A, E>(program: Effect.Effect<A, E, Engine | SentNotifications>) =>
  Effect.runPromise(program.pipe(Effect.provide(memoryEngine(packs))))
