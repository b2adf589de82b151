import { Effect, Redacted, Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Engine, rulePackPresets } from "../../src/index.js"
import { accusedParties, resolveOwnerSpec } from "../../src/rules/ladder.js"
import { petitionFacts } from "../../src/rules/facts.js"
import { directory, publishedPacks, runOn } from "./support.js"

const packs = publishedPacks(rulePackPresets["futian-10-30-24"])
const run = runOn(packs)

const petitioner = { anonymous: false, name: "张三丰", phone: "13812345678", idNumber: "440304199001011234" }

// Any unit but the dispatch centre may be accused; the Submit's own guard keeps it off the first handler.
const accusable = directory.data.units.filter((u) => u.kind !== "dispatch_centre").map((u) => u.id)
const people = directory.data.people.map((p) => p.id)

const accusation = (petitionId: string, accusedUnit: string) => ({
  _tag: "Submit",
  petitionId,
  at: "2026-03-02T09:00:00+08:00",
  actor: { kind: "petitioner" },
  petitioner,
  channel: "channel.letter",
  category: "accusation.misconduct",
  jurisdiction: "community.yuanling.hongli",
  accusedUnit,
  title: "举报不作为",
  content: "某单位不作为"
})

describe("engine: accusations never reach the accused", () => {
  it("counts the accused unit's sub-units and their people among the accused", () => {
    const street = directory.data.units.find((u) => directory.data.units.some((c) => c.parent === u.id))!
    const child = directory.data.units.find((c) => c.parent === street.id)!
    const parties = accusedParties(directory, street.id)
    expect(parties.units.has(child.id)).toBe(true)
    expect(parties.persons.has(child.leader)).toBe(true)
    expect(parties.persons.has(street.leader)).toBe(true)
    expect(accusedParties(directory, child.id).units.has(street.id)).toBe(false)
  })

  it("an accused viewer never lists the petition, and the ladder never makes an accused person its owner", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...accusable), fc.constantFrom(...people), async (accused, viewer) => {
        const parties = accusedParties(directory, accused)
        const out = await run(
          Effect.gen(function*() {
            const engine = yield* Engine
            const submitted = yield* Effect.result(engine.handleJson(accusation("p-acc", accused)))
            const seen = yield* engine.query({ person: viewer }, { limit: 50 })
            // The accused unit's own leader is always among the accused: the refusal is exercised every run.
            const leaderSees = yield* engine.query({ person: directory.unit(accused)!.leader }, { limit: 50 })
            const state = Result.isSuccess(submitted) ? yield* engine.state("p-acc") : undefined
            return { submitted, seen, leaderSees, state }
          })
        )
        expect(out.leaderSees).toEqual([])
        if (out.state === undefined) return
        if (parties.persons.has(viewer)) expect(out.seen.map((v) => v.summary.petitionId)).not.toContain("p-acc")
        const facts = petitionFacts(out.state, directory, out.state.lastAt ?? 0)
        for (const spec of [
          { kind: "leadUnitLeader" as const },
          { kind: "unitLeader" as const, unit: accused },
          { kind: "linkedLeader" as const, level: "street" as const },
          { kind: "role" as const, role: "case_handler" as const }
        ]) {
          const owner = resolveOwnerSpec(spec, 1, facts, directory)
          if (Result.isSuccess(owner)) expect(parties.persons.has(owner.success)).toBe(false)
        }
        expect(out.state.owner === undefined || !parties.persons.has(out.state.owner)).toBe(true)
        for (const w of out.state.watchers) expect(parties.persons.has(w)).toBe(false)
      }),
      { numRuns: 25 }
    )
  }, 120_000)

  it("an accusation through the accused street's own channel goes to the dispatch centre, and never to a unit under the accused", async () => {
    const out = await run(
      Effect.gen(function*() {
        const engine = yield* Engine
        yield* engine.handleJson({ ...accusation("p-street", "street-office.yuanling"), channel: "channel.street-secretary-online.yuanling" })
        const state = yield* engine.state("p-street")
        const toCommunity = yield* Effect.result(
          engine.handleJson({
            _tag: "Transfer",
            petitionId: "p-street",
            reason: "属地办理",
            at: "2026-03-02T09:05:00+08:00",
            actor: { kind: "unit", id: "unit.dispatch-centre" },
            lead: "community-office.yuanling.hongli",
            coHandlers: []
          })
        )
        return { state, toCommunity }
      })
    )
    expect(out.state.firstHandler).toBe("unit.dispatch-centre")
    expect(Result.isFailure(out.toCommunity) && out.toCommunity.failure._tag).toBe("AccusedUnitExcluded")
    if (Result.isFailure(out.toCommunity)) expect(out.toCommunity.failure.message).toContain("被检举单位或其下属单位")
  })

  it("state and history carry the petitioner masked; the real identity only through readIdentity", async () => {
    const out = await run(
      Effect.gen(function*() {
        const engine = yield* Engine
        yield* engine.handleJson(accusation("p-1", "dept.housing"))
        const state = yield* engine.state("p-1")
        const history = yield* engine.history("p-1")
        const identity = yield* engine.readIdentity({ person: "person.dispatcher.1" }, "p-1", "回访核实")
        return { state, history, identity }
      })
    )
    const plain = (r: Redacted.Redacted<string> | undefined) => (r === undefined ? undefined : Redacted.value(r))
    expect(plain(out.state.petitioner?.phone)).toBe("138****5678")
    expect(plain(out.state.petitioner?.name)).toBe("张**")
    expect(out.state.petitioner?.idNumber).toBeUndefined()
    const submitted = out.history[0]
    expect(submitted?._tag).toBe("Submitted")
    if (submitted?._tag === "Submitted") expect(plain(submitted.petitioner.phone)).toBe("138****5678")
    expect(plain(out.identity.phone)).toBe("13812345678")
    expect(plain(out.identity.idNumber)).toBe("440304199001011234")
  })
})
