// The oracle over real histories: petitions driven through the in-memory engine by hand, so each
// figure can be checked against what the test did.
import { Redacted } from "effect"
import { describe, expect, it } from "vitest"
import type { EngineCommand, Minyi, SubmitInput } from "../../src/index.js"
import { createMinyi, sampleDirectory } from "../../src/index.js"
import { sampleSubmit } from "../engine/support.js"
import { dailyReport, figuresFromHistories, renderHtml, renderMarkdown, startOfLocalDate } from "../../src/reports/index.js"

const directory = sampleDirectory()
const day = startOfLocalDate("2026-03-02")!
const MIN = 60_000
const H = 60 * MIN
const lead = "dept.urban-management"
const unit = { kind: "unit" as const, id: lead }

const submit = (id: string, at: number, extra: Partial<SubmitInput> = {}): EngineCommand =>
  sampleSubmit(id, at, {
    channel: "channel.district-secretary-online",
    // Routed to urban management alone (no co-handlers to wait for).
    category: "city-management.street-vending",
    title: "占道经营",
    content: "夜市占道经营",
    ...extra
  })

/** Runs a petition from submission to closure: answered in time, resolved, rated, closed. */
const closeOne = async (m: Minyi, id: string, t0: number, rating: "satisfied" | "basically_satisfied" | "unsatisfied", solved = true) => {
  await m.handle(submit(id, t0))
  const by = (at: number) => ({ petitionId: id, at, actor: unit })
  await m.handle({ _tag: "Accept", ...by(t0 + 2 * MIN), unit: lead })
  await m.handle({ _tag: "Acknowledge", ...by(t0 + 4 * MIN), unit: lead })
  await m.handle({ _tag: "Contact", ...by(t0 + 8 * MIN), unit: lead, method: "phone" })
  await m.handle({ _tag: "AssignHandler", ...by(t0 + 20 * MIN), unit: lead, person: "person.handler.urban-management" })
  await m.handle({ _tag: "CompleteFirstRound", ...by(t0 + 2 * H), unit: lead, summary: "已清运" })
  await m.handle({
    _tag: "Resolve",
    ...by(t0 + 3 * H),
    unit: lead,
    checklist: { problemSolved: solved, explanationGiven: true, assistanceGiven: true, unlawfulConductDealtWith: false },
    summary: "已清运并消杀"
  })
  await m.handle({ _tag: "RateSatisfaction", petitionId: id, at: t0 + 4 * H, actor: { kind: "petitioner" }, rating })
  if (rating !== "unsatisfied") {
    await m.handle({ _tag: "Close", petitionId: id, at: t0 + 5 * H, actor: { kind: "unit", id: "unit.dispatch-centre" }, reason: "回访满意" })
  }
}

const histories = async (m: Minyi, ids: ReadonlyArray<string>) => Promise.all(ids.map((id) => m.history(id)))

describe("figures from histories (the oracle)", () => {
  it("counts intake, the three rates, closure, breaches and owned cases of one day", async () => {
    const m = createMinyi({ directory, rulePack: "futian-10-30-24" })
    try {
      await closeOne(m, "p-1", day + 9 * H, "satisfied")
      await closeOne(m, "p-2", day + 10 * H, "basically_satisfied", false)
      await closeOne(m, "p-3", day + 11 * H, "unsatisfied")
      // p-4 is left alone: its clocks breach, and the first-round breach escalates it (包案).
      await m.handle(submit("p-4", day + 12 * H, { channel: "channel.hotline", jurisdiction: "community.nanyuan.nanyuan" }))
      await m.tick(day + 23 * H + 59 * MIN)
      await m.tick(day + 36 * H)
      // Received the day before: counted in the baseline and the trend, not in the day.
      await m.handle(submit("p-0", day - 3 * H))
      const ids = ["p-0", "p-1", "p-2", "p-3", "p-4"]
      const f = figuresFromHistories(await histories(m, ids), { directory, from: day, to: day + 24 * H, clocks: ["feedback", "contact", "handler-named", "first-round"] })
      expect(f.received).toBe(4)
      expect(f.byChannel).toEqual({ "channel.district-secretary-online": 3, "channel.hotline": 1 })
      expect(f.byStreet).toEqual({ "street.yuanling": 3, "street.nanyuan": 1 })
      expect(f.byCategory).toEqual({ "city-management": 4 })
      // p-4 has not been answered, but its 24 hours run past the day: not judged yet.
      expect(f.rates.response).toEqual({ numerator: 3, denominator: 3, rate: 1 })
      // Solved and standing: p-1 only (p-2 not solved; p-3's resolution fell with its rating).
      expect(f.rates.resolution).toEqual({ numerator: 1, denominator: 4, rate: 0.25 })
      // The latest ratings: satisfied, basically satisfied, unsatisfied.
      expect(f.rates.satisfaction).toEqual({ numerator: 2, denominator: 3, rate: 2 / 3 })
      expect(f.closure).toEqual({ numerator: 2, denominator: 4, rate: 0.5 })
      expect(f.closureByChannel["channel.hotline"]).toEqual({ numerator: 0, denominator: 1, rate: 0 })
      expect(f.sla["feedback"]).toEqual({ breached: 1, compliance: { numerator: 3, denominator: 4, rate: 0.75 } })
      expect(f.sla["first-round"]?.breached).toBe(0)
      expect(f.overdue).toBe(1)
      expect(f.cases.map((c) => c.petitionId)).toEqual(["p-4"])
      expect(f.trend.map((d) => d.received)).toEqual([0, 0, 0, 0, 0, 0, 1, 4])
      // Hotspots: 4 today against 1 in the seven days before (1/7 a day): a rise of 27 times.
      expect(f.hotspots.categories).toHaveLength(1)
      expect(f.hotspots.categories[0]).toMatchObject({ id: "city-management.street-vending", count: 4, baselineDailyAverage: 1 / 7 })
      expect(f.hotspots.categories[0]?.rise).toBeCloseTo(27, 9)
      expect(f.hotspots.communities.map((h) => [h.id, h.count, h.rise === null ? null : Math.round(h.rise)])).toEqual([
        ["community.yuanling.hongli", 3, 20],
        ["community.nanyuan.nanyuan", 1, null]
      ])

      // A day and a half later the first-round clock has breached too and escalated p-4.
      const later = figuresFromHistories(await histories(m, ids), { directory, from: day, to: day + 48 * H })
      expect(later.sla["first-round"]?.breached).toBe(1)
      // Now p-4's 24 hours have run out unanswered: 3 of 4.
      expect(later.rates.response).toEqual({ numerator: 3, denominator: 4, rate: 0.75 })
      expect(later.ownedCases).toEqual({ taken: 1, resolved: 0 })
      expect(later.cases[0]).toMatchObject({ petitionId: "p-4", tier: 1, escalated: true, overdue: true, lead: "dept.urban-management" })
    } finally {
      await m.dispose()
    }
  })

  it("scopes: a street, a unit, a channel, a viewer; an unknown viewer sees nothing", async () => {
    const m = createMinyi({ directory, rulePack: "futian-10-30-24" })
    try {
      await m.handle(submit("p-1", day + 9 * H))
      await m.handle(submit("p-2", day + 9 * H, { jurisdiction: "community.nanyuan.nanyuan", category: "labour.unpaid-wages", channel: "channel.hotline" }))
      const hs = await histories(m, ["p-1", "p-2"])
      const count = (scope: Parameters<typeof figuresFromHistories>[1]["scope"]) =>
        figuresFromHistories(hs, { directory, from: day, to: day + 24 * H, ...(scope === undefined ? {} : { scope }) }).received
      expect(count(undefined)).toBe(2)
      expect(count({ _tag: "Jurisdiction", id: "street.nanyuan" })).toBe(1)
      expect(count({ _tag: "Unit", id: "dept.human-resources" })).toBe(1)
      expect(count({ _tag: "Channel", id: "channel.hotline" })).toBe(1)
      expect(count({ _tag: "Category", id: "city-management" })).toBe(1)
      // The dispatch centre sees all; the Yuanling street secretary their street and their channel.
      expect(count({ _tag: "Viewer", person: "person.dispatcher.1" })).toBe(2)
      expect(count({ _tag: "Viewer", person: "person.secretary.yuanling" })).toBe(1)
      expect(count({ _tag: "Viewer", person: "person.handler.urban-management" })).toBe(1)
      expect(count({ _tag: "Viewer", person: "person.handler.ecology" })).toBe(0)
      expect(count({ _tag: "Viewer", person: "person.nobody" })).toBe(0)
    } finally {
      await m.dispose()
    }
  })

  it("events after the period change nothing: figures are as of the period's end", async () => {
    const m = createMinyi({ directory, rulePack: "futian-10-30-24" })
    try {
      await m.handle(submit("p-1", day + 9 * H))
      const before = figuresFromHistories(await histories(m, ["p-1"]), { directory, from: day, to: day + 10 * H })
      await closeOne(m, "p-2", day + 30 * H, "satisfied")
      await m.handle({ _tag: "Accept", petitionId: "p-1", at: day + 11 * H, actor: unit, unit: lead })
      const after = figuresFromHistories(await histories(m, ["p-1", "p-2"]), { directory, from: day, to: day + 10 * H })
      expect(after).toEqual(before)
    } finally {
      await m.dispose()
    }
  })

  it("the daily report names what it counts and never shows the petitioner", async () => {
    const m = createMinyi({ directory, rulePack: "futian-10-30-24" })
    try {
      await m.handle(submit("p-1", day + 9 * H, { petitioner: { anonymous: false, name: Redacted.make("陈秀英"), phone: Redacted.make("13800138000") } }))
      await m.tick(day + 9 * H + 11 * MIN)
      const f = figuresFromHistories(await histories(m, ["p-1"]), { directory, from: day, to: day + 24 * H })
      const report = dailyReport(f, { directory, date: "2026-03-02", nextDeadline: () => day + 48 * H })
      expect(report.names["channel.district-secretary-online"]).toEqual({ zh: "区委书记在线", en: "District Secretary Online" })
      expect(report.cases[0]?.nextDeadline).toBe("2026-03-04T00:00:00.000+08:00")
      for (const text of [renderMarkdown(report), renderMarkdown(report, "en"), renderHtml(report), JSON.stringify(report)]) {
        expect(text).not.toMatch(/陈秀英|13800138000|138\*\*\*\*8000/)
      }
      expect(renderMarkdown(report)).toContain("区委书记在线")
      expect(renderMarkdown(report, "en")).toContain("District Secretary Online")
      expect(renderHtml(report)).toContain("<svg")
    } finally {
      await m.dispose()
    }
  })
})
