import { EventStore, Queries } from "@minyi/core"
import { batch, newEvent } from "@minyi/testkit"
import { ConfigProvider, Effect, Exit, Layer, Option } from "effect"
import { expect, it } from "vitest"
import { layerConfig } from "../src/index.js"
import { describePg, dropSchema, freshSchema, sql } from "./support.js"

const withEnv = (env: Record<string, string>) => Layer.provide(layerConfig, ConfigProvider.layer(ConfigProvider.fromEnvRecord(env)))

describePg("PostgreSQL layerConfig", (url) => {
  it("opens the store named by MINYI_PG_URL, MINYI_PG_SCHEMA and MINYI_PG_POOL_SIZE", async () => {
    const schema = freshSchema()
    try {
      const program = Effect.gen(function*() {
        yield* (yield* EventStore).append(batch("cfg-1", 0, [newEvent("cfg-e1")]))
        return yield* (yield* Queries).get("cfg-1")
      })
      const result = await Effect.runPromise(
        Effect.scoped(Effect.provide(program, withEnv({ MINYI_PG_URL: url, MINYI_PG_SCHEMA: schema, MINYI_PG_POOL_SIZE: "2" })))
      )
      expect(Option.isNone(result)).toBe(true)
      expect((await sql(url, `SELECT count(*)::int AS n FROM ${schema}.minyi_events`)).rows[0].n).toBe(1)
    } finally {
      await dropSchema(url, schema)
    }
  })

  it("fails with a ConfigError naming MINYI_PG_URL when it is missing", async () => {
    const exit = await Effect.runPromiseExit(Effect.scoped(Effect.provide(Effect.map(EventStore, () => undefined), withEnv({}))))
    expect(Exit.isFailure(exit)).toBe(true)
    expect(String(Exit.isFailure(exit) ? exit.cause : "")).toContain("MINYI_PG_URL")
  })

  it("fails with a ConfigError naming MINYI_PG_POOL_SIZE when it is not an integer", async () => {
    const exit = await Effect.runPromiseExit(
      Effect.scoped(Effect.provide(Effect.map(EventStore, () => undefined), withEnv({ MINYI_PG_URL: url, MINYI_PG_POOL_SIZE: "many" })))
    )
    expect(String(Exit.isFailure(exit) ? exit.cause : "")).toContain("MINYI_PG_POOL_SIZE")
  })
})
