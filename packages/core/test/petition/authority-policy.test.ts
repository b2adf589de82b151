import { Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { AuthorityPolicy, CallerCommandTag, Relation } from "../../src/petition/authority-policy.js"
import { defaultAuthorityPolicy, resolveAuthorityPolicy } from "../../src/petition/authority-policy.js"
import type { PetitionCommand, PetitionState } from "../../src/petition/index.js"
import { accepts, decide, describeRefusal } from "../../src/petition/index.js"
import { loadRulePack } from "../../src/rules/pack/load.js"
import { minimal } from "../rules/fixtures.js"
import { accept, CENTRE, checklist, close, CO, CO2, cmd, decideAll, directory, dispatch, LEAD, PID, rate, reportPart, resolve, submit } from "./fixtures.js"

type Actor = PetitionCommand["actor"]

// Histories that leave the petition in every status, some with a whistle, a case owner or a
// pending review, so that every relation is held by someone somewhere.
const WATER = "dept.water"
const OWNER = "person.deputy-head.1"
const blow = () => cmd("BlowWhistle", { whistleId: "w1", unit: CO, summoned: [WATER], deadline: Date.parse("2027-03-02T00:00:00Z") })
const escalate = () => cmd("Escalate", { tier: 2, owner: OWNER, reason: "疑难" })
const histories: ReadonlyArray<() => ReadonlyArray<PetitionCommand>> = [
  () => [submit()],
  () => [submit(), cmd("Suspend", { reason: "补充材料" })],
  () => [submit(), dispatch()],
  () => [submit(), dispatch(), accept(), blow(), escalate()],
  () => [submit(), dispatch(), accept(), cmd("Suspend", { reason: "补充材料" })],
  () => [submit(), dispatch(), accept(), reportPart(), resolve()],
  () => [submit(), dispatch(), accept(), reportPart(), resolve(), rate(), close()],
  () => [submit(), dispatch(), accept(), reportPart(), resolve(), rate(), close(), cmd("RequestReview", { reason: "不服", windowEndsAt: Date.parse("2030-01-01T00:00:00Z") })],
  () => [submit(), cmd("Decline", { unit: CENTRE, reason: "已诉讼" })],
  () => [submit(), cmd("Merge", { into: "P-0" })]
]

// Every person and unit of the directory, the petitioner: each role and relation is drawn.
const actors: ReadonlyArray<Actor> = [
  ...directory.data.people.map((p): Actor => ({ kind: "person", id: p.id })),
  ...directory.data.units.map((u): Actor => ({ kind: "unit", id: u.id })),
  { kind: "petitioner" }
]
// Units an accusation may name: a street office (its communities and people stand accused with it), departments, one summoned by a whistle.
const accusable = [undefined, "street-office.nanyuan", WATER, "dept.supervision", "dept.housing"] as const

const callerCommands = Object.keys(defaultAuthorityPolicy) as Array<CallerCommandTag>

const unitOf = (actor: Actor): string | undefined =>
  actor.kind === "unit" ? actor.id : actor.kind === "person" ? directory.person(actor.id ?? "")?.unit : undefined

/** A command of `tag` by `actor`, its acting unit the actor's own so that only authority can refuse it. */
const commandFor = (tag: CallerCommandTag, actor: Actor, s: PetitionState): PetitionCommand => {
  const unit = unitOf(actor) ?? LEAD
  const payload: Record<string, unknown> = {
    Submit: {},
    Acknowledge: { unit },
    Contact: { unit, method: "phone" },
    Dispatch: { lead: CO2, coHandlers: [] },
    Accept: { unit },
    Decline: { unit, reason: "不属于信访事项" },
    Return: { unit, reason: "非本单位职责" },
    Transfer: { lead: s.lead === CO2 ? "dept.housing" : CO2, coHandlers: [], reason: "职责调整" },
    AssignHandler: { unit, person: "person.handler.urban-management" },
    ReportPart: { unit, summary: "已配合" },
    CompleteFirstRound: { unit, summary: "已核查" },
    Suspend: { reason: "等待材料" },
    Resume: { reason: "材料已补" },
    Extend: { clock: "handling", amount: "P1D", reason: "情况复杂", approver: "person.district-head" },
    Resolve: { unit, checklist, summary: "已办结" },
    RateSatisfaction: { rating: "satisfied" },
    Close: { reason: "办结" },
    Reopen: { reason: "重新办理" },
    RequestReview: { reason: "不服", windowEndsAt: Date.parse("2030-01-01T00:00:00Z") },
    RequestReReview: { reason: "不服", windowEndsAt: Date.parse("2030-01-01T00:00:00Z") },
    DecideReview: { stage: "review", outcome: "upheld" },
    Escalate: { tier: 3, owner: "person.district-head", reason: "疑难" },
    RecordVisit: { kind: "home", batches: 1, persons: 1 },
    RequireVisit: { reason: "需要家访" },
    BlowWhistle: { whistleId: "w9", unit, summoned: [CO2], deadline: Date.parse("2030-01-01T00:00:00Z") },
    ReportForDuty: { whistleId: "w1", unit },
    MarkDuplicate: { of: "P-0" },
    Merge: { into: "P-0" },
    IssueRecommendation: { kind: "improve_work", to: LEAD, text: "建议" },
    AddWatcher: { person: "person.head.ecology" },
    Flag: { flag: "media" },
    SetPriority: { priority: "urgent" },
    DeliverReply: { reply: "written_reply", unit, method: "post", deliveredAt: s.lastAt ?? Date.parse("2026-03-02T00:00:00Z") }
  }[tag] as Record<string, unknown>
  const base = tag === "Submit" ? submit({ actor }) : cmd(tag, { ...payload, actor } as never)
  return { ...base, petitionId: PID, at: s.lastAt === undefined ? base.at : Math.max(base.at, s.lastAt) } as PetitionCommand
}

/**
 * The policy read directly, as a clerk would read the table in docs/security.md: the relations the
 * actor holds to the petition, from the state and the directory (written apart from the engine's).
 */
const heldRelations = (actor: Actor, s: PetitionState): ReadonlySet<Relation> => {
  const held = new Set<Relation>()
  if (actor.kind === "petitioner") held.add("petitioner")
  if (actor.kind === "person" || actor.kind === "unit") held.add("staff")
  const unit = unitOf(actor)
  const person = actor.kind === "person" ? directory.person(actor.id ?? "") : undefined
  if (person?.roles.includes("supervisor") === true) held.add("supervisor")
  if (actor.kind === "unit" && directory.data.people.some((p) => p.unit === actor.id && p.roles.includes("supervisor"))) held.add("supervisor")
  if (actor.kind === "person" && actor.id === s.owner) held.add("case_owner")
  if (unit !== undefined) {
    if (unit === s.firstHandler) held.add("first_handler")
    if (unit === CENTRE) held.add("dispatch_centre")
    if (unit === s.lead) held.add("lead")
    if (s.coHandlers.includes(unit)) held.add("co_handler")
    if (Object.values(s.whistles).some((w) => w.summoned.includes(unit))) held.add("summoned")
    const above = directory.unit(s.lead ?? s.firstHandler ?? "")?.parent ?? CENTRE
    if (unit === above) held.add("reviewing_organ")
  }
  return held
}

const permitted = (policy: AuthorityPolicy, tag: CallerCommandTag, actor: Actor, s: PetitionState): boolean => {
  const held = heldRelations(actor, s)
  const person = actor.kind === "person" ? directory.person(actor.id ?? "") : undefined
  return policy[tag].some(
    (g) =>
      held.has(g.relation) &&
      (g.when === undefined || g.when.includes(s.status)) &&
      (g.roles === undefined || (person !== undefined && g.roles.some((r) => person.roles.includes(r))))
  )
}

const accusedParty = (actor: Actor, accused: string | undefined): boolean => {
  if (accused === undefined) return false
  const units = new Set([accused, ...directory.data.units.filter((u) => u.parent === accused).map((u) => u.id)])
  const unit = unitOf(actor)
  const leads = directory.data.units.some((u) => units.has(u.id) && u.leader === actor.id)
  return (unit !== undefined && units.has(unit)) || (actor.kind === "person" && leads)
}

const AUTHORITY_REFUSALS = new Set(["NotAuthorised", "AccusedUnitExcluded"])

describe("the authority policy decides who may act", () => {
  it("random actors × commands × statuses: decide accepts exactly what the policy permits, and never an accused party", () => {
    const prepared = histories.flatMap((h) =>
      accusable.map((accusedUnit) => {
        const [first, ...rest] = h()
        const commands = [accusedUnit === undefined ? first! : { ...first!, accusedUnit }, ...rest]
        return { state: decideAll(commands).state, accusedUnit }
      })
    )
    let allowed = 0
    let refused = 0
    fc.assert(
      fc.property(fc.constantFrom(...prepared), fc.constantFrom(...actors), fc.constantFrom(...callerCommands), ({ state, accusedUnit }, actor, tag) => {
        // A Submit starts a petition: it is judged on a fresh one.
        const s = tag === "Submit" ? { ...state, version: 0, status: "received" as const, lastAt: undefined, accusedUnit: undefined } : state
        const command = commandFor(tag, actor, s)
        const result = decide(s, command, { directory })
        const refusal = Result.isFailure(result) ? result.failure : undefined
        // Earlier checks (the lifecycle) come first; the policy is asked only of a command the status takes.
        if (!accepts(s.status, tag) || refusal?._tag === "ActorNotOfUnit") return
        const accusedActor = tag !== "Submit" && accusedParty(actor, accusedUnit)
        if (accusedActor) {
          expect(refusal?._tag).toBe("AccusedUnitExcluded")
          refused++
        } else if (permitted(defaultAuthorityPolicy, tag, actor, s)) {
          expect(refusal === undefined || !AUTHORITY_REFUSALS.has(refusal._tag), refusal?.message).toBe(true)
          allowed++
        } else {
          expect(refusal?._tag, `${tag} by ${JSON.stringify(actor)} in ${s.status}`).toBe("NotAuthorised")
          refused++
        }
      }),
      { numRuns: 3000 }
    )
    // Both sides of the matrix were reached, so the property could have failed either way.
    expect(allowed).toBeGreaterThan(50)
    expect(refused).toBeGreaterThan(50)
  })

  it("names the relation that would be needed, in Chinese and English", () => {
    const { state } = decideAll([submit(), dispatch()])
    const result = decide(state, { ...accept(), actor: { kind: "person", id: "person.dispatcher.1" }, unit: CENTRE }, { directory })
    if (Result.isSuccess(result)) throw new Error("expected a refusal")
    expect(result.failure).toMatchObject({ _tag: "NotAuthorised", command: "Accept", actor: "person.dispatcher.1", needed: ["lead"] })
    expect(describeRefusal(result.failure, { directory, lang: "en" })).toBe("person.dispatcher.1 may not accept on this petition: it takes the lead unit")
    expect(describeRefusal(result.failure, { directory, lang: "zh" })).toMatch(/无权对本件签收：须为牵头单位$/)
  })

  it("refuses an accused unit's people whatever they are granted, even as the lead's staff", () => {
    const { state } = decideAll([{ ...submit(), accusedUnit: LEAD }, dispatch(CO2, [])])
    const result = decide(state, { ...cmd("Flag", { flag: "media" }), actor: { kind: "person", id: "person.head.urban-management" } }, { directory })
    expect(Result.isFailure(result) ? result.failure : undefined).toMatchObject({ _tag: "AccusedUnitExcluded", unit: LEAD })
  })

  it("follows a pack's grants: roles and statuses narrow who may act", () => {
    const policy = resolveAuthorityPolicy({ Escalate: [{ relation: "lead", roles: ["department_head"] }] })
    const { state } = decideAll([submit(), dispatch(), accept()])
    const escalateBy = (id: string) => decide(state, { ...cmd("Escalate", { tier: 1, owner: "person.head.urban-management", reason: "疑难" }), actor: { kind: "person", id } }, { directory, authority: policy })
    expect(Result.isSuccess(escalateBy("person.head.urban-management"))).toBe(true)
    const byHandler = escalateBy("person.handler.urban-management")
    expect(Result.isFailure(byHandler) ? byHandler.failure : undefined).toMatchObject({ _tag: "NotAuthorised", needed: ["lead:department_head"] })
    // The commands the pack leaves out keep the default's grants.
    expect(policy.Dispatch).toBe(defaultAuthorityPolicy.Dispatch)
  })
})

describe("a rule pack's authority section", () => {
  it("loads and is what the engine uses", () => {
    const r = loadRulePack({ ...minimal(), authority: { Close: [{ relation: "first_handler" }, { relation: "dispatch_centre", when: ["declined"] }] } })
    if (Result.isFailure(r)) throw new Error(r.failure.message)
    expect(resolveAuthorityPolicy(r.success.document.authority).Close).toEqual([{ relation: "first_handler" }, { relation: "dispatch_centre", when: ["declined"] }])
  })

  it("refuses a bad policy with the JSON path of each mistake", () => {
    const r = loadRulePack({
      ...minimal(),
      authority: {
        Escalate: [{ relation: "leader" }, { relation: "lead", roles: ["chief"] }, { relation: "lead", when: ["open"] }],
        RecordClockBreach: [{ relation: "lead" }],
        Close: { relation: "first_handler" }
      }
    })
    if (Result.isSuccess(r)) throw new Error("expected the pack to be refused")
    const paths = r.failure.problems.map((p) => p.path)
    expect(paths).toEqual(expect.arrayContaining(["/authority/Escalate/0/relation", "/authority/Escalate/1/roles/0", "/authority/Escalate/2/when/0", "/authority/RecordClockBreach", "/authority/Close"]))
    const at = (path: string) => r.failure.problems.find((p) => p.path === path)?.message ?? ""
    expect(at("/authority/Escalate/0/relation")).toMatch(/lead/)
  })
})

describe("the ladder says who may escalate to a tier", () => {
  const ladder = [{ tier: 3 as const, escalatedBy: [{ relation: "supervisor" as const }, { relation: "case_owner" as const, roles: ["deputy_district_head" as const] }] }]
  const policy = resolveAuthorityPolicy(undefined, ladder)
  const { state } = decideAll([submit(), dispatch(), accept(), escalate()])
  const escalateBy = (id: string, tier: 1 | 2 | 3) =>
    decide(state, { ...cmd("Escalate", { tier, owner: "person.district-head", reason: "疑难" }), actor: { kind: "person", id } }, { directory, authority: policy })

  it("takes the rung's grants for its tier: the deputy who owns the case may, the lead's head may not", () => {
    expect(Result.isSuccess(escalateBy(OWNER, 3))).toBe(true)
    const byLead = escalateBy("person.head.urban-management", 3)
    expect(Result.isFailure(byLead) ? byLead.failure : undefined).toMatchObject({ _tag: "NotAuthorised", needed: ["supervisor", "case_owner:deputy_district_head"] })
  })

  it("leaves the tiers without escalatedBy to the policy's Escalate grants", () => {
    const { state: accepted } = decideAll([submit(), dispatch(), accept()])
    const byLeadHead = decide(accepted, { ...cmd("Escalate", { tier: 2, owner: OWNER, reason: "疑难" }), actor: { kind: "person", id: "person.head.urban-management" } }, { directory, authority: policy })
    expect(Result.isSuccess(byLeadHead)).toBe(true)
  })

  it("is validated with the pack, with the JSON path of a bad grant", () => {
    const r = loadRulePack({ ...minimal(), ladder: [{ tier: 1, owner: { kind: "leadUnitLeader" }, escalatedBy: [{ relation: "mayor" }] }] })
    if (Result.isSuccess(r)) throw new Error("expected the pack to be refused")
    expect(r.failure.problems.map((p) => p.path)).toContain("/ladder/0/escalatedBy/0/relation")
  })
})
