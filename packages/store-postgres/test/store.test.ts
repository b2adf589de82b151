import { batch, newEvent, summary } from "@minyi/testkit"
import type { InvalidInput } from "@minyi/core"
import type { AppendBatch } from "@minyi/core/adapter"
import { Effect, Option } from "effect"
import { afterAll, expect, it } from "vitest"
import { describePg, failure, openStore, run, sql } from "./support.js"
import { schemaVersion } from "../src/index.js"

// What the shared contract does not pin down but this adapter promises.
describePg("PostgreSQL store", (url) => {
  const opened = openStore(url)
  afterAll(async () => (await opened).close())

  it("migrates a version-1 schema: the unkeyed phone hash leaves the summaries, the repeat index and the report counters appear", async () => {
    const first = await openStore(url)
    const schema = first.store.schema
    await run(first.store.eventStore.append(batch("p1", 0, [newEvent("e1")], { summary: summary("p1") })))
    await sql(url, `DROP TABLE ${schema}.minyi_repeat_index`)
    await sql(url, `DROP TABLE ${schema}.minyi_report_counters`)
    await sql(url, `DROP TABLE ${schema}.minyi_stream_heads`)
    await sql(url, `UPDATE ${schema}.minyi_petitions SET summary = jsonb_set(summary, '{data,phoneHash}', '"9f86d081884c7d659a2feaa0c55ad015"')`)
    await sql(url, `UPDATE ${schema}.minyi_meta SET value = '1' WHERE key = 'schema_version'`)
    const again = await openStore(url, { schema })
    try {
      expect(await run(again.store.queries.get("p1"))).toEqual(Option.some(summary("p1")))
      const entry = { key: "hmac-of-phone", petitionId: "p2", receivedAt: 5, community: "c1", categoryPath: ["env"] }
      const metrics = [{ scope: "all", kind: "received", dim: "all", key: "", periodDay: 1, asOfDay: 1, value: 1 }]
      await run(again.store.eventStore.append(batch("p2", 0, [newEvent("e2")], { repeatEntry: entry, metrics })))
      expect(await run(again.store.queries.metrics({ scope: "all", fromDay: 0, toDay: 2, asOfDay: 2 }))).toEqual([
        { kind: "received", dim: "all", key: "", periodDay: null, value: 1 }
      ])
      expect((await run(again.store.queries.repeatCandidates("hmac-of-phone", { from: 0, to: 10 }))).map((c) => c.petitionId)).toEqual(["p2"])
      const left = await sql(url, `SELECT count(*)::int AS n FROM ${schema}.minyi_petitions WHERE summary::text LIKE '%phoneHash%'`)
      expect(left.rows[0].n).toBe(0)
      const version = await sql(url, `SELECT value FROM ${schema}.minyi_meta WHERE key = 'schema_version'`)
      expect(version.rows[0].value).toBe(String(schemaVersion))
    } finally {
      await again.close()
      await first.close()
    }
  })

  it("gives gapless global positions in commit order, even to 8 concurrent writers", async () => {
    const { store } = await opened
    const writers = Array.from({ length: 8 }, (_, w) =>
      Effect.forEach(
        Array.from({ length: 25 }, (_, i) => i),
        (i) => store.eventStore.append(batch(`w${w}`, i, [newEvent(`w${w}-e${i}`)])),
        { concurrency: 1 }
      )
    )
    await run(Effect.all(writers, { concurrency: "unbounded" }))
    const all = await run(store.eventStore.readAll(0, 1_000))
    expect(all.map((e) => e.position)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1))
    for (let w = 0; w < 8; w++) {
      expect(all.filter((e) => e.streamId === `w${w}`).map((e) => e.version)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1))
    }
  })

  it("lets exactly one of many concurrent appends at the same expected version through", async () => {
    const { store } = await opened
    const exits = await Promise.all(
      Array.from({ length: 10 }, (_, i) => Effect.runPromiseExit(store.eventStore.append(batch("race", 0, [newEvent(`race-${i}`)]))))
    )
    expect(exits.filter((e) => e._tag === "Success")).toHaveLength(1)
    expect(await run(store.eventStore.readStream("race"))).toHaveLength(1)
  })

  it("rejects a malformed batch with InvalidInput naming each bad field, before touching the database", async () => {
    const { store } = await opened
    const bad = { ...batch("bad", 0, [newEvent("x1")]), expectedVersion: -1, events: [{ eventId: "", type: "T", at: 1.5, data: {} }] }
    const error = (await failure(store.eventStore.append(bad as AppendBatch))) as InvalidInput
    expect(error._tag).toBe("InvalidInput")
    expect(error.problems.map((p) => p.path)).toEqual(expect.arrayContaining(["/expectedVersion", "/events/0/eventId", "/events/0/at"]))
    expect(await run(store.eventStore.readStream("bad"))).toEqual([])
  })

  it("keeps unique (stream, version) and unique event ids in the schema itself", async () => {
    const { store } = await opened
    await run(store.eventStore.append(batch("u1", 0, [newEvent("u1-e1")])))
    const s = store.schema
    await expect(sql(url, `INSERT INTO ${s}.minyi_events VALUES (9999, 'other', 'u1', 1, 'T', 0, '{}')`)).rejects.toThrow(/minyi_events_stream_version/)
    await expect(sql(url, `INSERT INTO ${s}.minyi_events VALUES (9999, 'u1-e1', 'u2', 1, 'T', 0, '{}')`)).rejects.toThrow(/event_id/)
  })

  it("reads a row it did not write as StoreCorrupt, naming the table and the field", async () => {
    const { store } = await opened
    await run(store.eventStore.append(batch("c1", 0, [newEvent("c1-e1")])))
    await sql(url, `ALTER TABLE ${store.schema}.minyi_events DROP CONSTRAINT minyi_events_version_check`)
    await sql(url, `UPDATE ${store.schema}.minyi_events SET version = -3 WHERE event_id = 'c1-e1'`)
    const error = await failure(store.eventStore.readStream("c1"))
    expect(error).toMatchObject({ _tag: "StoreCorrupt" })
    expect(error.message).toContain("minyi_events")
    expect(error.message).toContain("/0/version")
  })
})
