/**
 * Child process of the crash test. Against the store at argv[2] it runs, interleaved, until the
 * parent kills it with SIGKILL:
 * - appends (new streams, three versions each, each scheduling the stream's timer), printing
 *   `ack <eventId>` after the commit;
 * - ticks: claims due timers and records each firing with an idempotency key, printing
 *   `fired <firing key>` after the commit, then completes the timer;
 * - outbox delivery: claims messages, prints `deliver <id>` (the "send"), then acks.
 */
import { writeSync } from "node:fs"
import { EventStore, Outbox, Timers } from "@minyi/core"
import type { StoreError } from "@minyi/core"
import { layer } from "@minyi/store-sqlite"
import { batch, newEvent, outboxMessage, summary, timerSpec } from "@minyi/testkit"
import { Effect } from "effect"

const [path, life] = process.argv.slice(2) as [string, string]
// process.stdout may buffer a pipe write that a SIGKILL then drops; a "deliver" line lost that way
// would look like a lost notification. Write synchronously, waiting out a full pipe.
const say = (line: string) =>
  Effect.sync(() => {
    const bytes = Buffer.from(`${line}\n`)
    for (let written = 0; written < bytes.length; ) {
      try {
        written += writeSync(1, bytes, written)
      } catch (e) {
        if ((e as { code?: string }).code !== "EAGAIN") throw e
      }
    }
  })
const LEASE_MS = 40

const appending = Effect.gen(function* () {
  const store = yield* EventStore
  for (let k = 0; ; k++) {
    const streamId = `${life}-s${k}`
    for (let v = 0; v < 3; v++) {
      const eventId = `${streamId}-e${v + 1}`
      const dueAt = Date.now()
      // The ticker appends to the same streams: on a conflict, read the version again.
      for (;;) {
        const current = (yield* store.readStream(streamId)).length
        const appended = yield* Effect.result(
          store.append(
            batch(streamId, current, [newEvent(eventId)], {
              outbox: [outboxMessage(`${eventId}-m`, streamId)],
              timers: { schedule: [timerSpec(streamId, "clock:a", dueAt, { version: v + 1 })], cancel: [] },
              summary: summary(streamId, { data: { version: v + 1, dueAt } })
            })
          )
        )
        if (appended._tag === "Success") break
        if (appended.failure._tag !== "VersionConflict") return yield* Effect.fail(appended.failure)
      }
      yield* say(`ack ${eventId}`)
    }
  }
})

const ticking = Effect.gen(function* () {
  const store = yield* EventStore
  const timers = yield* Timers
  for (;;) {
    const claims = yield* timers.claimDue({ now: Date.now(), limit: 5, leaseMs: LEASE_MS, workerId: life })
    for (const claim of claims) {
      const firing = `fire:${claim.streamId}:${claim.key}:${claim.dueAt}`
      for (;;) {
        const current = (yield* store.readStream(claim.streamId)).length
        const fired = yield* Effect.result(
          store.append(batch(claim.streamId, current, [newEvent(`${firing}:${life}`, "Fired")], { idempotencyKey: firing }))
        )
        if (fired._tag === "Success") break
        if (fired.failure._tag !== "VersionConflict") return yield* Effect.fail(fired.failure)
      }
      yield* say(`fired ${firing}`)
      yield* Effect.ignore(timers.complete(claim))
    }
    yield* Effect.sleep(2)
  }
})

const delivering = Effect.gen(function* () {
  const outbox = yield* Outbox
  for (;;) {
    const claims = yield* outbox.claim({ now: Date.now(), limit: 5, leaseMs: LEASE_MS, workerId: life })
    for (const claim of claims) {
      yield* say(`deliver ${claim.message.id}`)
      yield* Effect.ignore(outbox.ack(claim.message.id, claim.token))
    }
    yield* Effect.sleep(2)
  }
})

const program: Effect.Effect<void, unknown, EventStore | Timers | Outbox> = Effect.gen(function* () {
  yield* Effect.all([appending, ticking, delivering] as Array<Effect.Effect<unknown, StoreError | unknown, EventStore | Timers | Outbox>>, {
    concurrency: "unbounded"
  })
})

Effect.runPromise(Effect.scoped(Effect.provide(program, layer({ path })))).catch((e) => {
  process.stderr.write(`${String(e)}\n`)
  process.exit(1)
})
