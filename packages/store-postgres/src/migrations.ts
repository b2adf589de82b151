/**
 * The database schema, as numbered migrations. A migration is never edited once released:
 * a change is a new entry. `minyi_meta` marks a schema as minyi's and records its version.
 */
export interface Migration {
  readonly version: number
  readonly description: string
  readonly sql: string
}

export const migrations: ReadonlyArray<Migration> = [
  {
    version: 1,
    description: "events, streams, idempotency keys, timers, outbox, petition read model, append in one statement",
    sql: `
CREATE TABLE minyi_meta (
  key   text PRIMARY KEY,
  value text NOT NULL
);

-- One row per petition stream: its current version. Appends lock this row, which is what
-- makes the expected-version check race-free.
CREATE TABLE minyi_streams (
  stream_id text PRIMARY KEY,
  version   integer NOT NULL CHECK (version >= 0)
);

-- The last global position, one row. Appends take positions here under a row lock held
-- until commit, so positions are gapless and in commit order: a reader that has seen
-- position p never later finds a smaller one appear (a sequence would not promise that).
CREATE TABLE minyi_position (
  id   boolean PRIMARY KEY DEFAULT true CHECK (id),
  last bigint  NOT NULL
);
INSERT INTO minyi_position (id, last) VALUES (true, 0);

CREATE TABLE minyi_events (
  position  bigint  PRIMARY KEY,
  event_id  text    NOT NULL UNIQUE,
  stream_id text    NOT NULL,
  version   integer NOT NULL CHECK (version > 0),
  type      text    NOT NULL,
  at        bigint  NOT NULL,
  data      jsonb   NOT NULL,
  CONSTRAINT minyi_events_stream_version UNIQUE (stream_id, version)
);

CREATE TABLE minyi_idempotency (
  key              text    PRIMARY KEY,
  stream_id        text    NOT NULL,
  previous_version integer NOT NULL,
  version          integer NOT NULL
);

-- Timers, one per (stream, key). ready_at is when the timer can next be claimed: its due
-- instant, or the end of a live lease. A completed timer stays as a record (done) until it is
-- scheduled again; the partial index holds only open timers, so finding what is due costs
-- O(log n + due) however many are open.
CREATE TABLE minyi_timers (
  stream_id   text    NOT NULL,
  key         text    NOT NULL,
  due_at      bigint  NOT NULL,
  payload     jsonb   NOT NULL,
  ready_at    bigint  NOT NULL,
  token       text,
  worker_id   text,
  lease_until bigint,
  claims      integer NOT NULL DEFAULT 0,
  done        boolean NOT NULL DEFAULT false,
  PRIMARY KEY (stream_id, key)
);
CREATE INDEX minyi_timers_open_ready ON minyi_timers (ready_at) WHERE NOT done;

-- Outbox: written in the append's transaction, deleted when delivered, kept when dead.
CREATE TABLE minyi_outbox (
  id          text    PRIMARY KEY,
  stream_id   text    NOT NULL,
  message     jsonb   NOT NULL,
  created_at  bigint  NOT NULL,
  ready_at    bigint  NOT NULL,
  failures    integer NOT NULL DEFAULT 0,
  token       text,
  worker_id   text,
  lease_until bigint,
  dead        boolean NOT NULL DEFAULT false,
  dead_at     bigint,
  reason      text
);
CREATE INDEX minyi_outbox_ready ON minyi_outbox (ready_at) WHERE NOT dead;
CREATE INDEX minyi_outbox_dead ON minyi_outbox (dead_at, id) WHERE dead;

-- The petition read model: the summary as written, plus the arrays the queries search.
CREATE TABLE minyi_petitions (
  petition_id       text    PRIMARY KEY,
  status            text    NOT NULL,
  units             text[]  NOT NULL,
  persons           text[]  NOT NULL,
  jurisdiction_path text[]  NOT NULL,
  category_path     text[]  NOT NULL,
  next_due_at       bigint,
  breached          boolean NOT NULL,
  summary           jsonb   NOT NULL
);
CREATE INDEX minyi_petitions_units ON minyi_petitions USING gin (units);
CREATE INDEX minyi_petitions_persons ON minyi_petitions USING gin (persons);
CREATE INDEX minyi_petitions_jurisdiction ON minyi_petitions USING gin (jurisdiction_path);
CREATE INDEX minyi_petitions_category ON minyi_petitions USING gin (category_path);
CREATE INDEX minyi_petitions_due ON minyi_petitions (next_due_at) WHERE next_due_at IS NOT NULL;
CREATE INDEX minyi_petitions_breached ON minyi_petitions (petition_id) WHERE breached;

-- Upserts timers from a JSON array of TimerSpec; shared by appends and Timers.schedule.
-- Scheduling again replaces the timer and drops any lease (and reopens a completed one).
CREATE FUNCTION minyi_schedule(p_timers jsonb) RETURNS void LANGUAGE sql AS $fn$
  INSERT INTO minyi_timers (stream_id, key, due_at, payload, ready_at)
  SELECT t->>'streamId', t->>'key', (t->>'dueAt')::bigint, t->'payload', (t->>'dueAt')::bigint
    FROM jsonb_array_elements(p_timers) t
  ON CONFLICT (stream_id, key) DO UPDATE
    SET due_at = excluded.due_at, payload = excluded.payload, ready_at = excluded.ready_at,
        token = NULL, worker_id = NULL, lease_until = NULL, claims = 0, done = false
$fn$;

-- The whole append in one statement: one round trip, one transaction. The batch has been
-- validated by the caller (decodeAppendBatch). Checks in the order the port defines:
-- idempotency key, expected version, unique event and outbox ids. Returns status
-- 'appended' | 'replayed' | 'conflict' | 'duplicate_event' | 'duplicate_outbox' with
-- previous_version/version (or the actual version, or the duplicate id in detail).
CREATE FUNCTION minyi_append(p_batch jsonb)
RETURNS TABLE (status text, previous_version integer, version integer, detail text)
LANGUAGE plpgsql AS $fn$
DECLARE
  s text := p_batch->>'streamId';
  expected integer := (p_batch->>'expectedVersion')::integer;
  k text := p_batch->>'idempotencyKey';
  evs jsonb := p_batch->'events';
  n integer := jsonb_array_length(p_batch->'events');
  done integer;
  cur integer;
  pos bigint;
  dup text;
  prior minyi_idempotency%ROWTYPE;
  summ jsonb := p_batch->'summary';
BEGIN
  -- The position row is locked first, by every append: appends commit one after another (the
  -- price of gapless positions in commit order), and no two appends can wait on each other's
  -- stream rows in opposite orders.
  SELECT last INTO pos FROM minyi_position WHERE id FOR UPDATE;

  IF k IS NOT NULL THEN
    SELECT * INTO prior FROM minyi_idempotency WHERE key = k;
    IF FOUND THEN
      RETURN QUERY SELECT 'replayed'::text, prior.previous_version, prior.version, prior.stream_id;
      RETURN;
    END IF;
  END IF;

  IF expected = 0 THEN
    -- A stream can exist at version 0 (an append of timers or outbox alone created it).
    INSERT INTO minyi_streams AS st (stream_id, version) VALUES (s, n)
      ON CONFLICT (stream_id) DO UPDATE SET version = st.version + n WHERE st.version = 0;
  ELSE
    UPDATE minyi_streams SET version = minyi_streams.version + n WHERE stream_id = s AND minyi_streams.version = expected;
  END IF;
  GET DIAGNOSTICS done = ROW_COUNT;
  IF done = 0 THEN
    SELECT st.version INTO cur FROM minyi_streams st WHERE st.stream_id = s;
    RETURN QUERY SELECT 'conflict'::text, expected, coalesce(cur, 0), NULL::text;
    RETURN;
  END IF;

  SELECT e->>'eventId' INTO dup FROM jsonb_array_elements(evs) e
   WHERE EXISTS (SELECT 1 FROM minyi_events x WHERE x.event_id = e->>'eventId') LIMIT 1;
  IF dup IS NOT NULL THEN
    RAISE EXCEPTION 'duplicate event id' USING ERRCODE = 'MN001', DETAIL = dup;
  END IF;
  SELECT o->>'id' INTO dup FROM jsonb_array_elements(p_batch->'outbox') o
   WHERE EXISTS (SELECT 1 FROM minyi_outbox x WHERE x.id = o->>'id') LIMIT 1;
  IF dup IS NOT NULL THEN
    RAISE EXCEPTION 'duplicate outbox id' USING ERRCODE = 'MN002', DETAIL = dup;
  END IF;

  IF n > 0 THEN
    UPDATE minyi_position SET last = last + n WHERE id;
    INSERT INTO minyi_events (position, event_id, stream_id, version, type, at, data)
    SELECT pos + e.ord, e.v->>'eventId', s, expected + e.ord::integer, e.v->>'type', (e.v->>'at')::bigint, e.v->'data'
      FROM jsonb_array_elements(evs) WITH ORDINALITY AS e(v, ord);
  END IF;

  IF k IS NOT NULL THEN
    INSERT INTO minyi_idempotency VALUES (k, s, expected, expected + n);
  END IF;

  INSERT INTO minyi_outbox (id, stream_id, message, created_at, ready_at)
  SELECT o->>'id', o->>'streamId', o, (o->>'createdAt')::bigint, (o->>'createdAt')::bigint
    FROM jsonb_array_elements(p_batch->'outbox') o;

  DELETE FROM minyi_timers t
   USING jsonb_array_elements(p_batch->'timers'->'cancel') c
   WHERE t.stream_id = c->>'streamId' AND t.key = c->>'key';
  PERFORM minyi_schedule(p_batch->'timers'->'schedule');

  IF summ IS NOT NULL THEN
    INSERT INTO minyi_petitions AS p (petition_id, status, units, persons, jurisdiction_path, category_path, next_due_at, breached, summary)
    VALUES (
      summ->>'petitionId',
      summ->>'status',
      ARRAY(SELECT DISTINCT u FROM (
        SELECT summ->>'firstHandler' AS u UNION ALL SELECT summ->>'lead'
        UNION ALL SELECT jsonb_array_elements_text(summ->'coHandlers')
        UNION ALL SELECT jsonb_array_elements_text(summ->'chainUnits')) x WHERE u IS NOT NULL),
      ARRAY(SELECT DISTINCT u FROM (
        SELECT summ->>'owner' AS u UNION ALL SELECT summ->>'leaderPerson'
        UNION ALL SELECT jsonb_array_elements_text(summ->'watchers')) x WHERE u IS NOT NULL),
      ARRAY(SELECT jsonb_array_elements_text(summ->'jurisdictionPath')),
      ARRAY(SELECT jsonb_array_elements_text(summ->'categoryPath')),
      (summ->>'nextDueAt')::bigint,
      jsonb_array_length(summ->'breachedClocks') > 0,
      summ)
    ON CONFLICT (petition_id) DO UPDATE SET
      status = excluded.status, units = excluded.units, persons = excluded.persons,
      jurisdiction_path = excluded.jurisdiction_path, category_path = excluded.category_path,
      next_due_at = excluded.next_due_at, breached = excluded.breached, summary = excluded.summary;
  END IF;

  RETURN QUERY SELECT 'appended'::text, expected, expected + n, NULL::text;
END
$fn$;

-- Several appends in one transaction (group commit: one flush to disk for all of them). Each
-- batch is all-or-nothing on its own: a duplicate id undoes only its batch (a subtransaction).
CREATE FUNCTION minyi_append_many(p_batches jsonb)
RETURNS TABLE (idx integer, status text, previous_version integer, version integer, detail text)
LANGUAGE plpgsql AS $fn$
DECLARE
  b jsonb;
  i integer := 0;
  r record;
  d text;
BEGIN
  -- Taken here, outside the per-batch subtransactions, so that a batch undone by its
  -- exception does not release it half-way through the group.
  PERFORM 1 FROM minyi_position WHERE id FOR UPDATE;
  FOR b IN SELECT value FROM jsonb_array_elements(p_batches) LOOP
    BEGIN
      SELECT * INTO r FROM minyi_append(b);
      RETURN QUERY SELECT i, r.status, r.previous_version, r.version, r.detail;
    EXCEPTION
      WHEN SQLSTATE 'MN001' THEN
        GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
        RETURN QUERY SELECT i, 'duplicate_event'::text, 0, 0, d;
      WHEN SQLSTATE 'MN002' THEN
        GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
        RETURN QUERY SELECT i, 'duplicate_outbox'::text, 0, 0, d;
    END;
    i := i + 1;
  END LOOP;
END
$fn$;
`
  },
  {
    version: 2,
    description: "repeat index keyed by an HMAC of the phone; the unkeyed phone hash removed from the summaries",
    sql: `
-- One entry per petition; the key is an HMAC of the petitioner's phone under the deployment's
-- secret. No listing reads this table, and the key never leaves it.
CREATE TABLE minyi_repeat_index (
  petition_id   text   PRIMARY KEY,
  key           text   NOT NULL,
  received_at   bigint NOT NULL,
  community     text   NOT NULL,
  category_path text[] NOT NULL
);
CREATE INDEX minyi_repeat_index_key ON minyi_repeat_index (key, received_at);

-- The summaries carried an unkeyed SHA-256 of the phone, which trying every number reverses.
UPDATE minyi_petitions SET summary = summary #- '{data,phoneHash}' WHERE summary->'data' ? 'phoneHash';

-- As version 1, plus the batch's repeat-index entry, written inside the batch's subtransaction
-- so that it stands or falls with the batch.
CREATE OR REPLACE FUNCTION minyi_append_many(p_batches jsonb)
RETURNS TABLE (idx integer, status text, previous_version integer, version integer, detail text)
LANGUAGE plpgsql AS $fn$
DECLARE
  b jsonb;
  i integer := 0;
  r record;
  d text;
  e jsonb;
BEGIN
  PERFORM 1 FROM minyi_position WHERE id FOR UPDATE;
  FOR b IN SELECT value FROM jsonb_array_elements(p_batches) LOOP
    BEGIN
      SELECT * INTO r FROM minyi_append(b);
      e := b->'repeatEntry';
      IF r.status = 'appended' AND e IS NOT NULL THEN
        INSERT INTO minyi_repeat_index (petition_id, key, received_at, community, category_path)
        VALUES (e->>'petitionId', e->>'key', (e->>'receivedAt')::bigint, e->>'community',
                ARRAY(SELECT jsonb_array_elements_text(e->'categoryPath')))
        ON CONFLICT (petition_id) DO UPDATE SET key = excluded.key, received_at = excluded.received_at,
          community = excluded.community, category_path = excluded.category_path;
      END IF;
      RETURN QUERY SELECT i, r.status, r.previous_version, r.version, r.detail;
    EXCEPTION
      WHEN SQLSTATE 'MN001' THEN
        GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
        RETURN QUERY SELECT i, 'duplicate_event'::text, 0, 0, d;
      WHEN SQLSTATE 'MN002' THEN
        GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
        RETURN QUERY SELECT i, 'duplicate_outbox'::text, 0, 0, d;
    END;
    i := i + 1;
  END LOOP;
END
$fn$;
`
  },
  {
    version: 3,
    description: "report counters (民情日报 read model), added to in each append",
    sql: `
-- A scope's period is a range of the primary key, so a year's report reads rows per day and key,
-- never per petition. Petitions appended before this version have no counters.
CREATE TABLE minyi_report_counters (
  scope      text             NOT NULL,
  period_day integer          NOT NULL,
  kind       text             NOT NULL,
  dim        text             NOT NULL,
  key        text             NOT NULL,
  as_of_day  integer          NOT NULL,
  value      double precision NOT NULL,
  PRIMARY KEY (scope, period_day, kind, dim, key, as_of_day)
);

-- As version 2, plus the batch's report counters, added inside the batch's subtransaction.
CREATE OR REPLACE FUNCTION minyi_append_many(p_batches jsonb)
RETURNS TABLE (idx integer, status text, previous_version integer, version integer, detail text)
LANGUAGE plpgsql AS $fn$
DECLARE
  b jsonb;
  i integer := 0;
  r record;
  d text;
  e jsonb;
BEGIN
  PERFORM 1 FROM minyi_position WHERE id FOR UPDATE;
  FOR b IN SELECT value FROM jsonb_array_elements(p_batches) LOOP
    BEGIN
      SELECT * INTO r FROM minyi_append(b);
      e := b->'repeatEntry';
      IF r.status = 'appended' AND e IS NOT NULL THEN
        INSERT INTO minyi_repeat_index (petition_id, key, received_at, community, category_path)
        VALUES (e->>'petitionId', e->>'key', (e->>'receivedAt')::bigint, e->>'community',
                ARRAY(SELECT jsonb_array_elements_text(e->'categoryPath')))
        ON CONFLICT (petition_id) DO UPDATE SET key = excluded.key, received_at = excluded.received_at,
          community = excluded.community, category_path = excluded.category_path;
      END IF;
      IF r.status = 'appended' AND b ? 'metrics' THEN
        INSERT INTO minyi_report_counters AS c (scope, period_day, kind, dim, key, as_of_day, value)
        SELECT m->>'scope', (m->>'periodDay')::integer, m->>'kind', m->>'dim', m->>'key', (m->>'asOfDay')::integer,
               sum((m->>'value')::double precision)
          FROM jsonb_array_elements(b->'metrics') m
         GROUP BY 1, 2, 3, 4, 5, 6
        ON CONFLICT (scope, period_day, kind, dim, key, as_of_day) DO UPDATE SET value = c.value + excluded.value;
      END IF;
      RETURN QUERY SELECT i, r.status, r.previous_version, r.version, r.detail;
    EXCEPTION
      WHEN SQLSTATE 'MN001' THEN
        GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
        RETURN QUERY SELECT i, 'duplicate_event'::text, 0, 0, d;
      WHEN SQLSTATE 'MN002' THEN
        GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
        RETURN QUERY SELECT i, 'duplicate_outbox'::text, 0, 0, d;
    END;
    i := i + 1;
  END LOOP;
END
$fn$;
`
  },
  {
    version: 4,
    description: "stream heads (version, hash, keyed seal) apart from the events, written in each append",
    sql: `
-- Where each stream ends, in a table of its own, written in the same transaction as the events:
-- deleting the newest events or rewriting rows and their hashes no longer goes unnoticed on load.
-- Existing streams get their last event as an unsealed head; a deployment with a chain key seals
-- them once (minyi audit seal) before its engines use the key.
CREATE TABLE minyi_stream_heads (
  stream_id text    PRIMARY KEY,
  version   integer NOT NULL CHECK (version > 0),
  hash      text    NOT NULL,
  seal      text
);
INSERT INTO minyi_stream_heads (stream_id, version, hash, seal)
SELECT stream_id, version, hash, NULL FROM (
  SELECT DISTINCT ON (stream_id) stream_id, version, data->>'hash' AS hash
    FROM minyi_events
   ORDER BY stream_id, version DESC) last
 WHERE hash IS NOT NULL;

-- As version 3, plus the batch's head, written inside the batch's subtransaction.
CREATE OR REPLACE FUNCTION minyi_append_many(p_batches jsonb)
RETURNS TABLE (idx integer, status text, previous_version integer, version integer, detail text)
LANGUAGE plpgsql AS $fn$
DECLARE
  b jsonb;
  i integer := 0;
  r record;
  d text;
  e jsonb;
  h jsonb;
BEGIN
  PERFORM 1 FROM minyi_position WHERE id FOR UPDATE;
  FOR b IN SELECT value FROM jsonb_array_elements(p_batches) LOOP
    BEGIN
      SELECT * INTO r FROM minyi_append(b);
      e := b->'repeatEntry';
      IF r.status = 'appended' AND e IS NOT NULL THEN
        INSERT INTO minyi_repeat_index (petition_id, key, received_at, community, category_path)
        VALUES (e->>'petitionId', e->>'key', (e->>'receivedAt')::bigint, e->>'community',
                ARRAY(SELECT jsonb_array_elements_text(e->'categoryPath')))
        ON CONFLICT (petition_id) DO UPDATE SET key = excluded.key, received_at = excluded.received_at,
          community = excluded.community, category_path = excluded.category_path;
      END IF;
      IF r.status = 'appended' AND b ? 'metrics' THEN
        INSERT INTO minyi_report_counters AS c (scope, period_day, kind, dim, key, as_of_day, value)
        SELECT m->>'scope', (m->>'periodDay')::integer, m->>'kind', m->>'dim', m->>'key', (m->>'asOfDay')::integer,
               sum((m->>'value')::double precision)
          FROM jsonb_array_elements(b->'metrics') m
         GROUP BY 1, 2, 3, 4, 5, 6
        ON CONFLICT (scope, period_day, kind, dim, key, as_of_day) DO UPDATE SET value = c.value + excluded.value;
      END IF;
      h := b->'head';
      IF r.status = 'appended' AND h IS NOT NULL THEN
        INSERT INTO minyi_stream_heads (stream_id, version, hash, seal)
        VALUES (b->>'streamId', (h->>'version')::integer, h->>'hash', h->>'seal')
        ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, hash = excluded.hash, seal = excluded.seal;
      END IF;
      RETURN QUERY SELECT i, r.status, r.previous_version, r.version, r.detail;
    EXCEPTION
      WHEN SQLSTATE 'MN001' THEN
        GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
        RETURN QUERY SELECT i, 'duplicate_event'::text, 0, 0, d;
      WHEN SQLSTATE 'MN002' THEN
        GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
        RETURN QUERY SELECT i, 'duplicate_outbox'::text, 0, 0, d;
    END;
    i := i + 1;
  END LOOP;
END
$fn$;
`
  }
]

export const latestVersion: number = migrations[migrations.length - 1]?.version ?? 0

/** The tables the migrations create: a schema migrated to the latest version has every one. */
export const tables: ReadonlyArray<string> = [...new Set(migrations.flatMap((m) => [...m.sql.matchAll(/CREATE TABLE (\w+)/g)].map((c) => c[1]!)))]
