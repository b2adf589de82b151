import { Redacted, Result, Schema } from "effect"
import { hmacSha256Hex } from "../shared/hmac.js"
import { sha256Hex } from "../shared/sha256.js"
import { encodeEvent, encodeUnsealed, rememberEncoding } from "./codec.js"
import type { PetitionEvent, PetitionEventJson, UnsealedEvent } from "./schema.js"

/** The `prevHash` of a stream's first event. */
export const GENESIS_HASH = "0".repeat(64)

/**
 * JSON with object keys sorted, so the same event always hashes the same. Keys are compared as
 * UTF-16 code units (`Array.prototype.sort`'s default) and keys whose value is `undefined` are left
 * out, as `JSON.stringify` leaves them out; every stored hash depends on exactly this text.
 */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== "object") return JSON.stringify(value)
  if (Array.isArray(value)) {
    let out = "["
    // An element with no JSON text (undefined) leaves an empty slot, as `join` did.
    for (let i = 0; i < value.length; i++) out += (i === 0 ? "" : ",") + (canonicalJson(value[i]) ?? "")
    return out + "]"
  }
  // TypeScript does not index a plain `object` by string; a non-array object is such a record.
  const record = value as Readonly<Record<string, unknown>>
  const keys = Object.keys(record).sort()
  let out = "{"
  let first = true
  for (const key of keys) {
    const v = record[key]
    if (v === undefined) continue
    out += (first ? "" : ",") + JSON.stringify(key) + ":" + canonicalJson(v)
    first = false
  }
  return out + "}"
}

/** The hash an event must carry: SHA-256 over the canonical JSON of its encoded form without `hash`. */
export const hashOf = (event: PetitionEvent): string => {
  const { hash: _, ...rest } = encodeEvent(event)
  return sha256Hex(canonicalJson(rest))
}

/** The hash of an event about to be sealed, and its encoded form without the hash. */
const sealOf = (event: PetitionEvent): { readonly hash: string; readonly rest: Omit<PetitionEventJson, "hash"> } => {
  const { hash: _, ...rest } = encodeUnsealed(event)
  return { hash: sha256Hex(canonicalJson(rest)), rest }
}

/** Seals events onto a stream that currently ends at `version` with `lastHash`. */
export const seal = (
  version: number,
  lastHash: string,
  events: ReadonlyArray<UnsealedEvent>
): ReadonlyArray<PetitionEvent> => {
  const out: Array<PetitionEvent> = []
  let prevHash = lastHash
  events.forEach((e, i) => {
    // Spreading one member of the unsealed union and adding the seal fields gives the matching
    // member of PetitionEvent, but TypeScript does not distribute a spread over a union.
    const withLink = { ...e, version: version + i + 1, prevHash, hash: "" } as PetitionEvent
    const { hash, rest } = sealOf(withLink)
    const sealed = { ...withLink, hash }
    // The encoding made for the hash is the stored form too: the append need not make it again.
    // (As above, a spread of a union member is not distributed over the union by TypeScript.)
    rememberEncoding(sealed, { ...rest, hash } as PetitionEventJson)
    out.push(sealed)
    prevHash = hash
  })
  return out
}

/** Why a history does not verify; `HistoryTampered` carries the same reasons. */
export const ChainBrokenReason = Schema.Literals([
  "version_gap",
  "prev_hash_mismatch",
  "hash_mismatch",
  "foreign_event",
  "truncated",
  "head_mismatch",
  "head_missing",
  "beyond_head",
  "seal_mismatch",
  "unsealed_head"
])
export type ChainBrokenReason = typeof ChainBrokenReason.Type

/** Raised when a petition's history does not verify: an event was edited, reordered or removed. */
export class ChainBroken extends Schema.TaggedError<ChainBroken>()("ChainBroken", {
  petitionId: Schema.String,
  version: Schema.Number,
  reason: ChainBrokenReason,
  message: Schema.String
}) {}

/** Why a history does not verify, in Chinese and English. */
export const chainBrokenReasons: Readonly<Record<ChainBrokenReason, { readonly zh: string; readonly en: string }>> = {
  version_gap: { zh: "版本号不连续，有事件缺失或顺序被调换", en: "a version is missing or out of order" },
  prev_hash_mismatch: { zh: "与前一事件的链接不符，有事件被删除、调换或改动", en: "the link to the previous event does not match" },
  hash_mismatch: { zh: "事件内容与其哈希不符，事件被改动过", en: "the event's content does not match its hash: it was edited" },
  foreign_event: { zh: "事件属于另一件信访件", en: "the event belongs to another petition" },
  truncated: { zh: "历史记录与已知的最新版本不符，末尾事件缺失", en: "the history does not reach the known head: events are missing at the end" },
  head_mismatch: { zh: "事件哈希与存储的链头不符，事件被改写后重新计算过哈希", en: "the events do not end in the stored head: rows were rewritten and re-hashed" },
  head_missing: { zh: "有事件却没有链头记录，链头被删除", en: "there are events but no stored head: the head was removed" },
  beyond_head: { zh: "链头之后还有事件，这些事件不是经引擎写入的", en: "there are events after the stored head: they were not written through the engine" },
  seal_mismatch: { zh: "链头的密钥签名不符，链头被改动过", en: "the head's keyed seal does not match: the head was altered" },
  unsealed_head: { zh: "本部署要求链头带密钥签名，但存储的链头没有", en: "this deployment seals heads, but the stored head has no seal" }
}

/** Where a stream is known to end (e.g. the store's head): lets verification catch a removed last event. */
export interface ChainHead {
  readonly version: number
  readonly hash: string
}

const broken = (petitionId: string, version: number, reason: ChainBrokenReason): ChainBroken =>
  new ChainBroken({
    petitionId,
    version,
    reason,
    message: `信访件 ${petitionId} 的历史记录在第 ${version} 个事件处校验失败：${chainBrokenReasons[reason].zh}（${chainBrokenReasons[reason].en}）`
  })

/**
 * Checks events that continue a stream already verified up to `from`: each must follow on by
 * version and link, and match its hash. The cost is proportional to `events` alone, so a loader
 * that keeps a verified prefix checks only what was appended since.
 */
export const verifyContinuation = (
  petitionId: string,
  from: ChainHead,
  events: ReadonlyArray<PetitionEvent>
): Result.Result<ChainHead, ChainBroken> => {
  let prevHash = from.hash
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!
    const expected = from.version + i + 1
    const reason: ChainBrokenReason | undefined =
      e.petitionId !== petitionId ? "foreign_event"
      : e.version !== expected ? "version_gap"
      : e.prevHash !== prevHash ? "prev_hash_mismatch"
      : hashOf(e) !== e.hash ? "hash_mismatch"
      : undefined
    if (reason !== undefined) return Result.fail(broken(petitionId, expected, reason))
    prevHash = e.hash
  }
  return Result.succeed({ version: from.version + events.length, hash: prevHash })
}

/** The head of an empty stream. */
export const GENESIS_HEAD: ChainHead = { version: 0, hash: GENESIS_HASH }

/**
 * Checks a petition's full history, naming the first version that does not verify. A chain alone
 * cannot notice that its newest events were cut off; pass the known `head` to check that too.
 */
export const verifyChain = (
  events: ReadonlyArray<PetitionEvent>,
  head?: ChainHead
): Result.Result<void, ChainBroken> => {
  const petitionId = events[0]?.petitionId ?? ""
  const reached = verifyContinuation(petitionId, GENESIS_HEAD, events)
  if (Result.isFailure(reached)) return Result.fail(reached.failure)
  if (head !== undefined && (head.version !== reached.success.version || head.hash !== reached.success.hash)) {
    return Result.fail(broken(petitionId, Math.min(events.length + 1, head.version), "truncated"))
  }
  return Result.void
}

/**
 * A stream's head as a store keeps it, apart from the event rows and written in the same
 * transaction: where the history ends, and — in a deployment with a chain key — a keyed seal over
 * it. Editing event rows cannot move it; rewriting it needs the key.
 */
export interface ChainAnchor extends ChainHead {
  /** HMAC-SHA256 of the petition id, version and hash under the chain key; null when unkeyed. */
  readonly seal: string | null
}

/**
 * The keys that seal heads. `current` seals every head written; a head sealed under one of
 * `previous` still verifies, so a new key can be rolled out before every head is sealed again.
 */
export interface ChainKeys {
  readonly current: Redacted.Redacted<string>
  readonly previous?: ReadonlyArray<Redacted.Redacted<string>>
}

// The petition id is inside the seal so that a head cannot be moved onto another petition;
// newlines cannot occur in ids (their character set is checked at the boundary).
const sealWith = (key: Redacted.Redacted<string>, petitionId: string, head: ChainHead): string =>
  hmacSha256Hex(Redacted.value(key), `minyi-chain-head/v1\n${petitionId}\n${head.version}\n${head.hash}`)

/** The anchor to store after an append that ends at `head`: sealed under the current key, if any. */
export const anchorOf = (petitionId: string, head: ChainHead, keys: ChainKeys | undefined): ChainAnchor => ({
  version: head.version,
  hash: head.hash,
  seal: keys === undefined ? null : sealWith(keys.current, petitionId, head)
})

/** True when the anchor's seal is what one of the keys gives. */
const sealHolds = (petitionId: string, anchor: ChainAnchor, keys: ChainKeys): boolean =>
  anchor.seal !== null && [keys.current, ...(keys.previous ?? [])].some((key) => sealWith(key, petitionId, anchor) === anchor.seal)

/**
 * Checks a verified history against its stored anchor: the history must end exactly at the
 * anchor's version, with the anchor's hash, and with keys the seal must hold. A history without an
 * anchor must be empty. Cost: one HMAC, independent of the history's length. A reader that read the
 * anchor before the events may meet `beyond_head` (or `head_missing` for a new stream) because
 * another writer appended in between: it reads the anchor again, and only an unchanged anchor
 * means tampering.
 */
export const verifyAnchor = (
  petitionId: string,
  events: ReadonlyArray<PetitionEvent>,
  anchor: ChainAnchor | undefined,
  keys: ChainKeys | undefined
): Result.Result<void, ChainBroken> => {
  if (anchor === undefined) return events.length === 0 ? Result.void : Result.fail(broken(petitionId, 1, "head_missing"))
  if (anchor.version > events.length) return Result.fail(broken(petitionId, events.length + 1, "truncated"))
  if (anchor.version < events.length) return Result.fail(broken(petitionId, anchor.version + 1, "beyond_head"))
  if (anchor.version > 0 && events[anchor.version - 1]!.hash !== anchor.hash) return Result.fail(broken(petitionId, anchor.version, "head_mismatch"))
  if (keys !== undefined) {
    if (anchor.seal === null) return Result.fail(broken(petitionId, anchor.version, "unsealed_head"))
    if (!sealHolds(petitionId, anchor, keys)) return Result.fail(broken(petitionId, anchor.version, "seal_mismatch"))
  }
  return Result.void
}

/**
 * Verifies a whole history and its anchor, as an auditor does: the chain from the genesis, then
 * where it ends. Returns the verified head.
 */
export const verifyAnchoredChain = (
  petitionId: string,
  events: ReadonlyArray<PetitionEvent>,
  anchor: ChainAnchor | undefined,
  keys: ChainKeys | undefined
): Result.Result<ChainHead, ChainBroken> => {
  const reached = verifyContinuation(petitionId, GENESIS_HEAD, events)
  if (Result.isFailure(reached)) return reached
  const anchored = verifyAnchor(petitionId, events, anchor, keys)
  return Result.isFailure(anchored) ? Result.fail(anchored.failure) : reached
}
