// PostgreSQL store throughput (needs MINYI_PG_URL; scripts/pg-start.sh starts a server).
// Appends/s = hz × callers (concurrent appends share a commit: see makeGroupCommit in @minyi/core). Due timers among 1M open: the adapter's indexed claim against a
// sequential scan of the same table, in the same process.
import { batch, newEvent, T0 } from "@minyi/testkit"
import { Effect, Exit, Scope } from "effect"
import pg from "pg"
import { afterAll, bench, describe } from "vitest"
import { make } from "../src/index.js"
import type { PgStore } from "../src/index.js"

const url = process.env.MINYI_PG_URL
if (url === undefined || url === "") {
  throw new Error('The PostgreSQL benchmarks need MINYI_PG_URL: eval "$(scripts/pg-start.sh)"')
}

const admin = new pg.Client({ connectionString: url })
await admin.connect()
// Leftovers of an interrupted run.
for (const row of (await admin.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'minyi_bench_%'")).rows) {
  await admin.query(`DROP SCHEMA ${row.nspname} CASCADE`)
}

const scope = Effect.runSync(Scope.make())
const schemas: Array<string> = []
const openAsync = (name: string, poolSize: number, synchronousCommit = true): Promise<PgStore> => {
  const schema = `minyi_bench_${name}`
  if (!schemas.includes(schema)) schemas.push(schema)
  return Effect.runPromise(Scope.provide(make({ connectionString: url, schema, poolSize, synchronousCommit }), scope))
}

afterAll(async () => {
  await Effect.runPromise(Scope.close(scope, Exit.void))
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  await admin.end()
})

const appender = (store: PgStore, callers: number) => {
  const es = store.eventStore
  let n = 0
  const one = Effect.suspend(() => {
    const id = `p${n++}`
    return es.append(batch(id, 0, [newEvent(`${id}-e`)]))
  })
  const round = Effect.all(Array.from({ length: callers }, () => one), { concurrency: "unbounded" })
  return async () => {
    await Effect.runPromise(round)
  }
}

const one = await openAsync("append1", 1)
const eight = await openAsync("append8", 8)
const oneAsync = await openAsync("append1_async", 1, false)
const eightAsync = await openAsync("append8_async", 8, false)
const CALLERS = 32
const grouped = await openAsync("append1_group", 1)
describe("append", () => {
  bench("1 event per append, 1 connection", appender(one, 1), { time: 3000 })
  bench(`1 event per append, 1 connection, ${CALLERS} concurrent callers (group commit)`, appender(grouped, CALLERS), { time: 3000 })
  bench("1 event per append, 8 connections, 8 concurrent callers", appender(eight, 8), { time: 3000 })
  bench("1 event per append, 1 connection, synchronousCommit: false", appender(oneAsync, 1), { time: 3000 })
  bench("1 event per append, 8 connections, 8 concurrent callers, synchronousCommit: false", appender(eightAsync, 8), { time: 3000 })
})

// 10k petitions of 20 events each (200k events); read one at random.
const reading = await openAsync("read", 4)
await admin.query(
  `INSERT INTO minyi_bench_read.minyi_events (position, event_id, stream_id, version, type, at, data)
   SELECT (p * 20 + v + 1), 'r' || p || '-' || v, 'r' || p, v + 1, 'Noted', ${T0}, $1::jsonb
     FROM generate_series(0, 9999) p, generate_series(0, 19) v`,
  [JSON.stringify(newEvent("x").data)]
)
await admin.query("INSERT INTO minyi_bench_read.minyi_streams SELECT 'r' || p, 20 FROM generate_series(0, 9999) p")
await admin.query("ANALYZE minyi_bench_read.minyi_events")
let r = 0
describe("read", () => {
  bench("readStream of a 20-event petition (10k petitions, 200k events)", async () => {
    await Effect.runPromise(reading.eventStore.readStream(`r${(r = (r * 7919 + 1) % 10_000)}`))
  }, { time: 2000 })
})

// 4 workers, each its own pool (as 4 engine instances), claiming and completing due timers
// from a backlog of 600k: timers/s = hz × 4 × 100.
const claimers = await Promise.all([0, 1, 2, 3].map(() => openAsync("claim", 2)))
await admin.query(
  `INSERT INTO minyi_bench_claim.minyi_timers (stream_id, key, due_at, payload, ready_at)
   SELECT 'p' || i, 'clock:handle', ${T0} - 600000 + i, '{}'::jsonb, ${T0} - 600000 + i FROM generate_series(0, 599999) i`
)
await admin.query("ANALYZE minyi_bench_claim.minyi_timers")
const claimRound = Effect.all(
  claimers.map((store, w) =>
    Effect.flatMap(store.timers.claimDue({ now: T0, limit: 100, leaseMs: 60_000, workerId: `w${w}` }), (claims) =>
      Effect.forEach(claims, (c) => store.timers.complete(c), { concurrency: 2, discard: true })
    )
  ),
  { concurrency: "unbounded" }
)
const claimOnly = Effect.all(
  claimers.map((store, w) => store.timers.claimDue({ now: T0, limit: 100, leaseMs: 600_000, workerId: `w${w}` })),
  { concurrency: "unbounded" }
)
describe("claim due timers", () => {
  bench("4 workers × claimDue(100) (SKIP LOCKED)", async () => {
    await Effect.runPromise(claimOnly)
  }, { time: 3000 })
  bench("4 workers × claimDue(100) + complete each", async () => {
    await Effect.runPromise(claimRound)
  }, { time: 3000 })
})

// 1M open timers due over the next year, and a backlog of 100k due ones.
const OPEN = 1_000_000
const due = await openAsync("due", 2)
await admin.query(
  `INSERT INTO minyi_bench_due.minyi_timers (stream_id, key, due_at, payload, ready_at)
   SELECT 'open-' || i, 'clock:handle', d, '{}'::jsonb, d
     FROM (SELECT i, ${T0} + 3600000 + ((i::bigint * 2654435761) % 31536000000) AS d FROM generate_series(0, ${OPEN - 1}) i) x`
)
await admin.query(
  `INSERT INTO minyi_bench_due.minyi_timers (stream_id, key, due_at, payload, ready_at)
   SELECT 'due-' || i, 'clock:handle', ${T0} - 100000 + i, '{}'::jsonb, ${T0} - 100000 + i FROM generate_series(0, 99999) i`
)
await admin.query("VACUUM ANALYZE minyi_bench_due.minyi_timers")
const scanner = new pg.Client({ connectionString: url })
await scanner.connect()
await scanner.query("SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off; SET max_parallel_workers_per_gather = 0")
afterAll(() => scanner.end())
const findDue = "SELECT stream_id, key FROM minyi_bench_due.minyi_timers WHERE NOT done AND ready_at <= $1 ORDER BY ready_at LIMIT 10"
let k = 0
describe(`due timers among ${OPEN.toLocaleString("en")} open`, () => {
  bench("claimDue, nothing due (partial index)", async () => {
    await Effect.runPromise(due.timers.claimDue({ now: T0 - 100_001, limit: 100, leaseMs: 60_000, workerId: "w" }))
  }, { time: 2000 })
  bench("claimDue + complete, 10 due (partial index)", async () => {
    await Effect.runPromise(
      Effect.flatMap(due.timers.claimDue({ now: T0 - 100_000 + (k += 10), limit: 10, leaseMs: 60_000, workerId: "w" }), (claims) =>
        Effect.forEach(claims, (c) => due.timers.complete(c), { discard: true })
      )
    )
  }, { time: 2000 })
  bench("baseline: the same query as a sequential scan", async () => {
    await scanner.query(findDue, [T0 - 100_001])
  }, { time: 2000 })
})
