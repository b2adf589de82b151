// A petition's history changed behind the engine's back, through a raw connection to the file:
// loading it fails with HistoryTampered, the petition refuses further commands, and ticks go on
// with the other petitions.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { EngineCommand } from "@minyi/core"
import { emptyRegistry, Engine, engineLayer, loadRulePack, Notifiers, publish, sampleDirectory } from "@minyi/core"
import futian from "@minyi/core/presets/futian-10-30-24.json" with { type: "json" }
import { layer } from "@minyi/store-sqlite"
import Database from "better-sqlite3"
import { Effect, Layer, Redacted, Result } from "effect"
import { afterAll, describe, expect, it } from "vitest"

const dir = mkdtempSync(join(tmpdir(), "minyi-sqlite-tamper-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0

const directory = sampleDirectory()
const packs = Result.getOrThrow(publish(emptyRegistry, Result.getOrThrow(loadRulePack(futian, { directory })), { directory }))
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
  actor: { kind: "system" },
  priority
})

const engineOn = (path: string) =>
  engineLayer({ directory, packs, identityKey: Redacted.make("tamper-tests-key") }).pipe(
    Layer.provide(Layer.merge(layer({ path }), Notifiers.layerMemory))
  )
const run = <A, E>(path: string, program: Effect.Effect<A, E, Engine>) => Effect.runPromise(Effect.scoped(Effect.provide(program, engineOn(path))))

/** A file with petitions p1 and p2 of three events each, so each has a middle event. */
const twoPetitions = async (): Promise<string> => {
  const path = join(dir, `db-${++n}.sqlite`)
  await run(path, Engine.use((e) =>
    Effect.gen(function*() {
      for (const id of ["p1", "p2"]) {
        yield* e.handle(submit(id))
        yield* e.handle(prioritise(id, T0 + 60_000, "high"))
        yield* e.handle(prioritise(id, T0 + 120_000, "urgent"))
      }
    })
  ))
  return path
}

const alter = (path: string, sql: string) => {
  const db = new Database(path)
  db.prepare(sql).run()
  db.close()
}

const tamperings = [
  { name: "an edited row", sql: "UPDATE events SET data = replace(data, '垃圾站异味', '已处理完毕') WHERE stream_id = 'p1' AND version = 1", reason: "hash_mismatch", version: 1 },
  { name: "a deleted middle row", sql: "DELETE FROM events WHERE stream_id = 'p1' AND version = 2", reason: "version_gap", version: 2 }
] as const

describe("tampered histories on SQLite", () => {
  for (const t of tamperings) {
    it(`${t.name}: HistoryTampered, quarantined, and ticks go on with the others`, async () => {
      const path = await twoPetitions()
      alter(path, t.sql)
      const outcome = await run(path, Engine.use((e) =>
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
    const path = await twoPetitions()
    const kept = await run(path, Engine.use((e) =>
      Effect.gen(function*() {
        yield* e.state("p1")
        alter(path, tamperings[0].sql)
        // The kept copy was verified when loaded; only the new event is read and verified now.
        return yield* e.handle(prioritise("p1", T0 + 180_000, "normal"))
      })
    ))
    expect(kept.events.length).toBeGreaterThan(0)
    const fresh = await run(path, Effect.flip(Engine.use((e) => e.state("p1"))))
    expect(fresh).toMatchObject({ _tag: "HistoryTampered", reason: "hash_mismatch", version: 1 })
  })
})
