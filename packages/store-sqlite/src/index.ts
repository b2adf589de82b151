/**
 * @minyi/store-sqlite — the embedded durable store: EventStore, Timers, Outbox and Queries on
 * one SQLite file (better-sqlite3, WAL, synchronous=FULL by default).
 * @module @minyi/store-sqlite
 */
import type { InvalidInput, OpenError, Storage } from "@minyi/core"
import { Config, Effect, Layer } from "effect"
import { make } from "./store.js"
import type { SqliteStoreConfig } from "./store.js"

export { make } from "./store.js"
export type { SqliteStoreConfig } from "./store.js"
export { SCHEMA_VERSION } from "./migrations.js"

/** The storage ports on a SQLite database opened with `config`; closed when the layer is released. */
export const layer = (config: SqliteStoreConfig): Layer.Layer<Storage, OpenError | InvalidInput> => Layer.effectContext(make(config))

/**
 * The storage ports configured from the environment: `MINYI_SQLITE_PATH` (required: a file path
 * or `:memory:`) and `MINYI_SQLITE_SYNCHRONOUS` (`FULL`, the default, or `NORMAL`).
 */
export const layerConfig: Layer.Layer<Storage, OpenError | InvalidInput | Config.ConfigError> = Layer.unwrap(
  Effect.map(
    Config.all({
      path: Config.String("MINYI_SQLITE_PATH"),
      synchronous: Config.Literals(["FULL", "NORMAL"], "MINYI_SQLITE_SYNCHRONOUS").pipe(Config.withDefault("FULL" as const))
    }),
    layer
  )
)
