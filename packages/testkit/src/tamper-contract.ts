// A petition's history changed behind the engine's back, through a raw connection to the store:
// loading it fails with HistoryTampered, the petition refuses further commands, and ticks and
// relays go on with the other petitions. Every adapter runs it with its own way of reaching the rows.
import { createHash } from "node:crypto"
import type { EngineCommand } from "@minyi/core"
import { emptyRegistry, Engine, engineLayer, EventStore, loadRulePack, Notifier, Notifiers, publish, sampleDirectory } from "@minyi/core"
import { rulePackPresets } from "@minyi/core"
import { auditHistories, notifyFailed, sealHeads } from "@minyi/core/adapter"
import type { StreamHead } from "@minyi/core/adapter"
import { Effect, Layer, Option, Redacted, Result } from "effect"
import { describe, expect, it } from "vitest"
import type { StoreHarness } from "./store-contract.js"
import { contractRetryPolicy } from "./store-contract.js"
import { sampleSubmit } from "./fixtures.js"

/** An event row as stored: its version and its data (the encoded event, with `prevHash` and `hash`). */
export interface TamperRow {
  readonly version: number
  readonly data: unknown
}

/**
 * A store harness that can also change stored rows directly, as someone with database access
 * could: read a stream's event rows, replace a row's data, delete a row, and overwrite the
 * stream's stored head.
 */
export interface TamperHarness extends StoreHarness {
  readonly rows: (location: string, petitionId: string) => Promise<ReadonlyArray<TamperRow>>
  readonly rewrite: (location: string, petitionId: string, version: number, data: unknown) => Promise<void>
  readonly remove: (location: string, petitionId: string, version: number) => Promise<void>
  readonly setHead: (location: string, petitionId: string, head: StreamHead) => Promise<void>
  /**
   * Turns the store back into one written before stream heads existed (drops them and marks the
   * schema as the version before), so that opening it again migrates.
   */
  readonly forgetHeads: (location: string) => Promise<void>
}

const directory = sampleDirectory()
const packs = Result.getOrThrow(publish(emptyRegistry, Result.getOrThrow(loadRulePack(rulePackPresets["futian-10-30-24"], { directory })), { directory }))
const T0 = Date.parse("2026-03-02T09:00:00+08:00")
const DAY = 86_400_000
const chainKey = Redacted.make("tamper-contract-chain-key")

const submit = (petitionId: string): EngineCommand => sampleSubmit(petitionId, T0)
const prioritise = (petitionId: string, at: number, priority: "high" | "urgent" | "normal"): EngineCommand => ({
  _tag: "SetPriority",
  petitionId,
  at,
  actor: { kind: "unit", id: "unit.dispatch-centre" },
  priority
})

// The attacker's side, written from the documented algorithm (docs/security.md), not from core:
// SHA-256 over the canonical JSON (keys sorted) of the event without its `hash`.
const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]"
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return "{" + entries.map(([k, v]) => JSON.stringify(k) + ":" + canonical(v)).join(",") + "}"
  }
  return JSON.stringify(value)
}
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value)
const recordOf = (value: unknown): Record<string, unknown> => {
  if (!isRecord(value)) throw new Error("an event row's data is not an object")
  return value
}
const retitled = (data: unknown): Record<string, unknown> => ({ ...recordOf(data), title: "已处理完毕" })

/** Changes the Submitted event's title and recomputes every hash after it, as an attacker who knows the algorithm would. */
const rewriteAndRecompute = async (harness: TamperHarness, location: string, petitionId: string): Promise<StreamHead> => {
  let prevHash = "0".repeat(64)
  let version = 0
  for (const row of await harness.rows(location, petitionId)) {
    const { hash: _, ...rest } = row.version === 1 ? retitled(row.data) : recordOf(row.data)
    const body = { ...rest, prevHash }
    const hash = createHash("sha256").update(canonical(body)).digest("hex")
    await harness.rewrite(location, petitionId, row.version, { ...body, hash })
    prevHash = hash
    version = row.version
  }
  return { version, hash: prevHash, seal: null }
}

type Tampering = {
  readonly name: string
  /** `newest` is p1's last version before the tampering. */
  readonly apply: (harness: TamperHarness, location: string, newest: number) => Promise<void>
  readonly reason: string
  /** The version HistoryTampered names, given `newest`. */
  readonly version: (newest: number) => number
}

const tamperings: ReadonlyArray<Tampering> = [
  {
    name: "an edited row",
    apply: async (h, location) => {
      const [first] = await h.rows(location, "p1")
      await h.rewrite(location, "p1", 1, retitled(first?.data))
    },
    reason: "hash_mismatch",
    version: () => 1
  },
  { name: "a deleted middle row", apply: (h, location) => h.remove(location, "p1", 2), reason: "version_gap", version: () => 2 },
  { name: "a deleted newest row", apply: (h, location, newest) => h.remove(location, "p1", newest), reason: "truncated", version: (newest) => newest },
  {
    name: "a rewritten row with every hash recomputed",
    apply: async (h, location) => void (await rewriteAndRecompute(h, location, "p1")),
    reason: "head_mismatch",
    version: (newest) => newest
  },
  {
    name: "a rewritten row with every hash recomputed and the head moved (without the key)",
    apply: async (h, location) => {
      const forged = await rewriteAndRecompute(h, location, "p1")
      await h.setHead(location, "p1", { ...forged, seal: "0".repeat(64) })
    },
    reason: "seal_mismatch",
    version: (newest) => newest
  },
  {
    name: "a rewritten row with every hash recomputed and the head moved, its seal removed",
    apply: async (h, location) => h.setHead(location, "p1", await rewriteAndRecompute(h, location, "p1")),
    reason: "unsealed_head",
    version: (newest) => newest
  }
]

/** A notifier that refuses every message for good: each becomes a dead letter the relay records on its petition. */
const refusingNotifier = Layer.succeed(Notifier, Notifier.of({ send: (n) => Effect.fail(notifyFailed(n.channel, false, "收件方已注销 (recipient gone)")) }))

interface EngineSetup {
  readonly notifier?: Layer.Layer<Notifier>
  /** The chain keys the engine seals and verifies with: the contract's key unless given (null: none). */
  readonly keys?: { readonly chainKey: Redacted.Redacted<string>; readonly previousChainKeys?: ReadonlyArray<Redacted.Redacted<string>> } | null
}

export const tamperContract = (harness: TamperHarness): void => {
  const engineOn = (location: string, setup: EngineSetup) =>
    engineLayer({ directory, packs, identityKey: Redacted.make("tamper-contract-key"), ...(setup.keys === undefined ? { chainKey } : setup.keys ?? {}) }).pipe(
      Layer.provide(Layer.merge(harness.open(location, { retry: contractRetryPolicy }), setup.notifier ?? Notifiers.layerMemory))
    )
  const run = <A, E>(location: string, program: Effect.Effect<A, E, Engine>, setup: EngineSetup = {}) =>
    Effect.runPromise(Effect.scoped(Effect.provide(program, engineOn(location, setup))))
  /** Runs `program` on the store alone, as the audit and sealing tools do. */
  const onStore = <A, E>(location: string, program: Effect.Effect<A, E, EventStore>) =>
    Effect.runPromise(Effect.scoped(Effect.provide(program, harness.open(location, { retry: contractRetryPolicy }))))

  /**
   * A store with petitions p1 and p2 of at least three events each, so each has a middle event. With
   * `notified`, a tick after their feedback clocks ran out has queued notifications for both.
   */
  const twoPetitions = async (notified = false): Promise<string> => {
    const location = await harness.newLocation()
    await run(location, Engine.use((e) =>
      Effect.gen(function*() {
        for (const id of ["p1", "p2"]) {
          yield* e.handle(submit(id))
          yield* e.handle(prioritise(id, T0 + 60_000, "high"))
          yield* e.handle(prioritise(id, T0 + 120_000, "urgent"))
        }
        if (notified) yield* e.tick(T0 + 3_600_000)
      })
    ))
    return location
  }

  describe(`${harness.name}: tampered histories`, () => {
    for (const t of tamperings) {
      it(`${t.name}: HistoryTampered (${t.reason}), quarantined, and ticks go on with the others`, async () => {
        const location = await twoPetitions()
        const newest = (await harness.rows(location, "p1")).length
        await t.apply(harness, location, newest)
        const outcome = await run(location, Engine.use((e) =>
          Effect.gen(function*() {
            const first = yield* Effect.flip(e.state("p1"))
            const again = yield* Effect.flip(e.handle(prioritise("p1", T0 + 180_000, "normal")))
            const other = yield* e.handle(prioritise("p2", T0 + 180_000, "normal"))
            const ticked = yield* e.tick(T0 + 60 * DAY)
            return { first, again, other, ticked }
          })
        ))
        expect(outcome.first).toMatchObject({ _tag: "HistoryTampered", petitionId: "p1", reason: t.reason, version: t.version(newest) })
        expect(outcome.again).toMatchObject({ _tag: "HistoryTampered", petitionId: "p1" })
        expect(outcome.other.events.length).toBeGreaterThan(0)
        expect(outcome.ticked.failed.map((f) => [f.petitionId, f.error._tag])).toContainEqual(["p1", "HistoryTampered"])
        expect(outcome.ticked.failed.some((f) => f.petitionId === "p2")).toBe(false)
        expect(outcome.ticked.fired).toBeGreaterThan(0)
        const audit = await onStore(location, auditHistories({ chainKey }))
        expect(audit.petitions.map((p) => [p.petitionId, p.ok, p.reason])).toEqual([["p1", false, t.reason], ["p2", true, undefined]])
        expect(audit.tampered).toBe(1)
      })
    }

    it("a store from before stream heads: the upgrade anchors each petition unsealed; a keyed engine refuses it until the heads are sealed", async () => {
      const location = await twoPetitions()
      const before = await onStore(location, auditHistories({ chainKey }))
      await harness.forgetHeads(location)
      const unkeyed = await run(location, Engine.use((e) => e.state("p1")), { keys: null })
      const migrated = await onStore(location, auditHistories())
      expect(migrated.petitions.map((p) => [p.petitionId, p.ok, p.head?.version, p.head?.seal])).toEqual(
        before.petitions.map((p) => [p.petitionId, true, p.head?.version, null])
      )
      // The anchors an auditor kept before the upgrade still match: same heads, same digest.
      expect(migrated.digest).toBe(before.digest)
      expect(unkeyed.version).toBe(before.petitions[0]?.head?.version)
      const refused = await run(location, Effect.flip(Engine.use((e) => e.state("p1"))))
      expect(refused).toMatchObject({ _tag: "HistoryTampered", reason: "unsealed_head" })
      const sealed = await onStore(location, sealHeads({ chainKey }))
      expect(sealed).toEqual({ sealed: 2, current: 0, tampered: [] })
      const after = await run(location, Engine.use((e) => e.state("p1")))
      expect(after.version).toBe(unkeyed.version)
      expect((await onStore(location, auditHistories({ chainKey }))).tampered).toBe(0)
    })

    it("rotating the chain key: the old seals verify as previous keys, sealHeads moves every head to the new key", async () => {
      const location = await twoPetitions()
      const newKey = Redacted.make("tamper-contract-chain-key-2027")
      const rotated = { chainKey: newKey, previousChainKeys: [chainKey] }
      const during = await run(location, Engine.use((e) => e.handle(prioritise("p1", T0 + 180_000, "normal"))), { keys: rotated })
      expect(during.events.length).toBeGreaterThan(0)
      const withoutOld = await run(location, Effect.flip(Engine.use((e) => e.state("p2"))), { keys: { chainKey: newKey } })
      expect(withoutOld).toMatchObject({ _tag: "HistoryTampered", petitionId: "p2", reason: "seal_mismatch" })
      // p1 was sealed under the new key by its append; only p2 is left to seal again.
      expect(await onStore(location, sealHeads(rotated))).toEqual({ sealed: 1, current: 1, tampered: [] })
      const states = await run(location, Engine.use((e) => Effect.all([e.state("p1"), e.state("p2")])), { keys: { chainKey: newKey } })
      expect(states.map((s) => s.id)).toEqual(["p1", "p2"])
      const audit = await onStore(location, auditHistories({ chainKey }))
      expect(audit.petitions.map((p) => p.reason)).toEqual(["seal_mismatch", "seal_mismatch"])
    })

    it("an untouched store passes: every petition loads, and its stored head is sealed where the history ends", async () => {
      const location = await twoPetitions()
      const states = await run(location, Engine.use((e) => Effect.all([e.state("p1"), e.state("p2")])))
      expect(states[0]!.version).toBeGreaterThanOrEqual(3)
      const head = await onStore(location, EventStore.use((s) => s.readHead("p1")))
      const rows = await harness.rows(location, "p1")
      expect(rows.map((r) => r.version)).toEqual(Array.from({ length: states[0]!.version }, (_, i) => i + 1))
      expect(Option.getOrUndefined(head)).toEqual({ version: states[0]!.version, hash: recordOf(rows.at(-1)?.data).hash, seal: expect.stringMatching(/^[0-9a-f]{64}$/) })
      // Paged one stream at a time, the audit sees the same petitions as in one page.
      const pages = await onStore(location, Effect.all([EventStore.use((st) => st.streamIds({ limit: 1 })), EventStore.use((st) => st.streamIds({ limit: 1, after: "p1" }))]))
      expect(pages).toEqual([{ items: ["p1"], next: "p1" }, { items: ["p2"], next: null }])
      const [paged, whole] = await onStore(location, Effect.all([auditHistories({ chainKey, pageSize: 1 }), auditHistories({ chainKey })]))
      expect(paged).toEqual(whole)
      expect(whole.petitions.map((p) => [p.petitionId, p.ok])).toEqual([["p1", true], ["p2", true]])
    })

    it("a relay that meets a tampered petition records the others' dead letters and reports the tampered one as unrecorded", async () => {
      const location = await twoPetitions(true)
      await harness.remove(location, "p1", 2)
      const relayed = await run(location, Engine.use((e) =>
        Effect.gen(function*() {
          const report = yield* e.relay(T0 + 3_600_000)
          const p2 = yield* e.history("p2")
          return { report, p2 }
        })
      ), { notifier: refusingNotifier })
      const deadOn = (id: string) => relayed.report.deadLettered.filter((d) => d.message.streamId === id).length
      expect(deadOn("p1")).toBeGreaterThan(0)
      expect(deadOn("p2")).toBeGreaterThan(0)
      expect(relayed.report.unrecorded.map((u) => [u.deadLetter.message.streamId, u.error._tag])).toContainEqual(["p1", "HistoryTampered"])
      expect(relayed.report.unrecorded.some((u) => u.deadLetter.message.streamId === "p2")).toBe(false)
      expect(relayed.p2.some((e) => e._tag === "NotificationDeadLettered")).toBe(true)
    })

    it("a kept petition verifies only the events appended since: an edit of a kept event is not re-read, a fresh engine finds it", async () => {
      const location = await twoPetitions()
      const kept = await run(location, Engine.use((e) =>
        Effect.gen(function*() {
          yield* e.state("p1")
          const [first] = yield* Effect.promise(() => harness.rows(location, "p1"))
          yield* Effect.promise(() => harness.rewrite(location, "p1", 1, retitled(first?.data)))
          // The kept copy was verified when loaded; only the new event is read and verified now.
          return yield* e.handle(prioritise("p1", T0 + 180_000, "normal"))
        })
      ))
      expect(kept.events.length).toBeGreaterThan(0)
      const fresh = await run(location, Effect.flip(Engine.use((e) => e.state("p1"))))
      expect(fresh).toMatchObject({ _tag: "HistoryTampered", reason: "hash_mismatch", version: 1 })
    })
  })
}
