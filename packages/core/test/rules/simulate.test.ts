import { describe, expect, it } from "vitest"
import type { PetitionEvent } from "../../src/petition/schema.js"
import { simulatePacks } from "../../src/rules/simulate.js"
import { directory, loaded, presetJson, T0 } from "./fixtures.js"

const MIN = 60_000
const history = (petitionId: string, category: string, jurisdiction: string, rest: ReadonlyArray<Record<string, unknown>>): ReadonlyArray<PetitionEvent> => {
  const events: Array<Record<string, unknown>> = [
    {
      _tag: "Submitted", at: T0, petitioner: { anonymous: true }, channel: "channel.hotline", category, jurisdiction,
      title: "诉求", content: "内容", persons: 1, flags: [], priority: "normal", firstHandler: "unit.dispatch-centre",
      rulePack: { id: "futian-10-30-24", version: "2022.1" }
    },
    ...rest
  ]
  return events.map((e, i) => ({ petitionId, actor: { kind: "system" }, version: i + 1, prevHash: `h${i}`, hash: `h${i + 1}`, ...e }) as unknown as PetitionEvent)
}

const before = loaded(presetJson("futian-10-30-24"))
const changed = presetJson("futian-10-30-24")
changed.version = "2026.1"
changed.effectiveFrom = "2026-01-01T00:00:00+08:00"
changed.routing[0].event.params = { lead: "dept.ecology", coHandlers: ["dept.urban-management"] }
changed.clocks[0].limit = "PT5M"
changed.escalation.find((r: { id: string }) => r.id === "returned-twice").conditions.all[1].value = 3
const after = loaded(changed)

const odour = history("P-odour", "city-management.sanitation.refuse-odour", "community.futian.gangxia", [
  { _tag: "Dispatched", at: T0 + MIN, lead: "dept.urban-management", coHandlers: ["dept.ecology"] },
  { _tag: "Acknowledged", at: T0 + 7 * MIN, unit: "dept.urban-management" }
])
const wages = history("P-wages", "labour.unpaid-wages", "community.shatou.xinzhou", [
  { _tag: "Dispatched", at: T0 + MIN, lead: "dept.human-resources", coHandlers: [] },
  { _tag: "Acknowledged", at: T0 + 2 * MIN, unit: "dept.human-resources" },
  { _tag: "Contacted", at: T0 + 3 * MIN, unit: "dept.human-resources", method: "phone" },
  { _tag: "Returned", at: T0 + 4 * MIN, unit: "dept.human-resources", reason: "不属本单位" },
  { _tag: "Dispatched", at: T0 + 5 * MIN, lead: "dept.human-resources", coHandlers: [] },
  { _tag: "Returned", at: T0 + 6 * MIN, unit: "dept.human-resources", reason: "仍不属本单位" }
])
const school = history("P-school", "education.admission", "community.futian.futian", [
  { _tag: "Dispatched", at: T0 + MIN, lead: "dept.education", coHandlers: [] },
  { _tag: "Acknowledged", at: T0 + 2 * MIN, unit: "dept.education" },
  { _tag: "Contacted", at: T0 + 3 * MIN, unit: "dept.education", method: "phone" }
])

describe("simulatePacks", () => {
  const report = simulatePacks({ before, after, histories: [odour, wages, school], directory })
  const of = (id: string) => report.differences.find((d) => d.petitionId === id)

  it("counts the petitions that would have been routed, clocked or escalated differently", () => {
    expect(report.petitions).toBe(3)
    expect(report.differences.map((d) => d.petitionId).sort()).toEqual(["P-odour", "P-wages"])
    expect([report.routedDifferently, report.clockedDifferently, report.escalatedDifferently]).toEqual([1, 1, 2])
    expect(of("P-school")).toBeUndefined()
  })

  it("routing: who would have led", () => {
    expect(of("P-odour")!.routing).toEqual({
      before: { lead: "dept.urban-management", coHandlers: ["dept.ecology"], ruleId: "refuse-odour" },
      after: { lead: "dept.ecology", coHandlers: ["dept.urban-management"], ruleId: "refuse-odour" }
    })
  })

  it("clocks: a shorter feedback limit breaches where the old one was met, and its escalation fires", () => {
    const odourDiff = of("P-odour")!
    expect(odourDiff.clocks).toEqual([
      { clock: "feedback", before: { state: "met", dueAt: T0 + 10 * MIN }, after: { state: "breached", dueAt: T0 + 5 * MIN, breachedAt: T0 + 5 * MIN } }
    ])
    expect(odourDiff.escalation).toEqual([
      {
        trigger: `ClockBreached;clock=feedback;dueAt=${T0 + 5 * MIN}`,
        onlyBefore: [],
        onlyAfter: [{ ruleId: "feedback-overdue", type: "notify", detail: expect.stringContaining("person.deputy-head.1") }]
      }
    ])
  })

  it("escalation: a higher return threshold no longer escalates on the second return", () => {
    expect(of("P-wages")!.escalation).toEqual([
      {
        trigger: "Returned;version=7",
        onlyBefore: [{ ruleId: "returned-twice", type: "escalate", detail: expect.stringContaining("person.head.dispatch-centre") }],
        onlyAfter: []
      }
    ])
    expect(of("P-wages")!.routing).toBeUndefined()
  })

  it("an escalation that would fire but finds no owner is reported as a problem, naming the rule", () => {
    const ownerless = presetJson("futian-10-30-24")
    ownerless.version = "2026.2"
    ownerless.escalation.find((r: { id: string }) => r.id === "returned-twice").event.params.owner = { kind: "linkedLeader", level: "grid" }
    const r = simulatePacks({ before, after: loaded(ownerless), histories: [wages], directory })
    const wagesDiff = r.differences.find((d) => d.petitionId === "P-wages")!
    expect(wagesDiff.escalation[0]!.onlyBefore.map((a) => a.ruleId)).toEqual(["returned-twice"])
    expect(wagesDiff.problems).toEqual([expect.stringMatching(/^futian-10-30-24@2026\.2: returned-twice: .*No owner for petition P-wages at tier 1/)])
  })

  describe("histories recorded by a real scheduler, which records a breach after its due instant", () => {
    const HOUR = 60 * MIN
    // The feedback breach (due T0+10m) recorded at the next tick, three minutes late, with the
    // notification its rule queued; the petition acknowledged at T0+12m.
    const lateFeedback = history("P-late-feedback", "city-management.sanitation.refuse-odour", "community.futian.gangxia", [
      { _tag: "Dispatched", at: T0, lead: "dept.urban-management", coHandlers: ["dept.ecology"] },
      { _tag: "ClockBreached", at: T0 + 13 * MIN, clock: "feedback", dueAt: T0 + 10 * MIN, unit: "dept.urban-management" },
      { _tag: "NotificationQueued", at: T0 + 13 * MIN, template: "feedback-overdue", recipients: ["person:person.head.urban-management"], rule: { packId: "futian-10-30-24", packVersion: "2022.1", ruleId: "feedback-overdue" } },
      { _tag: "Acknowledged", at: T0 + 14 * MIN, unit: "dept.urban-management" }
    ])
    // The first round overdue (due T0+24h) recorded seven minutes late, and the escalation it
    // caused at the same instant: judged after that escalation, the rule (tier < 1) would not fire.
    const lateFirstRound = history("P-late-first-round", "education.admission", "community.futian.futian", [
      { _tag: "Dispatched", at: T0 + MIN, lead: "dept.education", coHandlers: [] },
      { _tag: "Acknowledged", at: T0 + 2 * MIN, unit: "dept.education" },
      { _tag: "Contacted", at: T0 + 3 * MIN, unit: "dept.education", method: "phone" },
      { _tag: "HandlerAssigned", at: T0 + 4 * HOUR, unit: "dept.education", person: "person.handler.education" },
      { _tag: "ClockWarned", at: T0 + 12 * HOUR + 5 * MIN, clock: "first-round:dept.education", threshold: "0.5", dueAt: T0 + 24 * HOUR },
      { _tag: "ClockBreached", at: T0 + 24 * HOUR + 7 * MIN, clock: "first-round", dueAt: T0 + 24 * HOUR, unit: "dept.education" },
      { _tag: "Escalated", at: T0 + 24 * HOUR + 7 * MIN, tier: 1, owner: "person.head.education", reason: "首轮办结超时 (first round overdue)", rule: { packId: "futian-10-30-24", packVersion: "2022.1", ruleId: "first-round-overdue" } },
      { _tag: "FirstRoundCompleted", at: T0 + 30 * HOUR, unit: "dept.education", summary: "已办" }
    ])
    // Feedback met within five minutes: neither 10 nor 15 minutes is breached.
    const prompt = history("P-prompt", "education.admission", "community.futian.futian", [
      { _tag: "Dispatched", at: T0 + MIN, lead: "dept.education", coHandlers: [] },
      { _tag: "Acknowledged", at: T0 + 5 * MIN, unit: "dept.education" }
    ])
    // Acknowledged after 20 minutes: breached under 10 and under 15, only the due instant moves.
    const slow = history("P-slow", "city-management.sanitation.refuse-odour", "community.futian.gangxia", [
      { _tag: "Dispatched", at: T0, lead: "dept.urban-management", coHandlers: [] },
      { _tag: "ClockBreached", at: T0 + 11 * MIN, clock: "feedback", dueAt: T0 + 10 * MIN, unit: "dept.urban-management" },
      { _tag: "NotificationQueued", at: T0 + 11 * MIN, template: "feedback-overdue", recipients: ["person:person.head.urban-management"], rule: { packId: "futian-10-30-24", packVersion: "2022.1", ruleId: "feedback-overdue" } },
      { _tag: "Acknowledged", at: T0 + 20 * MIN, unit: "dept.urban-management" }
    ])
    const histories = [lateFeedback, lateFirstRound, prompt, slow]

    it("the same pack on both sides finds no difference", () => {
      const same = simulatePacks({ before, after: before, histories, directory })
      expect(same.differences).toEqual([])
      expect([same.routedDifferently, same.clockedDifferently, same.escalatedDifferently]).toEqual([0, 0, 0])
    })

    it("a feedback limit of 15 minutes instead of 10 changes exactly the petition answered between the two, not one late under both", () => {
      const fifteen = presetJson("futian-10-30-24")
      fifteen.version = "2026.1"
      fifteen.clocks.find((c: { name: string }) => c.name === "feedback").limit = "PT15M"
      const r = simulatePacks({ before, after: loaded(fifteen), histories, directory })
      expect(r.differences.map((d) => d.petitionId)).toEqual(["P-late-feedback"])
      const d = r.differences[0]!
      expect(d.clocks).toEqual([
        {
          clock: "feedback",
          before: { state: "breached", dueAt: T0 + 10 * MIN, breachedAt: T0 + 10 * MIN },
          after: { state: "met", dueAt: T0 + 15 * MIN }
        }
      ])
      expect(d.escalation).toEqual([
        {
          trigger: `ClockBreached;clock=feedback;dueAt=${T0 + 10 * MIN}`,
          onlyBefore: [{ ruleId: "feedback-overdue", type: "notify", detail: expect.any(String) }],
          onlyAfter: []
        }
      ])
      expect([r.routedDifferently, r.clockedDifferently, r.escalatedDifferently]).toEqual([0, 1, 1])
    })

    it("a warning recorded under the old limit is judged at the same place under the new one, when the new one passes it too", () => {
      const warnRule = {
        id: "feedback-half-time",
        conditions: { all: [
          { fact: "trigger", path: "$.type", operator: "equal", value: "ClockWarned" },
          { fact: "trigger", path: "$.threshold", operator: "equal", value: "0.5" }
        ] },
        event: { type: "notify", params: { recipients: ["lead-unit"], template: "feedback-overdue" } }
      }
      const withWarning = (limit: string, version: string) => {
        const json = presetJson("futian-10-30-24")
        json.version = version
        json.escalation.push(warnRule)
        json.clocks.find((c: { name: string }) => c.name === "feedback").limit = limit
        return loaded(json)
      }
      // Half of 10 minutes recorded at 5 (a minute late, at 6); acknowledged at 12, past half of 15 too.
      const warned = history("P-warned", "city-management.sanitation.refuse-odour", "community.futian.gangxia", [
        { _tag: "Dispatched", at: T0, lead: "dept.urban-management", coHandlers: [] },
        { _tag: "ClockWarned", at: T0 + 6 * MIN, clock: "feedback", unit: "dept.urban-management", threshold: "0.5", dueAt: T0 + 10 * MIN },
        { _tag: "NotificationQueued", at: T0 + 6 * MIN, template: "feedback-overdue", recipients: ["unit:dept.urban-management"], rule: { packId: "futian-10-30-24", packVersion: "2022.2", ruleId: "feedback-half-time" } },
        { _tag: "Acknowledged", at: T0 + 12 * MIN, unit: "dept.urban-management" }
      ])
      const r = simulatePacks({ before: withWarning("PT10M", "2022.2"), after: withWarning("PT15M", "2026.2"), histories: [warned], directory })
      const d = r.differences.find((x) => x.petitionId === "P-warned")!
      // The breach goes (met at 12 under 15 minutes); the half-time warning stays, with the same action.
      expect(d.clocks.map((c) => [c.clock, c.before?.state, c.after?.state])).toEqual([["feedback", "breached", "met"]])
      expect(d.escalation.map((e) => e.trigger)).toEqual([`ClockBreached;clock=feedback;dueAt=${T0 + 10 * MIN}`])
    })
  })
})
