// Rule plugins: what a pack needs, what validation knows, how evaluation runs them and reports
// their failures, and the engine carrying out their actions in the same append.
import { Effect, Result, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { Engine, SentNotifications } from "../../src/index.js"
import { escalate, route } from "../../src/rules/actions-eval.js"
import { describeExplanation, explain } from "../../src/rules/explain.js"
import { rulePackJsonSchema } from "../../src/rules/json-schema.js"
import { loadRulePack } from "../../src/rules/pack/load.js"
import { EvaluationFacts, performAction } from "../../src/rules/plugin-eval.js"
import { noPlugins, pluginSet } from "../../src/rules/plugin-set.js"
import { definePlugin, PluginInvalid, pluginAction, pluginFact } from "../../src/rules/plugins.js"
import { emptyRegistry, publish } from "../../src/rules/registry.js"
import { satisfies } from "../../src/rules/semver.js"
import { runOn } from "../engine/support.js"
import { directory, facts, minimal, petition } from "./fixtures.js"

const OLD = "community.fubao.fubao"
const grid = definePlugin({
  name: "grid",
  version: "1.2.3",
  operators: {
    startsWith: (a, b) => typeof a === "string" && typeof b === "string" && a.startsWith(b),
    boom: () => {
      throw new Error("kaput")
    },
    // Deliberately out of type: an operator that answers "yes".
    maybe: (() => "yes") as any,
    hourIn: { test: (a, b) => Array.isArray(b) && typeof a === "number" && a >= b[0] && a < b[1], value: Schema.Tuple([Schema.Number, Schema.Number]), zh: "在时段内", en: "is within the hours" }
  },
  decorators: {
    caseInsensitive: (a, b, next) => next(typeof a === "string" ? a.toLowerCase() : a, typeof b === "string" ? b.toLowerCase() : b)
  },
  facts: {
    oldCompound: pluginFact({ value: Schema.Boolean, compute: ({ petition }) => petition.community === OLD }),
    unitHours: pluginFact({
      value: Schema.Struct({ opens: Schema.Number, closes: Schema.Number }),
      params: Schema.Struct({ unit: Schema.String }),
      compute: (_, { unit }) => (unit === "night-office" ? { opens: 20, closes: 24 } : { opens: 9, closes: 18 })
    }),
    // Deliberately out of type: a number fact that answers a string.
    broken: pluginFact({ value: Schema.Number, compute: () => "NaN" as any })
  },
  actions: {
    forward: pluginAction({
      params: Schema.Struct({ platform: Schema.String }),
      run: (params, input) => [
        { _tag: "Message", channel: "city", recipient: params.platform, payload: { petition: input.petition.id } },
        { _tag: "Flag", flag: "forwarded" }
      ]
    }),
    garbage: pluginAction({ params: Schema.Struct({}), run: () => [{ _tag: "Nope" }] as any })
  }
})

const rule = (id: string, conditions: unknown, event: unknown = { type: "flag", params: { flag: id } }) => ({ id, conditions, event })
const packWith = (escalation: Array<unknown>, plugins: Record<string, string> = { grid: "^1.2.0" }, routing: Array<unknown> = []) => ({
  ...minimal(),
  plugins,
  routing,
  escalation
})
const problemsOf = (json: unknown, plugins = [grid]) => {
  const r = loadRulePack(json, { directory, plugins })
  return Result.isFailure(r) ? r.failure.problems : []
}
const load = (json: unknown, plugins = [grid]) => {
  const r = loadRulePack(json, { directory, plugins })
  if (Result.isFailure(r)) throw new Error(r.failure.message)
  return r.success
}
const p = petition({ category: "city-management.sanitation.refuse-odour", jurisdiction: OLD })
const f = facts(p)

describe("a pack names the plugins it needs", () => {
  it("refuses a missing plugin with did-you-mean, a wrong version, and a range it cannot read", () => {
    expect(problemsOf(packWith([], { gird: "^1.0.0" }))).toEqual([
      expect.objectContaining({ path: "/plugins/gird", message: 'the pack needs plugin "gird" (^1.0.0), which was not given; did you mean "grid"?' })
    ])
    expect(problemsOf(packWith([], { grid: "^2.0.0" }))[0]).toMatchObject({ path: "/plugins/grid", message: "the pack needs plugin grid ^2.0.0, but version 1.2.3 was given" })
    expect(problemsOf(packWith([], { grid: "one" }))[0]).toMatchObject({ path: "/plugins/grid", message: expect.stringContaining('"one" is not a version range') })
    expect(problemsOf(packWith([], { grid: "^1.0.0" }), [])[0]).toMatchObject({ message: expect.stringContaining("no plugins were given") })
    expect(problemsOf(packWith([], { grid: ">=1.2 <2" }))).toEqual([])
  })

  it("uses only the plugins it names: an operator of a plugin given but not named is unknown, and the message says which plugin has it", () => {
    const json = packWith([rule("r", { all: [{ fact: "petition", path: "$.community", operator: "startsWith", value: "community." }] })], {})
    expect(problemsOf(json)).toEqual([
      expect.objectContaining({ path: "/escalation/0/conditions/all/0/operator", message: 'unknown operator "startsWith"; plugin grid provides it, but the pack does not list that plugin in "plugins"' })
    ])
    expect(load(packWith([])).plugins.plugins.map((x) => x.name)).toEqual(["grid"])
    expect(load(packWith([], {})).plugins.plugins).toEqual([])
  })

  it("plugins cannot shadow built-ins or each other: the error names both", () => {
    const shadow = definePlugin({ name: "shadow", version: "1.0.0", operators: { equal: () => true } })
    const twin = definePlugin({ name: "twin", version: "1.0.0", facts: { oldCompound: pluginFact({ value: Schema.Boolean, compute: () => true }) } })
    const a = pluginSet([grid, shadow])
    const b = pluginSet([grid, twin])
    expect(Result.isFailure(a) && a.failure).toMatchObject({ _tag: "PluginConflict", kind: "operator", name: "equal", first: "minyi (built-in)", second: "plugin shadow@1.0.0" })
    expect(Result.isFailure(b) && b.failure).toMatchObject({ kind: "fact", name: "oldCompound", first: "plugin grid@1.2.3", second: "plugin twin@1.0.0" })
    expect(problemsOf(packWith([]), [grid, twin])[0]).toMatchObject({ path: "/plugins", message: expect.stringContaining("plugins cannot shadow built-ins or each other") })
  })

  it("definePlugin refuses a name or version that cannot be used", () => {
    expect(() => definePlugin({ name: "", version: "1.0.0" })).toThrow(PluginInvalid)
    expect(() => definePlugin({ name: "x", version: "1.0" })).toThrow(/not a semantic version/)
    expect(() => definePlugin({ name: "x", version: "1.0.0", operators: { "a:b": () => true } })).toThrow(/colon/)
  })

  it("publishing refuses a pack whose plugins are missing", () => {
    const pack = load(packWith([rule("r", { all: [{ fact: "oldCompound", operator: "equal", value: true }] })]))
    expect(Result.isSuccess(publish(emptyRegistry, pack, { directory }))).toBe(true)
    const stripped = { ...pack, plugins: noPlugins }
    const refused = publish(emptyRegistry, stripped, { directory })
    expect(Result.isFailure(refused) && refused.failure).toMatchObject({ reason: "invalid", message: expect.stringContaining("plugins it needs are missing") })
  })
})

describe("validation knows plugin operators, decorators, facts and actions", () => {
  it("checks a plugin fact's paths and compared values against its Schema", () => {
    const json = packWith([
      rule("a", { all: [{ fact: "oldCompound", operator: "equal", value: "yes" }] }),
      rule("b", { all: [{ fact: "unitHours", params: { unit: "x" }, path: "$.open", operator: "equal", value: 9 }] }),
      rule("c", { all: [{ fact: "unitHours", params: { unit: "x" }, path: "$.opens", operator: "in", value: [9, "nine"] }] })
    ])
    expect(problemsOf(json).map((x) => [x.path, x.message])).toEqual([
      ["/escalation/0/conditions/all/0/value", 'oldCompound is never "yes" (not a value its plugin declares)'],
      ["/escalation/1/conditions/all/0/path", 'the unitHours fact has no field "open"; did you mean "opens"?'],
      ["/escalation/2/conditions/all/0/value/1", 'unitHours $.opens is never "nine" (not a value its plugin declares)']
    ])
  })

  it("decodes params for a plugin fact that declares them, and refuses them elsewhere — never ignores them", () => {
    const json = packWith([
      rule("a", { all: [{ fact: "unitHours", operator: "equal", value: { fact: "unitHours", params: { unit: "y" } } }] }),
      rule("b", { all: [{ fact: "oldCompound", params: { x: 1 }, operator: "equal", value: true }] }),
      rule("c", { all: [{ fact: "petition", path: "$.tier", params: { x: 1 }, operator: "equal", value: 1 }] }),
      rule("d", { all: [{ fact: "unitHours", params: { unit: 7 }, path: "$.opens", operator: "equal", value: 9 }] })
    ])
    expect(problemsOf(json).map((x) => [x.path, x.message])).toEqual([
      ["/escalation/0/conditions/all/0/params/unit", "Missing key"],
      ["/escalation/1/conditions/all/0/params", 'the oldCompound fact of plugin grid takes no params; remove "params"'],
      ["/escalation/2/conditions/all/0/params", expect.stringContaining('a condition\'s "params" is not supported')],
      ["/escalation/3/conditions/all/0/params/unit", "Expected string"]
    ])
  })

  it("checks a plugin operator's value by its Schema, suggests plugin names, and decodes plugin action params by path", () => {
    const json = packWith([
      rule("a", { all: [{ fact: "petition", path: "$.age", operator: "hourIn", value: [9] }] }),
      rule("b", { all: [{ fact: "petition", path: "$.community", operator: "startWith", value: "c" }] }),
      rule("c", { all: [{ fact: "petition", path: "$.community", operator: "caseInsensitve:startsWith", value: "c" }] }),
      rule("d", { all: [] }, { type: "forward", params: { platform: 12345 } }),
      rule("e", { all: [] }, { type: "froward", params: {} })
    ])
    expect(problemsOf(json).map((x) => [x.path, x.message])).toEqual([
      ["/escalation/0/conditions/all/0/value/1", "Missing key"],
      ["/escalation/1/conditions/all/0/operator", 'unknown operator "startWith"; did you mean "startsWith"?'],
      ["/escalation/2/conditions/all/0/operator", 'unknown operator "caseInsensitve:startsWith"; did you mean "caseInsensitive:startsWith"?'],
      ["/escalation/3/event/params/platform", "Expected string"],
      ["/escalation/4/event/type", 'an escalation rule cannot do "froward"; did you mean "forward"?']
    ])
    expect(problemsOf(packWith([], undefined, [rule("r", { all: [] }, { type: "forward", params: { platform: "x" } })])).map((x) => x.message)).toEqual([
      'a routing rule cannot do "forward"; "forward" belongs in the escalation section'
    ])
  })

  it("the JSON Schema export lists plugin operators, facts and actions when given plugins", () => {
    const schema = JSON.stringify(rulePackJsonSchema([grid]))
    for (const name of ["startsWith", "caseInsensitive", "oldCompound", "unitHours", "forward", "platform"]) expect(schema).toContain(name)
    expect(JSON.stringify(rulePackJsonSchema())).not.toContain("startsWith")
  })
})

describe("evaluation runs plugin code and reports its failures with the rule", () => {
  const pack = load(
    packWith(
      [
        rule("old", { all: [{ fact: "oldCompound", operator: "equal", value: true }, { fact: "petition", path: "$.community", operator: "caseInsensitive:startsWith", value: "COMMUNITY.FUBAO" }] }),
        rule("night", { all: [{ fact: "unitHours", params: { unit: "night-office" }, path: "$.opens", operator: "equal", value: 20 }] }),
        rule("day", { all: [{ fact: "unitHours", params: { unit: "day-office" }, path: "$.opens", operator: "equal", value: 20 }] }),
        rule("throws", { all: [{ fact: "petition", path: "$.id", operator: "boom", value: 1 }] }),
        rule("not-boolean", { all: [{ fact: "petition", path: "$.id", operator: "maybe", value: 1 }] }),
        rule("bad-fact", { all: [{ fact: "broken", operator: "equal", value: 1 }] }),
        rule("forward", { all: [] }, { type: "forward", params: { platform: "12345" } }),
        rule("garbage", { all: [] }, { type: "garbage", params: {} })
      ],
      undefined,
      [rule("route-throws", { all: [{ fact: "petition", path: "$.id", operator: "boom", value: 1 }] }, { type: "route", params: { lead: directory.dispatchCentre.id } })]
    )
  )

  it("computes plugin facts with their params, applies operators and decorators, and performs actions as data", () => {
    const result = escalate(pack, f, directory)
    const fired = result.actions.map((a) => a.provenance.ruleId)
    expect(fired).toEqual(["old", "night", "forward"])
    expect(result.actions.find((a) => a.type === "plugin")).toMatchObject({
      plugin: "grid",
      action: "forward",
      outputs: [{ _tag: "Message", channel: "city", recipient: "12345", payload: { petition: "p-1" } }, { _tag: "Flag", flag: "forwarded" }]
    })
    const elsewhere = escalate(pack, facts(petition({ category: "city-management.sanitation.refuse-odour", jurisdiction: "community.yuanling.hongli" })), directory)
    expect(elsewhere.actions.map((a) => a.provenance.ruleId)).toEqual(["night", "forward"])
  })

  it("a plugin that throws, answers a non-boolean, or returns what it does not declare is a PluginFailed with the rule; routing goes on", () => {
    const result = escalate(pack, f, directory)
    expect(result.problems.map((x) => [x.ruleId, x.error._tag, x.error.message])).toEqual([
      ["throws", "PluginFailed", expect.stringContaining('Plugin grid@1.2.3\'s operator "boom" threw: kaput')],
      ["not-boolean", "PluginFailed", expect.stringContaining('operator "maybe" returned string, not true or false')],
      ["bad-fact", "PluginFailed", expect.stringContaining('fact "broken" returned "NaN", which is not the value it declares')],
      // reported by the escalation that runs on the same Submitted event
      ["route-throws", "PluginFailed", expect.stringContaining('operator "boom" threw')],
      ["garbage", "PluginFailed", expect.stringContaining('action "garbage" returned an invalid result: /0/_tag: expected one of "Flag", "SetPriority"')]
    ])
    expect(route(pack, f, directory)).toMatchObject({ lead: directory.dispatchCentre.id })
    expect(route(pack, f, directory).provenance).toBeUndefined()
  })

  it("an action's invalid output is named by its path", () => {
    const outputs = (value: unknown) => {
      const r = performAction(grid, "forward", () => value, new EvaluationFacts(f, directory))
      return Result.isFailure(r) ? r.failure.message.slice(r.failure.message.indexOf("(")) : "ok"
    }
    expect(outputs([{ _tag: "Flag" }])).toContain("returned an invalid result: /0/flag: Missing key")
    expect(outputs([{ _tag: "Flag", flag: "x" }, { _tag: "Message", channel: "", recipient: "r", payload: 1 }])).toContain("/1/channel: Expected a non-empty id")
    expect(outputs("x")).toContain("returned an invalid result: /: expected a list of outputs")
    expect(outputs([{ _tag: "Flag", flag: "x" }])).toBe("ok")
  })

  it("a plugin fact several conditions read is computed once per evaluation and params", () => {
    let calls = 0
    const counted = definePlugin({
      name: "counted",
      version: "1.0.0",
      facts: {
        hours: pluginFact({
          value: Schema.Number,
          params: Schema.Struct({ unit: Schema.String }),
          compute: (_, { unit }) => {
            calls++
            return unit.length
          }
        })
      }
    })
    const read = (id: string, unit: string) => rule(id, { all: [{ fact: "hours", params: { unit }, operator: "greaterThan", value: 0 }] })
    const pack = load({ ...minimal(), plugins: { counted: "1.0.0" }, escalation: [read("a", "x"), read("b", "x"), read("c", "yy")] }, [counted])
    expect(escalate(pack, f, directory).actions.map((a) => a.provenance.ruleId)).toEqual(["a", "b", "c"])
    expect(calls).toBe(2)
  })

  it("explain shows plugin operators like built-ins, and where a plugin failed", () => {
    const e = explain(pack, f, directory)
    expect(e.escalation.find((r) => r.ruleId === "forward")!.action).toEqual({ type: "forward", params: { platform: "12345" } })
    const lines = describeExplanation(e, "en", pack.plugins).join("\n")
    expect(lines).toContain('✓ petition $.community = "community.fubao.fubao", case insensitive startsWith "COMMUNITY.FUBAO"'.replace("case insensitive startsWith", "caseInsensitive startsWith"))
    expect(lines).toContain("✗ petition $.id = \"p-1\", boom 1 (plugin failed: 插件 grid@1.2.3 的运算符 \"boom\" 出错：kaput。(Plugin grid@1.2.3's operator \"boom\" threw: kaput.))")
    expect(lines).toContain("✓ unitHours $.opens = 20, equals 20")
  })
})

describe("the engine carries out plugin actions in the same append", () => {
  const json = packWith([
    rule("forward-old", { all: [{ fact: "trigger", path: "$.type", operator: "equal", value: "Submitted" }, { fact: "oldCompound", operator: "equal", value: true }] }, { type: "forward", params: { platform: "city-12345" } }),
    rule("boom", { all: [{ fact: "trigger", path: "$.type", operator: "equal", value: "Submitted" }, { fact: "petition", path: "$.id", operator: "boom", value: 1 }] })
  ])
  const packs = Result.getOrThrow(publish(emptyRegistry, load(json), { directory }))

  it("a plugin's message reaches the outbox and its notifier, its command becomes an event, and a failing plugin is a RuleActionFailed with the rule — never a failed command", async () => {
    const out = await runOn(packs)(
      Effect.gen(function*() {
        const engine = yield* Engine
        const handled = yield* engine.handleJson({
          _tag: "Submit",
          petitionId: "p-old",
          at: "2026-03-02T09:00:00+08:00",
          actor: { kind: "petitioner" },
          petitioner: { anonymous: true },
          channel: "channel.hotline",
          category: "city-management.sanitation.refuse-odour",
          jurisdiction: OLD,
          title: "垃圾站异味",
          content: "异味"
        })
        yield* engine.relay(Date.parse("2026-03-02T09:01:00+08:00"))
        const sent = yield* (yield* SentNotifications).all
        return { handled, history: yield* engine.history("p-old"), sent }
      })
    )
    const tags = out.history.map((e) => e._tag)
    expect(tags).toContain("Flagged")
    const queued = out.history.find((e) => e._tag === "NotificationQueued")
    expect(queued).toMatchObject({ template: "grid.forward", recipients: ["city:city-12345"], rule: { packId: "test", ruleId: "forward-old" } })
    const failed = out.history.find((e) => e._tag === "RuleActionFailed")
    expect(failed).toMatchObject({ rule: { ruleId: "boom" }, reason: expect.stringContaining('operator "boom" threw: kaput') })
    expect(out.sent.filter((n) => n.channel === "city").map((n) => [n.recipient, n.payload])).toEqual([["city-12345", { petition: "p-old" }]])
  })
})

describe("semver ranges", () => {
  it("reads npm's common forms", () => {
    const cases: Array<[string, string, boolean]> = [
      ["1.2.3", "^1.2.0", true], ["2.0.0", "^1.2.0", false], ["1.1.9", "^1.2.0", false], ["0.2.5", "^0.2.1", true], ["0.3.0", "^0.2.1", false],
      ["1.2.9", "~1.2.0", true], ["1.3.0", "~1.2.0", false], ["1.5.0", ">=1.2.0 <2", true], ["2.0.0", ">=1.2.0 <2", false],
      ["1.4.0", "1.x", true], ["3.0.0", "1.x || >=3", true], ["1.2.3", "1.2.3", true], ["1.2.4", "=1.2.3", false], ["9.9.9", "*", true],
      ["2.0.0-beta.1", "^1.2.0", false], ["1.2.0-beta.2", ">=1.2.0-beta.1", true]
    ]
    for (const [version, range, expected] of cases) expect(satisfies(version, range), `${version} in ${range}`).toBe(expected)
    expect(satisfies("1.2", "^1")).toBeUndefined()
    expect(satisfies("1.2.0", "^x.1")).toBeUndefined()
  })
})
