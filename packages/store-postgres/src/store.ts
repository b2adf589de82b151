import { decodeInput, EventStore, Outbox, PetitionSummary as PetitionSummarySchema, Queries, Timers } from "@minyi/core"
import { clampPageLimit, decodeAppendBatch, decodeTimerSpecs, defaultRetryPolicy, duplicateId, leaseLost, makeGroupCommit, nextAttemptAt, OutboxMessage as OutboxMessageSchema, schemaTooNew, storeCorrupt, versionConflict } from "@minyi/core/adapter"
import type { DuplicateId, InvalidInput, OpenError, Page, PageRequest, PetitionSummary, RetryPolicy, Storage, StoreCorrupt, StoredEvent, StoreError, VersionConflict } from "@minyi/core"
import type { AppendBatch, AppendResult, ClaimedMessage, ClaimedTimer, ClaimOptions, DeadLetter, DeliveryFailure, FailOutcome, TimerSpec } from "@minyi/core/adapter"
import { Context, Effect, Option, Predicate, Result, Schema } from "effect"
import type { Scope } from "effect"
import pg from "pg"
import { unavailable } from "./errorsFrom.js"
import { latestVersion, migrations, tables as minyiTables } from "./migrations.js"
import { AppendRow, CountRow, decodeWith, EventRow, HeadRow, IdempotencyRow, StreamIdRow, MetaRow, MetricRow, OutboxRow, ReadyRow, RepeatRow, SummaryRow, TimerRow } from "./rows.js"

/** How to reach the database and how the store behaves. */
export interface PgStoreConfig {
  /** `postgres://user[:password]@host:port/database` */
  readonly connectionString: string
  /** The PostgreSQL schema that holds minyi's tables; created if missing. Default `public`. */
  readonly schema?: string
  /** Connections in the pool. Default 10. */
  readonly poolSize?: number
  /** How long to wait for a connection, in milliseconds. Default 5000. */
  readonly connectTimeoutMs?: number
  /** Server-side statement timeout, in milliseconds. Default 30000. */
  readonly statementTimeoutMs?: number
  /** Outbox backoff and dead-letter policy. Default `defaultRetryPolicy` of @minyi/core. */
  readonly retry?: RetryPolicy
  /**
   * `true` (default): an append is acknowledged only once its commit is flushed to disk, so a
   * server crash loses nothing acknowledged. `false` sets `synchronous_commit = off` for this
   * store's connections: several times the append rate on disks with slow fsync, but a crash of
   * the server (not of the application) can lose the last few hundred milliseconds of
   * acknowledged appends. The database is never corrupted either way.
   */
  readonly synchronousCommit?: boolean
}

/** An open store: the four storage ports over one pool. */
export interface PgStore {
  readonly context: Context.Context<Storage>
  readonly eventStore: EventStore["Service"]
  readonly timers: Timers["Service"]
  readonly outbox: Outbox["Service"]
  readonly queries: Queries["Service"]
  /** The pool, for running your own SQL (reports, maintenance) on the same database. */
  readonly pool: pg.Pool
  readonly schema: string
  /** Where the store is, without credentials: `postgres://host:port/db (schema s)`. */
  readonly location: string
}

const milliseconds = Schema.optional(
  Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 2_147_483_647 }, { expected: "a whole number of milliseconds ≥ 0" }))
)

// Callers in plain JavaScript, or with settings read from a file, can pass anything: a pool size
// of -3 made every query wait forever, and the schema name is spliced into SQL.
const decodeConfig = decodeInput(
  Schema.Struct({
    connectionString: Schema.String.check(Schema.isNonEmpty({ expected: "a postgres:// connection string" })),
    schema: Schema.optional(
      Schema.String.check(
        Schema.isPattern(/^[a-z_][a-z0-9_]{0,62}$/, {
          expected: "a schema name of lower-case letters, digits and _, starting with a letter or _ (at most 63)"
        })
      )
    ),
    poolSize: Schema.optional(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 1_000 }, { expected: "a whole number of connections from 1 to 1000" }))),
    connectTimeoutMs: milliseconds,
    statementTimeoutMs: milliseconds,
    retry: Schema.optional(Schema.Unknown),
    synchronousCommit: Schema.optional(Schema.Boolean)
  }),
  "PostgreSQL store configuration"
)

const describeLocation = (connectionString: string, schema: string): string => {
  try {
    const url = new URL(connectionString)
    return `postgres://${url.host}${url.pathname} (schema ${schema})`
  } catch {
    return `PostgreSQL (schema ${schema})`
  }
}

const closePool = (pool: pg.Pool) => Effect.promise(() => pool.end().catch(() => undefined))

const ignoreDropped = (): void => undefined

/**
 * Brings the schema to the latest version under an advisory lock, so that instances starting
 * together migrate once. Refuses a schema with foreign tables, or one migrated by a newer minyi.
 */
const migrate = (pool: pg.Pool, schema: string, location: string) =>
  Effect.acquireUseRelease(
    // A checked-out client has none of the pool's listeners: without one of its own, a connection
    // dropped while migrating would be an uncaught error; the query's rejection is the answer.
    Effect.tryPromise({ try: () => pool.connect().then((c) => c.on("error", ignoreDropped)), catch: (cause) => unavailable("opening the store", cause) }),
    (client) => {
      const run = (text: string, values: ReadonlyArray<unknown> = []) =>
        Effect.tryPromise({
          try: () => client.query(text, values as Array<unknown>),
          catch: (cause) => unavailable("migrating the store", cause)
        })
      return Effect.gen(function*() {
        yield* run("BEGIN")
        yield* run("SELECT pg_advisory_xact_lock(hashtext('minyi.migrate.' || $1::text))", [schema])
        const tables = yield* run("SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = $1", [schema])
        const names: Array<string> = tables.rows.map((r: { name: string }) => r.name)
        let version = 0
        if (names.includes("minyi_meta")) {
          const meta = yield* decodeWith(MetaRow, `${location} minyi_meta`)((yield* run("SELECT key, value FROM minyi_meta")).rows)
          const app = meta.find((m) => m.key === "app")?.value
          const found = Number(meta.find((m) => m.key === "schema_version")?.value)
          if (app !== "minyi" || !Number.isInteger(found) || found < 1) {
            return yield* Effect.fail(storeCorrupt(location, "its minyi_meta table was not written by minyi"))
          }
          version = found
        } else if (names.length > 0) {
          const shown = names.slice(0, 5).join(", ") + (names.length > 5 ? ", …" : "")
          return yield* Effect.fail(
            storeCorrupt(location, `the schema already holds tables that are not minyi's (${shown}); give minyi an empty schema or database`)
          )
        }
        if (version > latestVersion) return yield* Effect.fail(schemaTooNew(location, version, latestVersion))
        for (const m of migrations) {
          if (m.version > version) {
            yield* run(m.sql)
            version = m.version
          }
        }
        // A table dropped behind minyi's back would otherwise surface at first use, as a refused
        // statement, far from the cause.
        const present = new Set(
          (yield* run("SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = $1", [schema])).rows.map(
            (r: { name: string }) => r.name
          )
        )
        const missing = minyiTables.filter((t) => !present.has(t))
        if (missing.length > 0) {
          return yield* Effect.fail(storeCorrupt(location, `minyi's tables ${missing.join(", ")} are missing: the schema was altered outside minyi`))
        }
        yield* run(
          "INSERT INTO minyi_meta (key, value) VALUES ('app', 'minyi'), ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
          [String(version)]
        )
        yield* run("COMMIT")
      }).pipe(Effect.onError(() => Effect.promise(() => client.query("ROLLBACK").catch(() => undefined))))
    },
    // A client whose transaction failed half-way is destroyed rather than reused.
    (client, exit) =>
      Effect.sync(() => {
        client.off("error", ignoreDropped)
        client.release(exit._tag === "Failure")
      })
  )

/**
 * The claim statement shared by timers and the outbox ($1 now, $2 limit, $3 lease ms, $4 worker).
 * SKIP LOCKED: concurrent claimers take disjoint rows instead of queueing behind each other;
 * ready_at moves to the lease end, so a claimed row is not due again before the lease expires.
 * UPDATE … RETURNING keeps no order, so the rows are sorted again by the ready_at they had.
 */
const leaseSql = (claim: {
  readonly table: string
  readonly key: ReadonlyArray<string>
  readonly open: string
  readonly alsoSet?: string
  readonly returning: string
}) => `WITH due AS (
     SELECT ${claim.key.join(", ")}, ready_at FROM ${claim.table}
      WHERE ${claim.open} AND ready_at <= $1
      ORDER BY ready_at
      LIMIT $2
      FOR UPDATE SKIP LOCKED),
   claimed AS (
   UPDATE ${claim.table} t
      SET token = gen_random_uuid()::text, worker_id = $4, lease_until = $1::bigint + $3::bigint,
          ready_at = $1::bigint + $3::bigint${claim.alsoSet === undefined ? "" : `, ${claim.alsoSet}`}
     FROM due WHERE ${claim.key.map((k) => `t.${k} = due.${k}`).join(" AND ")}
   RETURNING ${claim.returning.split(", ").map((c) => `t.${c}`).join(", ")}, due.ready_at AS was_ready)
   SELECT ${claim.returning} FROM claimed ORDER BY was_ready`

const summaryMatches = (column: string) => `${column} @> ARRAY[$1::text]`

/** The rows of the `index`-th statement of a multi-statement query (pg answers with one result per statement). */
const rowsOfStatement = (results: unknown, index: number): unknown => {
  const result: unknown = Array.isArray(results) ? results[index] : undefined
  return typeof result === "object" && result !== null && "rows" in result ? result.rows : undefined
}

/**
 * Opens the store: a pool, the schema (created if missing) and its migrations. The pool is
 * closed when the scope closes. A bad configuration fails with InvalidInput naming each field
 * before anything is sent.
 */
export const make = (config: PgStoreConfig): Effect.Effect<PgStore, OpenError | InvalidInput, Scope.Scope> =>
  Effect.gen(function*() {
    yield* Effect.fromResult(decodeConfig(config))
    const schema = config.schema ?? "public"
    const location = describeLocation(config.connectionString, schema)
    const retry = config.retry ?? defaultRetryPolicy
    const pool = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const p = new pg.Pool({
          connectionString: config.connectionString,
          max: config.poolSize ?? 10,
          connectionTimeoutMillis: config.connectTimeoutMs ?? 5_000,
          statement_timeout: config.statementTimeoutMs ?? 30_000,
          options: `-c search_path=${schema}${config.synchronousCommit === false ? " -c synchronous_commit=off" : ""}`
        })
        // An idle client whose server connection drops emits "error" on the pool; without a
        // listener Node would crash. The next query gets a fresh connection or a typed error.
        p.on("error", () => undefined)
        return p
      }),
      closePool
    )

    const query = (operation: string, text: string, values: ReadonlyArray<unknown> = []) =>
      Effect.tryPromise({
        try: () => pool.query(text, values as Array<unknown>),
        catch: (cause) => unavailable(operation, cause)
      })
    const rows = <S extends Schema.Decoder<unknown>>(schema: S, table: string) => {
      const decode = decodeWith(schema, `${location} ${table}`)
      return (operation: string, text: string, values: ReadonlyArray<unknown> = []) =>
        Effect.flatMap(query(operation, text, values), (r) => decode(r.rows))
    }

    // Concurrent first opens of the same schema may race on CREATE SCHEMA; the loser's
    // duplicate errors mean it exists, which is all that is needed.
    yield* query("creating the schema", `CREATE SCHEMA IF NOT EXISTS ${schema}`).pipe(
      Effect.catchIf((e) => /duplicate key|already exists/.test(e.reason), () => Effect.void)
    )
    yield* migrate(pool, schema, location)

    // ---- EventStore ------------------------------------------------------------------------

    const idempotencyRows = rows(IdempotencyRow, "minyi_idempotency")
    const eventRows = rows(EventRow, "minyi_events")
    const headRows = rows(HeadRow, "minyi_stream_heads")
    const streamIdRows = rows(StreamIdRow, "minyi_events")
    const toEvent = (r: typeof EventRow.Type): StoredEvent => ({
      streamId: r.stream_id,
      version: r.version,
      position: r.position,
      eventId: r.event_id,
      type: r.type,
      at: r.at,
      data: r.data
    })

    const findByIdempotencyKey = (key: string) =>
      idempotencyRows("reading an idempotency key", "SELECT stream_id, previous_version, version FROM minyi_idempotency WHERE key = $1", [
        key
      ]).pipe(
        Effect.map((found) =>
          Option.map(
            Option.fromUndefinedOr(found[0]),
            (r): AppendResult => ({ streamId: r.stream_id, previousVersion: r.previous_version, version: r.version, replayed: false })
          )
        )
      )

    const firstDuplicate = (ids: ReadonlyArray<string>): string | undefined => {
      const seen = new Set<string>()
      for (const id of ids) {
        if (seen.has(id)) return id
        seen.add(id)
      }
      return undefined
    }

    const decodeAppendRows = decodeInput(Schema.Array(AppendRow), `${location} minyi_append_many()`)
    /**
     * One group in one transaction that takes the position lock before anything else. A statement
     * waiting for a lock inside `minyi_append_many` holds its snapshot while it waits, and with
     * several instances some group always waits: the report counters every append updates (the
     * same rows, again and again) then keep every old version, their updates stop being HOT and
     * the primary key fills with dead entries — 4 instances appended 8× slower than one. LOCK TABLE
     * needs no snapshot, so a group waiting there holds nothing back, and the function's own
     * FOR UPDATE finds the lock already held. The four statements go as one message: the lock is
     * never held while the server waits for this process.
     */
    const appendGroup = async (group: ReadonlyArray<string>): Promise<unknown> => {
      const client = await pool.connect()
      // A checked-out client has none of the pool's listeners: a connection dropped in the middle
      // of the message would otherwise be an uncaught error that ends the process.
      let lost = false
      const onError = () => {
        lost = true
      }
      client.on("error", onError)
      try {
        const batches = client.escapeLiteral(`[${group.join(",")}]`)
        const results: unknown = await client.query(
          `BEGIN; LOCK TABLE minyi_position IN EXCLUSIVE MODE; SELECT * FROM minyi_append_many(${batches}::jsonb); COMMIT`
        )
        client.off("error", onError)
        client.release()
        return rowsOfStatement(results, 2)
      } catch (cause) {
        // A failed statement leaves the transaction aborted: roll it back and give the connection
        // back; a connection that cannot do even that is dropped.
        const rolledBack = !lost && (await client.query("ROLLBACK").then(() => true, () => false))
        client.off("error", onError)
        client.release(rolledBack ? undefined : true)
        throw cause
      }
    }
    // Two groups in flight let the next group's round trip overlap the previous one's flush while
    // it waits for the position lock.
    const committer = makeGroupCommit<string, typeof AppendRow.Type, unknown>({
      maxInFlight: 2,
      maxGroup: 128,
      commit: (group) =>
        Effect.tryPromise({
          try: () => appendGroup(group),
          catch: (cause) => cause
        }).pipe(
          Effect.flatMap((rows) => {
            const decoded = decodeAppendRows(rows)
            if (Result.isFailure(decoded)) return Effect.fail(storeCorrupt(location, decoded.failure.message))
            const byIdx = new Map(decoded.success.map((row) => [row.idx, row]))
            return Effect.succeed(
              group.map((_, i) => {
                const row = byIdx.get(i)
                return row === undefined ? Effect.fail(storeCorrupt(location, `minyi_append_many() returned no row for batch ${i}`)) : Effect.succeed(row)
              })
            )
          })
        )
    })

    const writeBatch = (batch: AppendBatch) =>
      Effect.gen(function*() {
        const row = yield* committer.submit(JSON.stringify(batch)).pipe(
          Effect.mapError((cause): StoreError =>
            // A row that did not decode is the store's fault, not the connection's.
            Predicate.isTagged(cause, "StoreCorrupt") ? (cause as StoreCorrupt) : unavailable(`appending to ${batch.streamId}`, cause)
          )
        )
        switch (row.status) {
          case "conflict":
            return yield* Effect.fail(versionConflict(batch.streamId, batch.expectedVersion, row.version))
          case "duplicate_event":
            return yield* Effect.fail(duplicateId("event", row.detail ?? ""))
          case "duplicate_outbox":
            return yield* Effect.fail(duplicateId("outbox", row.detail ?? ""))
          default:
            return {
              streamId: row.status === "replayed" ? (row.detail ?? batch.streamId) : batch.streamId,
              previousVersion: row.previous_version,
              version: row.version,
              replayed: row.status === "replayed"
            } satisfies AppendResult
        }
      })

    const append = (input: AppendBatch): Effect.Effect<AppendResult, InvalidInput | VersionConflict | DuplicateId | StoreError> =>
      Effect.suspend((): Effect.Effect<AppendResult, InvalidInput | VersionConflict | DuplicateId | StoreError> => {
        const decoded = decodeAppendBatch(input)
        if (Result.isFailure(decoded)) {
          // A known idempotency key answers before validation, as the port requires.
          const key = (input as { idempotencyKey?: unknown } | null)?.idempotencyKey
          return typeof key === "string"
            ? findByIdempotencyKey(key).pipe(
                Effect.flatMap((known) =>
                  Option.isSome(known) ? Effect.succeed({ ...known.value, replayed: true }) : Effect.fail(decoded.failure)
                )
              )
            : Effect.fail(decoded.failure)
        }
        const batch = decoded.success
        const dupEvent = firstDuplicate(batch.events.map((e) => e.eventId))
        const dupMessage = firstDuplicate(batch.outbox.map((m) => m.id))
        if (dupEvent === undefined && dupMessage === undefined) return writeBatch(batch)
        // Still honour the key and the version before reporting the in-batch duplicate.
        return Effect.gen(function*() {
          if (batch.idempotencyKey !== undefined) {
            const known = yield* findByIdempotencyKey(batch.idempotencyKey)
            if (Option.isSome(known)) return { ...known.value, replayed: true }
          }
          const version = yield* streamVersion(batch.streamId)
          if (version !== batch.expectedVersion) return yield* Effect.fail(versionConflict(batch.streamId, batch.expectedVersion, version))
          return yield* Effect.fail(dupEvent !== undefined ? duplicateId("event", dupEvent) : duplicateId("outbox", dupMessage ?? ""))
        })
      })

    const streamVersion = (streamId: string) =>
      query(`reading ${streamId}`, "SELECT version FROM minyi_streams WHERE stream_id = $1", [streamId]).pipe(
        Effect.map((r) => {
          const v: unknown = r.rows[0]?.version
          return typeof v === "number" ? v : 0
        })
      )

    const eventStore = EventStore.of({
      append,
      readStream: (streamId, options) =>
        eventRows(
          `reading ${streamId}`,
          "SELECT position, event_id, stream_id, version, type, at, data FROM minyi_events WHERE stream_id = $1 AND ($2::integer IS NULL OR version > $2) ORDER BY version",
          // Without afterVersion every row, even one whose version is corrupt, so that it is reported.
          [streamId, options?.afterVersion === undefined ? null : Math.max(0, Math.floor(options.afterVersion))]
        ).pipe(Effect.map((rs) => rs.map(toEvent))),
      readAll: (afterPosition, limit) =>
        eventRows(
          "reading all events",
          "SELECT position, event_id, stream_id, version, type, at, data FROM minyi_events WHERE position > $1 ORDER BY position LIMIT $2",
          [Math.max(0, Math.floor(afterPosition)), clampPageLimit(limit)]
        ).pipe(Effect.map((rs) => rs.map(toEvent))),
      findByIdempotencyKey,
      readHead: (streamId) =>
        headRows(`reading the head of ${streamId}`, "SELECT version, hash, seal FROM minyi_stream_heads WHERE stream_id = $1", [streamId]).pipe(
          Effect.map((rs) => Option.fromUndefinedOr(rs[0]))
        ),
      // A stream missing its head, or a head whose events are gone, must still be listed for an audit.
      // Each side is cut to the page first, so a page reads O(limit) rows, not every later stream.
      streamIds: (page) => {
        const limit = clampPageLimit(page.limit)
        return streamIdRows(
          "listing streams",
          `SELECT stream_id FROM (
             (SELECT stream_id FROM minyi_stream_heads WHERE stream_id COLLATE "C" > $1 ORDER BY stream_id COLLATE "C" LIMIT $2)
             UNION (SELECT stream_id FROM minyi_events WHERE stream_id COLLATE "C" > $1 GROUP BY stream_id ORDER BY stream_id COLLATE "C" LIMIT $2)) s
           ORDER BY stream_id COLLATE "C" LIMIT $2`,
          [page.after ?? "", limit + 1]
        ).pipe(
          Effect.map((rs) => {
            const items = rs.slice(0, limit).map((r) => r.stream_id)
            return { items, next: rs.length > limit ? items[items.length - 1]! : null }
          })
        )
      }
    })

    // ---- Timers ----------------------------------------------------------------------------

    const timerRows = rows(TimerRow, "minyi_timers")
    const readyRows = rows(ReadyRow, "minyi_timers")
    const label = (k: { readonly streamId: string; readonly key: string }) => `${k.streamId}/${k.key}`

    const timers = Timers.of({
      schedule: (specs) =>
        Effect.suspend((): Effect.Effect<void, InvalidInput | StoreError> => {
          const decoded = decodeTimerSpecs(specs)
          if (Result.isFailure(decoded)) return Effect.fail(decoded.failure)
          return query("scheduling timers", "SELECT minyi_schedule($1::jsonb)", [JSON.stringify(decoded.success)]).pipe(Effect.asVoid)
        }),
      cancel: (key) =>
        query(`cancelling timer ${label(key)}`, "DELETE FROM minyi_timers WHERE stream_id = $1 AND key = $2", [key.streamId, key.key]).pipe(
          Effect.asVoid
        ),
      claimDue: ({ now, limit, leaseMs, workerId }: ClaimOptions) =>
        timerRows(
          "claiming due timers",
          leaseSql({
            table: "minyi_timers",
            key: ["stream_id", "key"],
            open: "NOT done",
            alsoSet: "claims = t.claims + 1",
            returning: "stream_id, key, due_at, payload, token, worker_id, lease_until"
          }),
          [now, clampPageLimit(limit), leaseMs, workerId]
        ).pipe(
          Effect.map((rs) =>
            rs
              .map((r): ClaimedTimer => ({
                streamId: r.stream_id,
                key: r.key,
                dueAt: r.due_at,
                payload: r.payload,
                token: r.token ?? "",
                workerId: r.worker_id ?? workerId,
                leaseUntil: r.lease_until ?? now + leaseMs
              }))
          )
        ),
      complete: (claim) =>
        query(
          `completing timer ${label(claim)}`,
          "UPDATE minyi_timers SET done = true, lease_until = NULL WHERE stream_id = $1 AND key = $2 AND token = $3 AND NOT done",
          [claim.streamId, claim.key, claim.token]
        ).pipe(Effect.flatMap((r) => (r.rowCount === 1 ? Effect.void : Effect.fail(leaseLost("timer", label(claim)))))),
      nextDueAt: () =>
        readyRows("reading the next due timer", "SELECT ready_at FROM minyi_timers WHERE NOT done ORDER BY ready_at LIMIT 1").pipe(
          Effect.map((rs) => Option.map(Option.fromUndefinedOr(rs[0]), (r) => r.ready_at))
        ),
      get: (key) =>
        timerRows(
          `reading timer ${label(key)}`,
          "SELECT stream_id, key, due_at, payload, token, worker_id, lease_until FROM minyi_timers WHERE stream_id = $1 AND key = $2 AND NOT done",
          [key.streamId, key.key]
        ).pipe(
          Effect.map((rs) =>
            Option.map(
              Option.fromUndefinedOr(rs[0]),
              (r): TimerSpec => ({ streamId: r.stream_id, key: r.key, dueAt: r.due_at, payload: r.payload })
            )
          )
        )
    })

    // ---- Outbox ----------------------------------------------------------------------------

    const outboxRows = rows(OutboxRow, "minyi_outbox")
    const countRows = rows(CountRow, "minyi_outbox")

    const outbox = Outbox.of({
      claim: ({ now, limit, leaseMs, workerId }: ClaimOptions) =>
        outboxRows(
          "claiming outbox messages",
          leaseSql({
            table: "minyi_outbox",
            key: ["id"],
            open: "NOT dead",
            returning: "message, failures, token, worker_id, lease_until, dead_at, reason"
          }),
          [now, clampPageLimit(limit), leaseMs, workerId]
        ).pipe(
          // The statement returns them earliest-claimable first; that order is the contract.
          Effect.flatMap((rs) => toMessages(rs))
        ),
      ack: (id, token) =>
        query(`acknowledging outbox message ${id}`, "DELETE FROM minyi_outbox WHERE id = $1 AND token = $2 AND NOT dead", [id, token]).pipe(
          Effect.flatMap((r) => (r.rowCount === 1 ? Effect.void : Effect.fail(leaseLost("outbox", id))))
        ),
      fail: (id, token, failure, now) => failDelivery(id, token, failure, now),
      deadLetters: () =>
        outboxRows(
          "reading dead letters",
          "SELECT message, failures, token, worker_id, lease_until, dead_at, reason FROM minyi_outbox WHERE dead ORDER BY dead_at, id"
        ).pipe(Effect.flatMap(toDeadLetters)),
      pendingCount: () =>
        countRows("counting pending outbox messages", "SELECT count(*)::text AS n FROM minyi_outbox WHERE NOT dead").pipe(
          Effect.map((rs) => rs[0]?.n ?? 0)
        )
    })

    // ---- Queries ---------------------------------------------------------------------------

    const summaryRows = rows(SummaryRow, "minyi_petitions")
    const repeatRows = rows(RepeatRow, "minyi_repeat_index")
    const metricRows = rows(MetricRow, "minyi_report_counters")
    const page = (operation: string, condition: string, value: unknown, request: PageRequest) => {
      const limit = clampPageLimit(request.limit)
      const values: Array<unknown> = [value, limit + 1]
      const where = [condition]
      if (request.after !== undefined) {
        values.push(request.after)
        where.push(`petition_id > $${values.length}`)
      }
      if (request.statuses !== undefined) {
        values.push(request.statuses)
        where.push(`status = ANY($${values.length}::text[])`)
      }
      return summaryRows(
        operation,
        `SELECT summary FROM minyi_petitions WHERE ${where.join(" AND ")} ORDER BY petition_id COLLATE "C" LIMIT $2`,
        values
      ).pipe(
        Effect.flatMap((rs) => toSummaries(rs.map((r) => r.summary))),
        Effect.map((all): Page<PetitionSummary> => {
          const items = all.slice(0, limit)
          return { items, next: all.length > limit ? (items[items.length - 1]?.petitionId ?? null) : null }
        })
      )
    }

    const queries = Queries.of({
      get: (petitionId) =>
        summaryRows(`reading petition ${petitionId}`, "SELECT summary FROM minyi_petitions WHERE petition_id = $1", [petitionId]).pipe(
          Effect.flatMap((rs) => toSummaries(rs.map((r) => r.summary))),
          Effect.map((s) => Option.fromUndefinedOr(s[0]))
        ),
      byUnit: (unit, request) => page(`listing petitions of unit ${unit}`, summaryMatches("units"), unit, request),
      byJurisdiction: (node, request) => page(`listing petitions in ${node}`, summaryMatches("jurisdiction_path"), node, request),
      byCategory: (node, request) => page(`listing petitions of category ${node}`, summaryMatches("category_path"), node, request),
      byPerson: (person, request) => page(`listing petitions of ${person}`, summaryMatches("persons"), person, request),
      overdue: (now, request) => page("listing overdue petitions", "(breached OR next_due_at <= $1)", now, request),
      all: (request) => page("listing petitions", "$1::int IS NOT NULL", 1, request),
      repeatCandidates: (key, window) =>
        repeatRows(
          "looking up earlier petitions of a petitioner",
          `SELECT petition_id, received_at, community, category_path FROM minyi_repeat_index
            WHERE key = $1 AND received_at BETWEEN $2 AND $3 ORDER BY received_at DESC, petition_id COLLATE "C"`,
          [key, window.from, window.to]
        ).pipe(
          Effect.map((rs) =>
            rs.map((r) => ({ petitionId: r.petition_id, receivedAt: r.received_at, community: r.community, categoryPath: r.category_path }))
          )
        ),
      metrics: (request) =>
        metricRows(
          `reading report counters of ${request.scope}`,
          `SELECT kind, dim, key, CASE WHEN $5 THEN period_day END AS period_day, sum(value) AS value FROM minyi_report_counters
            WHERE scope = $1 AND period_day >= $2 AND period_day < $3 AND as_of_day < $4
              AND ($6::text[] IS NULL OR kind = ANY($6::text[])) AND ($7::text[] IS NULL OR dim = ANY($7::text[]))
            GROUP BY kind, dim, key, CASE WHEN $5 THEN period_day END`,
          [request.scope, request.fromDay, request.toDay, request.asOfDay, request.byDay === true, request.kinds ?? null, request.dims ?? null]
        ).pipe(Effect.map((rs) => rs.map((r) => ({ kind: r.kind, dim: r.dim, key: r.key, periodDay: r.period_day, value: r.value }))))
    })

    // ---- shared decoding -------------------------------------------------------------------

    const toSummaries = decodeWith(PetitionSummarySchema, `${location} minyi_petitions`)
    const decodeOutboxMessages = decodeWith(OutboxMessageSchema, `${location} minyi_outbox`)
    const toMessages = (rs: ReadonlyArray<typeof OutboxRow.Type>) =>
      decodeOutboxMessages(rs.map((r) => r.message)).pipe(
        Effect.map((messages) =>
          messages.map((message, i): ClaimedMessage => {
            const r = rs[i]!
            return { message, token: r.token ?? "", workerId: r.worker_id ?? "", leaseUntil: r.lease_until ?? 0, attempt: r.failures + 1 }
          })
        )
      )
    const toDeadLetters = (rs: ReadonlyArray<typeof OutboxRow.Type>) =>
      decodeOutboxMessages(rs.map((r) => r.message)).pipe(
        Effect.map((messages) =>
          messages.map((message, i): DeadLetter => {
            const r = rs[i]!
            return { message, attempts: r.failures, reason: r.reason ?? "", deadAt: r.dead_at ?? 0 }
          })
        )
      )

    const failDelivery = (id: string, token: string, failure: DeliveryFailure, now: number) =>
      Effect.gen(function*() {
        const { retryable, reason } = failure
        const held = yield* outboxRows(
          `recording a failed delivery of ${id}`,
          "SELECT message, failures, token, worker_id, lease_until, dead_at, reason FROM minyi_outbox WHERE id = $1 AND token = $2 AND NOT dead",
          [id, token]
        )
        const row = held[0]
        if (row === undefined) return yield* Effect.fail(leaseLost("outbox", id))
        const failures = row.failures + 1
        const dead = !retryable || failures >= retry.maxAttempts
        const next = nextAttemptAt(retry, id, failures, now, failure.notBefore)
        // The token in the WHERE clause makes this a compare-and-set: a worker whose lease was
        // taken over between the read and this write changes nothing.
        const updated = yield* query(
          `recording a failed delivery of ${id}`,
          `UPDATE minyi_outbox
              SET failures = $3, token = NULL, worker_id = NULL, lease_until = NULL,
                  dead = $4, dead_at = CASE WHEN $4 THEN $5::bigint END, reason = $6,
                  ready_at = CASE WHEN $4 THEN ready_at ELSE $7::bigint END
            WHERE id = $1 AND token = $2 AND NOT dead`,
          [id, token, failures, dead, now, reason, next]
        )
        if (updated.rowCount !== 1) return yield* Effect.fail(leaseLost("outbox", id))
        if (!dead) return { _tag: "Retrying" as const, attempts: failures, nextAttemptAt: next } satisfies FailOutcome
        const [message] = yield* decodeOutboxMessages([row.message])
        const deadLetter: DeadLetter = { message: message!, attempts: failures, reason, deadAt: now }
        return { _tag: "DeadLettered" as const, deadLetter } satisfies FailOutcome
      })

    const context = Context.make(EventStore, eventStore)
      .pipe(Context.add(Timers, timers))
      .pipe(Context.add(Outbox, outbox))
      .pipe(Context.add(Queries, queries))
    return { context, eventStore, timers, outbox, queries, pool, schema, location }
  })
