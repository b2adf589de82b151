/**
 * The auditor's view of a store: every petition's history verified from its genesis against its
 * stored head, the heads listed as anchors to keep outside the database, and — after a chain key
 * is introduced or rotated — every verified head sealed again under the current key.
 */
import type { Redacted } from "effect"
import { Effect, Option, Result } from "effect"
import type { ChainBrokenReason, ChainHead, ChainKeys, PetitionEvent } from "../petition/index.js"
import { anchorOf, decodeEvent, verifyAnchoredChain } from "../petition/index.js"
import type { StoreError, StreamHead } from "../ports/index.js"
import { EventStore } from "../ports/index.js"
import { sha256Hex } from "../shared/sha256.js"

/** One petition as the audit found it. */
export interface AuditedPetition {
  readonly petitionId: string
  /** The stored head (the anchor to keep), or null when the store has none for this petition. */
  readonly head: StreamHead | null
  readonly ok: boolean
  /** Why the history does not verify; `undecodable` when a row is not an event at all. */
  readonly reason?: ChainBrokenReason | "undecodable"
  /** The first version that does not verify. */
  readonly version?: number
  readonly message?: string
}

export interface AuditReport {
  readonly petitions: ReadonlyArray<AuditedPetition>
  readonly ok: number
  readonly tampered: number
  /**
   * SHA-256 (hex) over one line `petitionId<TAB>version<TAB>hash<LF>` per stored head, in
   * petition-id order: one value that changes when any head does, for the auditor's records.
   */
  readonly digest: string
}

export interface AuditOptions {
  /** Without it, seals are not checked (an unkeyed deployment, or an auditor without the secret). */
  readonly chainKey?: Redacted.Redacted<string>
  readonly previousChainKeys?: ReadonlyArray<Redacted.Redacted<string>>
  /** Petitions listed per page (default 500). */
  readonly pageSize?: number
}

const keysOf = (options: AuditOptions): ChainKeys | undefined =>
  options.chainKey === undefined ? undefined : { current: options.chainKey, previous: options.previousChainKeys ?? [] }

/** Every page of stream ids, in id order. */
const eachStream = <E>(
  store: EventStore["Service"],
  pageSize: number,
  visit: (streamId: string) => Effect.Effect<void, E>
): Effect.Effect<void, E | StoreError> =>
  Effect.gen(function*() {
    let after: string | undefined
    while (true) {
      const page = yield* store.streamIds(after === undefined ? { limit: pageSize } : { limit: pageSize, after })
      for (const id of page.items) yield* visit(id)
      if (page.next === null) return
      after = page.next
    }
  })

type Checked =
  | { readonly ok: true; readonly head: StreamHead | null; readonly reached: ChainHead }
  | { readonly ok: false; readonly head: StreamHead | null; readonly reason: ChainBrokenReason | "undecodable"; readonly version: number; readonly message: string }

/**
 * Verifies one petition. The head is read before the events; events beyond it may be another
 * writer's append on a live database, so the head is read again and only an unchanged one counts.
 */
const checkPetition = (store: EventStore["Service"], petitionId: string, keys: ChainKeys | undefined): Effect.Effect<Checked, StoreError> =>
  Effect.gen(function*() {
    for (let read = 1; ; read++) {
      const head = Option.getOrNull(yield* store.readHead(petitionId))
      const rows = yield* store.readStream(petitionId)
      const events: Array<PetitionEvent> = []
      for (const row of rows) {
        const decoded = decodeEvent(row.data)
        if (Result.isFailure(decoded)) {
          return { ok: false, head, reason: "undecodable", version: row.version, message: `${petitionId}@${row.version}: ${decoded.failure.message}` } as const
        }
        events.push(decoded.success)
      }
      const verified = verifyAnchoredChain(petitionId, events, head ?? undefined, keys)
      if (Result.isSuccess(verified)) return { ok: true, head, reached: verified.success } as const
      const { reason, version, message } = verified.failure
      if ((reason === "beyond_head" || reason === "head_missing") && read < 5) {
        const again = Option.getOrNull(yield* store.readHead(petitionId))
        if (again?.version !== head?.version || again?.hash !== head?.hash) continue
      }
      return { ok: false, head, reason, version, message } as const
    }
  })

/** Verifies every petition in the store (paging through them) and returns the anchors and their digest. */
export const auditHistories = (options: AuditOptions = {}): Effect.Effect<AuditReport, StoreError, EventStore> =>
  Effect.gen(function*() {
    const store = yield* EventStore
    const keys = keysOf(options)
    const petitions: Array<AuditedPetition> = []
    const lines: Array<string> = []
    yield* eachStream(store, options.pageSize ?? 500, (petitionId) =>
      Effect.map(checkPetition(store, petitionId, keys), (checked) => {
        if (checked.head !== null) lines.push(`${petitionId}\t${checked.head.version}\t${checked.head.hash}\n`)
        petitions.push(
          checked.ok
            ? { petitionId, head: checked.head, ok: true }
            : { petitionId, head: checked.head, ok: false, reason: checked.reason, version: checked.version, message: checked.message }
        )
      }))
    const tampered = petitions.filter((p) => !p.ok).length
    return { petitions, ok: petitions.length - tampered, tampered, digest: sha256Hex(lines.join("")) }
  })

export interface SealReport {
  /** Heads written again under the current key. */
  readonly sealed: number
  /** Heads already sealed under the current key. */
  readonly current: number
  /** Petitions left as they were because their history or seal does not verify. */
  readonly tampered: ReadonlyArray<AuditedPetition>
}

/**
 * Seals every verified head under `chainKey`: once after upgrading a store to stream heads (the
 * migration leaves them unsealed, and they are trusted as found), and after rotating the key (a
 * head sealed under one of `previousChainKeys` is sealed again). A head whose seal verifies under
 * no key, or whose history does not verify, is left alone and reported. Each head goes in an append
 * without events at the stream's version; a concurrent writer seals it itself.
 */
export const sealHeads = (options: AuditOptions & { readonly chainKey: Redacted.Redacted<string> }): Effect.Effect<SealReport, StoreError, EventStore> =>
  Effect.gen(function*() {
    const store = yield* EventStore
    const keys: ChainKeys = { current: options.chainKey, previous: options.previousChainKeys ?? [] }
    let sealed = 0
    let current = 0
    const tampered: Array<AuditedPetition> = []
    yield* eachStream(store, options.pageSize ?? 500, (petitionId) =>
      Effect.gen(function*() {
        const checked = yield* checkPetition(store, petitionId, keys)
        // An unsealed head is what the migration left: the one case sealing trusts as found.
        const trusted = checked.ok || (checked.reason === "unsealed_head" && checked.head !== null)
        if (!trusted || checked.head === null) {
          if (!checked.ok) tampered.push({ petitionId, head: checked.head, ok: false, reason: checked.reason, version: checked.version, message: checked.message })
          return
        }
        const head = anchorOf(petitionId, checked.head, keys)
        if (head.seal === checked.head.seal) {
          current++
          return
        }
        const written = yield* Effect.result(
          store.append({ streamId: petitionId, expectedVersion: head.version, events: [], outbox: [], timers: { schedule: [], cancel: [] }, head })
        )
        if (Result.isSuccess(written)) sealed++
        else if (written.failure._tag === "StoreUnavailable" || written.failure._tag === "StoreCorrupt") return yield* Effect.fail(written.failure)
        // A VersionConflict means an engine appended meanwhile and sealed the new head itself.
      }))
    return { sealed, current, tampered }
  })
