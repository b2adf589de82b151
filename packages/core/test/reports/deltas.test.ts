// The engine keeps each petition's read-model fold and computes an append's counter changes from
// it; they must be exactly those computed from the whole history before the append.
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { createMinyi } from "../../src/engine/facade.js"
import type { PetitionEvent } from "../../src/petition/index.js"
import type { MetricFold } from "../../src/reports/deltas.js"
import { metricDeltas, metricStep } from "../../src/reports/deltas.js"
import { directory, sampleSubmit } from "../engine/support.js"

const T0 = Date.parse("2026-03-02T09:00:00+08:00")
const DAY = 86_400_000
const unit = "dept.urban-management"
const byUnit = { actor: { kind: "unit" as const, id: unit }, unit }

/** Histories over several days: received, accepted, breached overnight, contacted, resolved. */
const histories = async (): Promise<ReadonlyArray<ReadonlyArray<PetitionEvent>>> => {
  const minyi = createMinyi({ directory, rulePack: "futian-10-30-24" })
  const ids = ["m-1", "m-2", "m-3"]
  for (const [i, id] of ids.entries()) {
    await minyi.handle(sampleSubmit(id, T0 + i * 60_000))
    if (i > 0) await minyi.handle({ _tag: "Accept", petitionId: id, at: T0 + 30 * 60_000, ...byUnit })
  }
  await minyi.tick(T0 + DAY)
  await minyi.handle({ _tag: "Contact", petitionId: "m-2", at: T0 + DAY + 60_000, method: "phone", ...byUnit })
  await minyi.handle({ _tag: "Acknowledge", petitionId: "m-3", at: T0 + 2 * DAY, ...byUnit })
  await minyi.tick(T0 + 3 * DAY)
  const out = await Promise.all(ids.map((id) => minyi.history(id)))
  await minyi.dispose()
  return out
}

describe("metricStep", () => {
  it("with the fold kept from earlier appends, gives the deltas computed from the whole history", async () => {
    const hs = await histories()
    expect(Math.max(...hs.map((h) => h.length))).toBeGreaterThan(8)
    fc.assert(
      fc.property(fc.nat(hs.length - 1), fc.array(fc.nat(40), { maxLength: 6 }), fc.boolean(), (i, cuts, skip) => {
        const h = hs[i]!
        const points = [...new Set([0, ...cuts.map((c) => c % (h.length + 1)), h.length])].sort((a, b) => a - b)
        let fold: MetricFold | undefined
        for (let k = 1; k < points.length; k++) {
          const history = h.slice(0, points[k - 1])
          const step = metricStep(fold, history, h.slice(points[k - 1], points[k]), { directory })
          expect(step.deltas).toEqual(metricDeltas(history, h.slice(points[k - 1], points[k]), { directory }))
          expect(step.fold?.count).toBe(points[k])
          // Another instance may have appended meanwhile: a fold that is behind catches up.
          fold = skip && k % 2 === 0 ? undefined : step.fold
        }
      }),
      { numRuns: 200 }
    )
  })

  it("does not change the fold it is given", async () => {
    const h = (await histories())[2]!
    const half = Math.floor(h.length / 2)
    const first = metricStep(undefined, [], h.slice(0, half), { directory })
    const again = metricStep(first.fold, h.slice(0, half), h.slice(half), { directory })
    expect(metricStep(first.fold, h.slice(0, half), h.slice(half), { directory }).deltas).toEqual(again.deltas)
  })
})
