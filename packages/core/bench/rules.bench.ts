// A 20-rule, 80-condition pack over 100k petitions' facts: minyi's compiled rules against plain
// json-rules-engine (default JSONPath resolver, and with a custom path resolver) in one run.
import { Engine } from "json-rules-engine"
import type { RuleProperties } from "json-rules-engine"
import { bench, describe } from "vitest"
import { compileRules, matchingRules } from "../src/rules/compile.js"
import type { Condition, Rule } from "../src/rules/format.js"
import type { RuleFacts } from "../src/rules/facts.js"
import { walk, parsePath } from "../src/rules/path.js"
import { Result } from "effect"
import { pluginSet } from "../src/rules/plugin-set.js"
import { definePlugin } from "../src/rules/plugins.js"

let seed = 42
const random = (): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff
  return seed / 0x7fffffff
}
const pick = <A>(xs: ReadonlyArray<A>): A => xs[Math.floor(random() * xs.length)]!

const categories = [["c-env", "c-env-odour"], ["c-env", "c-env-noise"], ["c-traffic", "c-traffic-parking"], ["c-housing", "c-housing-repair"], ["c-labour", "c-labour-wages"]]
const jurisdictions = [["d-futian", "s-huafu", "c-1"], ["d-futian", "s-lianhua", "c-2"], ["d-futian", "s-shatou", "c-3"], ["d-futian", "s-xiangmihu", "c-4"]]
const channels = ["hotline", "web", "wechat", "letter", "walk_in", "leader"]
const HOUR = 3_600_000

const makeFacts = (i: number): RuleFacts => {
  const categoryPath = pick(categories)
  const jurisdictionPath = pick(jurisdictions)
  const elapsedFraction = random() * 1.5
  return {
    petition: {
      id: `p-${i}`,
      category: categoryPath[categoryPath.length - 1]!,
      categoryPath,
      channel: `ch-${pick(channels)}`,
      channelKind: pick(channels),
      jurisdiction: jurisdictionPath[2]!,
      jurisdictionPath,
      street: jurisdictionPath[1]!,
      community: jurisdictionPath[2]!,
      persons: Math.floor(random() * 8) + 1,
      flags: random() < 0.1 ? ["accusation"] : [],
      tier: Math.floor(random() * 4),
      status: pick(["dispatched", "accepted", "handling", "resolved"]),
      priority: pick(["normal", "urgent"]),
      returnCount: Math.floor(random() * 4),
      transferCount: Math.floor(random() * 3),
      declineCount: Math.floor(random() * 2),
      repeatCount: Math.floor(random() * 5),
      receivedAt: 1_767_000_000_000,
      age: Math.floor(random() * 400) * HOUR,
      coHandlers: []
    },
    clocks: {
      feedback: { state: elapsedFraction >= 1 ? "breached" : "running", remaining: (1 - elapsedFraction) * 10 * 60_000, elapsed: elapsedFraction * 10 * 60_000, elapsedFraction },
      firstRound: { state: "running", remaining: 20 * HOUR, elapsed: 4 * HOUR, elapsedFraction: random() }
    },
    trigger: { type: pick(["ClockBreached", "ClockWarned", "Returned", "Submitted"]), clock: pick(["feedback", "firstRound"]), key: `k-${i}` },
    now: 1_767_000_000_000 + i
  }
}

const p = (path: string, operator: string, value: unknown): Condition => ({ fact: "petition", path, operator, value })
const rules: Array<Rule> = []
for (let r = 0; r < 20; r++) {
  const [cat, jur] = [categories[r % categories.length]!, jurisdictions[r % jurisdictions.length]!]
  rules.push({
    id: `rule-${r}`,
    priority: 1 + (r % 3),
    conditions: {
      all: [
        p("$.category", "in", [cat[1], "c-none"]),
        { not: p("$.street", "notEqual", jur[1]) },
        {
          any: [
            p("$.returnCount", "greaterThanInclusive", 2 + (r % 2)),
            { fact: "clocks", path: "$.feedback.elapsedFraction", operator: "greaterThan", value: 0.8 + (r % 5) / 10 }
          ]
        }
      ]
    },
    event: { type: "notify", params: { template: "feedback-overdue", recipients: [{ role: "leader" }] } }
  })
}
const conditionCount = (c: Condition): number =>
  "all" in c ? c.all.reduce((n, x) => n + conditionCount(x), 0)
  : "any" in c ? c.any.reduce((n, x) => n + conditionCount(x), 0)
  : "not" in c ? conditionCount(c.not) : 1
const total = rules.reduce((n, r) => n + conditionCount(r.conditions), 0)
if (total < 75 || total > 85) throw new Error(`the pack should have about 80 conditions, has ${total}`)

const N = 100_000
const facts = Array.from({ length: N }, (_, i) => makeFacts(i))

// The same rules and facts as json-rules-engine's own types: minyi's rule format is its format,
// and its facts are plain JSON objects, which the library's typings do not say.
const jreRules = (): Array<RuleProperties> => JSON.parse(JSON.stringify(rules))
const jreFacts = (f: RuleFacts): Record<string, unknown> => ({ ...f })

const compiled = compileRules(rules, { section: "escalation" })

// The same rules with every operator replaced by a plugin's equivalent of it: what a plugin costs
// against the built-in it mirrors (the issue asks for at most 1.5×).
const mirror = definePlugin({
  name: "bench-mirror",
  version: "1.0.0",
  operators: {
    isIn: (a, b) => Array.isArray(b) && b.indexOf(a) > -1,
    isNot: (a, b) => a !== b,
    atLeast: (a, b) => typeof a === "number" && typeof b === "number" && a >= b,
    above: (a, b) => typeof a === "number" && typeof b === "number" && a > b
  }
})
const mirrored: Readonly<Record<string, string>> = { in: "isIn", notEqual: "isNot", greaterThanInclusive: "atLeast", greaterThan: "above" }
const withPluginOperators = (c: Condition): Condition =>
  "all" in c ? { ...c, all: c.all.map(withPluginOperators) }
  : "any" in c ? { ...c, any: c.any.map(withPluginOperators) }
  : "not" in c ? { ...c, not: withPluginOperators(c.not) }
  : "fact" in c ? { ...c, operator: mirrored[c.operator] ?? c.operator }
  : c
const pluginRules = rules.map((r) => ({ ...r, conditions: withPluginOperators(r.conditions) as Rule["conditions"] }))
const compiledWithPlugins = compileRules(pluginRules, { section: "escalation", plugins: Result.getOrThrow(pluginSet([mirror])) })
for (let i = 0; i < 1000; i++) {
  if (matchingRules(compiled, facts[i]!).length !== matchingRules(compiledWithPlugins, facts[i]!).length) throw new Error("the plugin operators must decide as the built-ins do")
}
const plain = new Engine(jreRules(), { allowUndefinedFacts: true })
const customResolver = new Engine(jreRules(), {
  allowUndefinedFacts: true,
  pathResolver: (value: object, path: string) => {
    const parsed = parsePath(path)
    return parsed._tag === "Keys" ? walk(value, parsed.keys) : undefined
  }
})

let a = 0
let b = 0
let c = 0
let sink = 0
describe(`rules: 20 rules / ${total} conditions over ${N} petitions' facts`, () => {
  bench("json-rules-engine 7.3, default JSONPath resolver (baseline)", async () => {
    const { events } = await plain.run(jreFacts(facts[a++ % N]!))
    sink += events.length
  }, { time: 3000 })
  bench("json-rules-engine 7.3, custom path resolver", async () => {
    const { events } = await customResolver.run(jreFacts(facts[b++ % N]!))
    sink += events.length
  }, { time: 3000 })
  bench("minyi compiled rules", () => {
    sink += matchingRules(compiled, facts[c++ % N]!).length
  }, { time: 3000 })
  bench("minyi compiled rules, all 100k petitions per iteration", () => {
    for (let i = 0; i < N; i++) sink += matchingRules(compiled, facts[i]!).length
  }, { time: 3000 })
})

describe("rules: the same 20 rules with plugin operators instead of the built-ins they mirror (issue: within 1.5×)", () => {
  bench("built-in operators, all 100k petitions per iteration", () => {
    for (let i = 0; i < N; i++) sink += matchingRules(compiled, facts[i]!).length
  }, { time: 5000 })
  bench("plugin operators, all 100k petitions per iteration", () => {
    for (let i = 0; i < N; i++) sink += matchingRules(compiledWithPlugins, facts[i]!).length
  }, { time: 5000 })
})
