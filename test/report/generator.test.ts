import { Reports } from "@minyi/core"
import { generateDirectoryData, generateWorkload } from "@minyi/testkit"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { directory, generated } from "./support.js"

const DAY = 86_400_000
const sum = (counts: Readonly<Record<string, number>>) => Object.values(counts).reduce((a, b) => a + b, 0)

describe("the generated district", () => {
  it("is Futian-sized and loads: 10 streets, 90 communities, 33 channels, 89 units, ~1,600 categories", () => {
    const levels = (level: string) => directory.data.jurisdictions.filter((j) => j.level === level).length
    expect(levels("street")).toBe(10)
    expect(levels("community")).toBe(90)
    expect(directory.data.channels).toHaveLength(33)
    expect(directory.data.units).toHaveLength(89)
    expect(directory.data.categories.nodes.length).toBeGreaterThanOrEqual(1_550)
    expect(directory.data.categories.nodes.length).toBeLessThanOrEqual(1_700)
    // The shipped pack's routing targets are all still there.
    expect(directory.category("city-management.sanitation.refuse-odour")).toBeDefined()
    expect(generateDirectoryData()).toEqual(generateDirectoryData())
  })
})

describe("the generated workload", () => {
  it("is deterministic per seed, refuses nothing, and has the rhythms and events of real handling", async () => {
    const from = Reports.startOfLocalDate("2026-03-02")!
    const a = await generated({ from, days: 7, perDay: 40, seed: 11 })
    const b = await generated({ from, days: 7, perDay: 40, seed: 11 })
    try {
      expect(a.report.refusals).toEqual([])
      expect(a.report.petitions).toBe(b.report.petitions)
      expect(a.histories.map((h) => h.map((e) => `${e._tag}@${e.at}`))).toEqual(b.histories.map((h) => h.map((e) => `${e._tag}@${e.at}`)))
      const tags = new Set(a.histories.flatMap((h) => h.map((e) => e._tag)))
      for (const tag of ["Dispatched", "Accepted", "HandlerAssigned", "Resolved", "SatisfactionRated", "Closed", "ClockBreached", "Escalated", "Returned", "WhistleBlown", "ReportedForDuty"]) {
        expect(tags.has(tag as never), tag).toBe(true)
      }
      const f = Reports.figuresFromHistories(a.histories, { directory, from, to: from + 7 * DAY })
      // Weekdays busier than the weekend (7 March 2026 is a Saturday), the hotline the biggest channel.
      const perDay = f.trend.slice(-7).map((d) => d.received)
      expect(Math.min(perDay[0]!, perDay[1]!, perDay[2]!)).toBeGreaterThan(Math.max(perDay[5]!, perDay[6]!))
      const [top] = Object.entries(f.byChannel).sort(([, x], [, y]) => y - x)
      expect(top?.[0]).toBe("channel.hotline")
    } finally {
      await a.minyi.dispose()
      await b.minyi.dispose()
    }
  }, 300_000)

  it("bad options are refused with the field and what was expected", async () => {
    const from = Reports.startOfLocalDate("2026-03-02")!
    const engine = { handle: () => Promise.reject(new Error("not called")), tick: () => Promise.reject(new Error("not called")) }
    const fixed = (received: number, closed: number) => ({ channel: "channel.hotline", received, closed })
    await expect(generateWorkload(engine, { directory, from, days: 0 })).rejects.toThrow("days: expected a whole number ≥ 1, got 0")
    await expect(generateWorkload(engine, { directory, from, days: 5, perDay: 2.5 })).rejects.toThrow("perDay: expected a whole number ≥ 0, got 2.5")
    await expect(generateWorkload(engine, { directory, from, days: 5, fixedChannel: fixed(10, 11) })).rejects.toThrow(
      "fixedChannel.closed: expected a whole number between 0 and received (10), got 11"
    )
    await expect(generateWorkload(engine, { directory, from, days: 5, fixedChannel: { ...fixed(1, 1), channel: "channel.nope" } })).rejects.toThrow(
      'fixedChannel.channel: no channel "channel.nope" in the directory'
    )
  })

  it("property: on random generated data the figures are consistent", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 4 }), async (seed, cut) => {
        const from = Reports.startOfLocalDate("2026-05-04")!
        const { histories, minyi } = await generated({ from, days: 4, perDay: 12, seed })
        try {
          const to = from + (cut + 1) * DAY
          const f = Reports.figuresFromHistories(histories, { directory, from, to })
          expect(sum(f.byChannel)).toBe(f.received)
          expect(sum(f.byCategory)).toBe(f.received)
          expect(sum(f.byStreet)).toBe(f.received)
          expect(sum(f.byCommunity)).toBe(f.received)
          const rates = [f.rates.response, f.rates.resolution, f.rates.satisfaction, f.closure, f.whistles.response, ...Object.values(f.closureByChannel)]
          for (const r of rates) {
            expect(r.numerator).toBeLessThanOrEqual(r.denominator)
            if (r.rate !== null) expect(r.rate).toBeGreaterThanOrEqual(0)
            if (r.rate !== null) expect(r.rate).toBeLessThanOrEqual(1)
          }
          expect(Object.values(f.closureByChannel).reduce((a, r) => a + r.numerator, 0)).toBe(f.closure.numerator)
          expect(f.ownedCases.resolved).toBeLessThanOrEqual(f.ownedCases.taken)
          // The streets partition the district: their figures add up to the whole.
          const streets = directory.data.jurisdictions.filter((j) => j.level === "street")
          const byStreet = streets.map((s) => Reports.figuresFromHistories(histories, { directory, from, to, scope: { _tag: "Jurisdiction", id: s.id } }))
          expect(byStreet.reduce((a, s) => a + s.received, 0)).toBe(f.received)
          expect(byStreet.reduce((a, s) => a + s.closure.numerator, 0)).toBe(f.closure.numerator)
          expect(byStreet.reduce((a, s) => a + s.overdue, 0)).toBe(f.overdue)
          // Histories cut at the period's end give the same figures: nothing later leaks in.
          const cutHistories = histories.map((h) => h.filter((e) => e.at < to))
          expect(Reports.figuresFromHistories(cutHistories, { directory, from, to })).toEqual(f)
        } finally {
          await minyi.dispose()
        }
      }),
      { numRuns: 3 }
    )
  }, 300_000)
})
