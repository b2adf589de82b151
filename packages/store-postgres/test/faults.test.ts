import { batch, newEvent, outboxMessage, summary, timerSpec } from "@minyi/testkit"
import { Effect, Exit, Option } from "effect"
import { createServer, connect } from "node:net"
import type { Socket } from "node:net"
import { expect, it, onTestFinished } from "vitest"
import { isTransient, make, schemaVersion } from "../src/index.js"
import type { PgStoreConfig } from "../src/index.js"
import { describePg, dropSchema, failure, freshSchema, openStore, run, sql } from "./support.js"

/** Opens and closes a store, returning how opening ended. */
const tryOpen = (config: PgStoreConfig) =>
  Effect.runPromiseExit(Effect.scoped(Effect.map(make(config), (s) => s.schema)))

const errorOf = async (config: PgStoreConfig) => {
  const exit = await tryOpen(config)
  if (Exit.isSuccess(exit)) throw new Error("expected opening to fail")
  return Option.getOrThrow(Exit.findErrorOption(exit))
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describePg("PostgreSQL faults", (url) => {
  it("a refused connection is StoreUnavailable, saying PostgreSQL was unreachable", async () => {
    const refused = new URL(url)
    refused.port = "1"
    const error = await errorOf({ connectionString: refused.toString(), schema: freshSchema(), connectTimeoutMs: 2_000 })
    expect(error).toMatchObject({ _tag: "StoreUnavailable" })
    expect(error.message).toMatch(/unreachable|dropped the connection/)
    expect(error.message).toContain("ECONNREFUSED")
  })

  it("a schema holding someone else's tables is StoreCorrupt, naming the tables", async () => {
    const schema = freshSchema()
    await sql(url, `CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.invoices (id int)`)
    try {
      const error = await errorOf({ connectionString: url, schema })
      expect(error).toMatchObject({ _tag: "StoreCorrupt" })
      expect(error.message).toContain("invoices")
      expect(error.message).toContain(schema)
    } finally {
      await dropSchema(url, schema)
    }
  })

  it("a minyi_meta table written by another program is StoreCorrupt", async () => {
    const schema = freshSchema()
    await sql(url, `CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.minyi_meta (key text, value text); INSERT INTO ${schema}.minyi_meta VALUES ('app', 'other')`)
    try {
      expect(await errorOf({ connectionString: url, schema })).toMatchObject({ _tag: "StoreCorrupt" })
    } finally {
      await dropSchema(url, schema)
    }
  })

  it("a minyi schema with a table dropped behind its back is StoreCorrupt on open, naming the table", async () => {
    const { store, close } = await openStore(url)
    onTestFinished(close)
    await sql(url, `DROP TABLE ${store.schema}.minyi_timers`)
    const error = await errorOf({ connectionString: url, schema: store.schema })
    expect(error).toMatchObject({ _tag: "StoreCorrupt", reason: expect.stringContaining("minyi_timers are missing") })
  })

  it("a database migrated by a newer minyi is SchemaTooNew with both versions, and is left untouched", async () => {
    const { store, close } = await openStore(url)
    onTestFinished(close)
    await run(store.eventStore.append(batch("p1", 0, [newEvent("e1")])))
    await sql(url, `UPDATE ${store.schema}.minyi_meta SET value = '${schemaVersion + 1}' WHERE key = 'schema_version'`)
    const error = await errorOf({ connectionString: url, schema: store.schema })
    expect(error).toMatchObject({ _tag: "SchemaTooNew", found: schemaVersion + 1, supported: schemaVersion })
    expect(error.message).toContain("upgrade minyi")
    const meta = await sql(url, `SELECT value FROM ${store.schema}.minyi_meta WHERE key = 'schema_version'`)
    expect(meta.rows[0].value).toBe(String(schemaVersion + 1))
  })

  it("eight instances opening one new schema at once migrate it once", async () => {
    const schema = freshSchema()
    try {
      const exits = await Promise.all(Array.from({ length: 8 }, () => tryOpen({ connectionString: url, schema, poolSize: 1 })))
      expect(exits.every(Exit.isSuccess)).toBe(true)
      const meta = await sql(url, `SELECT value FROM ${schema}.minyi_meta WHERE key = 'schema_version'`)
      expect(meta.rows).toEqual([{ value: String(schemaVersion) }])
    } finally {
      await dropSchema(url, schema)
    }
  })

  it("an append whose connection is terminated mid-transaction leaves nothing visible and fails StoreUnavailable", async () => {
    const { store, close } = await openStore(url)
    onTestFinished(close)
    const s = store.schema
    await run(store.eventStore.append(batch("p1", 0, [newEvent("e1")], { summary: summary("p1") })))

    // Hold the read-model row, so the append stops after writing its events, outbox and
    // timers and waits on the summary upsert; then kill its backend from another connection.
    const { default: pg } = await import("pg")
    const blocker = new pg.Client({ connectionString: url })
    await blocker.connect()
    await blocker.query("BEGIN")
    await blocker.query(`SELECT 1 FROM ${s}.minyi_petitions WHERE petition_id = 'p1' FOR UPDATE`)

    const pending = Effect.runPromiseExit(
      store.eventStore.append(
        batch("p1", 1, [newEvent("e2"), newEvent("e3")], {
          idempotencyKey: "k-partial",
          outbox: [outboxMessage("m1", "p1")],
          timers: { schedule: [timerSpec("p1", "clock:feedback", 5)], cancel: [] },
          summary: summary("p1", { status: "accepted" })
        })
      )
    )
    let pid: number | undefined
    // Only the append this blocker holds up: other tests share the server and must not be touched.
    for (let i = 0; i < 100 && pid === undefined; i++) {
      await sleep(20)
      const waiting = await blocker.query(
        "SELECT pid FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid)) AND query LIKE '%minyi_append%'"
      )
      pid = waiting.rows[0]?.pid
    }
    expect(pid).toBeTypeOf("number")
    // The events are written inside the blocked transaction, not visible outside it.
    const inside = await sql(url, `SELECT count(*)::int AS n FROM ${s}.minyi_events`)
    expect(inside.rows[0].n).toBe(1)
    await sql(url, "SELECT pg_terminate_backend($1)", [pid])
    const exit = await pending
    await blocker.query("ROLLBACK")
    await blocker.end()

    expect(Exit.isFailure(exit)).toBe(true)
    const error = Exit.isFailure(exit) ? Option.getOrThrow(Exit.findErrorOption(exit)) : undefined
    expect(error).toMatchObject({ _tag: "StoreUnavailable" })
    expect(String(error?.message)).toContain("try again")

    expect((await run(store.eventStore.readStream("p1"))).map((e) => e.eventId)).toEqual(["e1"])
    expect(await run(store.eventStore.readAll(0, 100))).toHaveLength(1)
    expect(await run(store.eventStore.findByIdempotencyKey("k-partial"))).toEqual(Option.none())
    expect(await run(store.outbox.pendingCount())).toBe(0)
    expect(await run(store.timers.get({ streamId: "p1", key: "clock:feedback" }))).toEqual(Option.none())
    expect(Option.getOrThrow(await run(store.queries.get("p1"))).status).toBe("dispatched")

    // The pool recovers: the retried append goes through at the same version.
    const retried = await run(store.eventStore.append(batch("p1", 1, [newEvent("e2"), newEvent("e3")], { idempotencyKey: "k-partial" })))
    expect(retried).toMatchObject({ previousVersion: 1, version: 3, replayed: false })
  })

  it("a call after the store closed, and an append queued as it closed, is StoreUnavailable", async () => {
    const { store, close } = await openStore(url)
    const queued = failure(store.eventStore.append(batch("p1", 0, [newEvent("e1")])))
    await close()
    expect(await queued).toMatchObject({ _tag: "StoreUnavailable" })
    expect(await failure(store.eventStore.readStream("p1"))).toMatchObject({ _tag: "StoreUnavailable" })
  })

  it("classifies dropped and refused connections as transient, a constraint violation as not", () => {
    expect(isTransient({ code: "57P01", message: "terminating connection due to administrator command" })).toBe(true)
    expect(isTransient({ code: "ECONNREFUSED" })).toBe(true)
    expect(isTransient(new Error("Connection terminated unexpectedly"))).toBe(true)
    expect(isTransient({ code: "23505", message: "duplicate key value" })).toBe(false)
  })

  it("an unusable schema name is InvalidInput naming /schema, refused before anything is sent", async () => {
    const schema = "Robert'); DROP TABLE x;--"
    const error = await failure(Effect.scoped(make({ connectionString: url, schema })))
    expect(error).toMatchObject({ _tag: "InvalidInput", problems: [{ path: "/schema", message: expect.stringContaining("schema name") }] })
    expect((await sql(url, "SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = $1", [schema])).rows[0].n).toBe(0)
  })

  it("a bad pool size, timeout or option is InvalidInput naming each field, not a hang or a crash", async () => {
    const error = await failure(
      Effect.scoped(
        make({ connectionString: url, schema: freshSchema(), poolSize: -3, statementTimeoutMs: 1.5, synchronousCommit: "no", pool: 4 } as unknown as PgStoreConfig)
      )
    )
    expect(error).toMatchObject({ _tag: "InvalidInput", message: expect.stringContaining("PostgreSQL store configuration") })
    expect(error._tag === "InvalidInput" ? error.problems : []).toEqual(
      expect.arrayContaining([
        { path: "/poolSize", message: expect.stringContaining("1 to 1000") },
        { path: "/statementTimeoutMs", message: "Expected an integer" },
        { path: "/synchronousCommit", message: expect.stringContaining("boolean") },
        { path: "/pool", message: "Expected no excess property" }
      ])
    )
    expect(await failure(Effect.scoped(make({ connectionString: "" })))).toMatchObject({ problems: [{ path: "/connectionString" }] })
  })

  /**
   * A loopback proxy in front of the server that, once armed, cuts both ends of the connection on
   * which a message containing `marker` arrives — a server restart or a network reset at that moment.
   */
  const cuttingProxy = async (marker: string) => {
    const target = new URL(url)
    const state = { armed: false, cut: 0 }
    const sockets = new Set<Socket>()
    const proxy = createServer((client) => {
      const server = connect(Number(target.port || 5432), target.hostname)
      sockets.add(client).add(server)
      client.on("data", (chunk) => {
        if (state.armed && chunk.includes(marker)) {
          state.armed = false
          state.cut++
          client.resetAndDestroy()
          server.destroy()
          return
        }
        server.write(chunk)
      })
      server.on("data", (chunk) => client.write(chunk))
      for (const s of [client, server]) s.on("error", () => undefined).on("close", () => (client.destroy(), server.destroy()))
    })
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve))
    onTestFinished(() => {
      for (const s of sockets) s.destroy()
      proxy.close()
    })
    const address = proxy.address()
    if (typeof address !== "object" || address === null) throw new Error("the proxy has no port")
    const through = new URL(url)
    through.hostname = "127.0.0.1"
    through.port = String(address.port)
    return { url: through.toString(), state }
  }

  it("a connection dropped in the middle of an append is StoreUnavailable, the process goes on, and the next append works", async () => {
    const proxy = await cuttingProxy("minyi_append_many(")
    const { store, close } = await openStore(proxy.url, { poolSize: 2 })
    onTestFinished(close)

    proxy.state.armed = true
    const error = await failure(store.eventStore.append(batch("cut-1", 0, [newEvent("cut-1@1")])))
    expect(proxy.state.cut).toBe(1)
    expect(error).toMatchObject({ _tag: "StoreUnavailable" })
    // Nothing of the cut append was committed, and the pool carries on with a fresh connection.
    expect(await run(store.eventStore.readStream("cut-1"))).toEqual([])
    await run(store.eventStore.append(batch("cut-1", 0, [newEvent("cut-1@1")])))
    expect((await run(store.eventStore.readStream("cut-1"))).map((e) => e.eventId)).toEqual(["cut-1@1"])
  })

  it("a connection dropped while migrating is StoreUnavailable, and opening again migrates", async () => {
    const proxy = await cuttingProxy("pg_advisory_xact_lock")
    const schema = freshSchema()
    onTestFinished(async () => {
      await dropSchema(url, schema)
    })
    proxy.state.armed = true
    const error = await errorOf({ connectionString: proxy.url, schema, poolSize: 2 })
    expect(proxy.state.cut).toBe(1)
    expect(error).toMatchObject({ _tag: "StoreUnavailable" })
    const opened = await tryOpen({ connectionString: proxy.url, schema, poolSize: 2 })
    expect(Exit.isSuccess(opened)).toBe(true)
  })
})
