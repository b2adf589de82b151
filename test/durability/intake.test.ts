/**
 * Idempotent intake across processes: several engine processes send the same Submits at once
 * (a channel adapter retrying on every node). Each channel message makes exactly one petition;
 * every caller gets its id, the first with `replayed: false`, every other copy `replayed: true`,
 * and no caller gets an error.
 */
import { rmSync } from "node:fs"
import { join } from "node:path"
import { EventStore } from "@minyi/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { describePg, dropSchema, freshSchema } from "../../packages/store-postgres/test/support.js"
import { bundleChild, spawnChild, tempDir } from "./processes.js"
import { petitionId, storageLayer } from "./support.js"
import type { StoreSpec } from "./support.js"

const PROCESSES = 4
const SUBMITS = 200

const dir = tempDir("intake")
let script = ""
beforeAll(async () => {
  script = await bundleChild(dir)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const race = async (store: StoreSpec, name: string, ownPetitionIds: boolean) => {
  const ids = Array.from({ length: SUBMITS }, (_, i) => petitionId(i))
  const children = Array.from({ length: PROCESSES }, (_, w) =>
    spawnChild(script, {
      store,
      notifyLog: join(dir, `${name}.notify.log`),
      workerId: `${name}-${w}`,
      leaseMs: 30_000,
      batchSize: 20,
      steps: [
        { op: "wait" },
        { op: "submit", ids, concurrency: 8, ...(ownPetitionIds ? { petitionIdSuffix: `.w${w}` } : {}) }
      ]
    })
  )
  await Promise.all(children.map((c) => c.saw("waiting")))
  children.forEach((c) => c.send())
  const exits = await Promise.all(children.map((c) => c.exited))
  expect(exits.map((e) => (e.code === 0 ? "" : e.stderr.slice(0, 500)))).toEqual(children.map(() => ""))

  // ack <petitionId> <version> [replayed]; the message id is the petition id without a worker's suffix.
  const acks = children.flatMap((c) => c.lines.filter((l) => l.startsWith("ack ")).map((l) => l.split(" ")))
  expect(acks.length).toBe(PROCESSES * SUBMITS)
  const byMessage = new Map<string, Array<{ readonly petitionId: string; readonly replayed: boolean }>>()
  for (const [, id, , flag] of acks) {
    const message = id!.split(".w")[0]!
    byMessage.set(message, [...(byMessage.get(message) ?? []), { petitionId: id!, replayed: flag === "replayed" }])
  }
  expect([...byMessage.keys()].sort()).toEqual(ids)
  for (const [, answers] of byMessage) {
    expect(new Set(answers.map((a) => a.petitionId)).size).toBe(1)
    expect(answers.filter((a) => !a.replayed).length).toBe(1)
  }

  const events = await Effect.runPromise(
    Effect.scoped(Effect.provide(EventStore.use((s) => s.readAll(0, 10_000)), storageLayer(store))) as Effect.Effect<
      ReadonlyArray<{ readonly type: string; readonly streamId: string }>,
      unknown
    >
  )
  const submitted = events.filter((e) => e.type === "Submitted").map((e) => e.streamId)
  expect(submitted.length).toBe(SUBMITS)
  expect(new Set(submitted)).toEqual(new Set([...byMessage.values()].map((a) => a[0]!.petitionId)))
}

describe(`${PROCESSES} engine processes sending the same ${SUBMITS} Submits on SQLite`, () => {
  it("make one petition per message: one answer each, the other copies replayed, no error", { timeout: 120_000 }, () =>
    race({ kind: "sqlite", path: join(dir, "same.sqlite") }, "sqlite-same", false))
  it("do so when every copy drew its own petition id", { timeout: 120_000 }, () =>
    race({ kind: "sqlite", path: join(dir, "own.sqlite") }, "sqlite-own", true))
})

describePg(`${PROCESSES} engine processes sending the same ${SUBMITS} Submits on PostgreSQL`, (url) => {
  const schemas: Array<string> = []
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(url, schema)
  })
  const spec = (): StoreSpec => {
    const schema = freshSchema()
    schemas.push(schema)
    return { kind: "pg", url, schema }
  }
  it("make one petition per message: one answer each, the other copies replayed, no error", { timeout: 120_000 }, () =>
    race(spec(), "pg-same", false))
  it("do so when every copy drew its own petition id", { timeout: 120_000 }, () => race(spec(), "pg-own", true))
})
