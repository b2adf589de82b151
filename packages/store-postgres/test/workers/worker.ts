/**
 * A separate process with its own pool, for the multi-process tests. Reports on stdout, one
 * line per acknowledged operation (pipes are synchronous on Linux, so a line printed is a line
 * the parent gets, even if the process is killed right after).
 *
 *   claim  — claims due timers until none are left; prints "CLAIMED <stream> <key>" per completion
 *   append — appends to random streams forever; prints "ACK <stream> <version> <eventId>…"
 *   fire   — claims due timers forever, appends a TimerFired event (idempotent per timer) and
 *            completes the timer; prints "FIRED …" / "COMPLETED …"
 *   relay  — claims outbox messages forever, "delivers" them (prints "DELIVERED <id>") and acks
 */
import { randomUUID } from "node:crypto"
import { Effect, Exit, Scope } from "effect"
import { make } from "../../src/index.js"
import type { PgStore } from "../../src/index.js"

interface Args {
  readonly mode: "claim" | "append" | "fire" | "relay"
  readonly url: string
  readonly schema: string
  readonly workerId: string
  readonly streams?: ReadonlyArray<string>
  readonly leaseMs?: number
  readonly until?: "empty" | "forever"
  /** Wait for a line on stdin before working, so that several workers start together. */
  readonly waitForGo?: boolean
}

const args = JSON.parse(process.argv[2] ?? "{}") as Args
const say = (line: string) => process.stdout.write(line + "\n")
const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromiseExit(effect)

const claimAll = async (store: PgStore) => {
  for (;;) {
    const exit = await run(store.timers.claimDue({ now: 1_000, limit: 50, leaseMs: 3_600_000, workerId: args.workerId }))
    if (Exit.isFailure(exit)) throw new Error(String(exit.cause))
    if (exit.value.length === 0) return
    const lines: Array<string> = []
    for (const claim of exit.value) {
      const done = await run(store.timers.complete(claim))
      if (Exit.isSuccess(done)) lines.push(`CLAIMED ${claim.streamId} ${claim.key}`)
    }
    say(lines.join("\n"))
  }
}

const appendForever = async (store: PgStore) => {
  const streams = args.streams ?? []
  for (;;) {
    const streamId = streams[Math.floor(Math.random() * streams.length)]!
    const events = await run(store.eventStore.readStream(streamId))
    if (Exit.isFailure(events)) continue
    const version = events.value.length
    const count = 1 + Math.floor(Math.random() * 3)
    const ids = Array.from({ length: count }, () => `${streamId}:${randomUUID()}`)
    const result = await run(
      store.eventStore.append({
        streamId,
        expectedVersion: version,
        events: ids.map((eventId) => ({ eventId, type: "Noted", at: Date.now(), data: { by: args.workerId } })),
        outbox: [
          {
            id: `${ids[0]}:notify`,
            streamId,
            idempotencyKey: `${ids[0]}:notify`,
            channel: "sms",
            recipient: "leader.1",
            payload: { version: version + count },
            createdAt: 0
          }
        ],
        timers: { schedule: [{ streamId, key: `t-${version + count}`, dueAt: 0, payload: null }], cancel: [] }
      })
    )
    if (Exit.isSuccess(result)) say(`ACK ${streamId} ${version + 1} ${ids.join(" ")}`)
  }
}

const fire = async (store: PgStore) => {
  const leaseMs = args.leaseMs ?? 300
  for (;;) {
    const exit = await run(store.timers.claimDue({ now: Date.now(), limit: 10, leaseMs, workerId: args.workerId }))
    if (Exit.isFailure(exit)) continue
    if (exit.value.length === 0) {
      if (args.until === "empty") {
        const next = await run(store.timers.nextDueAt())
        if (Exit.isSuccess(next) && next.value._tag === "None") return
      }
      await new Promise((r) => setTimeout(r, 20))
      continue
    }
    for (const claim of exit.value) {
      // The idempotency key makes the firing happen once however often the timer is claimed
      // (a worker killed after appending but before completing leaves it to be claimed again).
      for (;;) {
        const events = await run(store.eventStore.readStream(claim.streamId))
        if (Exit.isFailure(events)) continue
        const appended = await run(
          store.eventStore.append({
            streamId: claim.streamId,
            expectedVersion: events.value.length,
            idempotencyKey: `timer:${claim.streamId}:${claim.key}:${claim.dueAt}`,
            events: [{ eventId: `${claim.streamId}:fired:${randomUUID()}`, type: "TimerFired", at: Date.now(), data: { key: claim.key } }],
            outbox: [],
            timers: { schedule: [], cancel: [] }
          })
        )
        if (Exit.isSuccess(appended)) {
          if (!appended.value.replayed) say(`FIRED ${claim.streamId} ${claim.key}`)
          break
        }
      }
      const done = await run(store.timers.complete(claim))
      if (Exit.isSuccess(done)) say(`COMPLETED ${claim.streamId} ${claim.key}`)
    }
  }
}

const relay = async (store: PgStore) => {
  const leaseMs = args.leaseMs ?? 300
  for (;;) {
    const exit = await run(store.outbox.claim({ now: Date.now(), limit: 10, leaseMs, workerId: args.workerId }))
    if (Exit.isFailure(exit)) continue
    if (exit.value.length === 0) {
      const pending = await run(store.outbox.pendingCount())
      if (args.until === "empty" && Exit.isSuccess(pending) && pending.value === 0) return
      await new Promise((r) => setTimeout(r, 20))
      continue
    }
    for (const claim of exit.value) {
      // Delivery happens before the ack: a kill in between means a second delivery (at least
      // once), which the receiver drops by the idempotency key.
      say(`DELIVERED ${claim.message.id}`)
      await run(store.outbox.ack(claim.message.id, claim.token))
    }
  }
}

const main = async () => {
  const scope = Effect.runSync(Scope.make())
  const store = await Effect.runPromise(Scope.provide(scope)(make({ connectionString: args.url, schema: args.schema, poolSize: 2 })))
  say("READY")
  if (args.waitForGo === true) {
    await new Promise((resolve) => process.stdin.once("data", resolve))
    process.stdin.destroy()
  }
  if (args.mode === "claim") await claimAll(store)
  else if (args.mode === "append") await appendForever(store)
  else if (args.mode === "relay") await relay(store)
  else await fire(store)
  await Effect.runPromise(Scope.close(scope, Exit.void))
  say("DONE")
}

main().catch((error) => {
  process.stderr.write(String(error) + "\n")
  process.exit(1)
})
