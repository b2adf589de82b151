import { randomUUID } from "node:crypto"
import { decodeInput, EventStore, Outbox, PetitionSummary, Queries, StoredEvent, Timers } from "@minyi/core"
import { clampPageLimit, ClaimedTimer, StreamHead, decodeAppendBatch, decodeTimerSpecs, defaultRetryPolicy, duplicateId, leaseLost, makeGroupCommit, MetricRow, nextAttemptAt, OutboxMessage, RepeatCandidate, schemaTooNew, storeCorrupt, storeUnavailable, TimerSpec, versionConflict } from "@minyi/core/adapter"
import type { DuplicateId, InvalidInput, OpenError, Page, PageRequest, RetryPolicy, Storage, StoreError, VersionConflict } from "@minyi/core"
import type { AppendBatch, AppendResult, ClaimedMessage, DeadLetter, DeliveryFailure, FailOutcome, TimerKey } from "@minyi/core/adapter"
import Database from "better-sqlite3"
import { Context, Effect, Option, Result, Schema } from "effect"
import type { Scope } from "effect"
import { APPLICATION_ID, migrations, SCHEMA_VERSION } from "./migrations.js"

/** How to open a SQLite store. */
export interface SqliteStoreConfig {
  /** A file path, or `:memory:` for a private in-process database. */
  readonly path: string
  /**
   * `FULL` (default): every acknowledged append survives a power cut. `NORMAL`: faster; in WAL
   * mode the last transactions before a power cut (not a process crash) may be lost.
   */
  readonly synchronous?: "FULL" | "NORMAL"
  /** How long a writer waits for another connection's lock before StoreUnavailable. */
  readonly busyTimeoutMs?: number
  /** Backoff of outbox deliveries. */
  readonly retry?: RetryPolicy
}

// A plain-JavaScript caller, or a config read from a file, can pass anything: an empty path would
// open an anonymous temporary database (silently not durable), and a bad timeout or pragma value
// would surface as a defect deep inside better-sqlite3.
const decodeConfig = decodeInput(
  Schema.Struct({
    path: Schema.String.check(Schema.isNonEmpty({ expected: 'a file path, or ":memory:"' })),
    synchronous: Schema.optional(Schema.Literals(["FULL", "NORMAL"])),
    busyTimeoutMs: Schema.optional(
      Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 2_147_483_647 }, { expected: "a whole number of milliseconds ≥ 0" }))
    ),
    retry: Schema.optional(Schema.Unknown)
  }),
  "SQLite store configuration"
)

type Row = Record<string, unknown>

const isSqliteError = (e: unknown): e is Error & { code: string } => e instanceof Database.SqliteError

// Errors thrown inside a transaction must carry their type out of better-sqlite3 untouched.
const isTypedError = (e: unknown): boolean =>
  typeof e === "object" && e !== null && "_tag" in e && e instanceof Error && !isSqliteError(e)

const classify = (location: string, e: unknown): StoreError | OpenError => {
  if (isTypedError(e)) return e as StoreError
  if (isSqliteError(e)) {
    if (e.code === "SQLITE_NOTADB" || e.code.startsWith("SQLITE_CORRUPT")) return storeCorrupt(location, e.message)
    return storeUnavailable(`${e.code}: ${e.message}`)
  }
  // better-sqlite3 reports a missing directory as a TypeError before SQLite is involved.
  if (e instanceof TypeError && /directory does not exist|Cannot open/i.test(e.message)) return storeUnavailable(e.message)
  // A call after the scope closed the store, or an append queued just before it closed.
  if (e instanceof TypeError && /connection is not open/.test(e.message)) return storeUnavailable(`the store ${location} is closed`)
  // Anything else is a bug in this adapter: let it be a defect rather than a misleading error.
  throw e
}

const constraintOn = (e: unknown, column: string): boolean =>
  isSqliteError(e) && e.code.startsWith("SQLITE_CONSTRAINT") && e.message.includes(column)

/** Decodes a row read back from the database; a row that does not decode means a damaged store. */
const rowDecoder = <S extends Schema.Decoder<unknown>>(schema: S, what: string, location: string) => {
  const decode = decodeInput(schema, what)
  return (value: unknown): S["Type"] => {
    const result = decode(value)
    if (Result.isFailure(result)) throw storeCorrupt(location, result.failure.message)
    return result.success
  }
}

const parseJson = (location: string, text: unknown, what: string): unknown => {
  try {
    return JSON.parse(String(text))
  } catch {
    throw storeCorrupt(location, `${what} is not valid JSON`)
  }
}

/** Opens the database, recognises it, and migrates it to the current schema version. */
const openDatabase = (config: SqliteStoreConfig): Database.Database => {
  const db = new Database(config.path, { timeout: config.busyTimeoutMs ?? 5_000 })
  try {
    const applicationId = db.pragma("application_id", { simple: true }) as number
    const version = db.pragma("user_version", { simple: true }) as number
    const tables = (db.prepare("SELECT count(*) AS n FROM sqlite_master").get() as { n: number }).n
    if (applicationId !== APPLICATION_ID && (applicationId !== 0 || version !== 0 || tables > 0)) {
      throw storeCorrupt(config.path, "the file is a SQLite database of another application")
    }
    if (version > SCHEMA_VERSION) throw schemaTooNew(config.path, version, SCHEMA_VERSION)
    db.pragma("journal_mode = WAL")
    db.pragma(`synchronous = ${config.synchronous ?? "FULL"}`)
    db.pragma("foreign_keys = ON")
    db.transaction(() => {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      const current = db.pragma("user_version", { simple: true }) as number
      for (let v = current; v < SCHEMA_VERSION; v++) db.exec(migrations[v]!)
      db.pragma(`application_id = ${APPLICATION_ID}`)
      db.pragma(`user_version = ${SCHEMA_VERSION}`)
    }).immediate()
    return db
  } catch (e) {
    db.close()
    throw e
  }
}

/**
 * Opens a SQLite store and returns every storage port over it; the database closes with the scope.
 * Fails with InvalidInput (a bad configuration, before any file is touched), StoreCorrupt (not a
 * minyi store, damaged), SchemaTooNew, or StoreUnavailable.
 */
export const make = (config: SqliteStoreConfig): Effect.Effect<Context.Context<Storage>, OpenError | InvalidInput, Scope.Scope> =>
  Effect.flatMap(Effect.fromResult(decodeConfig(config)), () => open(config))

const open = (config: SqliteStoreConfig): Effect.Effect<Context.Context<Storage>, OpenError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.suspend(() => {
      try {
        return Effect.succeed(openDatabase(config))
      } catch (e) {
        return Effect.fail(classify(config.path, e) as OpenError)
      }
    }),
    (db) => Effect.sync(() => db.close())
  ).pipe(
    Effect.flatMap((db) => {
      try {
        return Effect.succeed(storage(db, config))
      } catch (e) {
        // Statements are prepared against the tables the schema version promises: a missing
        // table or column means the file was altered behind minyi's back.
        if (isSqliteError(e) && e.code === "SQLITE_ERROR") {
          return Effect.fail(storeCorrupt(config.path, `its tables do not match schema version ${SCHEMA_VERSION} (${e.message})`))
        }
        return Effect.fail(classify(config.path, e) as OpenError)
      }
    })
  )

const storage = (db: Database.Database, config: SqliteStoreConfig): Context.Context<Storage> => {
  const location = config.path
  const retry = config.retry ?? defaultRetryPolicy
  /** Runs synchronous database work as an effect, typing what it throws. */
  const run = <A>(work: () => A): Effect.Effect<A, StoreError> =>
    Effect.suspend(() => {
      try {
        return Effect.succeed(work())
      } catch (e) {
        return Effect.fail(classify(location, e) as StoreError)
      }
    })

  const decodeEvent = rowDecoder(StoredEvent, "stored event", location)
  const decodeTimer = rowDecoder(TimerSpec, "stored timer", location)
  const decodeClaimedTimer = rowDecoder(ClaimedTimer, "stored timer", location)
  const decodeMessage = rowDecoder(OutboxMessage, "stored outbox message", location)
  const decodeSummary = rowDecoder(PetitionSummary, "stored petition summary", location)
  const decodeHead = rowDecoder(StreamHead, "stored stream head", location)

  const sql = {
    findKey: db.prepare("SELECT stream_id, previous_version, version FROM idempotency WHERE key = ?"),
    insertIdempotencyKey: db.prepare("INSERT INTO idempotency (key, stream_id, previous_version, version) VALUES (?, ?, ?, ?)"),
    streamVersion: db.prepare("SELECT max(version) AS v FROM events WHERE stream_id = ?"),
    insertEvent: db.prepare("INSERT INTO events (stream_id, version, event_id, type, at, data) VALUES (?, ?, ?, ?, ?, ?)"),
    readStream: db.prepare("SELECT * FROM events WHERE stream_id = ? AND (? IS NULL OR version > ?) ORDER BY version"),
    readAll: db.prepare("SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?"),
    upsertHead: db.prepare(
      `INSERT INTO stream_heads (stream_id, version, hash, seal) VALUES (?, ?, ?, ?)
       ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, hash = excluded.hash, seal = excluded.seal`
    ),
    readHead: db.prepare("SELECT version, hash, seal FROM stream_heads WHERE stream_id = ?"),
    // A stream missing its head, or a head whose events are gone, must still be listed for an audit.
    // Each side is cut to the page first (the page of the union is within the pages of its sides),
    // so a page reads O(limit) index entries, not every stream after the cursor.
    streamIds: db.prepare(
      `SELECT stream_id FROM (SELECT stream_id FROM stream_heads WHERE stream_id > @after ORDER BY stream_id LIMIT @limit)
       UNION SELECT stream_id FROM (SELECT DISTINCT stream_id FROM events WHERE stream_id > @after ORDER BY stream_id LIMIT @limit)
       ORDER BY 1 LIMIT @limit`
    ),
    insertMessage: db.prepare("INSERT INTO outbox (id, stream_id, message, created_at, available_at) VALUES (?, ?, ?, ?, ?)"),
    scheduleTimer: db.prepare(
      `INSERT INTO timers (stream_id, key, due_at, payload, available_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (stream_id, key) DO UPDATE SET due_at = excluded.due_at, payload = excluded.payload,
         available_at = excluded.available_at, token = NULL, worker_id = NULL, lease_until = NULL`
    ),
    cancelTimer: db.prepare("DELETE FROM timers WHERE stream_id = ? AND key = ?"),
    getTimer: db.prepare("SELECT stream_id, key, due_at, payload FROM timers WHERE stream_id = ? AND key = ?"),
    dueTimers: db.prepare("SELECT rowid, stream_id, key, due_at, payload FROM timers WHERE available_at <= ? ORDER BY available_at LIMIT ?"),
    leaseTimer: db.prepare("UPDATE timers SET token = ?, worker_id = ?, lease_until = ?, available_at = ? WHERE rowid = ?"),
    completeTimer: db.prepare("DELETE FROM timers WHERE stream_id = ? AND key = ? AND token = ?"),
    nextTimer: db.prepare("SELECT min(available_at) AS at FROM timers"),
    dueMessages: db.prepare(
      "SELECT id, message, failures FROM outbox WHERE dead_at IS NULL AND available_at <= ? ORDER BY available_at LIMIT ?"
    ),
    leaseMessage: db.prepare("UPDATE outbox SET token = ?, worker_id = ?, lease_until = ?, available_at = ? WHERE id = ?"),
    leasedMessage: db.prepare("SELECT message, failures FROM outbox WHERE id = ? AND token = ? AND dead_at IS NULL"),
    ackMessage: db.prepare("DELETE FROM outbox WHERE id = ? AND token = ? AND dead_at IS NULL"),
    retryMessage: db.prepare("UPDATE outbox SET failures = ?, available_at = ?, token = NULL, worker_id = NULL, lease_until = NULL WHERE id = ?"),
    buryMessage: db.prepare(
      "UPDATE outbox SET failures = ?, available_at = NULL, token = NULL, worker_id = NULL, lease_until = NULL, dead_reason = ?, dead_at = ? WHERE id = ?"
    ),
    deadLetters: db.prepare("SELECT message, failures, dead_reason, dead_at FROM outbox WHERE dead_at IS NOT NULL ORDER BY dead_at, id"),
    pending: db.prepare("SELECT count(*) AS n FROM outbox WHERE dead_at IS NULL"),
    upsertSummary: db.prepare(
      `INSERT INTO summaries (petition_id, status, next_due_at, breached, body) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (petition_id) DO UPDATE SET status = excluded.status, next_due_at = excluded.next_due_at,
         breached = excluded.breached, body = excluded.body`
    ),
    clearKeys: db.prepare("DELETE FROM summary_keys WHERE petition_id = ?"),
    insertSummaryKey: db.prepare("INSERT OR IGNORE INTO summary_keys (kind, value, petition_id) VALUES (?, ?, ?)"),
    getSummary: db.prepare("SELECT body FROM summaries WHERE petition_id = ?"),
    byKey: db.prepare(
      `SELECT s.body FROM summary_keys k JOIN summaries s ON s.petition_id = k.petition_id
       WHERE k.kind = ? AND k.value = ? AND k.petition_id > ?
         AND (? IS NULL OR s.status IN (SELECT value FROM json_each(?)))
       ORDER BY k.petition_id LIMIT ?`
    ),
    // Two index ranges (breached; due by now) instead of one OR that would walk every summary;
    // INDEXED BY keeps the planner on the due-time index rather than walking petition ids in order.
    overdue: db.prepare(
      `SELECT body FROM summaries WHERE petition_id IN (
           SELECT petition_id FROM summaries WHERE breached = 1 AND petition_id > @after
           UNION SELECT petition_id FROM summaries INDEXED BY summaries_due WHERE next_due_at <= @now AND petition_id > @after)
         AND (@statuses IS NULL OR status IN (SELECT value FROM json_each(@statuses)))
       ORDER BY petition_id LIMIT @limit`
    ),
    upsertRepeat: db.prepare(
      `INSERT INTO repeat_index (petition_id, key, received_at, community, category_path) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (petition_id) DO UPDATE SET key = excluded.key, received_at = excluded.received_at,
         community = excluded.community, category_path = excluded.category_path`
    ),
    repeatCandidates: db.prepare(
      `SELECT petition_id, received_at, community, category_path FROM repeat_index
       WHERE key = ? AND received_at BETWEEN ? AND ? ORDER BY received_at DESC, petition_id`
    ),
    addMetric: db.prepare(
      `INSERT INTO report_counters (scope, period_day, kind, dim, key, as_of_day, value) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (scope, period_day, kind, dim, key, as_of_day) DO UPDATE SET value = value + excluded.value`
    ),
    metrics: db.prepare(
      `SELECT kind, dim, key, CASE WHEN @byDay THEN period_day END AS period_day, sum(value) AS value FROM report_counters
       WHERE scope = @scope AND period_day >= @fromDay AND period_day < @toDay AND as_of_day < @asOfDay
         AND (@kinds IS NULL OR kind IN (SELECT value FROM json_each(@kinds)))
         AND (@dims IS NULL OR dim IN (SELECT value FROM json_each(@dims)))
       GROUP BY kind, dim, key, CASE WHEN @byDay THEN period_day END`
    ),
    all: db.prepare(
      `SELECT body FROM summaries WHERE petition_id > ? AND (? IS NULL OR status IN (SELECT value FROM json_each(?)))
       ORDER BY petition_id LIMIT ?`
    )
  }

  const toEvent = (r: Row) =>
    decodeEvent({
      streamId: r.stream_id,
      version: r.version,
      position: r.position,
      eventId: r.event_id,
      type: r.type,
      at: r.at,
      data: parseJson(location, r.data, "event data")
    })

  const findKey = (key: string): AppendResult | undefined => {
    const r = sql.findKey.get(key) as Row | undefined
    return r === undefined
      ? undefined
      : { streamId: String(r.stream_id), previousVersion: Number(r.previous_version), version: Number(r.version), replayed: false }
  }

  const scheduleTimer = (t: TimerSpec) => sql.scheduleTimer.run(t.streamId, t.key, t.dueAt, JSON.stringify(t.payload), t.dueAt)

  const writeSummary = (s: PetitionSummary) => {
    sql.upsertSummary.run(s.petitionId, s.status, s.nextDueAt, s.breachedClocks.length > 0 ? 1 : 0, JSON.stringify(s))
    sql.clearKeys.run(s.petitionId)
    const keys: Array<[string, string | null]> = [
      ["unit", s.firstHandler],
      ["unit", s.lead],
      ...s.coHandlers.map((u): [string, string] => ["unit", u]),
      ...s.chainUnits.map((u): [string, string] => ["unit", u]),
      ...s.jurisdictionPath.map((n): [string, string] => ["jurisdiction", n]),
      ...s.categoryPath.map((n): [string, string] => ["category", n]),
      ["person", s.owner],
      ["person", s.leaderPerson],
      ...s.watchers.map((p): [string, string] => ["person", p])
    ]
    for (const [kind, value] of keys) if (value !== null) sql.insertSummaryKey.run(kind, value, s.petitionId)
  }

  const appendTx = db.transaction((batch: AppendBatch): AppendResult => {
    const known = batch.idempotencyKey === undefined ? undefined : findKey(batch.idempotencyKey)
    if (known !== undefined) return { ...known, replayed: true }
    const actual = Number((sql.streamVersion.get(batch.streamId) as Row).v ?? 0)
    if (actual !== batch.expectedVersion) throw versionConflict(batch.streamId, batch.expectedVersion, actual)
    let version = actual
    for (const e of batch.events) {
      try {
        sql.insertEvent.run(batch.streamId, ++version, e.eventId, e.type, e.at, JSON.stringify(e.data))
      } catch (error) {
        if (constraintOn(error, "events.event_id")) throw duplicateId("event", e.eventId)
        throw error
      }
    }
    for (const m of batch.outbox) {
      try {
        sql.insertMessage.run(m.id, m.streamId, JSON.stringify(m), m.createdAt, m.createdAt)
      } catch (error) {
        if (constraintOn(error, "outbox.id")) throw duplicateId("outbox", m.id)
        throw error
      }
    }
    for (const k of batch.timers.cancel) sql.cancelTimer.run(k.streamId, k.key)
    for (const t of batch.timers.schedule) scheduleTimer(t)
    if (batch.summary !== undefined) writeSummary(batch.summary)
    if (batch.repeatEntry !== undefined) {
      const r = batch.repeatEntry
      sql.upsertRepeat.run(r.petitionId, r.key, r.receivedAt, r.community, JSON.stringify(r.categoryPath))
    }
    for (const d of batch.metrics ?? []) sql.addMetric.run(d.scope, d.periodDay, d.kind, d.dim, d.key, d.asOfDay, d.value)
    if (batch.head !== undefined) sql.upsertHead.run(batch.streamId, batch.head.version, batch.head.hash, batch.head.seal)
    const result: AppendResult = { streamId: batch.streamId, previousVersion: actual, version, replayed: false }
    if (batch.idempotencyKey !== undefined) sql.insertIdempotencyKey.run(batch.idempotencyKey, batch.streamId, actual, version)
    return result
  })

  // Group commit: appends that arrive during one turn of the event loop share one transaction (one
  // fsync at synchronous=FULL), each in its own savepoint so that one refused batch leaves the
  // others intact. The driver is synchronous, so there is one group at a time.
  type AppendEffect = Effect.Effect<AppendResult, StoreError | VersionConflict | DuplicateId>
  const commitGroup = db.transaction((group: ReadonlyArray<AppendBatch>): Array<AppendEffect> =>
    group.map((batch) => {
      try {
        return Effect.succeed(appendTx(batch))
      } catch (e) {
        return run(() => {
          throw e
        })
      }
    })
  )
  const committer = makeGroupCommit<AppendBatch, AppendResult, StoreError | VersionConflict | DuplicateId>({
    maxInFlight: 1,
    maxGroup: Number.POSITIVE_INFINITY,
    gather: Effect.callback<void>((resume) => void setImmediate(() => resume(Effect.void))),
    commit: (group) => run(() => commitGroup.immediate(group))
  })
  const enqueue = committer.submit

  const eventStore = EventStore.of({
    append: (input) =>
      Effect.suspend(() => {
        const known = typeof input.idempotencyKey === "string" ? run(() => findKey(input.idempotencyKey!)) : Effect.succeed(undefined)
        return Effect.flatMap(known, (found): Effect.Effect<AppendResult, InvalidInput | StoreError | VersionConflict | DuplicateId> => {
          if (found !== undefined) return Effect.succeed({ ...found, replayed: true })
          const decoded = decodeAppendBatch(input)
          return Result.isFailure(decoded) ? Effect.fail(decoded.failure) : enqueue(decoded.success)
        })
      }),
    readStream: (streamId, options) =>
      run(() => {
        // Without afterVersion every row, even one whose version is corrupt, so that it is reported.
        const after = options?.afterVersion === undefined ? null : Math.max(0, Math.floor(options.afterVersion))
        return (sql.readStream.all(streamId, after, after) as Array<Row>).map(toEvent)
      }),
    readAll: (after, limit) => run(() => (sql.readAll.all(after, clampPageLimit(limit)) as Array<Row>).map(toEvent)),
    findByIdempotencyKey: (key) => run(() => Option.fromUndefinedOr(findKey(key))),
    readHead: (streamId) =>
      run(() => {
        const r = sql.readHead.get(streamId) as Row | undefined
        return r === undefined ? Option.none() : Option.some(decodeHead({ version: r.version, hash: r.hash, seal: r.seal }))
      }),
    streamIds: (page) =>
      run(() => {
        const limit = clampPageLimit(page.limit)
        const ids = (sql.streamIds.all({ after: page.after ?? "", limit: limit + 1 }) as Array<Row>).map((r) => String(r.stream_id))
        const items = ids.slice(0, limit)
        return { items, next: ids.length > limit ? items[items.length - 1]! : null }
      })
  })

  const claimTimersTx = db.transaction((now: number, limit: number, leaseMs: number, workerId: string): Array<ClaimedTimer> => {
    const rows = sql.dueTimers.all(now, limit) as Array<Row>
    const base = randomUUID()
    return rows.map((r) => {
      const token = `${base}.${r.rowid}`
      const leaseUntil = now + leaseMs
      sql.leaseTimer.run(token, workerId, leaseUntil, leaseUntil, r.rowid)
      return decodeClaimedTimer({
        streamId: r.stream_id,
        key: r.key,
        dueAt: r.due_at,
        payload: parseJson(location, r.payload, "timer payload"),
        token,
        workerId,
        leaseUntil
      })
    })
  })

  const timers = Timers.of({
    schedule: (specs) =>
      Effect.suspend((): Effect.Effect<void, InvalidInput | StoreError> => {
        const decoded = decodeTimerSpecs(specs)
        if (Result.isFailure(decoded)) return Effect.fail(decoded.failure)
        return run(() => db.transaction(() => decoded.success.forEach(scheduleTimer)).immediate())
      }),
    cancel: (key: TimerKey) => run(() => void sql.cancelTimer.run(key.streamId, key.key)),
    claimDue: ({ now, limit, leaseMs, workerId }) => run(() => claimTimersTx.immediate(now, clampPageLimit(limit), leaseMs, workerId)),
    complete: (claim) =>
      run(() => {
        if (sql.completeTimer.run(claim.streamId, claim.key, claim.token).changes === 0) {
          throw leaseLost("timer", `${claim.streamId}/${claim.key}`)
        }
      }),
    nextDueAt: () => run(() => Option.fromNullishOr((sql.nextTimer.get() as { at: number | null }).at)),
    get: (key) =>
      run(() => {
        const r = sql.getTimer.get(key.streamId, key.key) as Row | undefined
        return r === undefined
          ? Option.none()
          : Option.some(decodeTimer({ streamId: r.stream_id, key: r.key, dueAt: r.due_at, payload: parseJson(location, r.payload, "timer payload") }))
      })
  })

  const claimMessagesTx = db.transaction((now: number, limit: number, leaseMs: number, workerId: string): Array<ClaimedMessage> => {
    const rows = sql.dueMessages.all(now, limit) as Array<Row>
    const base = randomUUID()
    return rows.map((r, i) => {
      const token = `${base}.${i}`
      const leaseUntil = now + leaseMs
      sql.leaseMessage.run(token, workerId, leaseUntil, leaseUntil, r.id)
      const message = decodeMessage(parseJson(location, r.message, "outbox message"))
      return { message, token, workerId, leaseUntil, attempt: Number(r.failures) + 1 }
    })
  })

  const failTx = db.transaction((id: string, token: string, failure: DeliveryFailure, now: number): FailOutcome => {
    const { retryable, reason } = failure
    const r = sql.leasedMessage.get(id, token) as Row | undefined
    if (r === undefined) throw leaseLost("outbox", id)
    const failures = Number(r.failures) + 1
    if (!retryable || failures >= retry.maxAttempts) {
      sql.buryMessage.run(failures, reason, now, id)
      const message = decodeMessage(parseJson(location, r.message, "outbox message"))
      return { _tag: "DeadLettered", deadLetter: { message, attempts: failures, reason, deadAt: now } }
    }
    const next = nextAttemptAt(retry, id, failures, now, failure.notBefore)
    sql.retryMessage.run(failures, next, id)
    return { _tag: "Retrying", attempts: failures, nextAttemptAt: next }
  })

  const outbox = Outbox.of({
    claim: ({ now, limit, leaseMs, workerId }) => run(() => claimMessagesTx.immediate(now, clampPageLimit(limit), leaseMs, workerId)),
    ack: (id, token) =>
      run(() => {
        if (sql.ackMessage.run(id, token).changes === 0) throw leaseLost("outbox", id)
      }),
    fail: (id, token, failure, now) => run(() => failTx.immediate(id, token, failure, now)),
    deadLetters: () =>
      run(() =>
        (sql.deadLetters.all() as Array<Row>).map(
          (r): DeadLetter => ({
            message: decodeMessage(parseJson(location, r.message, "outbox message")),
            attempts: Number(r.failures),
            reason: String(r.dead_reason),
            deadAt: Number(r.dead_at)
          })
        )
      ),
    pendingCount: () => run(() => Number((sql.pending.get() as Row).n))
  })

  const toSummary = (r: Row) => decodeSummary(parseJson(location, r.body, "petition summary"))
  const pageOf = (rows: Array<Row>, limit: number): Page<PetitionSummary> => {
    const items = rows.slice(0, limit).map(toSummary)
    return { items, next: rows.length > limit ? items[items.length - 1]!.petitionId : null }
  }
  const statusesOf = (page: PageRequest) => (page.statuses === undefined ? null : JSON.stringify(page.statuses))
  const byKey = (kind: string) => (value: string, page: PageRequest) =>
    run(() => {
      const limit = clampPageLimit(page.limit)
      const statuses = statusesOf(page)
      return pageOf(sql.byKey.all(kind, value, page.after ?? "", statuses, statuses, limit + 1) as Array<Row>, limit)
    })

  const decodeCandidate = rowDecoder(RepeatCandidate, "repeat-index entry", location)
  const decodeMetricRow = rowDecoder(MetricRow, "report counter", location)
  const queries = Queries.of({
    get: (petitionId) =>
      run(() => {
        const r = sql.getSummary.get(petitionId) as Row | undefined
        return r === undefined ? Option.none() : Option.some(toSummary(r))
      }),
    byUnit: byKey("unit"),
    byJurisdiction: byKey("jurisdiction"),
    byCategory: byKey("category"),
    byPerson: byKey("person"),
    overdue: (now, page) =>
      run(() => {
        const limit = clampPageLimit(page.limit)
        const statuses = statusesOf(page)
        return pageOf(sql.overdue.all({ after: page.after ?? "", now, statuses, limit: limit + 1 }) as Array<Row>, limit)
      }),
    all: (page) =>
      run(() => {
        const limit = clampPageLimit(page.limit)
        const statuses = statusesOf(page)
        return pageOf(sql.all.all(page.after ?? "", statuses, statuses, limit + 1) as Array<Row>, limit)
      }),
    repeatCandidates: (key, window) =>
      run(() =>
        (sql.repeatCandidates.all(key, window.from, window.to) as Array<Row>).map((r) =>
          decodeCandidate({
            petitionId: r.petition_id,
            receivedAt: r.received_at,
            community: r.community,
            categoryPath: parseJson(location, r.category_path, "repeat-index category path")
          })
        )
      ),
    metrics: (request) =>
      run(() =>
        (sql.metrics.all({
          scope: request.scope,
          fromDay: request.fromDay,
          toDay: request.toDay,
          asOfDay: request.asOfDay,
          byDay: request.byDay === true ? 1 : 0,
          kinds: request.kinds === undefined ? null : JSON.stringify(request.kinds),
          dims: request.dims === undefined ? null : JSON.stringify(request.dims)
        }) as Array<Row>).map((r) => decodeMetricRow({ kind: r.kind, dim: r.dim, key: r.key, periodDay: r.period_day, value: r.value }))
      )
  })

  return Context.make(EventStore, eventStore)
    .pipe(Context.add(Timers, timers))
    .pipe(Context.add(Outbox, outbox))
    .pipe(Context.add(Queries, queries))
}
