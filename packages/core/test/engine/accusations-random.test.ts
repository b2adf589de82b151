// Accusations never reach the accused — over directories, accusations, viewers and rule packs the
// tests did not choose. The sample directory is reshaped at random (units moved under other units,
// people moved between units), the futian pack gains random notify and escalate rules firing on
// receipt and on clock breaches, and an accusation runs for three days of ticks and relays. The
// accused parties are computed here by walking each unit's ancestors, not with the engine's own
// `accusedParties`, so a mistake there cannot hide itself.
import { Effect, Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { Directory } from "../../src/directory/directory.js"
import { emptyRegistry, Engine, engineLayerMemory, loadDirectory, loadRulePack, publish, rulePackPresets, sampleDirectory, SentNotifications } from "../../src/index.js"
import { identityKey } from "./support.js"

const sample = sampleDirectory().data
const HOUR = 3_600_000
const received = Date.parse("2026-03-02T09:00:00+08:00")

/** The sample reshaped: `moves[i]` re-parents unit i (unless that would make a cycle), `transfers[j]` moves person j. */
const reshaped = (moves: ReadonlyArray<number>, transfers: ReadonlyArray<number>): Directory => {
  const leaders = new Set(sample.units.map((u) => u.leader))
  const parent = new Map(sample.units.map((u) => [u.id, u.parent]))
  const isAncestorOrSelf = (candidate: string, of: string): boolean => {
    for (let u: string | undefined = of; u !== undefined; u = parent.get(u)) if (u === candidate) return true
    return false
  }
  sample.units.forEach((u, i) => {
    const pick = moves[i] ?? -1
    // The dispatch centre stays a root.
    if (u.kind === "dispatch_centre" || pick < 0) return
    const to = sample.units[pick % sample.units.length]!.id
    if (!isAncestorOrSelf(u.id, to)) parent.set(u.id, to)
  })
  const units = sample.units.map((u) => {
    const p = parent.get(u.id)
    const { parent: _, ...rest } = u
    return p === undefined ? rest : { ...rest, parent: p }
  })
  const people = sample.people.map((p, i) => {
    const to = transfers[i] ?? -1
    // A leader stays in the unit they lead (the directory requires it).
    if (to < 0 || leaders.has(p.id)) return p
    const unit = sample.units[to % sample.units.length]!
    return { ...p, unit: unit.id, jurisdiction: p.jurisdiction ?? sample.units.find((u) => u.id === p.unit)?.jurisdiction ?? unit.jurisdiction }
  })
  return Result.getOrThrowWith(loadDirectory({ ...sample, units, people }), (e) => new Error(e.message))
}

/** The oracle: the accused unit, every unit below it (by walking ancestors), their leaders and people. */
const accusedOf = (directory: Directory, accused: string): { units: Set<string>; persons: Set<string> } => {
  const byId = new Map(directory.data.units.map((u) => [u.id, u]))
  const below = (id: string): boolean => {
    for (let u = byId.get(id), steps = 0; u !== undefined && steps <= byId.size; u = u.parent === undefined ? undefined : byId.get(u.parent), steps++) {
      if (u.id === accused) return true
    }
    return false
  }
  const units = new Set(directory.data.units.filter((u) => below(u.id)).map((u) => u.id))
  const persons = new Set([...directory.data.units.filter((u) => units.has(u.id)).map((u) => u.leader), ...directory.data.people.filter((p) => units.has(p.unit)).map((p) => p.id)])
  return { units, persons }
}

type Recipient = string | { readonly role: string } | { readonly unit: string } | { readonly person: string } | { readonly linkedLeader: string }

const recipient = (unitIds: ReadonlyArray<string>, personIds: ReadonlyArray<string>): fc.Arbitrary<Recipient> =>
  fc.oneof(
    fc.constantFrom("linked-leader", "lead-unit", "owner"),
    fc.constantFrom("case_handler", "department_head", "street_director", "supervisor", "dispatcher").map((role) => ({ role })),
    fc.constantFrom(...unitIds).map((unit) => ({ unit })),
    fc.constantFrom(...personIds).map((person) => ({ person })),
    fc.constantFrom("district", "street", "community").map((linkedLeader) => ({ linkedLeader }))
  )

const ownerSpec = (unitIds: ReadonlyArray<string>) =>
  fc.oneof(
    fc.constant({ kind: "leadUnitLeader" }),
    fc.constantFrom(...unitIds).map((unit) => ({ kind: "unitLeader", unit })),
    fc.constantFrom("district", "street", "community").map((level) => ({ kind: "linkedLeader", level })),
    fc.constantFrom("case_handler", "department_head", "supervisor").map((role) => ({ kind: "role", role }))
  )

/** Extra escalation rules: on receipt or on any clock's breach, notify someone or escalate to an owner. */
const extraRules = (unitIds: ReadonlyArray<string>, personIds: ReadonlyArray<string>) =>
  fc.array(
    fc.record({
      trigger: fc.constantFrom("Submitted", "ClockBreached", "Dispatched"),
      action: fc.oneof(
        fc.array(recipient(unitIds, personIds), { minLength: 1, maxLength: 3 }).map((recipients) => ({ type: "notify", params: { recipients, template: "escalated" } })),
        fc.tuple(fc.constantFrom(1, 2, 3), fc.option(ownerSpec(unitIds), { nil: undefined })).map(([tier, owner]) => ({
          type: "escalate",
          params: { tier, reason: "随机规则 (random rule)", ...(owner === undefined ? {} : { owner }) }
        }))
      )
    }),
    { minLength: 1, maxLength: 4 }
  )

const packWith = (rules: ReadonlyArray<{ trigger: string; action: unknown }>) => {
  const base = rulePackPresets["futian-10-30-24"] as { readonly escalation: ReadonlyArray<unknown> }
  return {
    ...base,
    escalation: [
      ...base.escalation,
      ...rules.map((r, i) => ({
        id: `random-${i}`,
        description: "随机规则 (random rule)",
        conditions: { all: [{ fact: "trigger", path: "$.type", operator: "equal", value: r.trigger }] },
        event: r.action
      }))
    ]
  }
}

const unitIds = sample.units.map((u) => u.id)
const personIds = sample.people.map((p) => p.id)

describe("accusations never reach the accused, over random directories and rule packs", () => {
  it("no accused party lists, sees, owns, watches or is notified about the accusation", async () => {
    // Counted so that a generator drifting into refused packs or refused Submits cannot pass vacuously.
    let ran = 0
    let notified = 0
    let owned = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: -3, max: 200 }), { minLength: unitIds.length, maxLength: unitIds.length }),
        fc.array(fc.integer({ min: -4, max: 200 }), { minLength: personIds.length, maxLength: personIds.length }),
        fc.constantFrom(...sample.units.filter((u) => u.kind !== "dispatch_centre").map((u) => u.id)),
        extraRules(unitIds, personIds),
        async (moves, transfers, accused, rules) => {
          const directory = reshaped(moves, transfers)
          const pack = loadRulePack(packWith(rules), { directory })
          // A random rule may name nobody valid for this directory; such packs are refused, not run.
          if (Result.isFailure(pack)) return
          const packs = Result.getOrThrow(publish(emptyRegistry, pack.success, { directory }))
          const parties = accusedOf(directory, accused)
          const out = await Effect.runPromise(
            Effect.gen(function*() {
              const engine = yield* Engine
              const submitted = yield* Effect.result(
                engine.handleJson({
                  _tag: "Submit",
                  petitionId: "p-acc",
                  at: "2026-03-02T09:00:00+08:00",
                  actor: { kind: "petitioner" },
                  petitioner: { anonymous: true },
                  channel: "channel.letter",
                  category: "accusation.misconduct",
                  jurisdiction: "community.yuanling.hongli",
                  accusedUnit: accused,
                  title: "举报不作为",
                  content: "某单位不作为"
                })
              )
              // Three days of the scheduler's work: every clock of the pack falls due and its rules fire.
              for (let at = received + HOUR; at <= received + 72 * HOUR; at += 6 * HOUR) {
                yield* engine.tick(at)
                yield* engine.relay(at)
              }
              const listed = new Map<string, ReadonlyArray<string>>()
              for (const person of parties.persons) listed.set(person, (yield* engine.query({ person }, { limit: 50 })).map((v) => v.summary.petitionId))
              const state = Result.isSuccess(submitted) ? yield* engine.state("p-acc") : undefined
              const sent = yield* (yield* SentNotifications).all
              return { state, listed, sent }
            }).pipe(Effect.provide(engineLayerMemory({ directory, packs, identityKey })))
          )
          for (const [person, ids] of out.listed) expect(ids, `${person} is accused and lists the petition`).not.toContain("p-acc")
          if (out.state === undefined) return
          ran++
          notified += out.sent.length
          if (out.state.owner !== undefined) owned++
          expect(parties.persons.has(out.state.owner ?? ""), `owner ${out.state.owner}`).toBe(false)
          for (const w of out.state.watchers) expect(parties.persons.has(w), `watcher ${w}`).toBe(false)
          for (const unit of [out.state.lead, ...out.state.coHandlers]) expect(parties.units.has(unit ?? ""), `handling unit ${unit}`).toBe(false)
          for (const n of out.sent) {
            expect(parties.persons.has(n.recipient) || parties.units.has(n.recipient), `notification ${n.template} to ${n.recipient}`).toBe(false)
          }
        }
      ),
      { numRuns: 30 }
    )
    expect(ran).toBeGreaterThan(15)
    expect(notified).toBeGreaterThan(0)
    expect(owned).toBeGreaterThan(0)
  }, 300_000)
})
