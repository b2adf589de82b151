/**
 * The week in figures, counted from what the SQLite file holds: every stored event is read back
 * through the store and decoded (a row that does not decode stops the demo), so the summary is
 * the file's account, not the generator's intentions.
 */
import type { PetitionEvent } from "@minyi/core"
import { decodeEvent, EventStore, Outbox } from "@minyi/core"
import * as SqliteStore from "@minyi/store-sqlite"
import { Effect, Result } from "effect"

export interface Summary {
  readonly petitions: number
  /** Petitions none of whose clocks was breached. */
  readonly onTime: number
  readonly breaches: number
  readonly escalations: number
  readonly whistles: number
  /** Petitions a leader owns (包案): escalated at least once. */
  readonly ownedCases: number
  /** Of those, owned by a district leader (tier 2 or 3). */
  readonly ownedByDistrictLeaders: number
  /** Notifications the rules queued, one per recipient. */
  readonly notificationsQueued: number
  /** Notifications still in the outbox (waiting or dead-lettered). */
  readonly notificationsPending: number
  /** Notifications the receiver accepted with a valid signature. */
  readonly notificationsDelivered: number
  /** Requests the receiver refused (bad or missing signature): 0 unless something is wrong. */
  readonly notificationsRefused: number
}

const count = (events: ReadonlyArray<PetitionEvent>) => {
  const submitted = new Set<string>()
  const breached = new Set<string>()
  const owned = new Set<string>()
  const ownedHigh = new Set<string>()
  let breaches = 0
  let escalations = 0
  let whistles = 0
  let queued = 0
  for (const e of events) {
    switch (e._tag) {
      case "Submitted":
        submitted.add(e.petitionId)
        break
      case "ClockBreached":
        breaches++
        breached.add(e.petitionId)
        break
      case "Escalated":
        escalations++
        owned.add(e.petitionId)
        if (e.tier >= 2) ownedHigh.add(e.petitionId)
        break
      case "WhistleBlown":
        whistles++
        break
      case "NotificationQueued":
        queued += e.recipients.length
        break
      default:
        break
    }
  }
  return {
    petitions: submitted.size,
    onTime: [...submitted].filter((id) => !breached.has(id)).length,
    breaches,
    escalations,
    whistles,
    ownedCases: owned.size,
    ownedByDistrictLeaders: ownedHigh.size,
    notificationsQueued: queued
  }
}

export const summarise = (db: string, receiver: { readonly delivered: number; readonly refused: number }): Promise<Summary> =>
  Effect.runPromise(
    Effect.gen(function*() {
      const store = yield* EventStore
      const events: Array<PetitionEvent> = []
      for (let after = 0;;) {
        const page = yield* store.readAll(after, 10_000)
        if (page.length === 0) break
        for (const row of page) {
          const event = decodeEvent(row.data)
          if (Result.isFailure(event)) return yield* Effect.fail(new Error(`${row.streamId}@${row.version}: ${event.failure.message}`))
          events.push(event.success)
        }
        after = page[page.length - 1]!.position
      }
      const pending = yield* Outbox.use((o) => o.pendingCount())
      const dead = yield* Outbox.use((o) => o.deadLetters())
      return {
        ...count(events),
        notificationsPending: pending + dead.length,
        notificationsDelivered: receiver.delivered,
        notificationsRefused: receiver.refused
      }
    }).pipe(Effect.provide(SqliteStore.layer({ path: db })))
  )
