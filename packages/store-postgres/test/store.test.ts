import { Option } from "effect"
import { expect, it } from "vitest"
import type { AppendBatch, PetitionSummary } from "@minyi/core"
import { describePg, failure, openStore, run } from "./support.js"

const batch = (streamId: string, expectedVersion: number, ids: ReadonlyArray<string>, extra: Partial<AppendBatch> = {}): AppendBatch => ({
  streamId,
  expectedVersion,
  events: ids.map((id, i) => ({ eventId: id, type: "Submitted", at: 1_000 + i, data: { n: i } })),
  outbox: [],
  timers: { schedule: [], cancel: [] },
  ...extra
})

const summary = (petitionId: string, extra: Partial<PetitionSummary> = {}): PetitionSummary => ({
  petitionId,
  status: "dispatched",
  tier: 0,
  priority: "normal",
  owner: null,
  firstHandler: "unit.centre",
  lead: "unit.env",
  coHandlers: [],
  chainUnits: ["unit.centre", "unit.env"],
  jurisdictionPath: ["futian", "futian.street1"],
  categoryPath: ["env", "env.odour"],
  channel: "hotline",
  leaderPerson: null,
  watchers: [],
  accusedUnit: null,
  receivedAt: 1_000,
  updatedAt: 1_000,
  nextDueAt: 5_000,
  breachedClocks: [],
  data: { title: "垃圾站异味" },
  ...extra
})

describePg("PostgreSQL store", (url) => {
  const opened = openStore(url)

  it("appends with gapless versions and positions, and reads them back", async () => {
    const { store } = await opened
    const es = store.eventStore
    const a = await run(es.append(batch("p-1", 0, ["e1", "e2"])))
    expect(a).toEqual({ streamId: "p-1", previousVersion: 0, version: 2, replayed: false })
    await run(es.append(batch("p-2", 0, ["e3"])))
    await run(es.append(batch("p-1", 2, ["e4"])))
    const stream = await run(es.readStream("p-1"))
    expect(stream.map((e) => [e.eventId, e.version, e.position])).toEqual([["e1", 1, 1], ["e2", 2, 2], ["e4", 3, 4]])
    expect(stream[0]).toMatchObject({ streamId: "p-1", type: "Submitted", at: 1_000, data: { n: 0 } })
    const all = await run(es.readAll(1, 10))
    expect(all.map((e) => e.eventId)).toEqual(["e2", "e3", "e4"])
  })

  it("refuses a stale expected version with VersionConflict that names both versions", async () => {
    const { store } = await opened
    await run(store.eventStore.append(batch("p-3", 0, ["c1"])))
    const error = await failure(store.eventStore.append(batch("p-3", 0, ["c2"])))
    expect(error).toMatchObject({ _tag: "VersionConflict", streamId: "p-3", expectedVersion: 0, actualVersion: 1 })
    expect((await run(store.eventStore.readStream("p-3"))).length).toBe(1)
  })

  it("returns the first result for a used idempotency key and writes nothing", async () => {
    const { store } = await opened
    const first = await run(store.eventStore.append(batch("p-4", 0, ["k1"], { idempotencyKey: "submit:hotline:42" })))
    const again = await run(store.eventStore.append(batch("p-4", 1, ["k2"], { idempotencyKey: "submit:hotline:42" })))
    expect(again).toEqual({ ...first, replayed: true })
    expect((await run(store.eventStore.readStream("p-4"))).map((e) => e.eventId)).toEqual(["k1"])
    expect(Option.getOrThrow(await run(store.eventStore.findByIdempotencyKey("submit:hotline:42")))).toMatchObject({ version: 1 })
  })

  it("refuses a duplicate event id or outbox id with DuplicateId, writing nothing", async () => {
    const { store } = await opened
    await run(store.eventStore.append(batch("p-5", 0, ["d1"])))
    expect(await failure(store.eventStore.append(batch("p-6", 0, ["d1"])))).toMatchObject({ _tag: "DuplicateId", kind: "event", id: "d1" })
    expect(await failure(store.eventStore.append(batch("p-6", 0, ["d2", "d2"])))).toMatchObject({ _tag: "DuplicateId", kind: "event", id: "d2" })
    const message = { id: "m1", streamId: "p-6", idempotencyKey: "m1", channel: "sms", recipient: "u", payload: {}, createdAt: 1 }
    await run(store.eventStore.append(batch("p-6", 0, ["d3"], { outbox: [message] })))
    expect(await failure(store.eventStore.append(batch("p-6", 1, ["d4"], { outbox: [message] })))).toMatchObject({ kind: "outbox", id: "m1" })
    expect((await run(store.eventStore.readStream("p-6"))).map((e) => e.eventId)).toEqual(["d3"])
  })

  it("rejects a malformed batch with InvalidInput naming the field", async () => {
    const { store } = await opened
    const bad = { ...batch("p-7", 0, ["x1"]), expectedVersion: -1 } as AppendBatch
    const error = await failure(store.eventStore.append(bad))
    expect(error).toMatchObject({ _tag: "InvalidInput" })
    expect((error as { problems: Array<{ path: string }> }).problems.map((p) => p.path)).toContain("/expectedVersion")
  })

  it("claims due timers with a lease, reclaims after expiry, and completes only with the live token", async () => {
    const { store } = await opened
    const t = store.timers
    await run(t.schedule([{ streamId: "p-8", key: "clock:feedback", dueAt: 100, payload: { clock: "feedback" } }]))
    expect(await run(t.claimDue({ now: 99, limit: 10, leaseMs: 50, workerId: "w1" }))).toEqual([])
    const [first] = await run(t.claimDue({ now: 100, limit: 10, leaseMs: 50, workerId: "w1" }))
    expect(first).toMatchObject({ streamId: "p-8", key: "clock:feedback", dueAt: 100, workerId: "w1", leaseUntil: 150 })
    expect(await run(t.claimDue({ now: 149, limit: 10, leaseMs: 50, workerId: "w2" }))).toEqual([])
    expect(Option.getOrThrow(await run(t.nextDueAt()))).toBe(150)
    const [second] = await run(t.claimDue({ now: 150, limit: 10, leaseMs: 50, workerId: "w2" }))
    expect(second?.workerId).toBe("w2")
    expect(await failure(t.complete(first!))).toMatchObject({ _tag: "LeaseLost", kind: "timer" })
    await run(t.complete(second!))
    expect(Option.isNone(await run(t.get({ streamId: "p-8", key: "clock:feedback" })))).toBe(true)
    expect(await run(t.claimDue({ now: 10_000, limit: 10, leaseMs: 50, workerId: "w3" }))).toEqual([])
  })

  it("writes outbox, timers and the summary in the append; the outbox backs off then dead-letters", async () => {
    const { store } = await opened
    const message = { id: "n1", streamId: "p-9", idempotencyKey: "p-9/n1", channel: "sms", recipient: "leader.1", payload: { t: 1 }, createdAt: 10 }
    await run(
      store.eventStore.append(
        batch("p-9", 0, ["s1"], {
          outbox: [message],
          timers: { schedule: [{ streamId: "p-9", key: "clock:first", dueAt: 500, payload: null }], cancel: [] },
          summary: summary("p-9")
        })
      )
    )
    expect(Option.isSome(await run(store.timers.get({ streamId: "p-9", key: "clock:first" })))).toBe(true)
    expect(Option.getOrThrow(await run(store.queries.get("p-9"))).lead).toBe("unit.env")
    expect((await run(store.queries.byUnit("unit.env", { limit: 10 }))).items.map((s) => s.petitionId)).toContain("p-9")
    expect((await run(store.queries.byJurisdiction("futian.street1", { limit: 10 }))).items.map((s) => s.petitionId)).toContain("p-9")
    expect((await run(store.queries.overdue(4_999, { limit: 10 }))).items.map((s) => s.petitionId)).not.toContain("p-9")
    expect((await run(store.queries.overdue(5_000, { limit: 10 }))).items.map((s) => s.petitionId)).toContain("p-9")

    // m1 of an earlier test (created at 1) is older, so it comes first.
    const claims = await run(store.outbox.claim({ now: 10, limit: 10, leaseMs: 1_000, workerId: "r1" }))
    expect(claims.map((c) => c.message.id)).toEqual(["m1", "n1"])
    const claim = claims[1]
    expect(claim).toMatchObject({ message, attempt: 1 })
    await run(store.outbox.ack("m1", claims[0]!.token))
    const outcome = await run(store.outbox.fail("n1", claim!.token, { retryable: true, reason: "timeout" }, 20))
    expect(outcome._tag).toBe("Retrying")
    const next = outcome._tag === "Retrying" ? outcome.nextAttemptAt : 0
    expect(await run(store.outbox.claim({ now: next - 1, limit: 10, leaseMs: 1_000, workerId: "r1" }))).toEqual([])
    const [retry] = await run(store.outbox.claim({ now: next, limit: 10, leaseMs: 1_000, workerId: "r1" }))
    expect(retry?.attempt).toBe(2)
    const dead = await run(store.outbox.fail("n1", retry!.token, { retryable: false, reason: "number does not exist" }, next))
    expect(dead).toMatchObject({ _tag: "DeadLettered", deadLetter: { message, attempts: 2, reason: "number does not exist" } })
    expect((await run(store.outbox.deadLetters())).map((d) => d.message.id)).toEqual(["n1"])
    expect(await run(store.outbox.pendingCount())).toBe(0)
  })

  it("pages queries in petition-id order", async () => {
    const { store } = await opened
    for (const id of ["q-1", "q-2", "q-3"]) {
      await run(store.eventStore.append(batch(id, 0, [`${id}-e`], { summary: summary(id, { lead: "unit.paging", chainUnits: ["unit.paging"] }) })))
    }
    const p1 = await run(store.queries.byUnit("unit.paging", { limit: 2 }))
    expect(p1.items.map((s) => s.petitionId)).toEqual(["q-1", "q-2"])
    const p2 = await run(store.queries.byUnit("unit.paging", { limit: 2, after: p1.next! }))
    expect(p2).toMatchObject({ next: null })
    expect(p2.items.map((s) => s.petitionId)).toEqual(["q-3"])
  })
})
