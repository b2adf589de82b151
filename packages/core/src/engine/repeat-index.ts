/**
 * The repeat index (重复件): one entry per petition, keyed by an HMAC of the petitioner's
 * normalised phone under the deployment's identity key, so that finding earlier petitions of
 * the same petitioner is an index lookup and nothing a list view returns lets anyone recover a
 * phone number (an unkeyed hash of a phone has only 10^4–10^8 candidates).
 */
import { Effect, Redacted, Result } from "effect"
import type { Directory } from "../directory/index.js"
import type { Petitioner, PetitionEvent } from "../petition/index.js"
import { decodeEvent } from "../petition/index.js"
import type { RepeatEntry, StoreError } from "../ports/index.js"
import { EventStore, storeCorrupt } from "../ports/index.js"
import { hmacSha256Hex } from "../shared/hmac.js"

/** The index key of a petitioner: none for an anonymous one or one without a phone. */
export const repeatKey = (identityKey: Redacted.Redacted<string>, petitioner: Petitioner | undefined): string | null => {
  if (petitioner === undefined || petitioner.anonymous || petitioner.phone === undefined) return null
  const digits = Redacted.value(petitioner.phone).replace(/\D/g, "")
  // The prefix separates this use of the secret from any other index keyed by it later.
  return digits.length === 0 ? null : hmacSha256Hex(Redacted.value(identityKey), `repeat-phone:${digits}`)
}

/** Where repeats are compared: the petition's community, or its deepest node when it has none. */
export const communityOf = (directory: Directory, jurisdiction: string): string | undefined => {
  const place = directory.jurisdictionPath(jurisdiction)
  return (place.find((j) => j.level === "community") ?? place[place.length - 1])?.id
}

/** The entry a Submitted event puts in the index, if its petitioner can be found again. */
export const repeatEntryOf = (
  identityKey: Redacted.Redacted<string>,
  directory: Directory,
  submitted: Extract<PetitionEvent, { readonly _tag: "Submitted" }>
): RepeatEntry | undefined => {
  const key = repeatKey(identityKey, submitted.petitioner)
  const community = communityOf(directory, submitted.jurisdiction)
  if (key === null || community === undefined) return undefined
  return {
    key,
    petitionId: submitted.petitionId,
    receivedAt: submitted.at,
    community,
    categoryPath: directory.categoryPath(submitted.category).map((c) => c.id)
  }
}

/**
 * Rewrites every petition's repeat-index entry under `identityKey`, from the Submitted events:
 * after rotating the key, and once after upgrading a store that had no index. Each entry goes in
 * an append without events at the stream's current version (a concurrent writer makes it retry).
 * Returns how many petitions were indexed.
 */
export const rekeyRepeatIndex = (options: {
  readonly identityKey: Redacted.Redacted<string>
  readonly directory: Directory
  /** Events read per page of the log. */
  readonly pageSize?: number
}): Effect.Effect<number, StoreError, EventStore> =>
  Effect.gen(function*() {
    const store = yield* EventStore
    const pageSize = options.pageSize ?? 1_000
    let after = 0
    let indexed = 0
    while (true) {
      const page = yield* store.readAll(after, pageSize)
      if (page.length === 0) return indexed
      after = page[page.length - 1]!.position
      for (const row of page) {
        if (row.type !== "Submitted") continue
        const decoded = decodeEvent(row.data)
        if (Result.isFailure(decoded)) return yield* storeCorrupt(`${row.streamId}@${row.version}`, decoded.failure.message)
        if (decoded.success._tag !== "Submitted") continue
        const entry = repeatEntryOf(options.identityKey, options.directory, decoded.success)
        if (entry === undefined) continue
        yield* writeEntry(store, row.streamId, entry)
        indexed++
      }
    }
  })

const writeEntry = (store: EventStore["Service"], streamId: string, entry: RepeatEntry): Effect.Effect<void, StoreError> =>
  Effect.gen(function*() {
    const version = (yield* store.readStream(streamId)).length
    const written = yield* Effect.result(
      store.append({ streamId, expectedVersion: version, events: [], outbox: [], timers: { schedule: [], cancel: [] }, repeatEntry: entry })
    )
    if (Result.isSuccess(written)) return
    const failure = written.failure
    if (failure._tag === "VersionConflict") return yield* writeEntry(store, streamId, entry)
    if (failure._tag === "InvalidInput" || failure._tag === "DuplicateId") {
      return yield* storeCorrupt(streamId, `the repeat-index entry was refused: ${failure.message}`)
    }
    return yield* Effect.fail(failure)
  })
