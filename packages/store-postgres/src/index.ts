/**
 * @minyi/store-postgres — durable storage on PostgreSQL for many engine instances on one
 * database: the EventStore, Timers, Outbox and Queries ports of @minyi/core over a `pg` pool.
 * @module @minyi/store-postgres
 */
import type { InvalidInput, OpenError, Storage } from "@minyi/core"
import { Config, Effect, Layer } from "effect"
import { make } from "./store.js"
import type { PgStoreConfig } from "./store.js"

type ConfigError = Config.ConfigError

export { make } from "./store.js"
export type { PgStore, PgStoreConfig } from "./store.js"
export { latestVersion as schemaVersion } from "./migrations.js"
export { isTransient } from "./errorsFrom.js"

/** The storage ports on PostgreSQL; the pool closes when the layer is released. */
export const layer = (config: PgStoreConfig): Layer.Layer<Storage, OpenError | InvalidInput> =>
  Layer.effectContext(Effect.map(make(config), (store) => store.context))

/**
 * The configuration read from the environment: MINYI_PG_URL (required), MINYI_PG_SCHEMA
 * (default `public`), MINYI_PG_POOL_SIZE (default 10).
 */
export const config: Config.Config<PgStoreConfig> = Config.all({
  connectionString: Config.String("MINYI_PG_URL"),
  schema: Config.String("MINYI_PG_SCHEMA").pipe(Config.withDefault("public")),
  poolSize: Config.Int("MINYI_PG_POOL_SIZE").pipe(Config.withDefault(10))
})

/** {@link layer} configured from the environment (see {@link config}). */
export const layerConfig: Layer.Layer<Storage, OpenError | InvalidInput | ConfigError> = Layer.unwrap(Effect.map(config, layer))
