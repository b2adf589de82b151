/**
 * Versioned schema migrations. Migration i (0-based) takes the database from version i to i+1;
 * `PRAGMA user_version` records the version, `PRAGMA application_id` marks the file as a minyi
 * store so that a foreign SQLite file is recognised and left alone.
 */

/** "MNYI" — recognises a minyi store among SQLite files. */
export const APPLICATION_ID = 0x4d4e5949

export const migrations: ReadonlyArray<string> = [
  `
  CREATE TABLE events (
    position INTEGER PRIMARY KEY,
    stream_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    event_id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    at INTEGER NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (stream_id, version)
  );
  CREATE TABLE idempotency (
    key TEXT PRIMARY KEY,
    stream_id TEXT NOT NULL,
    previous_version INTEGER NOT NULL,
    version INTEGER NOT NULL
  ) WITHOUT ROWID;
  -- available_at is dueAt while free and the lease end while leased: one index answers both
  -- "what is due" and "whose lease ran out" in O(log n + due).
  CREATE TABLE timers (
    stream_id TEXT NOT NULL,
    key TEXT NOT NULL,
    due_at INTEGER NOT NULL,
    payload TEXT NOT NULL,
    available_at INTEGER NOT NULL,
    token TEXT,
    worker_id TEXT,
    lease_until INTEGER,
    PRIMARY KEY (stream_id, key)
  );
  CREATE INDEX timers_available ON timers (available_at);
  CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    stream_id TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    available_at INTEGER,
    token TEXT,
    worker_id TEXT,
    lease_until INTEGER,
    dead_reason TEXT,
    dead_at INTEGER
  );
  CREATE INDEX outbox_available ON outbox (available_at) WHERE dead_at IS NULL;
  CREATE INDEX outbox_dead ON outbox (dead_at) WHERE dead_at IS NOT NULL;
  CREATE TABLE summaries (
    petition_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    next_due_at INTEGER,
    breached INTEGER NOT NULL,
    body TEXT NOT NULL
  );
  CREATE INDEX summaries_due ON summaries (next_due_at) WHERE next_due_at IS NOT NULL;
  CREATE INDEX summaries_breached ON summaries (petition_id) WHERE breached = 1;
  -- One row per (unit | jurisdiction node | category node | person) a petition is listed under.
  CREATE TABLE summary_keys (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    petition_id TEXT NOT NULL,
    PRIMARY KEY (kind, value, petition_id)
  ) WITHOUT ROWID;
  CREATE INDEX summary_keys_petition ON summary_keys (petition_id);
  `,
  // 2: the repeat index, keyed by an HMAC of the phone, in a table no listing reads; and the
  // unkeyed phone hash the summaries used to carry (recoverable by trying every number) removed.
  `
  CREATE TABLE repeat_index (
    petition_id TEXT PRIMARY KEY,
    key TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    community TEXT NOT NULL,
    category_path TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX repeat_index_key ON repeat_index (key, received_at);
  UPDATE summaries SET body = json_remove(body, '$.data.phoneHash') WHERE json_type(body, '$.data.phoneHash') IS NOT NULL;
  `,
  // 3: the report counters (民情日报 read model), added to in each append. A scope's period is a
  // range of its primary key, so a year's report reads rows per day and key, never per petition.
  // Petitions appended before this version have no counters: reports cover what comes after.
  `
  CREATE TABLE report_counters (
    scope TEXT NOT NULL,
    period_day INTEGER NOT NULL,
    kind TEXT NOT NULL,
    dim TEXT NOT NULL,
    key TEXT NOT NULL,
    as_of_day INTEGER NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (scope, period_day, kind, dim, key, as_of_day)
  ) WITHOUT ROWID;
  `,
  // 4: each stream's head (version, hash, the engine's keyed seal), in a table of its own written in
  // the same transaction as the events, so that deleting the newest events or rewriting rows is
  // found on load. Existing streams get their last event as an unsealed head: a deployment with a
  // chain key seals them once (\`minyi audit seal\`) before its engines use the key.
  `
  CREATE TABLE stream_heads (
    stream_id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    hash TEXT NOT NULL,
    seal TEXT
  ) WITHOUT ROWID;
  INSERT INTO stream_heads (stream_id, version, hash, seal)
    SELECT e.stream_id, e.version, json_extract(e.data, '$.hash'), NULL FROM events e
    WHERE e.version = (SELECT max(version) FROM events WHERE stream_id = e.stream_id)
      AND json_extract(e.data, '$.hash') IS NOT NULL;
  `
]

export const SCHEMA_VERSION = migrations.length
