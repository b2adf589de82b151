/**
 * The rule pack as a trust boundary: names that every JavaScript object inherits are no facts,
 * operators or actions; conditions, values and durations have limits; duplicate clock names and
 * condition `params` are refused. Each case loaded "ok" (or threw) before these checks.
 */
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import type { RulePackInvalid } from "../../src/rules/pack/load.js"
import { loadRulePack } from "../../src/rules/pack/load.js"
import { conditionDepthLimit, durationLimitDays } from "../../src/rules/pack/limits.js"
import { directory, facts, minimal, petition } from "./fixtures.js"

const refused = (pack: unknown): RulePackInvalid => {
  const r = loadRulePack(pack, { directory })
  if (Result.isSuccess(r)) throw new Error("expected the pack to be refused")
  return r.failure
}
const messageAt = (e: RulePackInvalid, path: string): string =>
  e.problems.filter((p) => p.path === path).map((p) => p.message).join(" | ")
const zhAt = (e: RulePackInvalid, path: string): string =>
  e.problems.filter((p) => p.path === path).map((p) => p.zh ?? "").join(" | ")

const withEscalation = (conditions: unknown, event: unknown = { type: "flag", params: { flag: "x" } }) => {
  const pack = minimal()
  pack.escalation = [{ id: "e1", conditions, event }]
  return pack
}
const comparison = (over: Record<string, unknown>) => ({ fact: "petition", path: "$.returnCount", operator: "greaterThan", value: 1, ...over })

describe("names every object inherits", () => {
  it("are unknown operators, with their JSON path, plain or behind a decorator", () => {
    for (const operator of ["constructor", "toString", "__proto__", "hasOwnProperty", "constructor:equal", "not:toString", "someFact:valueOf"]) {
      const e = refused(withEscalation({ all: [comparison({ operator })] }))
      expect(messageAt(e, "/escalation/0/conditions/all/0/operator"), operator).toMatch(/^unknown operator/)
    }
  })

  it("are unknown facts, in a comparison and in a fact reference", () => {
    const e = refused(withEscalation({ all: [{ fact: "constructor", operator: "equal", value: 1 }, comparison({ value: { fact: "toString" } })] }))
    expect(messageAt(e, "/escalation/0/conditions/all/0/fact")).toMatch(/^unknown fact "constructor"/)
    expect(messageAt(e, "/escalation/0/conditions/all/1/value/fact")).toMatch(/^unknown fact "toString"/)
  })

  it("are no action type, and not one that 'belongs in the other section'", () => {
    const e = refused(withEscalation({ all: [] }, { type: "toString", params: {} }))
    const message = messageAt(e, "/escalation/0/event/type")
    expect(message).toMatch(/^an escalation rule cannot do "toString"; expected one of "notify"/)
    expect(message).not.toMatch(/belongs in/)
  })

  it("as a petition field or id kind do not crash validation against the directory", () => {
    const e = refused(withEscalation({ all: [{ fact: "petition", path: "$.constructor", operator: "categoryWithin", value: "x" }] }))
    expect(messageAt(e, "/escalation/0/conditions/all/0/path")).toMatch(/has no field "constructor"/)
  })
})

const nest = (levels: number, leaf: unknown): unknown => {
  let c = leaf
  for (let i = 0; i < levels; i++) c = { not: c }
  return c
}

describe(`conditions nest at most ${conditionDepthLimit} levels`, () => {
  it("loads a rule exactly at the limit and evaluates it", () => {
    const pack = withEscalation(nest(conditionDepthLimit - 1, comparison({})))
    const r = loadRulePack(pack, { directory })
    if (Result.isFailure(r)) throw new Error(r.failure.message)
    const f = facts(petition({ category: "city-management.sanitation.refuse-odour", jurisdiction: "community.futian.gangxia", returnCount: 2 }))
    // 31 `not`s around a comparison that holds: an odd count, so the rule does not hold.
    expect(r.success.escalation[0]!.test(f)).toBe(false)
  })

  it("refuses one level more at the path where the limit is crossed", () => {
    const e = refused(withEscalation(nest(conditionDepthLimit, comparison({}))))
    const at = "/escalation/0/conditions" + "/not".repeat(conditionDepthLimit)
    expect(messageAt(e, at)).toMatch(/more than 32 levels deep/)
    expect(zhAt(e, at)).toMatch(/条件嵌套超过 32 层/)
  })

  it("refuses a hundred thousand levels with a problem, not a stack overflow", () => {
    const pack = withEscalation(nest(100_000, comparison({})))
    const e = refused(pack)
    expect(e.problems.map((p) => p.path)).toEqual(["/escalation/0/conditions" + "/not".repeat(conditionDepthLimit)])
  })

  it("counts the levels of the shared conditions a rule refers to", () => {
    const pack: any = withEscalation({ all: [{ condition: "c0" }] })
    const chain = 20
    pack.conditions = Object.fromEntries(
      Array.from({ length: chain }, (_, i) => [`c${i}`, i === chain - 1 ? { all: [comparison({})] } : { not: { condition: `c${i + 1}` } }])
    )
    const e = refused(pack)
    expect(messageAt(e, "/escalation/0/conditions")).toMatch(/counting the shared conditions/)
    expect(messageAt(e, "/conditions/c0")).toMatch(/more than 32 levels deep/)
    // the tail of the chain is shallow enough on its own
    expect(messageAt(e, `/conditions/c${chain - 2}`)).toBe("")
  })

  it("refuses a value nested deeper than the limit", () => {
    let value: unknown = 1
    for (let i = 0; i < 10_000; i++) value = [value]
    const e = refused(withEscalation({ all: [comparison({ operator: "equal", value })] }))
    expect(messageAt(e, "/escalation/0/conditions/all/0/value")).toMatch(/value nests more than 32 levels/)
  })
})

describe("clock names", () => {
  it("are refused when two clocks share one, naming where it was first used", () => {
    const pack = minimal()
    pack.clocks = [...pack.clocks, { ...pack.clocks[0], stop: ["Accepted"] }]
    const e = refused(pack)
    expect(messageAt(e, "/clocks/1/name")).toBe('clock name "feedback" is already used at /clocks/0; each clock needs its own name')
    expect(zhAt(e, "/clocks/1/name")).toMatch(/时钟名称 "feedback" 已在 \/clocks\/0 使用/)
  })
})

describe(`durations are at most P${durationLimitDays}D (ten years)`, () => {
  it("accepts the maximum itself", () => {
    const pack = minimal()
    pack.clocks = [{ ...pack.clocks[0], limit: `P${durationLimitDays}D` }]
    expect(Result.isSuccess(loadRulePack(pack, { directory }))).toBe(true)
  })

  it("refuses a longer one in a clock, a whistle default, an action and a condition, each by its path", () => {
    const pack: any = withEscalation(
      { all: [comparison({ fact: "petition", path: "$.age", operator: "durationAtLeast", value: "P5000D" }), comparison({ path: "$.age", operator: "durationAtMost", value: 1e15 })] },
      { type: "whistle", params: { summon: ["dept.housing"], deadline: "P99999D" } }
    )
    pack.clocks = [{ ...pack.clocks[0], limit: `P${durationLimitDays + 1}D` }]
    pack.whistle = { deadline: "PT876000H" }
    const e = refused(pack)
    expect(messageAt(e, "/clocks/0/limit")).toBe(`the duration P${durationLimitDays + 1}D is longer than the maximum of P${durationLimitDays}D (ten years)`)
    expect(messageAt(e, "/whistle/deadline")).toMatch(/longer than the maximum/)
    expect(messageAt(e, "/escalation/0/event/params/deadline")).toMatch(/P99999D is longer than the maximum/)
    expect(messageAt(e, "/escalation/0/conditions/all/0/value")).toMatch(/P5000D is longer than the maximum/)
    expect(messageAt(e, "/escalation/0/conditions/all/1/value")).toMatch(/1000000000000000 ms is longer than the maximum/)
    expect(zhAt(e, "/clocks/0/limit")).toMatch(/超过上限/)
  })
})

describe("params in a condition", () => {
  it("are refused as unsupported, in a comparison and in a fact reference", () => {
    const e = refused(withEscalation({ all: [comparison({ params: { unit: "dept.housing" } }), comparison({ value: { fact: "petition", path: "$.transferCount", params: { x: 1 } } })] }))
    expect(messageAt(e, "/escalation/0/conditions/all/0/params")).toMatch(/"params" is not supported/)
    expect(zhAt(e, "/escalation/0/conditions/all/0/params")).toMatch(/不支持条件中的 "params"/)
    expect(messageAt(e, "/escalation/0/conditions/all/1/value/params")).toMatch(/"params" is not supported/)
  })

  it("that ask for nothing ({}) still load, as json-rules-engine rules often carry them", () => {
    const r = loadRulePack(withEscalation({ all: [comparison({ params: {} })] }), { directory })
    expect(Result.isSuccess(r)).toBe(true)
  })
})
