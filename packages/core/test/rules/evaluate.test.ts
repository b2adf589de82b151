import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { escalate, route } from "../../src/rules/actions-eval.js"
import { describeExplanation, explain } from "../../src/rules/explain.js"
import { triggerFromEvent, triggerFromTimer } from "../../src/rules/facts.js"
import { resolveOwner } from "../../src/rules/ladder.js"
import { directory, facts, loaded, petition, presetJson, T0 } from "./fixtures.js"

const futian = loaded(presetJson("futian-10-30-24"))
const odour = petition({ category: "city-management.sanitation.refuse-odour", jurisdiction: "community.futian.gangxia" })

describe("routing (futian-10-30-24)", () => {
  it("the first matching rule by priority names the lead and co-handlers, with provenance", () => {
    expect(route(futian, facts(odour), directory)).toEqual({
      lead: "dept.urban-management",
      coHandlers: ["dept.ecology"],
      watchers: [],
      provenance: { packId: "futian-10-30-24", packVersion: "2022.1", ruleId: "refuse-odour" }
    })
    // a sibling category falls through to the subtree rule of lower priority
    const vending = petition({ category: "city-management.street-vending", jurisdiction: "community.futian.gangxia" })
    expect(route(futian, facts(vending), directory).provenance?.ruleId).toBe("city-management")
  })

  it("no match goes to the dispatch centre; a leader channel adds its leader as a watcher", () => {
    const unknown = petition({ category: "accusation.misconduct", jurisdiction: "street.futian", categoryPath: [] })
    const viaLeader = { ...unknown, channel: "channel.district-secretary-online", channelKind: "leader_channel" }
    const decision = route(futian, facts(viaLeader), directory)
    expect(decision.lead).toBe("unit.dispatch-centre")
    expect(decision.provenance).toBeUndefined()
    expect(decision.watchers).toEqual(["person.district-secretary"])
  })

  it("a routing rule may blow a whistle with a deadline", () => {
    const building = petition({ category: "city-management.illegal-construction", jurisdiction: "community.shatou.xinzhou" })
    const decision = route(futian, facts(building), directory)
    expect(decision.whistle?.summon).toEqual(["dept.planning", "dept.housing"])
    expect(decision.whistle?.deadline.ms).toBe(24 * 3_600_000)
  })
})

describe("escalation (futian-10-30-24)", () => {
  it("feedback breached → notify the street's linked leader and the lead unit, once per trigger", () => {
    const dispatched = { ...odour, lead: "dept.urban-management" }
    const trigger = triggerFromTimer("ClockBreached", "feedback", T0 + 600_000)
    const { actions, problems } = escalate(futian, facts(dispatched, trigger), directory)
    expect(problems).toEqual([])
    expect(actions).toEqual([
      {
        key: `feedback-overdue|p-1|ClockBreached;clock=feedback;dueAt=${T0 + 600_000}`,
        provenance: { packId: "futian-10-30-24", packVersion: "2022.1", ruleId: "feedback-overdue" },
        type: "notify",
        template: "feedback-overdue",
        recipients: [{ kind: "person", id: "person.deputy-head.1" }, { kind: "unit", id: "dept.urban-management" }]
      }
    ])
    // the recorded event gives the same key as the timer, so the engine can dedupe
    const event = triggerFromEvent({ _tag: "ClockBreached", petitionId: "p-1", at: T0 + 600_000, clock: "feedback", dueAt: T0 + 600_000, version: 7 })
    expect(escalate(futian, facts(dispatched, event), directory).actions[0]!.key).toBe(actions[0]!.key)
    // a different clock does not fire it
    expect(escalate(futian, facts(dispatched, triggerFromTimer("ClockBreached", "contact", T0)), directory).actions).toEqual([])
  })

  it("returned twice → escalate to the dispatch centre's leader", () => {
    const returned = { ...odour, returnCount: 2 }
    const once = { ...odour, returnCount: 1 }
    const trigger = triggerFromEvent({ _tag: "Returned", petitionId: "p-1", at: T0, unit: "dept.ecology", reason: "not ours", version: 4 })
    const [action] = escalate(futian, facts(returned, trigger), directory).actions
    expect(action).toMatchObject({ type: "escalate", tier: 1, owner: "person.head.dispatch-centre", provenance: { ruleId: "returned-twice" } })
    expect(escalate(futian, facts(once, trigger), directory).actions).toEqual([])
  })

  it("a group of five → tier 3 (the district head) and a required visit; every matching rule fires", () => {
    const group = { ...odour, persons: 6 }
    const { actions } = escalate(futian, facts(group), directory)
    expect(actions.map((a) => a.type)).toEqual(["escalate", "requireVisit"])
    expect(actions[0]).toMatchObject({ tier: 3, owner: "person.district-head" })
    expect(new Set(actions.map((a) => a.key)).size).toBe(2)
  })

  it("a notice that resolves to nobody is reported, naming the rule and template", () => {
    const unled = petition({ category: "city-management.sanitation.refuse-odour", jurisdiction: "district.futian" })
    const result = escalate(futian, facts(unled, triggerFromTimer("ClockBreached", "feedback", T0)), directory)
    expect(result.actions).toMatchObject([{ type: "notify", recipients: [] }])
    expect(result.problems.map((p) => [p.ruleId, p.error._tag])).toEqual([["feedback-overdue", "NoRecipients"]])
    expect(result.problems[0]!.error.message).toMatch(/没有收件人.*has no recipient for petition p-1/)
  })

  it("an owner that cannot be resolved is reported, not invented", () => {
    const noLead = { ...odour, tier: 0 }
    const trigger = triggerFromTimer("ClockBreached", "first-round", T0)
    const result = escalate(futian, facts(noLead, trigger), directory)
    expect(result.actions).toEqual([])
    expect(result.problems.map((p) => [p.ruleId, p.error._tag])).toEqual([["first-round-overdue", "OwnerNotFound"]])
    expect(result.problems[0]!.error.message).toMatch(/尚未确定牵头单位.*no lead unit yet/)
  })
})

describe("the shipped presets tell people and escalate", () => {
  const statutory = loaded(presetJson("xinfang-statutory"))
  const escalated = (owner: string) =>
    triggerFromEvent({ _tag: "Escalated", petitionId: "p-1", at: T0, tier: 1, owner, version: 9 })

  it("futian: the new case owner is told, with the escalated template", () => {
    const owned = { ...odour, lead: "dept.ecology", tier: 1, owner: "person.head.ecology" }
    const { actions } = escalate(futian, facts(owned, escalated("person.head.ecology")), directory)
    expect(actions).toMatchObject([{ type: "notify", template: "escalated", recipients: [{ kind: "person", id: "person.head.ecology" }], provenance: { ruleId: "escalated-owner" } }])
  })

  it("xinfang-statutory: a warning reminds the lead unit; a handling breach tells the linked leaders and escalates to tier 1", () => {
    const led = { ...odour, lead: "dept.ecology" }
    const warned = escalate(statutory, facts(led, triggerFromTimer("ClockWarned", "acceptance", T0, 0.8)), directory)
    expect(warned.actions).toMatchObject([{ type: "notify", template: "statutory-warning", recipients: [{ kind: "unit", id: "dept.ecology" }] }])
    const breached = escalate(statutory, facts(led, triggerFromTimer("ClockBreached", "handling", T0)), directory)
    expect(breached.problems).toEqual([])
    expect(breached.actions.map((a) => a.provenance.ruleId)).toEqual(["statutory-overdue", "handling-overdue"])
    expect(breached.actions[0]).toMatchObject({ template: "statutory-overdue", recipients: expect.arrayContaining([{ kind: "unit", id: "dept.ecology" }]) })
    expect((breached.actions[0] as { recipients: ReadonlyArray<unknown> }).recipients.length).toBeGreaterThan(1)
    expect(breached.actions[1]).toMatchObject({ type: "escalate", tier: 1, owner: "person.head.ecology" })
    const owned = { ...led, tier: 1, owner: "person.head.ecology" }
    expect(escalate(statutory, facts(owned, escalated("person.head.ecology")), directory).actions).toMatchObject([{ template: "escalated", recipients: [{ id: "person.head.ecology" }] }])
  })
})

describe("minyi's operators", () => {
  const HOUR = 3_600_000
  // One flag rule per condition, so each operator's verdict shows on its own.
  const pack = (conditions: ReadonlyArray<Record<string, unknown>>) =>
    loaded({
      ...presetJson("futian-10-30-24"),
      routing: [],
      escalation: conditions.map((c, i) => ({ id: `c${i}`, conditions: { all: [c] }, event: { type: "flag", params: { flag: `c${i}` } } }))
    })
  const fired = (p: ReturnType<typeof pack>, f: ReturnType<typeof facts>) => escalate(p, f, directory).actions.map((a) => a.provenance.ruleId)

  it("durationAtLeast / durationAtMost compare milliseconds with an ISO duration (a day = 24 h) or a number", () => {
    const p = pack([
      { fact: "petition", path: "$.age", operator: "durationAtLeast", value: "P3D" },
      { fact: "petition", path: "$.age", operator: "durationAtMost", value: "PT72H" },
      { fact: "clocks", path: "$.feedback.elapsed", operator: "durationAtLeast", value: "PT10M" },
      { fact: "petition", path: "$.age", operator: "durationAtLeast", value: 72 * HOUR + 1 }
    ])
    const clocks = { feedback: { state: "running", remaining: 0, elapsed: 10 * 60_000, elapsedFraction: 1 } }
    expect(fired(p, facts({ ...odour, age: 72 * HOUR }, undefined, clocks))).toEqual(["c0", "c1", "c2"])
    expect(fired(p, facts({ ...odour, age: 72 * HOUR - 1 }, undefined, { feedback: { ...clocks.feedback, elapsed: 10 * 60_000 - 1 } }))).toEqual(["c1"])
    expect(fired(p, facts({ ...odour, age: 72 * HOUR + 1 }))).toEqual(["c0", "c3"])
  })

  it("categoryWithin / jurisdictionWithin hold for the node itself and everything below it, given one id or a list", () => {
    const p = pack([
      { fact: "petition", path: "$.categoryPath", operator: "categoryWithin", value: "city-management" },
      { fact: "petition", path: "$.categoryPath", operator: "categoryWithin", value: ["ecology", "city-management.sanitation.refuse-odour"] },
      { fact: "petition", path: "$.jurisdictionPath", operator: "jurisdictionWithin", value: "street.futian" },
      { fact: "petition", path: "$.jurisdictionPath", operator: "jurisdictionWithin", value: ["street.shatou"] }
    ])
    expect(fired(p, facts(odour))).toEqual(["c0", "c1", "c2"])
    const elsewhere = petition({ category: "ecology", jurisdiction: "community.shatou.xinzhou" })
    expect(fired(p, facts(elsewhere))).toEqual(["c1", "c3"])
  })
})

describe("the ladder", () => {
  it("tier 1 the lead unit's leader, tier 2 the street's linked deputy, tier 3 the district head", () => {
    const led = { ...odour, lead: "dept.ecology" }
    const owner = (tier: number) => {
      const r = resolveOwner(futian, tier, led, directory)
      return Result.isSuccess(r) ? r.success : r.failure._tag
    }
    expect([owner(1), owner(2), owner(3)]).toEqual(["person.head.ecology", "person.deputy-head.1", "person.district-head"])
    const elsewhere = { ...led, ...petition({ category: "ecology", jurisdiction: "community.huaqiangbei.licun" }) }
    expect(Result.getOrThrow(resolveOwner(futian, 2, elsewhere, directory))).toBe("person.deputy-head.4")
    expect(owner(4)).toBe("OwnerNotFound")
  })
})

describe("explain", () => {
  it("shows which rules fire and, per condition, the value seen and whether it held", () => {
    const returned = { ...odour, returnCount: 3 }
    const trigger = triggerFromEvent({ _tag: "Returned", petitionId: "p-1", at: T0, unit: "dept.ecology", reason: "x", version: 4 })
    const e = explain(futian, facts(returned, trigger))
    expect(e.routedBy).toBe("refuse-odour")
    const returnedTwice = e.escalation.find((r) => r.ruleId === "returned-twice")!
    expect(returnedTwice.fired).toBe(true)
    expect(returnedTwice.trace).toMatchObject({ kind: "all", held: true, children: [{ factValue: "Returned", held: true }, { factValue: 3, expected: 2, held: true }] })
    expect(e.escalation.find((r) => r.ruleId === "feedback-overdue")!.fired).toBe(false)
    const en = describeExplanation(e, "en").join("\n")
    expect(en).toContain("FIRES  returned-twice (priority 1) → escalate")
    expect(en).toContain("✓ petition $.returnCount = 3, is at least 2")
    expect(en).toContain("✗ trigger $.type = \"Returned\", equals \"ClockBreached\"")
    expect(describeExplanation(e, "zh-CN").join("\n")).toContain("✓ petition $.returnCount = 3，大于或等于 2")
  })
})
