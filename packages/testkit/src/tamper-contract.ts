// A petition's history changed behind the engine's back, through a raw connection to the store:
// loading it fails with HistoryTampered, the petition refuses further commands, and ticks go on
// with the other petitions. Every adapter runs it with its own way of reaching the rows.
import type { EngineCommand } from "@minyi/core"
import { emptyRegistry, Engine, engineLayer, loadRulePack, Notifiers, publish, sampleDirectory } from "@minyi/core"
import { rulePackPresets } from "@minyi/core"
import { Effect, Layer, Redacted, Result } from "effect"
import { describe, expect, it } from "vitest"
import type { StoreHarness } from "./store-contract.js"
import { contractRetryPolicy } from "./store-contract.js"

/** A store harness that can also change stored rows directly, as someone with database access could. */
export interface TamperHarness extends StoreHarness {
  /**
   * At `location`, edits the text of the event row `version` of `petitionId` (in its data, replacing
   * the title 垃圾站异味 with other text) or deletes that row, without going through the store.
   */
  readonly tamper: (location: string, kind: "edit" | "delete", petitionId: string, version: number) => Promise<void>
}

const directory = sampleDirectory()
const packs = Result.getOrThrow(publish(emptyRegistry, Result.getOrThrow(loadRulePack(rulePackPresets["futian-10-30-24"], { directory })), { directory }))
const T0 = Date.parse("2026-03-02T09:00:00+08:00")
const DAY = 86_400_000

const submit = (petitionId: string): EngineCommand => ({
  _tag: "Submit",
  petitionId,
  at: T0,
  actor: { kind: "petitioner" },
  petitioner: { anonymous: true },
  channel: "channel.hotline",
  category: "city-management.sanitation.refuse-odour",
  jurisdiction: "community.yuanling.hongli",
  title: "垃圾站异味",
  content: "异味"
})
const prioritise = (petitionId: string, at: number, priority: "high" | "urgent" | "normal"): EngineCommand => ({
  _tag: "SetPriority",
  petitionId,
  at,
  actor: { kind: "unit", id: "unit.dispatch-centre" },
  priority
})

export const tamperContract = (harness: TamperHarness): void => {
  const engineOn = (location: string) =>
    engineLayer({ directory, packs, identityKey: Redacted.make("tamper-contract-key") }).pipe(
      Layer.provide(Layer.merge(harness.open(location, { retry: contractRetryPolicy }), Notifiers.layerMemory))
    )
  const run = <A, E>(location: string, program: Effect.Effect<A, E, Engine>) =>
    Effect.runPromise(Effect.scoped(Effect.provide(program, engineOn(location))))

  /** A store with petitions p1 and p2 of three events each, so each has a middle event. */
  const twoPetitions = async (): Promise<string> => {
    const location = await harness.newLocation()
    await run(location, Engine.use((e) =>
      Effect.gen(function*() {
        for (const id of ["p1", "p2"]) {
          yield* e.handle(submit(id))
          yield* e.handle(prioritise(id, T0 + 60_000, "high"))
          yield* e.handle(prioritise(id, T0 + 120_000, "urgent"))
        }
      })
    ))
    return location
  }

  const tamperings = [
    { name: "an edited row", kind: "edit", version: 1, reason: "hash_mismatch" },
    { name: "a deleted middle row", kind: "delete", version: 2, reason: "version_gap" }
  ] as const

  describe(`${harness.name}: tampered histories`, () => {
    for (const t of tamperings) {
      it(`${t.name}: HistoryTampered, quarantined, and ticks go on with the others`, async () => {
        const location = await twoPetitions()
        await harness.tamper(location, t.kind, "p1", t.version)
        const outcome = await run(location, Engine.use((e) =>
          Effect.gen(function*() {
            const first = yield* Effect.flip(e.state("p1"))
            const again = yield* Effect.flip(e.handle(prioritise("p1", T0 + 180_000, "normal")))
            const other = yield* e.handle(prioritise("p2", T0 + 180_000, "normal"))
            const ticked = yield* e.tick(T0 + 60 * DAY)
            return { first, again, other, ticked }
          })
        ))
        expect(outcome.first).toMatchObject({ _tag: "HistoryTampered", petitionId: "p1", reason: t.reason, version: t.version })
        expect(outcome.again).toMatchObject({ _tag: "HistoryTampered", petitionId: "p1" })
        expect(outcome.other.events.length).toBeGreaterThan(0)
        expect(outcome.ticked.failed.map((f) => [f.petitionId, f.error._tag])).toContainEqual(["p1", "HistoryTampered"])
        expect(outcome.ticked.failed.some((f) => f.petitionId === "p2")).toBe(false)
        expect(outcome.ticked.fired).toBeGreaterThan(0)
      })
    }

    it("a kept petition verifies only the events appended since: an edit of a kept event is not re-read, a fresh engine finds it", async () => {
      const location = await twoPetitions()
      const kept = await run(location, Engine.use((e) =>
        Effect.gen(function*() {
          yield* e.state("p1")
          yield* Effect.promise(() => harness.tamper(location, "edit", "p1", 1))
          // The kept copy was verified when loaded; only the new event is read and verified now.
          return yield* e.handle(prioritise("p1", T0 + 180_000, "normal"))
        })
      ))
      expect(kept.events.length).toBeGreaterThan(0)
      const fresh = await run(location, Effect.flip(Engine.use((e) => e.state("p1"))))
      expect(fresh).toMatchObject({ _tag: "HistoryTampered", reason: "hash_mismatch", version: 1 })
    })
  })
}
