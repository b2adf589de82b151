// The read-model fast path against the oracle: the counters the engine writes in each append,
// added up by the store, must give the figures a replay of every history gives.

import { Reports } from "@minyi/core"
import { metricDeltas } from "@minyi/core/adapter"
import { Redacted } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { directory, generated } from "./support.js"

const DAY = 86_400_000
const person = (test: (p: (typeof directory.data.people)[number]) => boolean): string => {
  const found = directory.data.people.find(test)
  if (found === undefined) throw new Error("the generated directory has no such person")
  return found.id
}
const dispatcher = { person: person((p) => p.unit === directory.dispatchCentre.id) }
const streetLeader = person((p) => p.roles.includes("street_secretary"))
const unitStaff = person((p) => p.unit.startsWith("dept.") && p.roles.every((r) => r === "case_handler"))

/** The figures without the open difficult cases, which the read model takes from the summaries as they stand now. */
const counted = (f: Reports.Figures) => ({ ...f, cases: [] })

describe("figures from the read model", () => {
  it("property: on random generated data they equal the oracle's, for every kind of scope and period", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), async (seed) => {
        const from = Reports.startOfLocalDate("2026-05-04")!
        const { histories, minyi } = await generated({ from, days: 4, perDay: 10, seed })
        try {
          const street = directory.data.jurisdictions.find((j) => j.level === "street")!.id
          const lead = histories.flatMap((h) => h.flatMap((e) => (e._tag === "Dispatched" ? [e.lead] : [])))[0] ?? directory.dispatchCentre.id
          const scopes: ReadonlyArray<Reports.MetricsScope> = [
            { _tag: "All" },
            { _tag: "Jurisdiction", id: street },
            { _tag: "Unit", id: lead },
            { _tag: "Channel", id: "channel.hotline" },
            { _tag: "Category", id: directory.data.categories.nodes.find((c) => c.parent === undefined)!.id },
            { _tag: "Viewer", person: streetLeader },
            { _tag: "Viewer", person: unitStaff }
          ]
          // Periods: each day, the whole span, and one reaching past the last event (to the present).
          const periods = [[0, 1], [1, 2], [2, 3], [3, 4], [0, 4], [1, 9]] as const
          for (const scope of scopes) {
            for (const [a, b] of periods) {
              const options = { from: from + a * DAY, to: from + b * DAY, scope, clocks: ["feedback"] }
              const fast = await minyi.metrics(dispatcher, options)
              const oracle = Reports.figuresFromHistories(histories, { directory, ...options })
              expect(counted(fast), `${scope._tag} ${"id" in scope ? scope.id : "person" in scope ? scope.person : ""} [${a}, ${b})`).toEqual(
                counted(oracle)
              )
            }
          }
          // The open hard cases of today: the summaries agree with the oracle as of now.
          const now = await minyi.metrics(dispatcher, { from, to: from + 9 * DAY })
          expect(now.cases.map((c) => c.petitionId).sort()).toEqual(
            Reports.figuresFromHistories(histories, { directory, from, to: from + 9 * DAY }).cases.map((c) => c.petitionId).sort()
          )
        } finally {
          await minyi.dispose()
        }
      }),
      { numRuns: 2 }
    )
  }, 600_000)

  it("property: the deltas do not depend on how the history was split into appends", async () => {
    const from = Reports.startOfLocalDate("2026-05-04")!
    const { histories, minyi } = await generated({ from, days: 2, perDay: 10, seed: 7 })
    await minyi.dispose()
    const total = (parts: ReadonlyArray<ReadonlyArray<{ scope: string; kind: string; dim: string; key: string; periodDay: number; asOfDay: number; value: number }>>) => {
      const sums = new Map<string, number>()
      for (const d of parts.flat()) {
        const id = [d.scope, d.kind, d.dim, d.key, d.periodDay, d.asOfDay].join("|")
        sums.set(id, (sums.get(id) ?? 0) + d.value)
      }
      return new Map([...sums].filter(([, v]) => v !== 0))
    }
    fc.assert(
      fc.property(fc.nat(histories.length - 1), fc.array(fc.nat(40), { maxLength: 6 }), (i, cuts) => {
        const h = histories[i]!
        const points = [...new Set([0, ...cuts.map((c) => c % (h.length + 1)), h.length])].sort((a, b) => a - b)
        const split = points.slice(1).map((end, k) => metricDeltas(h.slice(0, points[k]), h.slice(points[k], end), { directory }))
        expect(total(split)).toEqual(total([metricDeltas([], h, { directory })]))
      }),
      { numRuns: 50 }
    )
  }, 300_000)

  it("a viewer sees their own figures, a narrower scope their view covers, and nothing else", async () => {
    const from = Reports.startOfLocalDate("2026-05-04")!
    const { histories, minyi } = await generated({ from, days: 2, perDay: 10, seed: 3 })
    try {
      const to = from + 2 * DAY
      const leader = directory.person(streetLeader)!
      const street = leader.jurisdiction ?? directory.unit(leader.unit)!.jurisdiction!
      const own = await minyi.metrics({ person: streetLeader }, { from, to })
      expect(own.scope).toEqual({ _tag: "Viewer", person: streetLeader })
      expect(counted(own)).toEqual(counted(Reports.figuresFromHistories(histories, { directory, from, to, scope: { _tag: "Viewer", person: streetLeader } })))
      const all = await minyi.metrics(dispatcher, { from, to })
      expect(all.scope).toEqual({ _tag: "Viewer", person: dispatcher.person })
      expect(all.received).toBe(Reports.figuresFromHistories(histories, { directory, from, to }).received)
      expect(own.received).toBeLessThan(all.received)
      // A street leader may narrow to their street, not to another one nor to everything.
      const inStreet = await minyi.metrics({ person: streetLeader }, { from, to, scope: { _tag: "Jurisdiction", id: street } })
      expect(inStreet.received).toBe(Reports.figuresFromHistories(histories, { directory, from, to, scope: { _tag: "Jurisdiction", id: street } }).received)
      const other = directory.data.jurisdictions.find((j) => j.level === "street" && j.id !== street)!.id
      await expect(minyi.metrics({ person: streetLeader }, { from, to, scope: { _tag: "Jurisdiction", id: other } })).rejects.toMatchObject({
        _tag: "AccessDenied",
        message: expect.stringContaining(`Jurisdiction ${other}`)
      })
      await expect(minyi.metrics({ person: streetLeader }, { from, to, scope: { _tag: "All" } })).rejects.toMatchObject({ _tag: "AccessDenied" })
      const staff = directory.person(unitStaff)!
      const unitOwn = await minyi.metrics({ person: unitStaff }, { from, to, scope: { _tag: "Unit", id: staff.unit } })
      expect(unitOwn.received).toBe(Reports.figuresFromHistories(histories, { directory, from, to, scope: { _tag: "Unit", id: staff.unit } }).received)
      await expect(minyi.metrics({ person: "person.nobody" }, { from, to })).rejects.toMatchObject({
        _tag: "AccessDenied",
        message: expect.stringContaining("person.nobody")
      })
      // No personal data: the figures carry no petitioner's name or phone.
      const text = JSON.stringify(all)
      for (const h of histories.slice(0, 20)) {
        const p = h[0]?._tag === "Submitted" ? h[0].petitioner : undefined
        if (p !== undefined && p.phone !== undefined) expect(text).not.toContain(Redacted.value(p.phone))
        if (p !== undefined && p.name !== undefined) expect(text).not.toContain(Redacted.value(p.name))
      }
    } finally {
      await minyi.dispose()
    }
  }, 300_000)
})
