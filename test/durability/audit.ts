/**
 * What a durability run left behind, read back through the storage ports after every worker is
 * gone, and the checks every run must pass. The expected history and notifications come from the
 * same petition run on the in-memory store in this process: the reference.
 */
import { readFileSync } from "node:fs"
import { decodeEvent, Engine, engineLayer, EventStore, Notifiers, Outbox, SentNotifications, Storage, Timers, verifyChain } from "@minyi/core"
import { CLOCK_TIMER } from "@minyi/core/adapter"
import type { PetitionEvent } from "@minyi/core"
import { Effect, Layer, Option, Result } from "effect"
import { expect } from "vitest"
import { directory, FEEDBACK_DUE, packs, storageLayer, submitOf, WORK_FROM } from "./support.js"
import type { StoreSpec } from "./support.js"

export interface Reference {
  /** The `_tag`s of a petition's history after its submit, one tick and a relay. */
  readonly tags: ReadonlyArray<string>
  /** Who the breach notifies (`kind:id`). */
  readonly recipients: ReadonlyArray<string>
  /** When the petition's clock timer is due after the breach was recorded. */
  readonly nextDueAt: number
}

export const reference = (): Promise<Reference> =>
  Effect.runPromise(
    Effect.gen(function*() {
      const engine = yield* Engine
      yield* engine.handle(submitOf("ref"))
      yield* engine.tick(WORK_FROM)
      yield* engine.relay(WORK_FROM)
      const history = yield* engine.history("ref")
      const sent = yield* (yield* SentNotifications).all
      const timer = yield* (yield* Timers).get({ streamId: "ref", key: CLOCK_TIMER })
      return {
        tags: history.map((e) => e._tag),
        recipients: sent.map((n) => n.recipient).sort(),
        nextDueAt: Option.getOrThrow(timer).dueAt
      }
    }).pipe(
      Effect.provide(
        engineLayer({ directory, packs }).pipe(Layer.provideMerge(Layer.merge(Storage.layerMemory(), Notifiers.layerMemory)))
      )
    )
  )

export interface Audit {
  readonly histories: ReadonlyMap<string, ReadonlyArray<PetitionEvent>>
  /** Global positions in order, as read back. */
  readonly positions: ReadonlyArray<number>
  readonly timers: ReadonlyMap<string, number | undefined>
  readonly pending: number
  readonly deadLetters: number
}

export const audit = (spec: StoreSpec, ids: ReadonlyArray<string>): Promise<Audit> =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function*() {
        const store = yield* EventStore
        const timers = yield* Timers
        const outbox = yield* Outbox
        const histories = new Map<string, Array<PetitionEvent>>()
        const positions: Array<number> = []
        for (let after = 0; ;) {
          const page = yield* store.readAll(after, 10_000)
          if (page.length === 0) break
          for (const row of page) {
            positions.push(row.position)
            const decoded = decodeEvent(row.data)
            if (Result.isFailure(decoded)) throw new Error(`${row.streamId}@${row.version}: ${decoded.failure.message}`)
            histories.set(row.streamId, [...(histories.get(row.streamId) ?? []), decoded.success])
          }
          after = page[page.length - 1]!.position
        }
        const due = yield* Effect.forEach(
          ids,
          (id) => timers.get({ streamId: id, key: CLOCK_TIMER }).pipe(Effect.map((t) => [id, Option.getOrUndefined(t)?.dueAt] as const)),
          { concurrency: 8 }
        )
        return {
          histories,
          positions,
          timers: new Map(due),
          pending: yield* outbox.pendingCount(),
          deadLetters: (yield* outbox.deadLetters()).length
        }
      }).pipe(Effect.provide(storageLayer(spec)))
    )
  )

export interface Deliveries {
  /** Deliveries (lines) in the notifier's file. */
  readonly total: number
  /** Distinct idempotency keys delivered. */
  readonly keys: number
  /** Deliveries beyond the first per key: at-least-once redeliveries. */
  readonly redelivered: number
}

/**
 * The checks every run must pass, with exact counts: each petition's history is the reference's
 * (so nothing lost, nothing recorded twice), its chain verifies, its one feedback breach is
 * recorded once, its timer waits for the next clock instant, every expected notification was
 * delivered under one stable key, and nothing else was.
 */
export const checkOutcome = (
  ref: Reference,
  result: Audit,
  ids: ReadonlyArray<string>,
  notifyLog: string
): Deliveries => {
  expect(result.histories.size).toBe(ids.length)
  expect(result.positions).toEqual(result.positions.map((_, i) => i + 1))
  const expected = new Set<string>()
  const wrong: Array<string> = []
  for (const id of ids) {
    const history = result.histories.get(id) ?? []
    const tags = history.map((e) => e._tag).join(",")
    if (tags !== ref.tags.join(",")) wrong.push(`${id}: ${tags}`)
    const chain = verifyChain(history)
    if (Result.isFailure(chain)) wrong.push(`${id}: ${chain.failure.message}`)
    const breaches = history.filter((e) => e._tag === "ClockBreached")
    if (breaches.length !== 1 || breaches[0]?.clock !== "feedback" || breaches[0].dueAt !== FEEDBACK_DUE) {
      wrong.push(`${id}: breaches ${JSON.stringify(breaches)}`)
    }
    if (result.timers.get(id) !== ref.nextDueAt) wrong.push(`${id}: timer due ${result.timers.get(id)}`)
    for (const r of ref.recipients) expected.add(`${id}/${breaches[0]?.version}/feedback-overdue/${r}`)
  }
  expect(wrong).toEqual([])
  expect(result.pending).toBe(0)
  expect(result.deadLetters).toBe(0)

  const lines = readFileSync(notifyLog, "utf8").split("\n").filter((l) => l !== "")
  const idOfKey = new Map<string, Set<string>>()
  for (const line of lines) {
    const [key, id] = line.split("\t") as [string, string]
    idOfKey.set(key, (idOfKey.get(key) ?? new Set()).add(id))
  }
  // A key always names the same message: redeliveries carry the key of the first delivery.
  expect([...idOfKey.entries()].filter(([, set]) => set.size !== 1)).toEqual([])
  const delivered = new Set([...idOfKey.values()].flatMap((set) => [...set]))
  expect(delivered.size).toBe(expected.size)
  expect([...expected].filter((id) => !delivered.has(id))).toEqual([])
  return { total: lines.length, keys: idOfKey.size, redelivered: lines.length - idOfKey.size }
}
