// SQLite store throughput. Appends/s = hz (× BATCH for batched appends). Due timers among 1M open
// ones: the adapter's indexed claim against a full scan of the same table, in the same process.
import { fdatasyncSync, mkdtempSync, openSync, writeSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { EventStore, Timers } from "@minyi/core"
import type { Storage } from "@minyi/core"
import { make } from "@minyi/store-sqlite"
import { batch, newEvent, T0, timerSpec } from "@minyi/testkit"
import Database from "better-sqlite3"
import { Context, Effect, Scope } from "effect"
import { bench, describe } from "vitest"

const dir = mkdtempSync(join(tmpdir(), "minyi-sqlite-bench-"))
const scope = Effect.runSync(Scope.make())
const open = (name: string, synchronous: "FULL" | "NORMAL" = "FULL"): Context.Context<Storage> =>
  Effect.runSync(Scope.provide(make({ path: join(dir, name), synchronous }), scope))

const appender = (ctx: Context.Context<Storage>, perBatch: number, callers: number) => {
  const store = Context.get(ctx, EventStore)
  let n = 0
  const one = Effect.suspend(() => {
    const id = `p${n++}`
    return store.append(batch(id, 0, Array.from({ length: perBatch }, (_, k) => newEvent(`${id}-${k}`))))
  })
  const round = Effect.all(Array.from({ length: callers }, () => one), { concurrency: "unbounded", discard: true })
  return () => Effect.runPromise(round)
}

// Each iteration is `callers` concurrent appends: appends/s = hz × callers (× BATCH events).
const BATCH = 100
const CALLERS = 32
describe("append", () => {
  bench("1 event per append, 1 caller, synchronous=FULL", appender(open("full.db"), 1, 1), { time: 3000 })
  bench(`1 event per append, ${CALLERS} concurrent callers, synchronous=FULL`, appender(open("full-group.db"), 1, CALLERS), { time: 3000 })
  bench("1 event per append, 1 caller, synchronous=NORMAL", appender(open("normal.db", "NORMAL"), 1, 1), { time: 3000 })
  bench(`${BATCH} events per append, 1 caller, synchronous=FULL`, appender(open("batched.db"), BATCH, 1), { time: 3000 })
  // What the disk allows: a durable commit cannot be faster than one fdatasync. The probe
  // rewrites the same block, as SQLite rewrites its WAL after each checkpoint.
  const probe = openSync(join(dir, "fsync-probe"), "w")
  const block = Buffer.alloc(4096, 0x61)
  bench("baseline: 4 KiB rewrite + fdatasync", () => {
    writeSync(probe, block, 0, block.length, 0)
    fdatasyncSync(probe)
  }, { time: 3000 })
})

// 10k petitions of 20 events each; read one at random.
const reading = open("read.db", "NORMAL")
const readStore = Context.get(reading, EventStore)
await Effect.runPromise(
  Effect.forEach(Array.from({ length: 10_000 }, (_, p) => p), (p) =>
    readStore.append(batch(`r${p}`, 0, Array.from({ length: 20 }, (_, k) => newEvent(`r${p}-${k}`)))), { concurrency: 64, discard: true })
)
let r = 0
describe("read", () => {
  bench("readStream of a 20-event petition (10k petitions stored)", () => {
    Effect.runSync(readStore.readStream(`r${(r = (r * 7919 + 1) % 10_000)}`))
  }, { time: 2000 })
})

// 1M open timers due over the next year; each iteration makes 10 of them due, claims and completes them.
const OPEN = 1_000_000
const BACKLOG = 200_000
const timersPath = join(dir, "timers.db")
const timerCtx = open("timers.db", "NORMAL")
const timers = Context.get(timerCtx, Timers)
{
  const raw = new Database(timersPath)
  const insert = raw.prepare("INSERT INTO timers (stream_id, key, due_at, payload, available_at) VALUES (?, 'clock:handle', ?, '{}', ?)")
  raw.transaction(() => {
    for (let i = 0; i < OPEN; i++) {
      const due = T0 + 3_600_000 + ((i * 2_654_435_761) % 31_536_000_000)
      insert.run(`open-${i}`, due, due)
    }
    // A backlog of already-due timers, drained 10 per iteration by the "10 due" case.
    for (let i = 0; i < BACKLOG; i++) insert.run(`due-${i}`, T0 - BACKLOG + i, T0 - BACKLOG + i)
  })()
  raw.close()
}
const scan = new Database(timersPath, { readonly: true }).prepare(
  "SELECT stream_id, key FROM timers NOT INDEXED WHERE available_at <= ? ORDER BY available_at LIMIT 10"
)
let round = 0
describe(`due timers among ${OPEN.toLocaleString("en")} open`, () => {
  bench("claimDue, nothing due (index)", () => {
    Effect.runSync(timers.claimDue({ now: T0 - BACKLOG - 10, limit: 100, leaseMs: 60_000, workerId: "w" }))
  }, { time: 2000 })
  bench("claimDue of 10 due (index)", () => {
    Effect.runSync(timers.claimDue({ now: T0, limit: 10, leaseMs: 86_400_000, workerId: "w" }))
  }, { time: 1000 })
  bench("schedule 10 due + claimDue + complete (index)", () => {
    const k = round++
    Effect.runSync(timers.schedule(Array.from({ length: 10 }, (_, i) => timerSpec(`new-${k}-${i}`, "clock:a", T0 - BACKLOG - 1))))
    const claimed = Effect.runSync(timers.claimDue({ now: T0 - BACKLOG - 1, limit: 100, leaseMs: 60_000, workerId: "w" }))
    for (const c of claimed) Effect.runSync(timers.complete(c))
  }, { time: 2000 })
  bench("baseline: full scan, nothing due", () => {
    scan.all(T0 - BACKLOG - 10)
  }, { time: 2000, iterations: 5 })
})
