import { Engine, engineLayerMemory, emptyRegistry, loadRulePack, Notifiers, publish, rulePackPresets, sampleDirectory } from "@minyi/core"
import { Effect, Result } from "effect"

const directory = sampleDirectory()
// Publish the pack versions; each petition stays pinned to the version in force when received.
const pack = Result.getOrThrow(loadRulePack(rulePackPresets["futian-10-30-24"], { directory }))
const packs = Result.getOrThrow(publish(emptyRegistry, pack, { directory }))

// The engine over in-memory storage, notifying on the console. In production the engine needs
// durable storage ports instead: engineLayer(options).pipe(Layer.provideMerge(Layer.merge(
// SqliteStore.layer({ path }) — or PgStore.layer({ connectionString }) — , your notifier))).
export const MinyiLive = engineLayerMemory({ directory, packs, workerId: "portal-1" }, Notifiers.layerConsole)

export const effectExample = Effect.gen(function*() {
  const engine = yield* Engine
  yield* engine.handleJson({
    _tag: "Submit",
    petitionId: "FT-2026-0002",
    at: "2026-03-02T09:00:00+08:00",
    actor: { kind: "petitioner" },
    petitioner: { anonymous: true },
    channel: "channel.hotline",
    category: "ecology.noise.construction",
    jurisdiction: "community.futian.gangxia",
    title: "夜间施工噪声",
    content: "工地晚上十一点后仍在施工"
  })
  const refused = yield* engine
    .handle({ _tag: "Accept", petitionId: "FT-2026-0002", at: Date.parse("2026-03-02T09:10:00+08:00"), actor: { kind: "unit", id: "dept.housing" }, unit: "dept.housing" })
    .pipe(Effect.flip) // only the lead unit may accept: a typed refusal with a message for the clerk, not a defect
  const view = yield* engine.query({ person: "person.dispatcher.1" }, { limit: 20 })
  return { refusal: refused._tag, message: refused.message, visible: view.map((v) => v.summary.petitionId) }
}).pipe(Effect.provide(MinyiLive))
