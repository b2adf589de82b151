import { Context, Effect, Layer, Redacted } from "effect"
import { describe, expect, it } from "vitest"
import type { PetitionState, Storage as StorageServices } from "../../src/index.js"
import { Engine, engineLayer, Notifiers, Queries, rulePackPresets, Storage } from "../../src/index.js"
import { rekeyRepeatIndex } from "../../src/engine/repeat-index.js"
import { sha256Hex } from "../../src/shared/sha256.js"
import { directory, publishedPacks } from "./support.js"

const packs = publishedPacks(rulePackPresets["futian-10-30-24"])
const phone = "13812345678"
const DAY = 86_400_000
const T0 = Date.parse("2026-03-02T09:00:00+08:00")

const submit = (petitionId: string, at: number) =>
  ({
    _tag: "Submit",
    petitionId,
    at,
    actor: { kind: "petitioner" },
    petitioner: { anonymous: false, name: Redacted.make("王五"), phone: Redacted.make(phone) },
    channel: "channel.hotline",
    category: "city-management.sanitation.refuse-odour",
    jurisdiction: "community.yuanling.hongli",
    title: "垃圾站异味",
    content: "小区门口垃圾站异味严重"
  }) as const

/** Runs `program` with an engine keyed by `identityKey` (or none) over the given storage. */
const withEngine = <A, E>(storage: Context.Context<StorageServices>, identityKey: string | undefined, program: Effect.Effect<A, E, Engine>) =>
  Effect.runPromise(
    program.pipe(
      Effect.provide(
        engineLayer({ directory, packs, ...(identityKey === undefined ? {} : { identityKey: Redacted.make(identityKey) }) }).pipe(
          Layer.provide(Layer.merge(Layer.succeedContext(storage), Notifiers.layerMemory))
        )
      )
    ) as Effect.Effect<A, E, never>
  )

const repeatOf = (storage: Context.Context<StorageServices>, key: string | undefined, id: string, at: number) =>
  withEngine(
    storage,
    key,
    Engine.use((e) => Effect.flatMap(e.handle(submit(id, at)), () => e.state(id))).pipe(Effect.map((s: PetitionState) => s.repeatOf))
  )

describe("engine: the repeat index", () => {
  it("keeps nothing in the read model from which the phone can be recovered", async () => {
    const storage = Storage.makeMemory()
    await repeatOf(storage, "secret-1", "p-1", T0)
    const row = JSON.stringify(await Effect.runPromise(Effect.provide(Queries.use((q) => q.get("p-1")), storage)))
    const digits = phone.replace(/\D/g, "")
    expect(row).not.toContain("phoneHash")
    // Neither the old salted hash nor a bare hash of the number.
    expect(row).not.toContain(sha256Hex(`${directory.data.id}:${digits}`))
    expect(row).not.toContain(sha256Hex(digits))
    expect(row).not.toContain(digits)
  })

  it("finds no repeat without an identity key, and writes no index entry to find later", async () => {
    const storage = Storage.makeMemory()
    expect(await repeatOf(storage, undefined, "p-1", T0)).toEqual([])
    expect(await repeatOf(storage, undefined, "p-2", T0 + DAY)).toEqual([])
    expect(await repeatOf(storage, "secret-1", "p-3", T0 + 2 * DAY)).toEqual([])
  })

  it("after rotating the key and re-keying from the events, finds earlier petitions under the new key only", async () => {
    const storage = Storage.makeMemory()
    await repeatOf(storage, "secret-old", "p-1", T0)
    expect(await repeatOf(storage, "secret-old", "p-2", T0 + DAY)).toEqual(["p-1"])
    const indexed = await Effect.runPromise(
      Effect.provide(rekeyRepeatIndex({ identityKey: Redacted.make("secret-new"), directory, pageSize: 1 }), storage)
    )
    expect(indexed).toBe(2)
    expect(await repeatOf(storage, "secret-new", "p-3", T0 + 2 * DAY)).toEqual(["p-2", "p-1"])
    // p-3 went in under the new key; the old key finds nothing any more.
    expect(await repeatOf(storage, "secret-old", "p-4", T0 + 3 * DAY)).toEqual([])
  })
})
