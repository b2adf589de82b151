import { emptyRegistry, Engine, engineLayer, EventStore, loadRulePack, Notifiers, Outbox, publish, Queries, rulePackPresets, sampleDirectory, Timers } from "@minyi/core"
import { retryDelay } from "@minyi/core/adapter"
import type { Handled, InvalidInput, OpenError, PetitionSummary, RetryPolicy, Storage, StoredEvent, SubmitInput } from "@minyi/core"
import type { ClaimedMessage, ClaimedTimer, MetricDelta, MetricRow, MetricsRequest, RepeatEntry } from "@minyi/core/adapter"
import { Effect, Exit, Layer, Option, Redacted, Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { batch, MINUTE, newEvent, outboxMessage, summary, T0, timerSpec } from "./fixtures.js"

/** What an adapter can do beyond the common contract. The suite adds tests for each capability. */
export interface StoreCapabilities {
  /** Data survives closing the store and opening the same location again. */
  readonly durable: boolean
  /** Several store instances may be open on one location at once (connections, pools). */
  readonly concurrentWriters: boolean
  /** Several processes may share a location; process-level tests belong to the adapter. */
  readonly multiProcess: boolean
}

/** How the suite reaches an adapter. */
export interface StoreHarness {
  readonly name: string
  readonly capabilities: StoreCapabilities
  /** A location no test has used yet: a temporary file, a fresh schema; anything for memory stores. */
  readonly newLocation: () => string | Promise<string>
  /** Opens the store at a location; closing the layer's scope closes the store. */
  readonly open: (location: string, options: { readonly retry: RetryPolicy }) => Layer.Layer<Storage, OpenError | InvalidInput>
}

/** The retry policy every store opened by the suite gets, so backoff can be checked exactly. */
export const contractRetryPolicy: RetryPolicy = {
  initialDelayMs: 1_000,
  factor: 2,
  maxDelayMs: 60_000,
  maxAttempts: 4,
  jitter: 0.2
}

type Program<A> = Effect.Effect<A, unknown, Storage>

/**
 * The storage contract: EventStore, Timers, Outbox and Queries. Every adapter runs it in one line:
 * `storeContract({ name, capabilities, newLocation, open })`. Each test gets a fresh location.
 */
export const storeContract = (harness: StoreHarness): void => {
  const open = (location: string) => harness.open(location, { retry: contractRetryPolicy })
  const runAt = <A>(location: string, program: Program<A>): Promise<A> =>
    Effect.runPromise(Effect.scoped(Effect.provide(program, open(location))) as Effect.Effect<A, unknown>)
  const run = async <A>(program: Program<A>): Promise<A> => runAt(await harness.newLocation(), program)
  /** Runs the effect and returns its failure; fails the test if it succeeded. */
  const failureOf = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.flatMap(Effect.exit(effect), (exit) =>
      Exit.isFailure(exit)
        ? Effect.succeed(Option.getOrThrow(Exit.findErrorOption(exit)))
        : Effect.die(new Error(`expected a failure, got ${JSON.stringify(exit.value)}`))
    )

  describe(`${harness.name}: storage contract`, () => {
    describe("EventStore", () => {
      it("appends to a new stream and reads the events back in version order, data intact", () =>
        run(
          Effect.gen(function* () {
            const store = yield* EventStore
            const result = yield* store.append(batch("p1", 0, [newEvent("e1", "Submitted"), newEvent("e2", "Acknowledged", T0 + 1)]))
            expect(result).toEqual({ streamId: "p1", previousVersion: 0, version: 2, replayed: false })
            const more = yield* store.append(batch("p1", 2, [newEvent("e3")]))
            expect(more).toEqual({ streamId: "p1", previousVersion: 2, version: 3, replayed: false })
            const events = yield* store.readStream("p1")
            expect(events.map((e) => [e.eventId, e.version, e.type, e.at])).toEqual([
              ["e1", 1, "Submitted", T0],
              ["e2", 2, "Acknowledged", T0 + 1],
              ["e3", 3, "Noted", T0]
            ])
            expect(events[0]!.data).toEqual(newEvent("e1", "Submitted").data)
            expect(events.every((e) => e.streamId === "p1")).toBe(true)
            expect(events[1]!.position).toBeGreaterThan(events[0]!.position)
            expect(yield* store.readStream("unknown")).toEqual([])
          })
        ))

      it("reads only the events after a version, for a reader that kept the stream up to it", () =>
        run(
          Effect.gen(function* () {
            const store = yield* EventStore
            yield* store.append(batch("p1", 0, [newEvent("e1"), newEvent("e2"), newEvent("e3")]))
            expect((yield* store.readStream("p1", { afterVersion: 1 })).map((e) => [e.eventId, e.version])).toEqual([["e2", 2], ["e3", 3]])
            expect(yield* store.readStream("p1", { afterVersion: 3 })).toEqual([])
            expect((yield* store.readStream("p1", { afterVersion: 0 })).map((e) => e.eventId)).toEqual(["e1", "e2", "e3"])
            expect(yield* store.readStream("unknown", { afterVersion: 2 })).toEqual([])
          })
        ))

      it("refuses a stale expected version with VersionConflict and writes nothing", () =>
        run(
          Effect.gen(function* () {
            const store = yield* EventStore
            yield* store.append(batch("p1", 0, [newEvent("e1"), newEvent("e2")]))
            const stale = yield* failureOf(store.append(batch("p1", 1, [newEvent("e3")], { outbox: [outboxMessage("m1", "p1")] })))
            expect(stale).toMatchObject({ _tag: "VersionConflict", streamId: "p1", expectedVersion: 1, actualVersion: 2 })
            expect((stale as Error).message).toContain("p1")
            const recreate = yield* failureOf(store.append(batch("p1", 0, [newEvent("e4")])))
            expect(recreate).toMatchObject({ _tag: "VersionConflict", expectedVersion: 0, actualVersion: 2 })
            const ahead = yield* failureOf(store.append(batch("p2", 3, [newEvent("e5")])))
            expect(ahead).toMatchObject({ _tag: "VersionConflict", streamId: "p2", expectedVersion: 3, actualVersion: 0 })
            expect((yield* store.readStream("p1")).map((e) => e.eventId)).toEqual(["e1", "e2"])
            expect(yield* (yield* Outbox).pendingCount()).toBe(0)
          })
        ))

      it("returns the earlier result for a known idempotency key and writes nothing new", () =>
        run(
          Effect.gen(function* () {
            const store = yield* EventStore
            const first = yield* store.append(batch("p1", 0, [newEvent("e1")], { idempotencyKey: "submit:hotline:msg-1" }))
            expect(yield* store.findByIdempotencyKey("submit:hotline:msg-1")).toEqual(Option.some(first))
            // A retried submit carries a fresh petition id and event ids: the key alone decides.
            const again = yield* store.append(
              batch("p1-retry", 0, [newEvent("e1-retry")], { idempotencyKey: "submit:hotline:msg-1", outbox: [outboxMessage("m9", "p1-retry")] })
            )
            expect(again).toEqual({ ...first, replayed: true })
            expect(yield* store.readStream("p1-retry")).toEqual([])
            expect((yield* store.readAll(0, 100)).map((e) => e.eventId)).toEqual(["e1"])
            expect(yield* (yield* Outbox).pendingCount()).toBe(0)
            expect(yield* store.findByIdempotencyKey("submit:hotline:msg-2")).toEqual(Option.none())
          })
        ))

      it("writes nothing of a batch whose middle event id is already stored (atomicity)", () =>
        run(
          Effect.gen(function* () {
            const store = yield* EventStore
            yield* store.append(batch("p1", 0, [newEvent("e1")]))
            const doomed = batch("p2", 0, [newEvent("e2"), newEvent("e1"), newEvent("e3")], {
              idempotencyKey: "k-doomed",
              outbox: [outboxMessage("m1", "p2")],
              timers: { schedule: [timerSpec("p2", "clock:feedback", T0)], cancel: [] },
              summary: summary("p2")
            })
            const error = yield* failureOf(store.append(doomed))
            expect(error).toMatchObject({ _tag: "DuplicateId", kind: "event", id: "e1" })
            yield* expectNothingOf("p2", "k-doomed", "clock:feedback")
            // The same batch without the clash goes through: nothing half-written blocks it.
            const fixed = yield* store.append({ ...doomed, events: [newEvent("e2"), newEvent("e3")] })
            expect(fixed.version).toBe(2)
          })
        ))

      it("writes nothing of a batch with a duplicate outbox id, nor of one whose events repeat an id", () =>
        run(
          Effect.gen(function* () {
            const store = yield* EventStore
            yield* store.append(batch("p1", 0, [newEvent("e1")], { outbox: [outboxMessage("m1", "p1")] }))
            const clash = yield* failureOf(
              store.append(
                batch("p2", 0, [newEvent("e2")], {
                  idempotencyKey: "k2",
                  outbox: [outboxMessage("m2", "p2"), outboxMessage("m1", "p2")],
                  timers: { schedule: [timerSpec("p2", "t", T0)], cancel: [] },
                  summary: summary("p2")
                })
              )
            )
            expect(clash).toMatchObject({ _tag: "DuplicateId", kind: "outbox", id: "m1" })
            const twice = yield* failureOf(store.append(batch("p2", 0, [newEvent("e2"), newEvent("e2")], { idempotencyKey: "k2" })))
            expect(twice).toMatchObject({ _tag: "DuplicateId", kind: "event", id: "e2" })
            yield* expectNothingOf("p2", "k2", "t")
            expect(yield* (yield* Outbox).pendingCount()).toBe(1)
          })
        ))

      it("rejects a malformed batch with InvalidInput naming every bad field, and writes nothing", () =>
        run(
          Effect.gen(function* () {
            const store = yield* EventStore
            const bad = {
              ...batch("p1", -1, [newEvent("e1"), { ...newEvent("e2"), at: "yesterday" as never }]),
              outbox: [{ ...outboxMessage("m1", "p1"), channel: "" }],
              summary: { ...summary("p1"), tier: "high" }
            }
            const error = yield* failureOf(store.append(bad as never))
            expect(error).toMatchObject({ _tag: "InvalidInput" })
            const paths = (error as { problems: ReadonlyArray<{ path: string; message: string }> }).problems.map((p) => p.path)
            expect(paths).toEqual(expect.arrayContaining(["/expectedVersion", "/events/1/at", "/outbox/0/channel", "/summary/tier"]))
            expect((error as Error).message).toContain("/events/1/at")
            yield* expectNothingOf("p1", "none", "none")
          })
        ))

      it("reads all events in global position order, in pages", () =>
        run(
          Effect.gen(function* () {
            const store = yield* EventStore
            const order: Array<string> = []
            const versions = new Map<string, number>()
            for (let i = 0; i < 12; i++) {
              const stream = `p${i % 3}`
              const v = versions.get(stream) ?? 0
              const ids = [`e${i}a`, `e${i}b`]
              yield* store.append(batch(stream, v, ids.map((id) => newEvent(id))))
              versions.set(stream, v + 2)
              order.push(...ids)
            }
            const all = yield* store.readAll(0, 1000)
            expect(all.map((e) => e.eventId)).toEqual(order)
            expectIncreasing(all.map((e) => e.position))
            const paged: Array<StoredEvent> = []
            let after = 0
            for (;;) {
              const page = yield* store.readAll(after, 5)
              expect(page.length).toBeLessThanOrEqual(5)
              if (page.length === 0) break
              paged.push(...page)
              after = page[page.length - 1]!.position
            }
            expect(paged).toEqual(all)
            for (const stream of ["p0", "p1", "p2"]) {
              expect((yield* store.readStream(stream)).map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
            }
            expect(yield* store.readAll(all[all.length - 1]!.position, 10)).toEqual([])
          })
        ))

      it("accepts a batch without events (timers, outbox, summary only) at the current version", () =>
        run(
          Effect.gen(function* () {
            const store = yield* EventStore
            yield* store.append(batch("p1", 0, [newEvent("e1")]))
            const result = yield* store.append(
              batch("p1", 1, [], { timers: { schedule: [timerSpec("p1", "clock:x", T0)], cancel: [] }, summary: summary("p1") })
            )
            expect(result).toEqual({ streamId: "p1", previousVersion: 1, version: 1, replayed: false })
            expect(Option.isSome(yield* (yield* Timers).get({ streamId: "p1", key: "clock:x" }))).toBe(true)
            expect(Option.isSome(yield* (yield* Queries).get("p1"))).toBe(true)
            const stale = yield* failureOf(store.append(batch("p1", 0, [])))
            expect(stale).toMatchObject({ _tag: "VersionConflict", actualVersion: 1 })
          })
        ))

      it("lets exactly one of many concurrent appends at the same version win", () =>
        run(
          Effect.gen(function* () {
            const store = yield* EventStore
            yield* store.append(batch("p1", 0, [newEvent("e0")]))
            const results = yield* Effect.all(
              Array.from({ length: 8 }, (_, i) => Effect.exit(store.append(batch("p1", 1, [newEvent(`race-${i}`)])))),
              { concurrency: "unbounded" }
            )
            expect(results.filter(Exit.isSuccess).length).toBe(1)
            for (const r of results.filter(Exit.isFailure)) {
              expect(Option.getOrThrow(Exit.findErrorOption(r))).toMatchObject({ _tag: "VersionConflict" })
            }
            expect((yield* store.readStream("p1")).map((e) => e.version)).toEqual([1, 2])
          })
        ))
      it("keeps concurrent appends independent: one refused batch takes none of the others with it", () =>
        run(
          Effect.gen(function* () {
            const store = yield* EventStore
            yield* store.append(batch("p0", 0, [newEvent("taken")]))
            const results = yield* Effect.all(
              Array.from({ length: 10 }, (_, i) =>
                Effect.exit(
                  store.append(
                    batch(`q${i}`, 0, [newEvent(`q${i}-1`), newEvent(i === 5 ? "taken" : `q${i}-2`)], {
                      outbox: [outboxMessage(`q${i}-m`, `q${i}`)],
                      summary: summary(`q${i}`)
                    })
                  )
                )
              ),
              { concurrency: "unbounded" }
            )
            results.forEach((r, i) => expect(Exit.isSuccess(r)).toBe(i !== 5))
            expect(Option.getOrThrow(Exit.findErrorOption(results[5] as Exit.Exit<unknown, unknown>))).toMatchObject({ _tag: "DuplicateId", id: "taken" })
            yield* expectNothingOf("q5", "none", "none")
            for (const i of [0, 4, 6, 9]) expect((yield* store.readStream(`q${i}`)).length).toBe(2)
            expect(yield* (yield* Outbox).pendingCount()).toBe(9)
          })
        ))
    })

    describe("Timers", () => {
      it("schedules through appends and directly, replaces by (stream, key), and cancels", () =>
        run(
          Effect.gen(function* () {
            const store = yield* EventStore
            const timers = yield* Timers
            yield* store.append(
              batch("p1", 0, [newEvent("e1")], {
                timers: { schedule: [timerSpec("p1", "clock:feedback", T0 + 10 * MINUTE), timerSpec("p1", "clock:contact", T0 + 30 * MINUTE)], cancel: [] }
              })
            )
            yield* timers.schedule([timerSpec("p2", "clock:feedback", T0 + 5 * MINUTE, { note: "直接" })])
            expect(yield* timers.get({ streamId: "p2", key: "clock:feedback" })).toEqual(
              Option.some(timerSpec("p2", "clock:feedback", T0 + 5 * MINUTE, { note: "直接" }))
            )
            // Same key again: replaced, not added.
            yield* timers.schedule([timerSpec("p1", "clock:feedback", T0 + 60 * MINUTE)])
            const due = yield* timers.claimDue({ now: T0 + 10 * MINUTE, limit: 10, leaseMs: MINUTE, workerId: "w" })
            expect(due).toMatchObject([{ streamId: "p2", key: "clock:feedback" }])
            yield* timers.complete(due[0]!)
            yield* store.append(batch("p1", 1, [], { timers: { schedule: [], cancel: [{ streamId: "p1", key: "clock:contact" }] } }))
            yield* timers.cancel({ streamId: "p1", key: "clock:feedback" })
            yield* timers.cancel({ streamId: "p1", key: "never-scheduled" })
            expect(yield* timers.get({ streamId: "p1", key: "clock:contact" })).toEqual(Option.none())
            expect(yield* timers.claimDue({ now: T0 + 1000 * MINUTE, limit: 10, leaseMs: MINUTE, workerId: "w" })).toEqual([])
          })
        ))

      it("claims only due timers, earliest first, at most `limit`, with their payload", () =>
        run(
          Effect.gen(function* () {
            const timers = yield* Timers
            yield* timers.schedule([5, 1, 4, 2, 3, 9].map((m) => timerSpec(`p${m}`, "clock:a", T0 + m * MINUTE, { m, 中: "文" })))
            const first = yield* timers.claimDue({ now: T0 + 4 * MINUTE, limit: 3, leaseMs: MINUTE, workerId: "w1" })
            expect(first.map((t) => t.dueAt)).toEqual([1, 2, 3].map((m) => T0 + m * MINUTE))
            expect(first[0]).toMatchObject({ streamId: "p1", key: "clock:a", payload: { m: 1, 中: "文" }, workerId: "w1", leaseUntil: T0 + 5 * MINUTE })
            expect(new Set(first.map((t) => t.token)).size).toBe(3)
            const second = yield* timers.claimDue({ now: T0 + 4 * MINUTE, limit: 3, leaseMs: MINUTE, workerId: "w1" })
            expect(second.map((t) => t.streamId)).toEqual(["p4"])
          })
        ))

      it("hands out timers and messages in the order they became claimable: one due since T0 before one whose lease lapsed at T0 + 1", () =>
        run(
          Effect.gen(function* () {
            // Found by the reference-model test: PostgreSQL's UPDATE … RETURNING does not keep the
            // order in which the rows were picked.
            const timers = yield* Timers
            yield* timers.schedule([timerSpec("p1", "k", T0)])
            expect((yield* timers.claimDue({ now: T0, limit: 10, leaseMs: 1, workerId: "w1" })).map((t) => t.streamId)).toEqual(["p1"])
            yield* timers.schedule([timerSpec("p4", "k", T0)])
            const timersAgain = yield* timers.claimDue({ now: T0 + 1, limit: 10, leaseMs: MINUTE, workerId: "w2" })
            expect(timersAgain.map((t) => t.streamId)).toEqual(["p4", "p1"])

            const outbox = yield* Outbox
            const store = yield* EventStore
            yield* store.append(batch("p9", 0, [newEvent("e1")], { outbox: [outboxMessage("m1", "p9", T0)] }))
            expect((yield* outbox.claim({ now: T0, limit: 10, leaseMs: 1, workerId: "r1" })).map((c) => c.message.id)).toEqual(["m1"])
            yield* store.append(batch("p9", 1, [newEvent("e2")], { outbox: [outboxMessage("m2", "p9", T0)] }))
            const messagesAgain = yield* outbox.claim({ now: T0 + 1, limit: 10, leaseMs: MINUTE, workerId: "r2" })
            expect(messagesAgain.map((c) => c.message.id)).toEqual(["m2", "m1"])
          })
        ))

      it("orders by when a row became claimable, not by its due time or creation: a lapsed lease of an early timer comes after a later timer due before the lapse", () =>
        run(
          Effect.gen(function* () {
            const timers = yield* Timers
            yield* timers.schedule([timerSpec("early", "k", T0), timerSpec("later", "k", T0 + 1)])
            expect((yield* timers.claimDue({ now: T0, limit: 10, leaseMs: 2, workerId: "w1" })).map((t) => t.streamId)).toEqual(["early"])
            // "later" has been claimable since T0 + 1, "early" again only since its lease lapsed at T0 + 2.
            const again = yield* timers.claimDue({ now: T0 + 2, limit: 10, leaseMs: MINUTE, workerId: "w2" })
            expect(again.map((t) => t.streamId)).toEqual(["later", "early"])

            const outbox = yield* Outbox
            const store = yield* EventStore
            yield* store.append(batch("q1", 0, [newEvent("f1")], { outbox: [outboxMessage("n-early", "q1", T0)] }))
            expect((yield* outbox.claim({ now: T0, limit: 10, leaseMs: 2, workerId: "r1" })).map((c) => c.message.id)).toEqual(["n-early"])
            yield* store.append(batch("q1", 1, [newEvent("f2")], { outbox: [outboxMessage("n-later", "q1", T0 + 1)] }))
            const messages = yield* outbox.claim({ now: T0 + 2, limit: 10, leaseMs: MINUTE, workerId: "r2" })
            expect(messages.map((c) => c.message.id)).toEqual(["n-later", "n-early"])
          })
        ))

      it("never re-hands a leased timer before its lease expires; a stale token cannot complete", () =>
        run(
          Effect.gen(function* () {
            const timers = yield* Timers
            yield* timers.schedule([timerSpec("p1", "clock:a", T0)])
            const [claim1] = yield* timers.claimDue({ now: T0, limit: 10, leaseMs: 5 * MINUTE, workerId: "w1" })
            expect(claim1).toBeDefined()
            expect(yield* timers.claimDue({ now: T0 + 5 * MINUTE - 1, limit: 10, leaseMs: MINUTE, workerId: "w2" })).toEqual([])
            // w1 crashed: its lease runs out and w2 takes the timer over.
            const [claim2] = yield* timers.claimDue({ now: T0 + 5 * MINUTE, limit: 10, leaseMs: MINUTE, workerId: "w2" })
            expect(claim2).toMatchObject({ streamId: "p1", key: "clock:a", workerId: "w2" })
            expect(claim2!.token).not.toBe(claim1!.token)
            const lost = yield* failureOf(timers.complete(claim1!))
            expect(lost).toMatchObject({ _tag: "LeaseLost", kind: "timer" })
            yield* timers.complete(claim2!)
            expect(yield* timers.get({ streamId: "p1", key: "clock:a" })).toEqual(Option.none())
            expect(yield* failureOf(timers.complete(claim2!))).toMatchObject({ _tag: "LeaseLost" })
          })
        ))

      it("completes a claim whose lease ran out if nobody took it over", () =>
        run(
          Effect.gen(function* () {
            const timers = yield* Timers
            yield* timers.schedule([timerSpec("p1", "clock:a", T0)])
            const [claim] = yield* timers.claimDue({ now: T0, limit: 1, leaseMs: MINUTE, workerId: "w1" })
            yield* timers.complete(claim!)
            expect(yield* timers.nextDueAt()).toEqual(Option.none())
          })
        ))

      it("drops the lease when a claimed timer is rescheduled or cancelled", () =>
        run(
          Effect.gen(function* () {
            const timers = yield* Timers
            yield* timers.schedule([timerSpec("p1", "clock:a", T0), timerSpec("p2", "clock:a", T0)])
            const claims = yield* timers.claimDue({ now: T0, limit: 10, leaseMs: 10 * MINUTE, workerId: "w1" })
            expect(claims.length).toBe(2)
            yield* timers.schedule([timerSpec("p1", "clock:a", T0 + MINUTE, { again: true })])
            yield* timers.cancel({ streamId: "p2", key: "clock:a" })
            for (const claim of claims) expect(yield* failureOf(timers.complete(claim))).toMatchObject({ _tag: "LeaseLost" })
            // The replacement is due at its own time, without waiting for the old lease.
            const again = yield* timers.claimDue({ now: T0 + MINUTE, limit: 10, leaseMs: MINUTE, workerId: "w2" })
            expect(again).toMatchObject([{ streamId: "p1", dueAt: T0 + MINUTE, payload: { again: true } }])
          })
        ))

      it("tells the scheduler when the next timer becomes claimable", () =>
        run(
          Effect.gen(function* () {
            const timers = yield* Timers
            expect(yield* timers.nextDueAt()).toEqual(Option.none())
            yield* timers.schedule([timerSpec("p1", "a", T0 + 3 * MINUTE), timerSpec("p2", "a", T0 + MINUTE), timerSpec("p3", "a", T0 + 9 * MINUTE)])
            expect(yield* timers.nextDueAt()).toEqual(Option.some(T0 + MINUTE))
            yield* timers.claimDue({ now: T0 + MINUTE, limit: 1, leaseMs: 5 * MINUTE, workerId: "w" })
            expect(yield* timers.nextDueAt()).toEqual(Option.some(T0 + 3 * MINUTE))
            yield* timers.claimDue({ now: T0 + 3 * MINUTE, limit: 1, leaseMs: MINUTE, workerId: "w" })
            // p3 at +9; p2's lease ends at +6 and p1's at +4: p1 is claimable first.
            expect(yield* timers.nextDueAt()).toEqual(Option.some(T0 + 4 * MINUTE))
          })
        ))

      it("rejects malformed timer specs with InvalidInput naming the field", () =>
        run(
          Effect.gen(function* () {
            const timers = yield* Timers
            const error = yield* failureOf(timers.schedule([timerSpec("p1", "a", T0), { ...timerSpec("p2", "", T0), dueAt: "soon" } as never]))
            expect(error).toMatchObject({ _tag: "InvalidInput" })
            const paths = (error as { problems: ReadonlyArray<{ path: string }> }).problems.map((p) => p.path)
            expect(paths).toEqual(expect.arrayContaining(["/1/key", "/1/dueAt"]))
            expect(yield* timers.get({ streamId: "p1", key: "a" })).toEqual(Option.none())
          })
        ))

      it("behaves like the reference model over random sequences of schedule, cancel, claim and complete", () =>
        fc.assert(
          fc.asyncProperty(fc.array(timerOp, { minLength: 1, maxLength: 40 }), (ops) =>
            run(
              Effect.gen(function* () {
                const timers = yield* Timers
                const model = new Map<string, { dueAt: number; token: string | undefined; until: number }>()
                const claims: Array<ClaimedTimer> = []
                const id = (streamId: string) => `${streamId}/k`
                for (const op of ops) {
                  if (op.op === "schedule") {
                    yield* timers.schedule([timerSpec(op.streamId, "k", T0 + op.at)])
                    model.set(id(op.streamId), { dueAt: T0 + op.at, token: undefined, until: T0 + op.at })
                  } else if (op.op === "cancel") {
                    yield* timers.cancel({ streamId: op.streamId, key: "k" })
                    model.delete(id(op.streamId))
                  } else if (op.op === "claim") {
                    const now = T0 + op.now
                    const got = yield* timers.claimDue({ now, limit: 100, leaseMs: op.leaseMs, workerId: "w" })
                    const expected = [...model.entries()].filter(([, t]) => t.until <= now).map(([k]) => k)
                    expect(got.map((c) => id(c.streamId)).sort()).toEqual(expected.sort())
                    expectIncreasingOrEqual(got.map((c) => model.get(id(c.streamId))!.until))
                    for (const c of got) model.set(id(c.streamId), { dueAt: c.dueAt, token: c.token, until: now + op.leaseMs })
                    claims.push(...got)
                  } else if (claims.length > 0) {
                    const claim = claims[op.pick % claims.length]!
                    const holds = model.get(id(claim.streamId))?.token === claim.token
                    const outcome = yield* Effect.exit(timers.complete(claim))
                    expect(Exit.isSuccess(outcome)).toBe(holds)
                    if (holds) model.delete(id(claim.streamId))
                  }
                  const earliest = Math.min(...[...model.values()].map((t) => t.until))
                  expect(yield* timers.nextDueAt()).toEqual(model.size === 0 ? Option.none() : Option.some(earliest))
                }
              })
            )
          ),
          { numRuns: 25 }
        ))

      it("never hands one timer to two of many concurrent claimers", () =>
        run(
          Effect.gen(function* () {
            const timers = yield* Timers
            const n = 240
            yield* timers.schedule(Array.from({ length: n }, (_, i) => timerSpec(`p${i}`, "clock:a", T0 - (i % 17) * MINUTE)))
            const claimed = yield* Effect.all(
              Array.from({ length: 8 }, (_, w) => claimUntilEmpty(timers, `w${w}`)),
              { concurrency: "unbounded" }
            )
            const ids = claimed.flat().map((t) => t.streamId)
            expect(ids.length).toBe(n)
            expect(new Set(ids).size).toBe(n)
          })
        ))
    })

    describe("Outbox", () => {
      it("hands out messages written by an append, and removes them on ack", () =>
        run(
          Effect.gen(function* () {
            const outbox = yield* Outbox
            const m1 = outboxMessage("m1", "p1", T0)
            const m2 = outboxMessage("m2", "p1", T0 + 1, { template: undefined as never, recipient: "unit.env" })
            const { template: _, ...m2WithoutTemplate } = m2
            yield* (yield* EventStore).append(batch("p1", 0, [newEvent("e1")], { outbox: [m1, m2WithoutTemplate] }))
            expect(yield* outbox.pendingCount()).toBe(2)
            const claims = yield* outbox.claim({ now: T0 + 1, limit: 10, leaseMs: MINUTE, workerId: "relay-1" })
            expect(claims.map((c) => c.message)).toEqual([m1, m2WithoutTemplate])
            expect(claims[0]).toMatchObject({ workerId: "relay-1", leaseUntil: T0 + 1 + MINUTE, attempt: 1 })
            expect(yield* outbox.claim({ now: T0 + 2, limit: 10, leaseMs: MINUTE, workerId: "relay-2" })).toEqual([])
            expect(yield* failureOf(outbox.ack("m1", "not-the-token"))).toMatchObject({ _tag: "LeaseLost", kind: "outbox", id: "m1" })
            yield* outbox.ack("m1", claims[0]!.token)
            expect(yield* outbox.pendingCount()).toBe(1)
            // relay-1 dies holding m2: after its lease, another relay delivers it.
            const [retaken] = yield* outbox.claim({ now: T0 + 1 + MINUTE, limit: 10, leaseMs: MINUTE, workerId: "relay-2" })
            expect(retaken).toMatchObject({ message: m2WithoutTemplate, workerId: "relay-2" })
            expect(yield* failureOf(outbox.ack("m2", claims[1]!.token))).toMatchObject({ _tag: "LeaseLost" })
            yield* outbox.ack("m2", retaken!.token)
            expect(yield* outbox.pendingCount()).toBe(0)
            expect(yield* outbox.claim({ now: T0 + 100 * MINUTE, limit: 10, leaseMs: MINUTE, workerId: "relay-2" })).toEqual([])
          })
        ))

      it("backs off exponentially with jitter after retryable failures, then dead-letters", () =>
        run(
          Effect.gen(function* () {
            const outbox = yield* Outbox
            yield* (yield* EventStore).append(batch("p1", 0, [newEvent("e1")], { outbox: [outboxMessage("m1", "p1", T0)] }))
            let now = T0
            const delays: Array<number> = []
            for (let attempt = 1; attempt < contractRetryPolicy.maxAttempts; attempt++) {
              const [claim] = yield* outbox.claim({ now, limit: 1, leaseMs: MINUTE, workerId: "relay" })
              expect(claim).toMatchObject({ attempt })
              const outcome = yield* outbox.fail("m1", claim!.token, { retryable: true, reason: "HTTP 503" }, now)
              const expected = now + retryDelay(contractRetryPolicy, "m1", attempt)
              expect(outcome).toEqual({ _tag: "Retrying", attempts: attempt, nextAttemptAt: expected })
              delays.push(expected - now)
              expect(yield* outbox.claim({ now: expected - 1, limit: 1, leaseMs: MINUTE, workerId: "relay" })).toEqual([])
              now = expected
            }
            expect(delays[1]!).toBeGreaterThan(delays[0]!)
            expect(delays[2]!).toBeGreaterThan(delays[1]!)
            const [last] = yield* outbox.claim({ now, limit: 1, leaseMs: MINUTE, workerId: "relay" })
            const outcome = yield* outbox.fail("m1", last!.token, { retryable: true, reason: "HTTP 503" }, now)
            const deadLetter = { message: outboxMessage("m1", "p1", T0), attempts: contractRetryPolicy.maxAttempts, reason: "HTTP 503", deadAt: now }
            expect(outcome).toEqual({ _tag: "DeadLettered", deadLetter })
            expect(yield* outbox.deadLetters()).toEqual([deadLetter])
            expect(yield* outbox.pendingCount()).toBe(0)
            expect(yield* outbox.claim({ now: now + 1000 * MINUTE, limit: 1, leaseMs: MINUTE, workerId: "relay" })).toEqual([])
          })
        ))

      it("dead-letters a non-retryable failure at once; a stale token cannot fail a message", () =>
        run(
          Effect.gen(function* () {
            const outbox = yield* Outbox
            yield* (yield* EventStore).append(
              batch("p1", 0, [newEvent("e1")], { outbox: [outboxMessage("m1", "p1", T0), outboxMessage("m2", "p1", T0)] })
            )
            const [c1, c2] = yield* outbox.claim({ now: T0, limit: 2, leaseMs: MINUTE, workerId: "relay" })
            expect(yield* failureOf(outbox.fail("m1", "stale", { retryable: true, reason: "x" }, T0))).toMatchObject({ _tag: "LeaseLost" })
            const outcome = yield* outbox.fail("m1", c1!.token, { retryable: false, reason: "无此号码 no such number" }, T0 + 5)
            expect(outcome).toMatchObject({ _tag: "DeadLettered", deadLetter: { attempts: 1, reason: "无此号码 no such number", deadAt: T0 + 5 } })
            yield* outbox.ack("m2", c2!.token)
            expect((yield* outbox.deadLetters()).map((d) => d.message.id)).toEqual(["m1"])
            // A dead message id stays taken.
            const again = yield* failureOf((yield* EventStore).append(batch("p1", 1, [], { outbox: [outboxMessage("m1", "p1")] })))
            expect(again).toMatchObject({ _tag: "DuplicateId", kind: "outbox" })
          })
        ))

      it("waits for a failure's notBefore when it is later than the backoff, up to maxDelayMs, counting one attempt per failure", () =>
        run(
          Effect.gen(function* () {
            const outbox = yield* Outbox
            yield* (yield* EventStore).append(batch("p1", 0, [newEvent("e1")], { outbox: [outboxMessage("m1", "p1", T0)] }))
            const claimAt = (now: number) => outbox.claim({ now, limit: 1, leaseMs: MINUTE, workerId: "relay" })
            // Retry-After 30 s, far beyond the first backoff (about 1 s): the receiver's hold wins.
            const [c1] = yield* claimAt(T0)
            const held = T0 + 30_000
            const first = yield* outbox.fail("m1", c1!.token, { retryable: true, reason: "HTTP 429", notBefore: held }, T0)
            expect(first).toEqual({ _tag: "Retrying", attempts: 1, nextAttemptAt: held })
            expect(yield* claimAt(held - 1)).toEqual([])
            // A notBefore sooner than the backoff does not shorten it.
            const [c2] = yield* claimAt(held)
            expect(c2).toMatchObject({ attempt: 2 })
            const second = yield* outbox.fail("m1", c2!.token, { retryable: true, reason: "HTTP 503", notBefore: held + 1 }, held)
            const backoff = held + retryDelay(contractRetryPolicy, "m1", 2)
            expect(second).toEqual({ _tag: "Retrying", attempts: 2, nextAttemptAt: backoff })
            // A hold longer than the policy's maxDelayMs is cut to it: no receiver parks a message for ever.
            const [c3] = yield* claimAt(backoff)
            expect(c3).toMatchObject({ attempt: 3 })
            const third = yield* outbox.fail("m1", c3!.token, { retryable: true, reason: "HTTP 429", notBefore: backoff + 100 * MINUTE }, backoff)
            expect(third).toEqual({ _tag: "Retrying", attempts: 3, nextAttemptAt: backoff + contractRetryPolicy.maxDelayMs })
            // The policy's attempts are the limit, hold or not.
            const [c4] = yield* claimAt(backoff + contractRetryPolicy.maxDelayMs)
            const last = yield* outbox.fail("m1", c4!.token, { retryable: true, reason: "HTTP 429", notBefore: backoff + 200 * MINUTE }, backoff + contractRetryPolicy.maxDelayMs)
            expect(last).toMatchObject({ _tag: "DeadLettered", deadLetter: { attempts: contractRetryPolicy.maxAttempts, reason: "HTTP 429" } })
          })
        ))

      it("behaves like the reference model over random sequences of enqueue, claim, ack and fail", () =>
        fc.assert(
          fc.asyncProperty(fc.array(outboxOp, { minLength: 1, maxLength: 40 }), (ops) =>
            run(
              Effect.gen(function* () {
                const outbox = yield* Outbox
                const store = yield* EventStore
                const model = new Map<string, { failures: number; until: number; token: string | undefined; dead: boolean }>()
                const claims: Array<ClaimedMessage> = []
                let enqueued = 0
                for (const op of ops) {
                  if (op.op === "enqueue") {
                    const id = `m${enqueued++}`
                    yield* store.append(batch("box", 0, [], { outbox: [outboxMessage(id, "box", T0 + op.at)] }))
                    model.set(id, { failures: 0, until: T0 + op.at, token: undefined, dead: false })
                  } else if (op.op === "claim") {
                    const now = T0 + op.now
                    const got = yield* outbox.claim({ now, limit: 100, leaseMs: op.leaseMs, workerId: "relay" })
                    const expected = [...model.entries()].filter(([, m]) => !m.dead && m.until <= now).map(([id]) => id)
                    expect(got.map((c) => c.message.id).sort()).toEqual(expected.sort())
                    for (const c of got) {
                      const m = model.get(c.message.id)!
                      expect(c.attempt).toBe(m.failures + 1)
                      model.set(c.message.id, { ...m, token: c.token, until: now + op.leaseMs })
                    }
                    claims.push(...got)
                  } else if (claims.length > 0) {
                    const claim = claims[op.pick % claims.length]!
                    const id = claim.message.id
                    const m = model.get(id)
                    const holds = m !== undefined && !m.dead && m.token === claim.token
                    if (op.op === "ack") {
                      expect(Exit.isSuccess(yield* Effect.exit(outbox.ack(id, claim.token)))).toBe(holds)
                      if (holds) model.delete(id)
                    } else {
                      const now = T0 + op.now
                      const outcome = yield* Effect.exit(outbox.fail(id, claim.token, { retryable: op.retryable, reason: "r" }, now))
                      expect(Exit.isSuccess(outcome)).toBe(holds)
                      if (holds && m !== undefined && Exit.isSuccess(outcome)) {
                        const failures = m.failures + 1
                        if (!op.retryable || failures >= contractRetryPolicy.maxAttempts) {
                          expect(outcome.value).toMatchObject({ _tag: "DeadLettered", deadLetter: { attempts: failures, deadAt: now } })
                          model.set(id, { ...m, failures, token: undefined, dead: true })
                        } else {
                          const nextAttemptAt = now + retryDelay(contractRetryPolicy, id, failures)
                          expect(outcome.value).toEqual({ _tag: "Retrying", attempts: failures, nextAttemptAt })
                          model.set(id, { failures, until: nextAttemptAt, token: undefined, dead: false })
                        }
                      }
                    }
                  }
                  expect(yield* outbox.pendingCount()).toBe([...model.values()].filter((m) => !m.dead).length)
                }
                const dead = (yield* outbox.deadLetters()).map((d) => d.message.id).sort()
                expect(dead).toEqual([...model.entries()].filter(([, m]) => m.dead).map(([id]) => id).sort())
              })
            )
          ),
          { numRuns: 25 }
        ))

      it("never hands one message to two of many concurrent relays", () =>
        run(
          Effect.gen(function* () {
            const outbox = yield* Outbox
            const store = yield* EventStore
            for (let i = 0; i < 20; i++) {
              const messages = Array.from({ length: 10 }, (_, j) => outboxMessage(`m${i}-${j}`, `p${i}`, T0 - j))
              yield* store.append(batch(`p${i}`, 0, [newEvent(`e${i}`)], { outbox: messages }))
            }
            const claimed = yield* Effect.all(
              Array.from({ length: 8 }, (_, w) =>
                Effect.gen(function* () {
                  const mine: Array<string> = []
                  for (;;) {
                    const batch = yield* outbox.claim({ now: T0, limit: 7, leaseMs: MINUTE, workerId: `relay-${w}` })
                    if (batch.length === 0) return mine
                    mine.push(...batch.map((c) => c.message.id))
                    yield* Effect.yieldNow
                  }
                })
              ),
              { concurrency: "unbounded" }
            )
            const ids = claimed.flat()
            expect(ids.length).toBe(200)
            expect(new Set(ids).size).toBe(200)
          })
        ))
    })

    describe("Queries", () => {
      const seed = seedSummaries()

      it("stores the summary written with an append and replaces it with the next one", () =>
        run(
          Effect.gen(function* () {
            const store = yield* EventStore
            const queries = yield* Queries
            const s1 = summary("p1", { lead: "unit.env", data: { title: "垃圾站异味", persons: 1 }, nextDueAt: T0 + MINUTE })
            yield* store.append(batch("p1", 0, [newEvent("e1")], { summary: s1 }))
            expect(yield* queries.get("p1")).toEqual(Option.some(s1))
            const s2 = { ...s1, lead: "unit.housing", status: "accepted", updatedAt: T0 + 5, nextDueAt: null }
            yield* store.append(batch("p1", 1, [newEvent("e2")], { summary: s2 }))
            expect(yield* queries.get("p1")).toEqual(Option.some(s2))
            expect((yield* queries.byUnit("unit.env", { limit: 10 })).items).toEqual([])
            expect((yield* queries.byUnit("unit.housing", { limit: 10 })).items).toEqual([s2])
            expect(yield* queries.get("p2")).toEqual(Option.none())
          })
        ))

      it("filters by unit, jurisdiction subtree, category subtree, person, overdue and status", () =>
        run(
          Effect.gen(function* () {
            yield* writeSummaries(seed)
            const queries = yield* Queries
            const now = T0 + 60 * MINUTE
            const expectIds = (page: { items: ReadonlyArray<PetitionSummary> }, pick: (s: PetitionSummary) => boolean) =>
              expect(page.items.map((s) => s.petitionId)).toEqual(seed.filter(pick).map((s) => s.petitionId).sort())
            const inUnit = (u: string) => (s: PetitionSummary) =>
              s.firstHandler === u || s.lead === u || s.coHandlers.includes(u) || s.chainUnits.includes(u)
            for (const unit of ["unit.env", "unit.housing", "unit.street.shatou", "unit.centre"]) {
              expectIds(yield* queries.byUnit(unit, { limit: 100 }), inUnit(unit))
            }
            expectIds(yield* queries.byJurisdiction("shatou", { limit: 100 }), (s) => s.jurisdictionPath.includes("shatou"))
            expectIds(yield* queries.byJurisdiction("futian", { limit: 100 }), () => true)
            expectIds(yield* queries.byCategory("env.odour", { limit: 100 }), (s) => s.categoryPath.includes("env.odour"))
            expectIds(yield* queries.byPerson("leader.li", { limit: 100 }), (s) =>
              s.owner === "leader.li" || s.leaderPerson === "leader.li" || s.watchers.includes("leader.li")
            )
            expectIds(yield* queries.overdue(now, { limit: 100 }), (s) => s.breachedClocks.length > 0 || (s.nextDueAt !== null && s.nextDueAt <= now))
            expectIds(yield* queries.all({ limit: 100, statuses: ["closed", "resolved"] }), (s) => s.status === "closed" || s.status === "resolved")
            expectIds(yield* queries.byUnit("unit.env", { limit: 100, statuses: ["accepted"] }), (s) => inUnit("unit.env")(s) && s.status === "accepted")
            // Subtree means on the path, not a prefix of the id.
            expect((yield* queries.byJurisdiction("shatou.c", { limit: 100 })).items).toEqual([])
            expect((yield* queries.byUnit("unit.nobody", { limit: 100 })).items).toEqual([])
            // The seed is built so that every filter selects something and leaves something out.
            expect((yield* queries.byUnit("unit.env", { limit: 100 })).items.length).toBeGreaterThan(0)
            expect((yield* queries.overdue(now, { limit: 100 })).items.length).toBeLessThan(seed.length)
          })
        ))

      it("pages in petition-id order without repeats or gaps", () =>
        run(
          Effect.gen(function* () {
            yield* writeSummaries(seed)
            const queries = yield* Queries
            for (const query of [
              (after: string | undefined) => queries.all(after === undefined ? { limit: 4 } : { limit: 4, after }),
              (after: string | undefined) => queries.byJurisdiction("shatou", after === undefined ? { limit: 3 } : { limit: 3, after })
            ]) {
              const seen: Array<string> = []
              let after: string | undefined = undefined
              let pages = 0
              for (;;) {
                const page: { items: ReadonlyArray<PetitionSummary>; next: string | null } = yield* query(after)
                pages++
                seen.push(...page.items.map((s) => s.petitionId))
                if (page.next === null) break
                after = page.next
              }
              expect(pages).toBeGreaterThan(1)
              expect(seen).toEqual([...new Set(seen)].sort())
            }
            const everything = yield* queries.all({ limit: 1000 })
            expect(everything.items.length).toBe(seed.length)
            expect(everything.next).toBeNull()
          })
        ))

      it("finds repeat-index entries by key within a window, newest first, without returning the key", () =>
        run(
          Effect.gen(function* () {
            const store = yield* EventStore
            const queries = yield* Queries
            const entry = (petitionId: string, key: string, receivedAt: number, community = "c1"): RepeatEntry => ({
              key,
              petitionId,
              receivedAt,
              community,
              categoryPath: ["env", "env.odour"]
            })
            const entries = [
              entry("r-1", "k-a", T0),
              entry("r-2", "k-a", T0 + 10 * MINUTE, "c2"),
              entry("r-3", "k-b", T0 + 10 * MINUTE),
              entry("r-4", "k-a", T0 + 20 * MINUTE),
              entry("r-0", "k-a", T0 + 20 * MINUTE),
              entry("r-5", "k-a", T0 + 30 * MINUTE)
            ]
            for (const e of entries) yield* store.append(batch(e.petitionId, 0, [newEvent(`ev-${e.petitionId}`)], { repeatEntry: e, summary: summary(e.petitionId) }))
            const { key: _key, ...candidate } = entries[1]!
            // Both ends of the window count; equal instants go in petition-id order.
            expect(yield* queries.repeatCandidates("k-a", { from: T0 + 10 * MINUTE, to: T0 + 20 * MINUTE })).toEqual([
              { ...candidate, petitionId: "r-0", receivedAt: T0 + 20 * MINUTE, community: "c1" },
              { ...candidate, petitionId: "r-4", receivedAt: T0 + 20 * MINUTE, community: "c1" },
              candidate
            ])
            expect((yield* queries.repeatCandidates("k-a", { from: 0, to: T0 + 100 * MINUTE })).map((c) => c.petitionId)).toEqual([
              "r-5",
              "r-0",
              "r-4",
              "r-2",
              "r-1"
            ])
            expect(yield* queries.repeatCandidates("k-c", { from: 0, to: T0 + 100 * MINUTE })).toEqual([])
            expect(yield* queries.repeatCandidates("k-a", { from: T0 + 31 * MINUTE, to: T0 + 100 * MINUTE })).toEqual([])
            // An entry written again for the same petition replaces the old one (re-keying), in an
            // append without events at the stream's version.
            yield* store.append(batch("r-1", 1, [], { repeatEntry: entry("r-1", "k-new", T0) }))
            expect((yield* queries.repeatCandidates("k-a", { from: 0, to: T0 }))).toEqual([])
            expect((yield* queries.repeatCandidates("k-new", { from: 0, to: T0 })).map((c) => c.petitionId)).toEqual(["r-1"])
            // A refused batch leaves no entry.
            yield* Effect.exit(store.append(batch("r-5", 0, [newEvent("ev-late")], { repeatEntry: entry("r-5", "k-refused", T0) })))
            expect(yield* queries.repeatCandidates("k-refused", { from: 0, to: T0 + 100 * MINUTE })).toEqual([])
            // The key is in no summary: nothing a listing returns can be matched against a phone.
            for (const s of (yield* queries.all({ limit: 100 })).items) expect(JSON.stringify(s)).not.toMatch(/k-a|k-new/)
          })
        ))

      it("adds report counters in the append and sums them per scope, period, as-of day, kind and dim", () =>
        run(
          Effect.gen(function* () {
            const store = yield* EventStore
            const queries = yield* Queries
            const delta = (scope: string, kind: string, periodDay: number, asOfDay: number, value: number, dim = "all", key = ""): MetricDelta => ({
              scope,
              kind,
              dim,
              key,
              periodDay,
              asOfDay,
              value
            })
            yield* store.append(batch("m-1", 0, [newEvent("ev-m-1")], {
              metrics: [
                delta("all", "received", 100, 100, 1),
                delta("all", "received", 100, 100, 1, "channel", "hotline"),
                delta("u:unit.env", "received", 100, 100, 1)
              ]
            }))
            yield* store.append(batch("m-2", 0, [newEvent("ev-m-2")], {
              metrics: [delta("all", "received", 101, 101, 1), delta("all", "received", 101, 101, 1, "channel", "web"), delta("all", "closed", 100, 102, 0.5)]
            }))
            // A reversal on a later day: the first petition leaves unit.env's scope on day 103.
            yield* store.append(batch("m-1", 1, [newEvent("ev-m-1b")], { metrics: [delta("u:unit.env", "received", 100, 103, -1)] }))
            const sorted = (rows: ReadonlyArray<MetricRow>) =>
              [...rows].filter((r) => r.value !== 0).sort((a, b) => `${a.kind}${a.dim}${a.key}${a.periodDay}`.localeCompare(`${b.kind}${b.dim}${b.key}${b.periodDay}`))
            const metrics = (request: MetricsRequest) => Effect.map(queries.metrics(request), sorted)
            expect(yield* metrics({ scope: "all", fromDay: 100, toDay: 102, asOfDay: 200 })).toEqual([
              { kind: "closed", dim: "all", key: "", periodDay: null, value: 0.5 },
              { kind: "received", dim: "all", key: "", periodDay: null, value: 2 },
              { kind: "received", dim: "channel", key: "hotline", periodDay: null, value: 1 },
              { kind: "received", dim: "channel", key: "web", periodDay: null, value: 1 }
            ])
            // As of day 102 the closure (counted from day 102) is not there yet; day 101 is outside [100, 101).
            expect(yield* metrics({ scope: "all", fromDay: 100, toDay: 101, asOfDay: 102 })).toEqual([
              { kind: "received", dim: "all", key: "", periodDay: null, value: 1 },
              { kind: "received", dim: "channel", key: "hotline", periodDay: null, value: 1 }
            ])
            expect(yield* metrics({ scope: "all", fromDay: 100, toDay: 102, asOfDay: 200, byDay: true, kinds: ["received"], dims: ["all"] })).toEqual([
              { kind: "received", dim: "all", key: "", periodDay: 100, value: 1 },
              { kind: "received", dim: "all", key: "", periodDay: 101, value: 1 }
            ])
            expect(yield* metrics({ scope: "u:unit.env", fromDay: 0, toDay: 1_000, asOfDay: 103 })).toEqual([
              { kind: "received", dim: "all", key: "", periodDay: null, value: 1 }
            ])
            expect(yield* metrics({ scope: "u:unit.env", fromDay: 0, toDay: 1_000, asOfDay: 104 })).toEqual([])
            expect(yield* metrics({ scope: "u:unit.none", fromDay: 0, toDay: 1_000, asOfDay: 1_000 })).toEqual([])
            // A replayed append adds nothing; a refused one neither.
            yield* store.append(batch("m-3", 0, [newEvent("ev-m-3")], { idempotencyKey: "metrics-once", metrics: [delta("all", "repeat", 100, 100, 1)] }))
            yield* store.append(batch("m-3", 0, [newEvent("ev-m-3-again")], { idempotencyKey: "metrics-once", metrics: [delta("all", "repeat", 100, 100, 1)] }))
            yield* Effect.exit(store.append(batch("m-3", 0, [newEvent("ev-m-3-late")], { metrics: [delta("all", "repeat", 100, 100, 1)] })))
            expect(yield* metrics({ scope: "all", fromDay: 100, toDay: 101, asOfDay: 200, kinds: ["repeat"] })).toEqual([
              { kind: "repeat", dim: "all", key: "", periodDay: null, value: 1 }
            ])
          })
        ))

      it("rejects a malformed report counter with InvalidInput naming its field", () =>
        run(
          Effect.gen(function* () {
            const store = yield* EventStore
            const bad = { scope: "", kind: "received", dim: "all", key: "", periodDay: 1.5, asOfDay: 1, value: 1 } as unknown as MetricDelta
            const failure = yield* failureOf(store.append(batch("m-bad", 0, [newEvent("ev-m-bad")], { metrics: [bad] })))
            expect(failure).toMatchObject({ _tag: "InvalidInput" })
            expect((failure as Error).message).toMatch(/\/metrics\/0\/scope: /)
            expect((failure as Error).message).toMatch(/\/metrics\/0\/periodDay: .*integer/)
            expect(yield* store.readStream("m-bad")).toEqual([])
          })
        ))

      it("rejects a malformed repeat-index entry with InvalidInput naming its field", () =>
        run(
          Effect.gen(function* () {
            const store = yield* EventStore
            const bad = { key: "", petitionId: "r-1", receivedAt: 1.5, community: "c1", categoryPath: [] } as unknown as RepeatEntry
            const failure = yield* failureOf(store.append(batch("r-1", 0, [newEvent("ev-r-1")], { repeatEntry: bad })))
            expect(failure).toMatchObject({ _tag: "InvalidInput" })
            expect((failure as Error).message).toMatch(/\/repeatEntry\/key: /)
            expect((failure as Error).message).toMatch(/\/repeatEntry\/receivedAt: .*integer/)
            expect(yield* store.readStream("r-1")).toEqual([])
          })
        ))
    })

    describe("idempotent intake through the engine", () => {
      const directory = sampleDirectory()
      const packs = Result.getOrThrow(
        publish(emptyRegistry, Result.getOrThrow(loadRulePack(rulePackPresets["futian-10-30-24"], { directory })), { directory })
      )
      const submit = (petitionId: string, messageId: string, extra: Partial<SubmitInput> = {}): SubmitInput => ({
        _tag: "Submit",
        petitionId,
        at: T0,
        actor: { kind: "petitioner" },
        petitioner: { anonymous: false, name: Redacted.make("张三"), phone: Redacted.make("13800138000") },
        channel: "channel.district-secretary-online",
        channelMessageId: messageId,
        category: "city-management.sanitation.refuse-odour",
        jurisdiction: "community.yuanling.hongli",
        title: "垃圾站异味",
        content: "小区门口垃圾站异味严重",
        ...extra
      })
      /**
       * Engines over one location: two store instances where the adapter allows it, so that the
       * copies race for real. The program gets a `submit` for the engines and the first one's storage.
       */
      const withEngines = async <A>(
        program: (
          submitAll: (commands: ReadonlyArray<SubmitInput>) => Effect.Effect<ReadonlyArray<Exit.Exit<Handled, unknown>>>
        ) => Effect.Effect<A, unknown, Storage>
      ): Promise<A> => {
        const location = await harness.newLocation()
        const built = Effect.gen(function* () {
          const store = yield* Layer.build(open(location))
          const others = harness.capabilities.concurrentWriters ? [yield* Layer.build(open(location))] : []
          const contexts = yield* Effect.all(
            [store, ...others].map((storage, i) =>
              Layer.build(
                engineLayer({ directory, packs, workerId: `engine-${i}`, identityKey: Redacted.make("contract-identity-key") }).pipe(
                  Layer.provide(Layer.merge(Layer.succeedContext(storage), Notifiers.layerMemory))
                )
              )
            )
          )
          const submitAll = (commands: ReadonlyArray<SubmitInput>) =>
            Effect.all(
              commands.map((c, i) => Effect.exit(Effect.provide(Engine.use((e) => e.handle(c)), contexts[i % contexts.length]!))),
              { concurrency: "unbounded" }
            )
          return yield* Effect.provide(program(submitAll), store)
        })
        return Effect.runPromise(Effect.scoped(built) as Effect.Effect<A, unknown>)
      }
      const expectOnePetition = (outcomes: ReadonlyArray<Exit.Exit<Handled, unknown>>, n: number) => {
        const failures = outcomes.filter(Exit.isFailure).map((e) => JSON.stringify(Exit.findErrorOption(e)))
        expect(failures).toEqual([])
        const handled = outcomes.filter(Exit.isSuccess).map((e) => e.value)
        expect(new Set(handled.map((h) => h.petitionId)).size).toBe(1)
        expect(handled.filter((h) => !h.replayed).length).toBe(1)
        expect(handled.filter((h) => h.replayed).length).toBe(n - 1)
        return handled[0]!.petitionId
      }

      it("N concurrent copies of one Submit make one petition: the first answered, the others replayed", () =>
        withEngines((submitAll) =>
          Effect.gen(function* () {
            const n = 12
            const petitionId = expectOnePetition(yield* submitAll(Array.from({ length: n }, () => submit("p-same", "msg-1"))), n)
            expect(petitionId).toBe("p-same")
            const events = yield* (yield* EventStore).readAll(0, 1000)
            expect(events.filter((e) => e.type === "Submitted").length).toBe(1)
          })
        ))

      it("copies that drew different petition ids still make one petition, and every caller gets its id", () =>
        withEngines((submitAll) =>
          Effect.gen(function* () {
            const n = 12
            const ids = Array.from({ length: n }, (_, i) => `p-copy-${i}`)
            const petitionId = expectOnePetition(yield* submitAll(ids.map((id) => submit(id, "msg-2"))), n)
            expect(ids).toContain(petitionId)
            const streams = new Set((yield* (yield* EventStore).readAll(0, 1000)).map((e) => e.streamId))
            expect([...streams]).toEqual([petitionId])
          })
        ))

      it("refuses a different complaint under a used message id with IdempotencyKeyReused, naming the key, the first petition and the fields", () =>
        withEngines((submitAll) =>
          Effect.gen(function* () {
            yield* submitAll([submit("p-first", "msg-3")])
            const outcomes = yield* submitAll([
              submit("p-second", "msg-3", { title: "路灯不亮" }),
              submit("p-first", "msg-3", { petitioner: { anonymous: false, name: Redacted.make("李四"), phone: Redacted.make("13900139000") } }),
              submit("p-retry", "msg-3", { at: T0 + MINUTE })
            ])
            const [otherTitle, otherPerson, sameAgain] = outcomes.map((o) =>
              Exit.isFailure(o) ? Option.getOrUndefined(Exit.findErrorOption(o)) : o.value
            )
            expect(otherTitle).toMatchObject({
              _tag: "IdempotencyKeyReused",
              key: "submit:channel.district-secretary-online:msg-3",
              firstPetitionId: "p-first",
              fields: ["title"]
            })
            expect((otherTitle as Error).message).toMatch(/^渠道消息 .*已用于信访件 p-first.*（message id .* already created petition p-first/)
            expect(otherPerson).toMatchObject({ _tag: "IdempotencyKeyReused", fields: ["petitioner.name", "petitioner.phone"] })
            // A retry sent later, with a petition id drawn afresh, is still the same submission.
            expect(sameAgain).toMatchObject({ petitionId: "p-first", replayed: true })
            expect(new Set((yield* (yield* EventStore).readAll(0, 1000)).map((e) => e.streamId))).toEqual(new Set(["p-first"]))
          })
        ))
    })

    if (harness.capabilities.durable) {
      describe("durability", () => {
        it("keeps events, timers, outbox, dead letters, summaries and idempotency keys across reopening", async () => {
          const location = await harness.newLocation()
          const buried = await runAt(
            location,
            Effect.gen(function* () {
              yield* (yield* EventStore).append(
                batch("p1", 0, [newEvent("e1"), newEvent("e2")], {
                  idempotencyKey: "k1",
                  outbox: [outboxMessage("m1", "p1"), outboxMessage("m2", "p1")],
                  timers: { schedule: [timerSpec("p1", "clock:a", T0 + MINUTE)], cancel: [] },
                  summary: summary("p1", { lead: "unit.env" })
                })
              )
              const [c] = yield* (yield* Outbox).claim({ now: T0, limit: 1, leaseMs: MINUTE, workerId: "r" })
              yield* (yield* Outbox).fail(c!.message.id, c!.token, { retryable: false, reason: "gone" }, T0)
              return c!.message
            })
          )
          await runAt(
            location,
            Effect.gen(function* () {
              const store = yield* EventStore
              expect((yield* store.readStream("p1")).map((e) => [e.eventId, e.version])).toEqual([["e1", 1], ["e2", 2]])
              expect((yield* store.readStream("p1"))[0]!.data).toEqual(newEvent("e1").data)
              expect(yield* store.findByIdempotencyKey("k1")).toEqual(Option.some({ streamId: "p1", previousVersion: 0, version: 2, replayed: false }))
              expect(yield* (yield* Timers).get({ streamId: "p1", key: "clock:a" })).toEqual(Option.some(timerSpec("p1", "clock:a", T0 + MINUTE)))
              expect(yield* (yield* Outbox).pendingCount()).toBe(1)
              expect(yield* (yield* Outbox).deadLetters()).toEqual([{ message: buried, attempts: 1, reason: "gone", deadAt: T0 }])
              const survivor = buried.id === "m1" ? outboxMessage("m2", "p1") : outboxMessage("m1", "p1")
              const [again] = yield* (yield* Outbox).claim({ now: T0 + 2 * MINUTE, limit: 10, leaseMs: MINUTE, workerId: "r2" })
              expect(again).toMatchObject({ message: survivor, attempt: 1 })
              expect(yield* (yield* Queries).get("p1")).toEqual(Option.some(summary("p1", { lead: "unit.env" })))
              const next = yield* store.append(batch("p1", 2, [newEvent("e3")]))
              expect(next.version).toBe(3)
            })
          )
        })
      })
    }

    if (harness.capabilities.concurrentWriters) {
      describe("concurrent writers", () => {
        it("two instances on one location: one append per version wins, no timer is claimed twice", async () => {
          const location = await harness.newLocation()
          const program = Effect.gen(function* () {
            const a = yield* Layer.build(open(location))
            const b = yield* Layer.build(open(location))
            const stores = [a, b]
            const withStore = <A, E>(i: number, effect: Effect.Effect<A, E, Storage>) => Effect.provide(effect, stores[i % 2]!)
            yield* withStore(0, EventStore.use((s) => s.append(batch("p1", 0, [newEvent("e0")]))))
            const appends = yield* Effect.all(
              Array.from({ length: 6 }, (_, i) =>
                Effect.exit(withStore(i, EventStore.use((s) => s.append(batch("p1", 1, [newEvent(`race-${i}`)])))))
              ),
              { concurrency: "unbounded" }
            )
            expect(appends.filter(Exit.isSuccess).length).toBe(1)
            const n = 200
            yield* withStore(1, Timers.use((t) => t.schedule(Array.from({ length: n }, (_, i) => timerSpec(`p${i}`, "a", T0)))))
            const claimed = yield* Effect.all(
              Array.from({ length: 6 }, (_, w) => withStore(w, Timers.use((t) => claimUntilEmpty(t, `w${w}`)))),
              { concurrency: "unbounded" }
            )
            const ids = claimed.flat().map((t) => t.streamId)
            expect(ids.length).toBe(n)
            expect(new Set(ids).size).toBe(n)
          })
          await Effect.runPromise(Effect.scoped(program) as Effect.Effect<void, unknown>)
        })
      })
    }
  })

  const expectNothingOf = (streamId: string, idempotencyKey: string, timerKey: string) =>
    Effect.gen(function* () {
      expect(yield* (yield* EventStore).readStream(streamId)).toEqual([])
      expect(yield* (yield* EventStore).findByIdempotencyKey(idempotencyKey)).toEqual(Option.none())
      expect(yield* (yield* Timers).get({ streamId, key: timerKey })).toEqual(Option.none())
      expect(yield* (yield* Queries).get(streamId)).toEqual(Option.none())
      const claims = yield* (yield* Outbox).claim({ now: T0 + 1000 * MINUTE, limit: 100, leaseMs: 1, workerId: "probe" })
      expect(claims.filter((c) => c.message.streamId === streamId)).toEqual([])
    })
}

const claimUntilEmpty = (timers: Timers["Service"], workerId: string) =>
  Effect.gen(function* () {
    const mine: Array<ClaimedTimer> = []
    for (;;) {
      const got = yield* timers.claimDue({ now: T0, limit: 7, leaseMs: 10 * MINUTE, workerId })
      if (got.length === 0) return mine
      mine.push(...got)
      yield* Effect.yieldNow
    }
  })

type TimerOp =
  | { readonly op: "schedule"; readonly streamId: string; readonly at: number }
  | { readonly op: "cancel"; readonly streamId: string }
  | { readonly op: "claim"; readonly now: number; readonly leaseMs: number }
  | { readonly op: "complete"; readonly pick: number }

const streamIds = fc.constantFrom("p1", "p2", "p3", "p4", "p5")
const timerOp: fc.Arbitrary<TimerOp> = fc.oneof(
  fc.record({ op: fc.constant("schedule" as const), streamId: streamIds, at: fc.integer({ min: 0, max: 30 }) }),
  fc.record({ op: fc.constant("cancel" as const), streamId: streamIds }),
  fc.record({ op: fc.constant("claim" as const), now: fc.integer({ min: 0, max: 40 }), leaseMs: fc.integer({ min: 1, max: 10 }) }),
  fc.record({ op: fc.constant("complete" as const), pick: fc.nat() })
)

type OutboxOp =
  | { readonly op: "enqueue"; readonly at: number }
  | { readonly op: "claim"; readonly now: number; readonly leaseMs: number }
  | { readonly op: "ack"; readonly pick: number }
  | { readonly op: "fail"; readonly pick: number; readonly retryable: boolean; readonly now: number }

const outboxOp: fc.Arbitrary<OutboxOp> = fc.oneof(
  fc.record({ op: fc.constant("enqueue" as const), at: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ op: fc.constant("claim" as const), now: fc.integer({ min: 0, max: 20_000 }), leaseMs: fc.integer({ min: 1, max: 3_000 }) }),
  fc.record({ op: fc.constant("ack" as const), pick: fc.nat() }),
  fc.record({ op: fc.constant("fail" as const), pick: fc.nat(), retryable: fc.boolean(), now: fc.integer({ min: 0, max: 20_000 }) })
)

const expectIncreasingOrEqual = (xs: ReadonlyArray<number>) => {
  for (let i = 1; i < xs.length; i++) expect(xs[i]!).toBeGreaterThanOrEqual(xs[i - 1]!)
}

const expectIncreasing = (xs: ReadonlyArray<number>) => {
  for (let i = 1; i < xs.length; i++) expect(xs[i]!).toBeGreaterThan(xs[i - 1]!)
}

/** Thirty petitions spread over units, places, categories, people, deadlines and statuses. */
const seedSummaries = (): Array<PetitionSummary> => {
  const units = ["unit.env", "unit.housing", "unit.traffic"]
  const streets = [["futian", "shatou", "shatou.c1"], ["futian", "shatou", "shatou.c2"], ["futian", "lianhua"]]
  const categories = [["env", "env.odour"], ["env", "env.noise"], ["housing"]]
  const statuses = ["dispatched", "accepted", "resolved", "closed"]
  return Array.from({ length: 30 }, (_, i) =>
    summary(`pet-${String(i).padStart(3, "0")}`, {
      status: statuses[i % 4]!,
      tier: i % 4,
      lead: i % 5 === 0 ? null : units[i % 3]!,
      coHandlers: i % 4 === 1 ? [units[(i + 1) % 3]!] : [],
      chainUnits: i % 7 === 0 ? ["unit.street.shatou"] : [],
      firstHandler: i % 2 === 0 ? "unit.centre" : "unit.street.shatou",
      jurisdictionPath: streets[i % 3]!,
      categoryPath: categories[(i >> 1) % 3]!,
      owner: i % 6 === 0 ? "leader.li" : null,
      leaderPerson: i % 5 === 2 ? "leader.li" : i % 5 === 3 ? "leader.wang" : null,
      watchers: i % 8 === 3 ? ["leader.li"] : [],
      nextDueAt: i % 3 === 0 ? null : T0 + (i * 7) * MINUTE,
      breachedClocks: i % 11 === 4 ? ["feedback"] : [],
      // Ids arrive out of order so that paging must sort.
      receivedAt: T0 + ((i * 13) % 30) * MINUTE
    })
  ).sort(() => 0)
}

const writeSummaries = (rows: ReadonlyArray<PetitionSummary>) =>
  Effect.gen(function* () {
    const store = yield* EventStore
    const order = [...rows].reverse()
    for (const s of order) yield* store.append(batch(s.petitionId, 0, [newEvent(`ev-${s.petitionId}`)], { summary: s }))
  })
