// The compiled evaluator against json-rules-engine 7.3 itself, on random rules and facts.
import { Result, Schema } from "effect"
import fc from "fast-check"
import { Engine } from "json-rules-engine"
import { describe, expect, it } from "vitest"
import type { ConditionTrace } from "../../src/rules/compile.js"
import { compileRules, matchingRules } from "../../src/rules/compile.js"
import type { Condition, Rule } from "../../src/rules/format.js"
import { escalate } from "../../src/rules/actions-eval.js"
import { loadRulePack } from "../../src/rules/pack/load.js"
import type { PluginSet } from "../../src/rules/plugin-set.js"
import { pluginSet } from "../../src/rules/plugin-set.js"
import type { DecoratorTest, OperatorTest } from "../../src/rules/plugins.js"
import { definePlugin, pluginFact } from "../../src/rules/plugins.js"
import { directory, facts as ruleFacts, minimal, petition } from "./fixtures.js"

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
const optionalPath = fc.constantFrom(...paths)
/** Random rules whose comparisons use these operators (plain, and behind decorators). */
const rulesWith = (operators: ReadonlyArray<string>, decoratorNames: ReadonlyArray<string>): fc.Arbitrary<Array<Rule>> => {
  const operator = fc
    .tuple(fc.array(fc.constantFrom(...decoratorNames), { maxLength: 2 }), fc.constantFrom(...operators))
    .map(([prefix, base]) => [...prefix, base].join(":"))
  const factCondition: fc.Arbitrary<Condition> = fc
    .record({
      fact: fc.constantFrom(...factNames),
      operator: fc.oneof(fc.constantFrom(...operators), operator),
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

  return fc.array(
    fc.record({ conditions: topLevel, priority: fc.integer({ min: 1, max: 4 }) }),
    { minLength: 1, maxLength: 6 }
  ).map((rs) =>
    rs.map((r, i): Rule => ({ name: `r${i}`, priority: r.priority, conditions: r.conditions as Rule["conditions"], event: { type: "hit", params: { rule: `r${i}` } } }))
  )
}
const rules = rulesWith(standardOperators, decorators)

// Through JSON: facts arrive as JSON in practice, and fast-check builds null-prototype objects.
const facts = fc.record({ f1: node, f2: node, f3: node }).map((f) => JSON.parse(JSON.stringify(f)) as Record<string, unknown>)

/** What json-rules-engine recorded per rule: its evaluated condition tree (`result`, `factResult`, `valueResult`). */
const referenceTraces = async (rs: ReadonlyArray<Rule>, f: Record<string, unknown>, setup: (engine: Engine) => void = () => {}): Promise<Map<string, any> | undefined> => {
  const engine = new Engine([], { allowUndefinedFacts: true })
  setup(engine)
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
const reference = async (rs: ReadonlyArray<Rule>, f: Record<string, unknown>, setup: (engine: Engine) => void = () => {}): Promise<Array<string> | undefined> => {
  const engine = new Engine([], { allowUndefinedFacts: true })
  setup(engine)
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

/**
 * Random rules and facts through both: the same rules hold, in the same priority order, and
 * explain reaches the fast path's verdict and sees what json-rules-engine saw.
 */
const agreeOnRandom = async (generator: fc.Arbitrary<Array<Rule>>, setup: (engine: Engine) => void = () => {}, plugins?: PluginSet): Promise<void> => {
  let compared = 0
  await fc.assert(
    fc.asyncProperty(generator, facts, async (generated, f) => {
      // Rules arrive as JSON in real life (and json-rules-engine is fed a JSON copy): -0 becomes 0.
      const rs: ReadonlyArray<Rule> = JSON.parse(JSON.stringify(generated))
      const expected = await reference(rs, f, setup)
      fc.pre(expected !== undefined)
      compared++
      const compiled = compileRules(rs, { section: "test", ...(plugins === undefined ? {} : { plugins }) })
      expect(matchingRules(compiled, f).map((r) => r.id)).toEqual(expected)
      const traces = await referenceTraces(rs, f, setup)
      for (const r of compiled) {
        const trace = r.explain(f)
        expect(trace.held).toBe(r.test(f))
        sameTrace(traces!.get(r.id), trace)
      }
    }),
    { numRuns: Number(process.env["MINYI_DIFF_RUNS"] ?? 1500) }
  )
  expect(compared).toBeGreaterThan(300)
}

describe("compiled rules agree with json-rules-engine 7.3", () => {
  it("on random rules and facts: the same rules hold, in the same priority order", () => agreeOnRandom(rules), 120_000)

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

// Custom operators and decorators, registered on both sides: total functions (json-rules-engine
// rejects a whole run when one throws; minyi records that rule's failure instead — a difference
// the plugin tests cover, not this one).
const customOperators: Record<string, OperatorTest> = {
  startsWith: (a, b) => typeof a === "string" && typeof b === "string" && a.startsWith(b),
  sameType: (a, b) => typeof a === typeof b
}
const customDecorators: Record<string, DecoratorTest> = {
  caseInsensitive: (a, b, next) => next(typeof a === "string" ? a.toLowerCase() : a, typeof b === "string" ? b.toLowerCase() : b),
  present: (a, b, next) => a !== undefined && a !== null && next(a, b)
}
const custom = definePlugin({ name: "custom", version: "1.0.0", operators: customOperators, decorators: customDecorators })
const customSet = Result.getOrThrow(pluginSet([custom]))
const registerCustom = (engine: Engine): void => {
  for (const [name, test] of Object.entries(customOperators)) engine.addOperator(name, test)
  for (const [name, test] of Object.entries(customDecorators)) engine.addOperatorDecorator(name, test)
}

describe("plugin operators and decorators agree with json-rules-engine's addOperator and addOperatorDecorator", () => {
  it("on random rules and facts mixing them with the built-ins", () =>
    agreeOnRandom(rulesWith([...standardOperators, ...Object.keys(customOperators)], [...decorators, ...Object.keys(customDecorators)]), registerCustom, customSet), 120_000)
})

/*
 * json-rules-engine's own examples, written again as minyi packs with a plugin. Their facts are
 * constants passed to run(); here a plugin fact computes each from the petition (its flags), the
 * way an integrator's fact would, and json-rules-engine is run on the same values.
 */
describe("json-rules-engine's examples run through minyi with plugins", () => {
  const examples = definePlugin({
    name: "jre-examples",
    version: "1.0.0",
    operators: {
      // examples/06-custom-operators.js: does the word start with the letter, either case
      startsWith: (factValue, jsonValue) =>
        typeof factValue === "string" && typeof jsonValue === "string" && factValue.length > 0 && factValue[0]!.toLowerCase() === jsonValue.toLowerCase()
    },
    decorators: {
      // examples/13-using-operator-decorators.js
      caseInsensitive: (factValue, jsonValue, next) => next(String(factValue).toLowerCase(), String(jsonValue).toLowerCase())
    },
    facts: {
      word: pluginFact({ value: Schema.String, compute: ({ petition }) => petition.flags[0] ?? "" }),
      tags: pluginFact({ value: Schema.Array(Schema.String), compute: ({ petition }) => petition.flags }),
      validTags: pluginFact({ value: Schema.Array(Schema.String), compute: () => ["dev", "staging", "load", "prod"] })
    }
  })
  const packOf = (rules: ReadonlyArray<{ readonly name: string; readonly conditions: unknown }>) => {
    const loaded = loadRulePack(
      { ...minimal(), plugins: { "jre-examples": "^1.0.0" }, escalation: rules.map((r) => ({ name: r.name, conditions: r.conditions, event: { type: "flag", params: { flag: r.name } } })) },
      { directory, plugins: [examples] }
    )
    if (Result.isFailure(loaded)) throw new Error(loaded.failure.message)
    return loaded.success
  }
  /** Which rules fire in minyi for a petition with these flags, and which in json-rules-engine for the same facts. */
  const verdicts = async (rules: ReadonlyArray<{ readonly name: string; readonly conditions: unknown }>, flags: ReadonlyArray<string>, setup: (engine: Engine) => void) => {
    const p = petition({ category: "city-management.sanitation.refuse-odour", jurisdiction: "community.fubao.fubao", flags })
    const minyi = escalate(packOf(rules), ruleFacts(p), directory)
    expect(minyi.problems).toEqual([])
    const engine = new Engine([], { allowUndefinedFacts: true })
    setup(engine)
    for (const r of rules) engine.addRule({ name: r.name, conditions: JSON.parse(JSON.stringify(r.conditions)), event: { type: r.name } })
    const { results } = await engine.run({ word: flags[0] ?? "", tags: [...flags] })
    return { minyi: minyi.actions.map((a) => a.provenance.ruleId).sort(), jre: results.map((r) => String(r.name)).sort() }
  }

  it("06 custom operators: startsWith gives the example's verdicts", async () => {
    const rules = ["a", "b"].map((letter) => ({ name: `start-with-${letter}`, conditions: { all: [{ fact: "word", operator: "startsWith", value: letter }] } }))
    const setup = (engine: Engine) => {
      engine.addOperator("startsWith", (factValue: any, jsonValue: any) => {
        if (!factValue.length) return false
        return factValue[0].toLowerCase() === jsonValue.toLowerCase()
      })
    }
    // The example's printed output: bacon starts with "b", antelope with "a".
    const documented: Record<string, Array<string>> = { bacon: ["start-with-b"], antelope: ["start-with-a"] }
    for (const word of ["bacon", "antelope", "Apple", ""]) {
      const { minyi, jre } = await verdicts(rules, word === "" ? [] : [word], setup)
      expect(minyi, word).toEqual(jre)
      if (documented[word] !== undefined) expect(minyi).toEqual(documented[word])
    }
  })

  it("13 operator decorators: everyFact:in against a fact, and a caseInsensitive decorator, give the example's verdicts", async () => {
    const rules = [
      { name: "valid tags", conditions: { all: [{ fact: "tags", operator: "everyFact:in", value: { fact: "validTags" } }] } },
      { name: "valid tags (case insensitive)", conditions: { all: [{ fact: "tags", operator: "everyFact:someValue:caseInsensitive:equal", value: { fact: "validTags" } }] } }
    ]
    const setup = (engine: Engine) => {
      engine.addFact("validTags", ["dev", "staging", "load", "prod"])
      engine.addOperatorDecorator("caseInsensitive", (factValue: any, jsonValue: any, next: any) => next(factValue.toLowerCase(), jsonValue.toLowerCase()))
    }
    const all = ["valid tags", "valid tags (case insensitive)"]
    // The example's printed output, for the rules each run had: dev,prod valid; dev,deleted not; dev,PROD only case-insensitively.
    const documented: ReadonlyArray<[Array<string>, Array<string>]> = [[["dev", "prod"], all], [["dev", "deleted"], []], [["dev", "PROD"], ["valid tags (case insensitive)"]]]
    for (const [tags, expected] of documented) {
      const { minyi, jre } = await verdicts(rules, tags, setup)
      expect(minyi, tags.join(",")).toEqual(jre)
      expect(minyi).toEqual(expected)
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
