import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createMinyi, EventStore, Queries, sampleDirectory } from "@minyi/core"
import { layer, layerConfig, make, SCHEMA_VERSION } from "@minyi/store-sqlite"
import type { SqliteStoreConfig } from "@minyi/store-sqlite"
import { batch, newEvent, sampleSubmit, summary } from "@minyi/testkit"
import Database from "better-sqlite3"
import { ConfigProvider, Context, Effect, Exit, Layer, Option, Scope } from "effect"
import { afterAll, describe, expect, it, onTestFinished } from "vitest"

const dir = mkdtempSync(join(tmpdir(), "minyi-sqlite-open-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0
const fresh = () => join(dir, `db-${++n}.sqlite`)

/** Opens the store at `path`, runs `program` and returns its failure (or the success, to fail the test). */
const attempt = <A, E>(path: string, program: Effect.Effect<A, E, EventStore | Queries>) =>
  Effect.runPromise(Effect.flip(Effect.scoped(Effect.provide(program, layer({ path })))))

const writeOne = (path: string) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.provide(
        EventStore.use((s) => s.append(batch("p1", 0, [newEvent("e1"), newEvent("e2")], { summary: summary("p1") }))),
        layer({ path })
      )
    )
  )

/** A store with one committed append, then changed behind its back through a raw connection. */
const tampered = async (alter: (db: Database.Database) => void): Promise<string> => {
  const path = fresh()
  await writeOne(path)
  const db = new Database(path)
  alter(db)
  db.close()
  return path
}

describe("opening a SQLite store", () => {
  it("creates a new file in WAL mode at the current schema version, marked as a minyi store", async () => {
    const path = fresh()
    await writeOne(path)
    const db = new Database(path, { readonly: true })
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal")
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION)
    expect(db.pragma("application_id", { simple: true })).toBe(0x4d4e5949)
    db.close()
  })

  it("migrates a version-1 store: the unkeyed phone hash leaves the summaries, the repeat index and the report counters appear", async () => {
    const path = await tampered((db) => {
      db.exec("DROP TABLE repeat_index")
      db.exec("DROP TABLE report_counters")
      db.exec("DROP TABLE stream_heads")
      db.prepare("UPDATE summaries SET body = json_set(body, '$.data.phoneHash', ?)").run("9f86d081884c7d659a2feaa0c55ad015")
      db.pragma("user_version = 1")
    })
    const entry = { key: "hmac-of-phone", petitionId: "p2", receivedAt: 5, community: "c1", categoryPath: ["env"] }
    const found = await Effect.runPromise(
      Effect.scoped(
        Effect.provide(
          Effect.gen(function*() {
            const stored = yield* Queries.use((q) => q.get("p1"))
            const metrics = [{ scope: "all", kind: "received", dim: "all", key: "", periodDay: 1, asOfDay: 1, value: 1 }]
            yield* EventStore.use((s) => s.append(batch("p2", 0, [newEvent("e3")], { repeatEntry: entry, metrics })))
            const counted = yield* Queries.use((q) => q.metrics({ scope: "all", fromDay: 0, toDay: 2, asOfDay: 2 }))
            expect(counted).toEqual([{ kind: "received", dim: "all", key: "", periodDay: null, value: 1 }])
            return { stored, candidates: yield* Queries.use((q) => q.repeatCandidates("hmac-of-phone", { from: 0, to: 10 })) }
          }),
          layer({ path })
        )
      )
    )
    expect(found.stored).toEqual(Option.some(summary("p1")))
    expect(found.candidates.map((c) => c.petitionId)).toEqual(["p2"])
    const db = new Database(path, { readonly: true })
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION)
    expect(db.prepare("SELECT count(*) AS n FROM summaries WHERE body LIKE '%phoneHash%'").get()).toEqual({ n: 0 })
    db.close()
  })

  it("refuses a file that is not a SQLite database with StoreCorrupt", async () => {
    const path = fresh()
    writeFileSync(path, "这不是数据库 — this is a text file, not a database\n".repeat(200))
    const error = await attempt(path, EventStore.use((s) => s.readStream("p1")))
    expect(error).toMatchObject({ _tag: "StoreCorrupt", location: path })
    expect(error.message).toContain(path)
  })

  it("refuses a SQLite database of another application with StoreCorrupt and leaves it untouched", async () => {
    const path = fresh()
    const foreign = new Database(path)
    foreign.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('x')")
    foreign.close()
    const before = statSync(path).size
    const error = await attempt(path, EventStore.use((s) => s.readStream("p1")))
    expect(error).toMatchObject({ _tag: "StoreCorrupt", reason: expect.stringContaining("another application") })
    expect(statSync(path).size).toBe(before)
    const check = new Database(path, { readonly: true })
    expect(check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([{ name: "customers" }])
    check.close()
  })

  it("refuses a store written by a newer schema version with SchemaTooNew", async () => {
    const path = await tampered((db) => db.pragma(`user_version = ${SCHEMA_VERSION + 3}`))
    const error = await attempt(path, EventStore.use((s) => s.readStream("p1")))
    expect(error).toMatchObject({ _tag: "SchemaTooNew", found: SCHEMA_VERSION + 3, supported: SCHEMA_VERSION })
    expect(error.message).toContain("upgrade minyi")
  })

  it("reports a damaged file as StoreCorrupt", async () => {
    // Fold the WAL into the main file, then overwrite everything after the header page.
    const path = await tampered((db) => db.pragma("wal_checkpoint(TRUNCATE)"))
    const size = statSync(path).size
    const fd = openSync(path, "r+")
    writeSync(fd, Buffer.alloc(size - 100, 0xa5), 0, size - 100, 100)
    closeSync(fd)
    const error = await attempt(path, EventStore.use((s) => s.readStream("p1")))
    expect(error).toMatchObject({ _tag: "StoreCorrupt" })
  })

  it("reports a minyi store whose tables were altered (one dropped) as StoreCorrupt, not a defect", async () => {
    const path = await tampered((db) => db.exec("DROP TABLE timers"))
    const error = await attempt(path, EventStore.use((s) => s.readStream("p1")))
    expect(error).toMatchObject({ _tag: "StoreCorrupt", location: path, reason: expect.stringContaining("no such table: timers") })
  })

  it("reports a stored row that no longer decodes as StoreCorrupt, naming what is wrong", async () => {
    const path = await tampered((db) => {
      db.prepare("UPDATE events SET data = '{not json' WHERE event_id = 'e2'").run()
      db.prepare("UPDATE summaries SET body = json_set(body, '$.tier', 'high')").run()
    })
    const events = await attempt(path, EventStore.use((s) => s.readStream("p1")))
    expect(events).toMatchObject({ _tag: "StoreCorrupt", reason: expect.stringContaining("event data is not valid JSON") })
    const row = await attempt(path, Queries.use((q) => q.get("p1")))
    expect(row).toMatchObject({ _tag: "StoreCorrupt", reason: expect.stringContaining("/tier") })
  })

  it("reports a path it cannot open as StoreUnavailable", async () => {
    const error = await attempt(join(dir, "no-such-dir", "x.db"), EventStore.use((s) => s.readStream("p1")))
    expect(error).toMatchObject({ _tag: "StoreUnavailable" })
  })
})

describe("a closed store", () => {
  it("answers calls made after closing, and an append queued as it closed, with StoreUnavailable", async () => {
    const scope = Effect.runSync(Scope.make())
    const ports = await Effect.runPromise(Scope.provide(scope)(make({ path: fresh() })))
    const store = Context.get(ports, EventStore)
    const queued = Effect.runPromise(Effect.flip(store.append(batch("p1", 0, [newEvent("e1")]))))
    await Effect.runPromise(Scope.close(scope, Exit.void))
    expect(await queued).toMatchObject({ _tag: "StoreUnavailable", reason: expect.stringContaining("closed") })
    expect(await Effect.runPromise(Effect.flip(store.readStream("p1")))).toMatchObject({ _tag: "StoreUnavailable", reason: expect.stringContaining("closed") })
  })
})

describe("a write lock held by another process", () => {
  it("makes an append fail StoreUnavailable (database is locked) once busyTimeoutMs ran out, with nothing written; the retry goes through", async () => {
    const path = fresh()
    const scope = Effect.runSync(Scope.make())
    onTestFinished(() => Effect.runPromise(Scope.close(scope, Exit.void)))
    const store = Context.get(await Effect.runPromise(Scope.provide(scope)(make({ path, busyTimeoutMs: 200 }))), EventStore)
    const other = new Database(path)
    other.exec("BEGIN IMMEDIATE")
    const error = await Effect.runPromise(Effect.flip(store.append(batch("p1", 0, [newEvent("e1")]))))
    expect(error).toMatchObject({ _tag: "StoreUnavailable", reason: expect.stringContaining("locked") })
    other.exec("ROLLBACK")
    other.close()
    expect(await Effect.runPromise(store.readStream("p1"))).toEqual([])
    expect(await Effect.runPromise(store.append(batch("p1", 0, [newEvent("e1")])))).toMatchObject({ version: 1 })
  })
})

describe("a store locked at boot", () => {
  it("a facade whose first open met a lock fails StoreUnavailable, and works once the lock is gone, without a restart", async () => {
    const path = fresh()
    // Another process holds the write lock while the facade opens (and would migrate) the file.
    const other = new Database(path)
    other.exec("BEGIN EXCLUSIVE")
    const minyi = createMinyi({ directory: sampleDirectory(), rulePack: "futian-10-30-24", store: layer({ path, busyTimeoutMs: 100 }) })
    onTestFinished(() => minyi.dispose())
    await expect(minyi.ready()).rejects.toMatchObject({ _tag: "StoreUnavailable" })
    await expect(minyi.handle(sampleSubmit("boot-1", Date.parse("2026-03-02T09:00:00+08:00")))).rejects.toMatchObject({ _tag: "StoreUnavailable" })
    other.exec("ROLLBACK")
    other.close()
    await minyi.ready()
    const handled = await minyi.handle(sampleSubmit("boot-1", Date.parse("2026-03-02T09:00:00+08:00")))
    expect((await minyi.state("boot-1")).version).toBe(handled.version)
  })
})

describe("a bad configuration", () => {
  const refusal = (config: unknown) =>
    Effect.runPromise(Effect.flip(Effect.scoped(make(config as SqliteStoreConfig)))) as Promise<{ _tag: string; problems: unknown; message: string }>

  it("is InvalidInput naming each bad field, before any file is created", async () => {
    const path = fresh()
    const error = await refusal({ path, synchronous: "OFF", busyTimeoutMs: -1 })
    expect(error._tag).toBe("InvalidInput")
    expect(error.problems).toEqual([
      { path: "/synchronous", message: expect.stringContaining("FULL") },
      { path: "/busyTimeoutMs", message: expect.stringContaining("≥ 0") }
    ])
    expect(error.message).toContain("SQLite store configuration")
    expect(existsSync(path)).toBe(false)
  })

  it("refuses an empty path, which SQLite would open as a temporary database that is not durable", async () => {
    expect(await refusal({ path: "" })).toMatchObject({ _tag: "InvalidInput", problems: [{ path: "/path", message: expect.stringContaining(":memory:") }] })
  })

  it("refuses a path that is not a string, a fractional timeout and an unknown option", async () => {
    const error = await refusal({ path: 42, busyTimeoutMs: 1.5, synchronus: "NORMAL" })
    expect(error.problems).toHaveLength(3)
    expect(error.problems).toEqual(
      expect.arrayContaining([
        { path: "/path", message: "Expected string" },
        { path: "/busyTimeoutMs", message: "Expected an integer" },
        { path: "/synchronus", message: "Expected no excess property" }
      ])
    )
  })
})

describe("layerConfig", () => {
  const withEnv = (env: Record<string, string>) => ConfigProvider.layer(ConfigProvider.fromEnv({ env }))

  it("opens the store named by MINYI_SQLITE_PATH", async () => {
    const path = fresh()
    const result = await Effect.runPromise(
      Effect.scoped(
        Effect.provide(
          EventStore.use((s) => s.append(batch("p1", 0, [newEvent("e1")]))),
          layerConfig.pipe(Layer.provide(withEnv({ MINYI_SQLITE_PATH: path, MINYI_SQLITE_SYNCHRONOUS: "NORMAL" })))
        )
      )
    )
    expect(result.version).toBe(1)
    expect(statSync(path).size).toBeGreaterThan(0)
  })

  it("fails with a ConfigError naming the variable when it is missing or wrong", async () => {
    const run = (env: Record<string, string>) =>
      Effect.runPromise(Effect.flip(Effect.scoped(Effect.provide(EventStore.use((s) => s.readStream("p")), layerConfig.pipe(Layer.provide(withEnv(env)))))))
    expect(String((await run({})).message)).toContain("MINYI_SQLITE_PATH")
    expect(String((await run({ MINYI_SQLITE_PATH: fresh(), MINYI_SQLITE_SYNCHRONOUS: "OFF" })).message)).toContain("MINYI_SQLITE_SYNCHRONOUS")
  })
})
