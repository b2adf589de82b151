import { randomBytes } from "node:crypto"
import { Effect, Exit, Scope } from "effect"
import pg from "pg"
import { describe, expect, it } from "vitest"
import { make } from "../src/index.js"
import type { PgStore, PgStoreConfig } from "../src/index.js"

export const pgUrl: string | undefined = process.env.MINYI_PG_URL
const inCi = process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false"

/**
 * Declares PostgreSQL tests. Without MINYI_PG_URL they do not run: outside CI the file says so
 * in a warning and in the name of its one test; in CI that test fails, because CI must run them.
 */
export const describePg = (name: string, body: (url: string) => void): void => {
  if (pgUrl !== undefined && pgUrl !== "") {
    describe(name, () => body(pgUrl))
    return
  }
  if (inCi) {
    describe(name, () => {
      it("needs MINYI_PG_URL in CI", () => {
        throw new Error("MINYI_PG_URL is not set, but CI must run the PostgreSQL tests: start a server with scripts/pg-start.sh")
      })
    })
    return
  }
  console.warn(`PostgreSQL tests not run (${name}): set MINYI_PG_URL, e.g. eval "$(scripts/pg-start.sh)"`)
  describe(name, () => {
    it("PostgreSQL tests not run: set MINYI_PG_URL", () => {
      expect(pgUrl ?? "").toBe("")
    })
  })
}

/** A schema name of its own for each test run, so runs and files never see each other's rows. */
export const freshSchema = (): string => `minyi_test_${randomBytes(6).toString("hex")}`

/** Runs one SQL statement on a connection of its own. */
export const sql = async (url: string, text: string, values: Array<unknown> = []): Promise<pg.QueryResult> => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await client.query(text, values)
  } finally {
    await client.end()
  }
}

export const dropSchema = (url: string, schema: string) => sql(url, `DROP SCHEMA IF EXISTS ${schema} CASCADE`)

/**
 * Opens a store on a fresh schema. `close` closes it and drops the schema: register it with
 * `afterAll` (a store shared by a describe) or `onTestFinished` (a store of one test).
 */
export const openStore = async (url: string, config: Partial<PgStoreConfig> = {}): Promise<{ store: PgStore; close: () => Promise<void> }> => {
  const schema = config.schema ?? freshSchema()
  const scope = Effect.runSync(Scope.make())
  const store = await Effect.runPromise(Scope.provide(scope)(make({ connectionString: url, poolSize: 8, ...config, schema })))
  let closed = false
  const close = async () => {
    if (closed) return
    closed = true
    await Effect.runPromise(Scope.close(scope, Exit.void))
    await dropSchema(url, schema)
  }
  return { store, close }
}

export const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect)

/** Runs an effect expected to fail and returns its error. */
export const failure = async <A, E>(effect: Effect.Effect<A, E>): Promise<E> => {
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${JSON.stringify(exit.value)}`)
  const error = exit.cause.reasons.find((r) => r._tag === "Fail")
  if (error === undefined || error._tag !== "Fail") throw new Error(`expected a typed failure, got ${String(exit.cause)}`)
  return error.error
}
