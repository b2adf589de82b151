// The compiled evaluator against json-rules-engine 7.3 itself, on random rules and facts.
import { Result } from "effect"
import fc from "fast-check"
import { Engine } from "json-rules-engine"
import { describe, expect, it } from "vitest"
import type { ConditionTrace } from "../../src/rules/compile.js"
import { compileRules, matchingRules } from "../../src/rules/compile.js"
import type { Condition, Rule } from "../../src/rules/format.js"
import { loadRulePack } from "../../src/rules/pack/load.js"

const scalar = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom("a", "b", "1", "2.5", "x1", "", "abc"),
  fc.boolean(),
  fc.constant(null),
  fc.double({ min: -5, max: 5, noNaN: true })
)
const leaf = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }))
const node: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, tie("object"), fc.array(tie("value"), { maxLength: 3 })),
  object: fc.record({ a: tie("value"), b: tie("value"), c: leaf }, { requiredKeys: [] })
})).value

const factNames = ["f1", "f2", "f3", "missing"] as const
const paths = [undefined, "$", "$.a", "$.b", "$.a.b", "$.a[0]", "$.b[1].c", "$.c.length", "a", "a.b", "$['a']", "$.a.c[0]"]
const standardOperators = [
  "equal", "notEqual", "in", "notIn", "contains", "doesNotContain",
  "lessThan", "lessThanInclusive", "greaterThan", "greaterThanInclusive"
]

// json-rules-engine 7 registers these decorators by default: "not:equal", "someFact:in", chained as "not:everyValue:lessThan".
const decorators = ["someFact", "someValue", "everyFact", "everyValue", "swap", "not"]
const operator = fc
  .tuple(fc.array(fc.constantFrom(...decorators), { maxLength: 2 }), fc.constantFrom(...standardOperators))
  .map(([prefix, base]) => [...prefix, base].join(":"))

const optionalPath = fc.constantFrom(...paths)
const factCondition: fc.Arbitrary<Condition> = fc
  .record({
    fact: fc.constantFrom(...factNames),
    operator: fc.oneof(fc.constantFrom(...standardOperators), operator),
    path: optionalPath,
    literal: fc.oneof(leaf, fc.array(scalar, { maxLength: 4 })),
    reference: fc.option(fc.record({ fact: fc.constantFrom(...factNames), path: optionalPath }), { freq: 4 }),
    priority: fc.option(fc.integer({ min: 1, max: 3 }), { freq: 2 })
  })
  .map(({ fact, operator, path, literal, reference, priority }) => {
    const value =
      reference !== null
        ? reference.path === undefined ? { fact: reference.fact } : { fact: reference.fact, path: reference.path }
        : /(^|:)(in|notIn)$/.test(operator) && !Array.isArray(literal) && typeof literal !== "string"
          ? [literal]
          : literal
    return {
      fact,
      operator,
      value,
      ...(path === undefined ? {} : { path }),
      ...(priority === null ? {} : { priority })
    }
  })

const condition: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
  c: fc.oneof(
    { depthSize: "small", maxDepth: 4 },
    factCondition,
    fc.array(tie("c"), { maxLength: 4 }).map((all) => ({ all })),
    fc.array(tie("c"), { maxLength: 4 }).map((any) => ({ any })),
    tie("c").map((not) => ({ not }))
  )
})).c

const topLevel = fc.oneof(
  fc.array(condition, { maxLength: 4 }).map((all) => ({ all })),
  fc.array(condition, { maxLength: 4 }).map((any) => ({ any })),
  condition.map((not) => ({ not }))
)

const rules = fc.array(
  fc.record({ conditions: topLevel, priority: fc.integer({ min: 1, max: 4 }) }),
  { minLength: 1, maxLength: 6 }
).map((rs) =>
  rs.map((r, i): Rule => ({ name: `r${i}`, priority: r.priority, conditions: r.conditions as Rule["conditions"], event: { type: "hit", params: { rule: `r${i}` } } }))
)

// Through JSON: facts arrive as JSON in practice, and fast-check builds null-prototype objects.
const facts = fc.record({ f1: node, f2: node, f3: node }).map((f) => JSON.parse(JSON.stringify(f)) as Record<string, unknown>)

/** What json-rules-engine recorded per rule: its evaluated condition tree (`result`, `factResult`, `valueResult`). */
const referenceTraces = async (rs: ReadonlyArray<Rule>, f: Record<string, unknown>): Promise<Map<string, any> | undefined> => {
  const engine = new Engine([], { allowUndefinedFacts: true })
  for (const r of rs) engine.addRule(JSON.parse(JSON.stringify(r)))
  try {
    const { results, failureResults } = await engine.run(structuredClone(f))
    return new Map([...results, ...failureResults].map((r) => [String(r.name), r.conditions]))
  } catch {
    return undefined
  }
}

/**
 * Walks json-rules-engine's evaluated tree beside minyi's explanation. json-rules-engine skips
 * conditions after a short-circuit (no `result`); wherever it did evaluate, both must agree on the
 * verdict, and on the fact value and expected value of every comparison.
 */
const sameTrace = (jre: any, trace: ConditionTrace): void => {
  if (jre.result !== undefined) expect(trace.held).toBe(jre.result)
  if (Array.isArray(jre.all) || Array.isArray(jre.any)) {
    const children = (jre.all ?? jre.any) as Array<unknown>
    expect(trace.kind).toBe(Array.isArray(jre.all) ? "all" : "any")
    if (trace.kind === "all" || trace.kind === "any") children.forEach((c, i) => sameTrace(c, trace.children[i]!))
  } else if (jre.not !== undefined) {
    expect(trace.kind).toBe("not")
    if (trace.kind === "not") sameTrace(jre.not, trace.child)
  } else if (jre.result !== undefined && trace.kind === "fact") {
    expect(trace.factValue).toEqual(jre.factResult)
    expect(trace.expected).toEqual(jre.valueResult)
  }
}

/** Runs json-rules-engine; undefined when it throws (it does for `in` against something that is not a list). */
const reference = async (rs: ReadonlyArray<Rule>, f: Record<string, unknown>): Promise<Array<string> | undefined> => {
  const engine = new Engine([], { allowUndefinedFacts: true })
  for (const r of rs) engine.addRule(JSON.parse(JSON.stringify(r)))
  try {
    const { results } = await engine.run(structuredClone(f))
    return results
      .map((r) => ({ name: String(r.name), priority: r.priority }))
      .sort((a, b) => (b.priority ?? 1) - (a.priority ?? 1) || Number(a.name.slice(1)) - Number(b.name.slice(1)))
      .map((r) => r.name)
  } catch {
    return undefined
  }
}

describe("compiled rules agree with json-rules-engine 7.3", () => {
  it("on random rules and facts: the same rules hold, in the same priority order", async () => {
    let compared = 0
    await fc.assert(
      fc.asyncProperty(rules, facts, async (generated, f) => {
        // Rules arrive as JSON in real life (and json-rules-engine is fed a JSON copy): -0 becomes 0.
        const rs: ReadonlyArray<Rule> = JSON.parse(JSON.stringify(generated))
        const expected = await reference(rs, f)
        fc.pre(expected !== undefined)
        compared++
        const compiled = compileRules(rs, { section: "test" })
        expect(matchingRules(compiled, f).map((r) => r.id)).toEqual(expected)
        // explain reaches the fast path's verdict, and sees what json-rules-engine saw
        const traces = await referenceTraces(rs, f)
        for (const r of compiled) {
          const trace = r.explain(f)
          expect(trace.held).toBe(r.test(f))
          sameTrace(traces!.get(r.id), trace)
        }
      }),
      { numRuns: Number(process.env["MINYI_DIFF_RUNS"] ?? 1500) }
    )
    expect(compared).toBeGreaterThan(300)
  }, 120_000)

  it("edge cases: empty any/all, missing facts and paths, paths into non-objects, numeric strings", async () => {
    const cases: Array<[Rule["conditions"], Record<string, unknown>]> = [
      [{ any: [] }, {}],
      [{ all: [] }, {}],
      [{ not: { any: [] } }, {}],
      [{ all: [{ fact: "nope", operator: "equal", value: null }] }, {}],
      [{ all: [{ fact: "nope", operator: "notEqual", value: 1 }] }, {}],
      [{ all: [{ fact: "nope", operator: "doesNotContain", value: 1 }] }, {}],
      [{ all: [{ fact: "f", path: "$.x.y", operator: "notIn", value: [1] }] }, { f: { x: 3 } }],
      [{ all: [{ fact: "f", path: "$.x", operator: "equal", value: 7 }] }, { f: 7 }],
      [{ all: [{ fact: "f", operator: "lessThan", value: 20 }] }, { f: "12abc" }],
      [{ all: [{ fact: "f", operator: "greaterThan", value: 4 }] }, { f: [5] }],
      [{ all: [{ fact: "f", operator: "in", value: "abc" }] }, { f: "bc" }],
      [{ all: [{ fact: "f", path: "$.s.length", operator: "equal", value: 3 }] }, { f: { s: "abc" } }],
      [{ all: [{ fact: "f", path: "$.s.length", operator: "equal", value: { fact: "f", path: "$.t" } }] }, { f: { s: "" } }],
      [{ all: [{ fact: "f", path: "$.toString", operator: "equal", value: null }] }, { f: {} }],
      [{ all: [{ fact: "f", operator: "equal", value: { fact: "g", path: "$.a" } }] }, { f: 1, g: { a: 1 } }]
    ]
    for (const [conditions, f] of cases) {
      const rule: Rule = { name: "r0", conditions, event: { type: "hit" } }
      const expected = await reference([rule], f)
      const [compiled] = compileRules([rule], { section: "test" })
      expect(compiled!.test(f) ? ["r0"] : [], JSON.stringify(conditions)).toEqual(expected)
    }
  })
})

describe("a rule written for json-rules-engine loads into a pack unchanged", () => {
  it("keeps its name as its id, accepts condition params and priorities, and decides as json-rules-engine does", async () => {
    const foreign = {
      name: "noisy-and-late",
      priority: 3,
      conditions: {
        any: [
          {
            all: [
              { fact: "petition", path: "$.categoryPath", operator: "contains", value: "ecology.noise", priority: 2 },
              { fact: "clocks", path: "$.feedback.elapsedFraction", operator: "greaterThan", value: 0.8, params: {} }
            ]
          },
          { not: { fact: "petition", path: "$.returnCount", operator: "lessThan", value: 3 } }
        ]
      },
      event: { type: "flag", params: { flag: "noisy-and-late" } }
    }
    const pack = {
      id: "foreign", version: "1", effectiveFrom: "2026-01-01T00:00:00+08:00",
      calendars: { natural: { kind: "natural" } },
      clocks: [{ name: "feedback", start: ["Submitted"], stop: ["Acknowledged"], limit: "PT10M", calendar: "natural" }],
      routing: [], escalation: [structuredClone(foreign)], ladder: [], templates: {}
    }
    const loaded = loadRulePack(pack)
    if (Result.isFailure(loaded)) throw new Error(loaded.failure.message)
    const [rule] = loaded.success.escalation
    expect(rule!.id).toBe("noisy-and-late")
    expect(loaded.success.warnings.map((w) => w.path)).toEqual(["/escalation/0/id"])
    const cases = [
      { petition: { categoryPath: ["ecology", "ecology.noise"], returnCount: 0 }, clocks: { feedback: { elapsedFraction: 0.9 } } },
      { petition: { categoryPath: ["ecology", "ecology.noise"], returnCount: 0 }, clocks: { feedback: { elapsedFraction: 0.5 } } },
      { petition: { categoryPath: ["housing"], returnCount: 3 }, clocks: {} }
    ]
    const verdicts = cases.map((f) => rule!.test(f))
    const expected = await Promise.all(cases.map(async (f) => ((await reference([foreign as unknown as Rule], f)) ?? []).length === 1))
    expect(verdicts).toEqual([true, false, true])
    expect(verdicts).toEqual(expected)
  })
})
