import { Result, Schema } from "effect"
import { sha256Hex } from "../shared/sha256.js"
import { encodeEvent } from "./codec.js"
import type { PetitionEvent, UnsealedEvent } from "./schema.js"

/** The `prevHash` of a stream's first event. */
export const GENESIS_HASH = "0".repeat(64)

/** JSON with object keys sorted, so the same event always hashes the same. */
export const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return "[" + value.map(canonicalJson).join(",") + "]"
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return "{" + entries.map(([k, v]) => JSON.stringify(k) + ":" + canonicalJson(v)).join(",") + "}"
  }
  return JSON.stringify(value)
}

/** The hash an event must carry: SHA-256 over the canonical JSON of its encoded form without `hash`. */
export const hashOf = (event: PetitionEvent): string => {
  const { hash: _, ...rest } = encodeEvent(event)
  return sha256Hex(canonicalJson(rest))
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
    const hash = hashOf(withLink)
    out.push({ ...withLink, hash })
    prevHash = hash
  })
  return out
}

/** Raised when a petition's history does not verify: an event was edited, reordered or removed. */
export class ChainBroken extends Schema.TaggedError<ChainBroken>()("ChainBroken", {
  petitionId: Schema.String,
  version: Schema.Number,
  reason: Schema.Literals(["version_gap", "prev_hash_mismatch", "hash_mismatch", "foreign_event", "truncated"]),
  message: Schema.String
}) {}

const reasons = {
  version_gap: "版本号不连续，有事件缺失或顺序被调换（a version is missing or out of order）",
  prev_hash_mismatch: "与前一事件的链接不符，有事件被删除、调换或改动（the link to the previous event does not match）",
  hash_mismatch: "事件内容与其哈希不符，事件被改动过（the event's content does not match its hash: it was edited）",
  foreign_event: "事件属于另一件信访件（the event belongs to another petition）",
  truncated: "历史记录与已知的最新版本不符，末尾事件缺失（the history does not reach the known head: events are missing at the end）"
} as const

/** Where a stream is known to end (e.g. the store's head): lets verification catch a removed last event. */
export interface ChainHead {
  readonly version: number
  readonly hash: string
}

const broken = (petitionId: string, version: number, reason: keyof typeof reasons): ChainBroken =>
  new ChainBroken({
    petitionId,
    version,
    reason,
    message: `信访件 ${petitionId} 的历史记录在第 ${version} 个事件处校验失败：${reasons[reason]}`
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
    const reason: keyof typeof reasons | undefined =
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
