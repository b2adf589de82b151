import { Clock, Effect, Option } from "effect"
import { describe, expect, it } from "vitest"
import { Engine, EventStore, Queries, rulePackPresets } from "../../src/index.js"
import { memoryEngine, publishedPacks, runOn } from "./support.js"

const packs = publishedPacks(rulePackPresets["futian-10-30-24"])
const run = runOn(packs)
const T0 = Date.parse("2026-03-02T09:00:00+08:00")

const petitioner = { anonymous: false, name: "张三丰", phone: "13812345678", idNumber: "440304199001011234" }

const submitJson = (id: string, extra: Record<string, unknown> = {}) => ({
  _tag: "Submit",
  petitionId: id,
  at: "2026-03-02T09:00:00+08:00",
  actor: { kind: "petitioner" },
  petitioner,
  channel: "channel.hotline",
  category: "city-management.sanitation.refuse-odour",
  jurisdiction: "community.yuanling.hongli",
  title: "垃圾站异味",
  content: "小区门口垃圾站异味严重",
  ...extra
})

describe("engine: viewers and identities", () => {
  it("scopes queries to the viewer and masks identities unless the role allows them", async () => {
    const seen = await run(
      Effect.gen(function*() {
        const engine = yield* Engine
        yield* engine.handleJson(submitJson("p-odour"))
        yield* engine.handleJson(
          submitJson("p-wages", { category: "labour.unpaid-wages", jurisdiction: "community.fubao.fubao", petitioner: { anonymous: true } })
        )
        const dispatcher = yield* engine.query({ person: "person.dispatcher.1" }, { limit: 50 })
        const urban = yield* engine.query({ person: "person.head.urban-management" }, { limit: 50 })
        const housing = yield* engine.query({ person: "person.head.housing" }, { limit: 50 })
        return { dispatcher, urban, housing }
      })
    )
    expect(seen.dispatcher.map((v) => v.summary.petitionId).sort()).toEqual(["p-odour", "p-wages"])
    const odour = seen.dispatcher.find((v) => v.summary.petitionId === "p-odour")!
    expect(odour.petitioner).toEqual({ name: "张**", phone: "138****5678" })
    expect(odour.identityVisible).toBe(true)
    expect(JSON.stringify(seen)).not.toContain("13812345678")
    expect(JSON.stringify(seen)).not.toContain("张三丰")
    expect(seen.urban.map((v) => v.summary.petitionId)).toEqual(["p-odour"])
    expect(seen.urban[0]!.identityVisible).toBe(false)
    expect(seen.housing).toEqual([])
  })

  it("records every identity read and refuses viewers without the right", async () => {
    const out = await run(
      Effect.gen(function*() {
        const engine = yield* Engine
        yield* engine.handleJson(submitJson("p-1"))
        const identity = yield* engine.readIdentity({ person: "person.dispatcher.1" }, "p-1", "回访核实")
        const refused = yield* Effect.flip(engine.readIdentity({ person: "person.head.urban-management" }, "p-1", "好奇"))
        const stranger = yield* Effect.flip(engine.readIdentity({ person: "person.nobody" }, "p-1", "?"))
        const history = yield* engine.history("p-1")
        return { identity, refused, stranger, history }
      })
    )
    expect(out.identity.phone === undefined ? undefined : String(out.identity.phone)).toBe("<redacted>")
    expect(out.refused._tag).toBe("AccessDenied")
    expect(out.refused.message).toContain("p-1")
    expect(out.stranger._tag).toBe("AccessDenied")
    const reads = out.history.filter((e) => e._tag === "IdentityRead")
    expect(reads).toHaveLength(1)
    expect(reads[0]).toMatchObject({ person: "person.dispatcher.1", reason: "回访核实" })
  })

  it("never shows an accusation's petitioner to the accused unit", async () => {
    const out = await run(
      Effect.gen(function*() {
        const engine = yield* Engine
        yield* engine.handleJson(
          submitJson("p-acc", { category: "accusation.misconduct", accusedUnit: "dept.housing", channel: "channel.letter" })
        )
        const housing = yield* engine.query({ person: "person.head.housing" }, { limit: 10 })
        const read = yield* Effect.flip(engine.readIdentity({ person: "person.head.housing" }, "p-acc", "核实"))
        return { housing, read }
      })
    )
    expect(out.housing.every((v) => !v.identityVisible)).toBe(true)
    expect(out.read._tag).toBe("AccessDenied")
  })

  it("shows a leader their jurisdiction, their leader channel's petitions and the cases they own — nothing else", async () => {
    const seen = await run(
      Effect.gen(function*() {
        const engine = yield* Engine
        yield* engine.handleJson(submitJson("p-yuanling"))
        // Elsewhere in the district, but through the Yuanling street secretary's own channel.
        yield* engine.handleJson(submitJson("p-channel", { jurisdiction: "community.fubao.fubao", channel: "channel.street-secretary-online.yuanling" }))
        yield* engine.handleJson(submitJson("p-owned", { jurisdiction: "community.meilin.meilin-yicun", category: "labour.unpaid-wages", petitioner: { anonymous: true } }))
        yield* engine.handle({
          _tag: "Escalate", petitionId: "p-owned", at: T0 + 60_000, actor: { kind: "person", id: "person.head.dispatch-centre" },
          tier: 1, owner: "person.head.housing", reason: "包案"
        })
        yield* engine.handleJson(submitJson("p-shatou", { jurisdiction: "community.shatou.shatou", category: "labour.unpaid-wages", petitioner: { anonymous: true } }))
        const ids = (views: ReadonlyArray<{ readonly summary: { readonly petitionId: string } }>) => views.map((v) => v.summary.petitionId)
        return {
          street: ids(yield* engine.query({ person: "person.secretary.yuanling" }, { limit: 50 })),
          community: ids(yield* engine.query({ person: "person.community-secretary.yuanling.baihua" }, { limit: 50 })),
          owner: ids(yield* engine.query({ person: "person.head.housing" }, { limit: 50 })),
          district: ids(yield* engine.query({ person: "person.district-secretary" }, { limit: 50 }))
        }
      })
    )
    expect(seen.street).toEqual(["p-channel", "p-yuanling"])
    expect(seen.community).toEqual([])
    expect(seen.owner).toEqual(["p-owned"])
    expect(seen.district).toEqual(["p-channel", "p-owned", "p-shatou", "p-yuanling"])
  })

  it("finds a unit's overdue petitions however many of its earlier ones are on time", async () => {
    const out = await run(
      Effect.gen(function*() {
        const engine = yield* Engine
        // On time (received just now, the engine refusing times ahead of its clock) and first in id
        // order, so a first page of the unit's petitions holds only these.
        const now = new Date(yield* Clock.currentTimeMillis).toISOString()
        for (const n of [1, 2, 3, 4, 5]) {
          yield* engine.handleJson(submitJson(`p-0${n}`, { at: now, petitioner: { anonymous: false, name: "王五", phone: `1390000000${n}` } }))
        }
        yield* engine.handleJson(submitJson("p-09"))
        const unit = yield* engine.query({ person: "person.head.urban-management" }, { limit: 2, overdue: true })
        const all = yield* engine.query({ person: "person.dispatcher.1" }, { limit: 2, overdue: true })
        return { unit, all }
      })
    )
    expect(out.unit.map((v) => v.summary.petitionId)).toEqual(["p-09"])
    expect(out.all.map((v) => v.summary.petitionId)).toEqual(["p-09"])
  })
})

describe("engine: intake", () => {
  it("is idempotent per channel message id, and refuses bad JSON with paths", async () => {
    const out = await run(
      Effect.gen(function*() {
        const engine = yield* Engine
        const first = yield* engine.handleJson(submitJson("p-a", { channelMessageId: "msg-42" }))
        const again = yield* engine.handleJson(submitJson("p-b", { channelMessageId: "msg-42" }))
        const bad = yield* Effect.flip(engine.handleJson({ ...submitJson("p-c"), at: "yesterday", persons: 0 }))
        return { first, again, bad }
      })
    )
    expect(out.first.replayed).toBe(false)
    expect(out.again).toMatchObject({ petitionId: "p-a", replayed: true, events: [] })
    expect(out.bad._tag).toBe("InvalidInput")
    const paths = (out.bad as { problems: ReadonlyArray<{ path: string }> }).problems.map((p) => p.path)
    expect(paths).toEqual(expect.arrayContaining(["/at", "/persons"]))
  })

  it("links a repeat petition from the same phone, category and community", async () => {
    const out = await run(
      Effect.gen(function*() {
        const engine = yield* Engine
        yield* engine.handleJson(submitJson("p-first"))
        yield* engine.handleJson({ ...submitJson("p-second"), at: "2026-03-05T10:00:00+08:00" })
        yield* engine.handleJson({ ...submitJson("p-other-phone"), at: "2026-03-05T11:00:00+08:00", petitioner: { anonymous: false, phone: "13900000000" } })
        return { second: yield* engine.state("p-second"), other: yield* engine.state("p-other-phone") }
      })
    )
    expect(out.second.repeatOf).toEqual(["p-first"])
    expect(out.second.counters.repeats).toBe(1)
    expect(out.other.repeatOf).toEqual([])
  })

  it("counts every earlier petition a repeat repeats, so the pack's 'raised three times before' rule can fire", async () => {
    const out = await run(
      Effect.gen(function*() {
        const engine = yield* Engine
        const days = ["02", "04", "06", "08"]
        for (const [i, day] of days.entries()) yield* engine.handleJson({ ...submitJson(`p-${i + 1}`), at: `2026-03-${day}T10:00:00+08:00` })
        return { third: yield* engine.state("p-3"), fourth: yield* engine.state("p-4") }
      })
    )
    expect(out.third.repeatOf).toEqual(["p-2", "p-1"])
    expect(out.third.counters.repeats).toBe(2)
    expect(out.third.priority).toBe("normal")
    expect(out.fourth.repeatOf).toEqual(["p-3", "p-2", "p-1"])
    expect(out.fourth.counters.repeats).toBe(3)
    // futian-10-30-24: repeatCount >= 3 → urgent.
    expect(out.fourth.priority).toBe("urgent")
  })

  it("finds the earlier petition however many of its community's petitions come before it in id order", async () => {
    const out = await Effect.runPromise(
      Effect.gen(function*() {
        const engine = yield* Engine
        const store = yield* EventStore
        const queries = yield* Queries
        // More read-model rows in the community than one page holds (10,000), all before "p-…" in id order.
        yield* engine.handleJson(submitJson("a-template", { petitioner: { anonymous: false, phone: "13700000000" } }))
        const row = Option.getOrThrow(yield* queries.get("a-template"))
        for (let i = 0; i < 10_000; i++) {
          const petitionId = `a-${String(i).padStart(5, "0")}`
          yield* store.append({ streamId: petitionId, expectedVersion: 0, events: [], outbox: [], timers: { schedule: [], cancel: [] }, summary: { ...row, petitionId } })
        }
        yield* engine.handleJson(submitJson("p-first"))
        yield* engine.handleJson({ ...submitJson("p-second"), at: "2026-03-05T10:00:00+08:00" })
        return yield* engine.state("p-second")
      }).pipe(
        Effect.provide(memoryEngine(packs))
      )
    )
    expect(out.repeatOf).toEqual(["p-first"])
  })

  it("refuses commands for petitions that do not exist", async () => {
    const err = await run(
      Effect.flip(
        Effect.gen(function*() {
          const engine = yield* Engine
          return yield* engine.handle({ _tag: "Accept", petitionId: "nope", at: T0, actor: { kind: "unit", id: "dept.housing" }, unit: "dept.housing" })
        })
      )
    )
    expect(err._tag).toBe("PetitionNotFound")
  })

  it("merges a repeat into the earlier petition when the pack's repeat policy says so, within its window only", async () => {
    const merging = { ...(rulePackPresets["futian-10-30-24"] as object), repeats: { window: "P7D", categoryDepth: 2, merge: true } }
    const mergePacks = publishedPacks(merging)
    const out = await Effect.runPromise(
      Effect.gen(function*() {
        const engine = yield* Engine
        yield* engine.handleJson(submitJson("m-first"))
        yield* engine.handleJson({ ...submitJson("m-second"), at: "2026-03-05T10:00:00+08:00" })
        yield* engine.handleJson({ ...submitJson("m-third"), at: "2026-03-06T10:00:00+08:00" })
        yield* engine.handleJson({ ...submitJson("m-late"), at: "2026-03-20T10:00:00+08:00" })
        return { second: yield* engine.state("m-second"), third: yield* engine.state("m-third"), late: yield* engine.state("m-late") }
      }).pipe(
        Effect.provide(memoryEngine(mergePacks))
      )
    )
    expect(out.second.status).toBe("merged")
    expect(out.second.mergedInto).toBe("m-first")
    // Linked to both earlier petitions; merged into the newest one not itself merged away.
    expect(out.third.repeatOf).toEqual(["m-second", "m-first"])
    expect(out.third.mergedInto).toBe("m-first")
    expect(out.late.status).not.toBe("merged")
    expect(out.late.repeatOf).toEqual([])
  })

  it("records an identity read no earlier than the petition's last event, when the engine's clock lags", async () => {
    const reads = await Effect.runPromise(
      Effect.gen(function*() {
        const engine = yield* Engine
        // Submitted "in the future" relative to this process's clock, which a deployment allows
        // only with a generous clock skew.
        yield* engine.handleJson({ ...submitJson("p-future"), at: "2099-01-01T09:00:00+08:00" })
        yield* engine.readIdentity({ person: "person.dispatcher.1" }, "p-future", "核实")
        return (yield* engine.history("p-future")).filter((e) => e._tag === "IdentityRead")
      }).pipe(Effect.provide(memoryEngine(packs, { clockSkewMs: 100 * 365 * 24 * 3_600_000 })))
    )
    expect(reads).toHaveLength(1)
    expect(reads[0]!.at).toBeGreaterThanOrEqual(Date.parse("2099-01-01T09:00:00+08:00"))
  })
})
