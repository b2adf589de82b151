import { createHash } from "node:crypto"
import { Redacted, Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { canonicalJson, hashOf } from "../../src/petition/chain.js"
import { sha256Hex } from "../../src/shared/sha256.js"
import type { PetitionEvent } from "../../src/petition/index.js"
import { anchorOf, decodeEvent, encodeEvent, GENESIS_HASH, GENESIS_HEAD, replay, verifyAnchor, verifyAnchoredChain, verifyChain, verifyContinuation } from "../../src/petition/index.js"
import { decideAll, stages } from "./fixtures.js"

describe("sha256Hex", () => {
  it("matches the FIPS 180-4 test vectors", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    expect(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    )
  })
  it("agrees with node:crypto on any text, across block boundaries and non-ASCII", () =>
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 300 }), (text) => {
        expect(sha256Hex(text)).toBe(createHash("sha256").update(text, "utf8").digest("hex"))
      }),
      { numRuns: 500 }
    ))
})

// The text every stored hash was computed over, as first written: the faster canonicalJson must
// give exactly this for every JSON value, or histories already stored would stop verifying.
const canonicalJsonAsFirstWritten = (value: unknown): string => {
  if (Array.isArray(value)) return "[" + value.map(canonicalJsonAsFirstWritten).join(",") + "]"
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return "{" + entries.map(([k, v]) => JSON.stringify(k) + ":" + canonicalJsonAsFirstWritten(v)).join(",") + "}"
  }
  return JSON.stringify(value)
}

describe("canonicalJson", () => {
  it("sorts keys by UTF-16 code units at every depth and leaves out undefined members", () => {
    expect(canonicalJson({ b: 1, a: [{ z: "诉", "é": null, A: undefined }], "中": true, Z: -0.5 })).toBe(
      '{"Z":-0.5,"a":[{"z":"诉","é":null}],"b":1,"中":true}'
    )
  })
  it("gives the text the stored hashes were computed over, for any JSON value", () =>
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(canonicalJsonAsFirstWritten(value))
      }),
      { numRuns: 1000 }
    ))
  it("and for objects with members left undefined and keys outside the Basic Multilingual Plane", () =>
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ unit: "binary", maxLength: 6 }), fc.option(fc.oneof(fc.string(), fc.integer(), fc.array(fc.integer())), { nil: undefined })),
        (value) => {
          expect(canonicalJson(value)).toBe(canonicalJsonAsFirstWritten(value))
        }
      ),
      { numRuns: 500 }
    ))
})

describe("the hash chain", () => {
  const { events } = decideAll(stages.closed())

  it("links each event to the previous one from the genesis hash", () => {
    expect(events[0]?.prevHash).toBe(GENESIS_HASH)
    events.slice(1).forEach((e, i) => expect(e.prevHash).toBe(events[i]?.hash))
    expect(verifyChain(events)).toEqual(Result.void)
    expect(verifyChain(events, { version: events.length, hash: events.at(-1)!.hash })).toEqual(Result.void)
  })

  it("verifies a continuation from a kept head alone, naming the first version that does not follow on", () => {
    const cut = 3
    const kept = verifyContinuation(events[0]!.petitionId, GENESIS_HEAD, events.slice(0, cut))
    if (Result.isFailure(kept)) throw new Error("expected the prefix to verify")
    expect(kept.success).toEqual({ version: cut, hash: events[cut - 1]!.hash })
    const rest = verifyContinuation(events[0]!.petitionId, kept.success, events.slice(cut))
    expect(rest).toEqual(Result.succeed({ version: events.length, hash: events.at(-1)!.hash }))
    const skipped = verifyContinuation(events[0]!.petitionId, kept.success, events.slice(cut + 1))
    if (Result.isSuccess(skipped)) throw new Error("expected a gap")
    expect(skipped.failure).toMatchObject({ reason: "version_gap", version: cut + 1 })
  })

  const broken = (evts: ReadonlyArray<PetitionEvent>, head?: { version: number; hash: string }) => {
    const r = verifyChain(evts, head)
    if (Result.isSuccess(r)) throw new Error("expected the chain to break")
    expect(r.failure._tag).toBe("ChainBroken")
    return r.failure
  }

  it("names the edited event", () => {
    const edited = events.map((e, i) => (i === 3 ? { ...e, at: e.at + 1 } : e))
    expect(broken(edited)).toMatchObject({ version: 4, reason: "hash_mismatch" })
  })
  it("names the first of two swapped events", () => {
    const swapped = [...events]
    ;[swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!]
    expect(broken(swapped)).toMatchObject({ version: 3, reason: "version_gap" })
  })
  it("names the place of a removed event", () => {
    expect(broken([...events.slice(0, 2), ...events.slice(3)])).toMatchObject({ version: 3 })
  })
  it("catches a removed last event against the known head", () => {
    const head = { version: events.length, hash: events.at(-1)!.hash }
    expect(broken(events.slice(0, -1), head)).toMatchObject({ version: events.length, reason: "truncated" })
  })
  it("catches an edit whose own hash was recomputed, at the next link", () => {
    const forged = { ...events[1]!, actor: { kind: "person" as const, id: "person.forger" } }
    const edited = events.map((e, i) => (i === 1 ? { ...forged, hash: hashOf(forged) } : e))
    expect(broken(edited)).toMatchObject({ version: 3, reason: "prev_hash_mismatch" })
  })
  it("explains the break to a clerk", () => {
    const edited = events.map((e, i) => (i === 0 ? { ...e, title: "改过的标题" } : e)) as ReadonlyArray<PetitionEvent>
    expect(broken(edited).message).toContain("第 1 个事件")
  })
})

describe("the encoding sealing made", () => {
  it("is what encoding the event afresh gives, handed out once; later encodings are made anew", () => {
    const { events } = decideAll(stages.closed())
    for (const event of events) {
      const first = encodeEvent(event)
      const second = encodeEvent(event)
      expect(first).toEqual(second)
      expect(first).not.toBe(second)
      expect(hashOf(event)).toBe(event.hash)
      expect(Result.getOrThrow(decodeEvent(first))).toEqual(event)
    }
  })
})

describe("events as stored JSON", () => {
  const { events, state } = decideAll(stages.closed())
  const stored = JSON.parse(JSON.stringify(events.map(encodeEvent))) as Array<unknown>

  it("round-trip exactly, identity included, and still verify", () => {
    const decoded = stored.map((j) => Result.getOrThrow(decodeEvent(j)))
    expect(decoded.map(encodeEvent)).toEqual(stored)
    expect(verifyChain(decoded)).toEqual(Result.void)
    const submitted = decoded[0]
    if (submitted?._tag !== "Submitted") throw new Error("first event is Submitted")
    expect(Redacted.value(submitted.petitioner.name!)).toBe("张三")
    expect(replay(decoded).status).toBe(state.status)
  })
  it("keep identity in storage but mask it in logs and in JSON of the model", () => {
    expect(JSON.stringify(stored)).toContain("13800138000")
    expect(JSON.stringify(events)).not.toContain("13800138000")
    expect(JSON.stringify(state)).not.toContain("张三")
    expect(String(state.petitioner?.phone)).not.toContain("13800138000")
  })
  it("a malformed stored event is a typed error with paths", () => {
    const bad = { ...(stored[1] as object), version: 0, at: "yesterday" }
    const r = decodeEvent(bad)
    if (Result.isSuccess(r)) throw new Error("expected a decode failure")
    expect(r.failure._tag).toBe("InvalidInput")
    expect(r.failure.problems.map((p) => p.path).sort()).toEqual(["/at", "/version"])
  })
  it("a stored event of an unknown kind is named at /_tag, with the known kinds", () => {
    const r = decodeEvent({ ...(stored[1] as object), _tag: "Teleported" })
    if (Result.isSuccess(r)) throw new Error("expected a decode failure")
    expect(r.failure.problems).toEqual([{ path: "/_tag", message: expect.stringContaining('Submitted, Acknowledged') }])
    expect(r.failure.problems[0]?.message).toContain('got "Teleported"')
  })
})

describe("the stored head (anchor)", () => {
  const { events } = decideAll(stages.closed())
  const id = events[0]!.petitionId
  const end = { version: events.length, hash: events.at(-1)!.hash }
  const key = Redacted.make("chain-test-key")
  const keys = { current: key }
  const failureOf = (r: Result.Result<void, { readonly reason: string; readonly version: number }>) => {
    if (Result.isSuccess(r)) throw new Error("expected the anchor not to hold")
    return { reason: r.failure.reason, version: r.failure.version }
  }

  it("holds where the history ends, unsealed without keys and sealed with them", () => {
    expect(verifyAnchor(id, events, anchorOf(id, end, undefined), undefined)).toEqual(Result.void)
    const sealed = anchorOf(id, end, keys)
    expect(sealed.seal).toMatch(/^[0-9a-f]{64}$/)
    expect(verifyAnchor(id, events, sealed, keys)).toEqual(Result.void)
    expect(verifyAnchor(id, [], undefined, keys)).toEqual(Result.void)
  })

  it("finds the newest events removed, events added after it, a re-hashed history and a missing head", () => {
    const head = anchorOf(id, end, keys)
    expect(failureOf(verifyAnchor(id, events.slice(0, -2), head, keys))).toEqual({ reason: "truncated", version: events.length - 1 })
    const earlier = anchorOf(id, { version: 3, hash: events[2]!.hash }, keys)
    expect(failureOf(verifyAnchor(id, events, earlier, keys))).toEqual({ reason: "beyond_head", version: 4 })
    expect(failureOf(verifyAnchor(id, events, { ...head, hash: "f".repeat(64) }, keys))).toEqual({ reason: "head_mismatch", version: events.length })
    expect(failureOf(verifyAnchor(id, events, undefined, keys))).toEqual({ reason: "head_missing", version: 1 })
  })

  it("refuses a seal made without the key, under another key, for another petition, or none at all when keyed", () => {
    const head = anchorOf(id, end, keys)
    expect(failureOf(verifyAnchor(id, events, anchorOf(id, end, { current: Redacted.make("guess") }), keys)).reason).toBe("seal_mismatch")
    expect(failureOf(verifyAnchor(id, events, { ...head, seal: null }, keys)).reason).toBe("unsealed_head")
    const moved = anchorOf("another-petition", end, keys)
    expect(failureOf(verifyAnchor(id, events, { ...head, seal: moved.seal }, keys)).reason).toBe("seal_mismatch")
  })

  it("accepts a seal under a previous key while the heads are sealed again under the new one", () => {
    const old = anchorOf(id, end, keys)
    const rotated = { current: Redacted.make("chain-test-key-2"), previous: [key] }
    expect(verifyAnchor(id, events, old, rotated)).toEqual(Result.void)
    expect(failureOf(verifyAnchor(id, events, old, { current: rotated.current })).reason).toBe("seal_mismatch")
  })

  it("verifies a whole history and its anchor in one call, returning where it ends", () => {
    expect(verifyAnchoredChain(id, events, anchorOf(id, end, keys), keys)).toEqual(Result.succeed(end))
    const edited = events.map((e, i) => (i === 1 ? { ...e, at: e.at + 1 } : e))
    const r = verifyAnchoredChain(id, edited, anchorOf(id, end, keys), keys)
    expect(Result.isFailure(r) && r.failure.reason).toBe("hash_mismatch")
  })
})
