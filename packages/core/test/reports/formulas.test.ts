import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { decodeReportFormulas, defaultReportFormulas, defaultReportFormulasJson, formatRate, rate, responseWindowMs } from "../../src/reports/index.js"

describe("report formulas", () => {
  it("the defaults decode, and the response window is 24 hours of natural time", () => {
    expect(Result.isSuccess(decodeReportFormulas(defaultReportFormulasJson))).toBe(true)
    expect(responseWindowMs(defaultReportFormulas)).toBe(24 * 3_600_000)
    expect(defaultReportFormulas.satisfaction.weights.basically_satisfied).toBe(1)
  })

  it("a pack's own formulas replace the defaults", () => {
    const strict = decodeReportFormulas({
      ...defaultReportFormulasJson,
      response: { events: ["Contacted"], within: "PT30M" },
      satisfaction: { weights: { satisfied: 1, basically_satisfied: 0.8, unsatisfied: 0 } }
    })
    expect(Result.isSuccess(strict) && responseWindowMs(strict.success)).toBe(30 * 60_000)
    expect(Result.isSuccess(strict) && strict.success.satisfaction.weights.basically_satisfied).toBe(0.8)
  })

  it("bad formulas name every field that is wrong and what was expected", () => {
    const bad = decodeReportFormulas({
      response: { events: ["Answered"], within: "soon" },
      resolution: { denominator: "rated" },
      satisfaction: { weights: { satisfied: 2, basically_satisfied: 1, unsatisfied: 0 } },
      hotspots: { top: 0, baselineDays: 7, categoryDepth: 2 }
    })
    expect(Result.isFailure(bad)).toBe(true)
    const problems = Result.isFailure(bad) ? bad.failure.problems : []
    const at = (path: string) => problems.find((p) => p.path === path)?.message
    expect(at("/response/events/0")).toMatch(/Acknowledged/)
    expect(at("/response/within")).toMatch(/ISO 8601/)
    expect(at("/resolution/denominator")).toMatch(/received/)
    expect(at("/satisfaction/weights/satisfied")).toMatch(/between 0 and 1/)
    expect(at("/hotspots/top")).toMatch(/≥ 1/)
  })

  it("a rate keeps its parts and reads as leaders read it", () => {
    // The secretary-online channel's year: 7,614 received, 7,528 closed.
    const closure = rate(7528, 7614)
    expect(closure).toEqual({ numerator: 7528, denominator: 7614, rate: 7528 / 7614 })
    expect(formatRate(closure)).toBe("98.87%")
    expect(formatRate(rate(550, 550))).toBe("100.00%")
    expect(formatRate(rate(458, 536))).toBe("85.45%")
    expect(rate(0, 0).rate).toBeNull()
    expect(formatRate(rate(0, 0))).toBe("—")
  })
})
