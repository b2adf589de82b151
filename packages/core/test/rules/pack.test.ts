import { readFileSync } from "node:fs"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { sampleDirectory } from "../../src/directory/sample.js"
import { rulePackJsonSchema } from "../../src/rules/json-schema.js"
import type { RulePack, RulePackInvalid } from "../../src/rules/pack/load.js"
import { loadRulePack } from "../../src/rules/pack/load.js"
import { templatePlaceholders } from "../../src/rules/pack/lints.js"
import { renderTemplate } from "../../src/engine/templates.js"
import { facts, minimal, petition } from "./fixtures.js"

const preset = (name: string): any => JSON.parse(readFileSync(new URL(`../../src/presets/${name}.json`, import.meta.url), "utf8"))
const directory = sampleDirectory()

const load = (pack: unknown, withDirectory = true) => loadRulePack(pack, withDirectory ? { directory } : {})
const ok = (pack: unknown): RulePack => {
  const r = load(pack)
  if (Result.isFailure(r)) throw new Error(r.failure.message)
  return r.success
}
const fail = (pack: unknown, withDirectory = true): RulePackInvalid => {
  const r = load(pack, withDirectory)
  if (Result.isSuccess(r)) throw new Error("expected the pack to be refused")
  return r.failure
}
const messageAt = (e: RulePackInvalid, path: string): string =>
  e.problems.filter((p) => p.path === path).map((p) => p.message).join(" | ")


describe("loadRulePack", () => {
  it("loads both presets against the sample directory, compiled and frozen", () => {
    for (const name of ["futian-10-30-24", "xinfang-statutory"]) {
      const pack = ok(preset(name))
      expect(pack.id).toBe(name)
      expect(pack.warnings, name).toEqual([])
      expect(Object.isFrozen(pack)).toBe(true)
      expect(Object.isFrozen(pack.document.routing)).toBe(true)
      expect(() => {
        ;(pack.document.routing as Array<unknown>).push({})
      }).toThrow(TypeError)
    }
    const futian = ok(preset("futian-10-30-24"))
    expect(futian.routing.map((r) => r.id)[0]).toBe("accusation")
    expect(futian.warnings).toEqual([])
  })

  it("lists every problem at once, each with its JSON path and what was expected", () => {
    const pack: any = minimal()
    pack.verison = "2"
    pack.routing = [
      {
        id: "r1",
        conditions: {
          all: [
            { fact: "petiton", operator: "equal", value: 1 },
            { fact: "petition", path: "$.categroy", operator: "equals", value: "x" },
            { fact: "petition", path: "$.returnCount", operator: "in", value: 3 },
            { fakt: "petition", operator: "equal", value: 1 },
            { any: [{ condition: "nope" }] }
          ]
        },
        event: { type: "rout", params: {} }
      }
    ]
    pack.escalation = [
      { id: "e1", conditions: { any: [] }, event: { type: "notify", params: { recipients: ["lead-unit"], template: "helo" } } },
      { id: "e1", conditions: { any: [] }, event: { type: "escalate", params: { tier: 2 } } },
      { id: "e3", conditions: { all: [{ fact: "trigger", path: "$.type", operator: "in", value: ["Returned", "ClockBreach"] }] }, event: { type: "flag", params: { flag: "x" } } }
    ]
    const e = fail(pack)
    expect(messageAt(e, "/verison")).toMatch(/unknown field "verison"; did you mean "version"\?/)
    expect(messageAt(e, "/routing/0/conditions/all/0/fact")).toMatch(/unknown fact "petiton"; did you mean "petition"\?/)
    expect(messageAt(e, "/routing/0/conditions/all/1/path")).toMatch(/no field "categroy"; did you mean "category"\?/)
    expect(messageAt(e, "/routing/0/conditions/all/1/operator")).toMatch(/unknown operator "equals"; did you mean "equal"\?/)
    expect(messageAt(e, "/routing/0/conditions/all/2/value")).toMatch(/needs a list/)
    expect(messageAt(e, "/routing/0/conditions/all/3/fakt")).toMatch(/unknown field "fakt"; did you mean "fact"\?/)
    expect(messageAt(e, "/routing/0/conditions/all/3/fact")).toMatch(/required field "fact" is missing/)
    expect(messageAt(e, "/routing/0/conditions/all/4/any/0/condition")).toMatch(/no shared condition named "nope"/)
    expect(messageAt(e, "/routing/0/event/type")).toMatch(/cannot do "rout"; did you mean "route"\?/)
    expect(messageAt(e, "/escalation/0/event/params/template")).toMatch(/no template "helo".*did you mean "hello"\?/)
    expect(messageAt(e, "/escalation/1/id")).toMatch(/rule id "e1" is already used at \/escalation\/0/)
    expect(messageAt(e, "/escalation/1/event/params/tier")).toMatch(/ladder has no tier 2/)
    expect(messageAt(e, "/escalation/2/conditions/all/0/value/1")).toMatch(/no event is called "ClockBreach"; did you mean "ClockBreached"\?/)
    expect(e.message).toContain("/routing/0/conditions/all/0/fact: unknown fact")
    // in Chinese too, for staff
    const zh = (path: string) => e.problems.find((p) => p.path === path)?.zh
    expect(zh("/routing/0/conditions/all/0/fact")).toBe('未知的事实 "petiton"；是否应为 "petition"？')
    expect(zh("/verison")).toBe('未知字段 "verison"；是否应为 "version"？')
    expect(zh("/routing/0/event/type")).toBe('routing 规则不能执行 "rout"；是否应为 "route"？')
  })

  it("checks unit, person, category and jurisdiction ids against the directory, with did-you-mean", () => {
    const pack: any = minimal()
    pack.routing = [
      {
        id: "r1",
        conditions: { all: [{ fact: "petition", path: "$.categoryPath", operator: "categoryWithin", value: "ecology.nois" }] },
        event: { type: "route", params: { lead: "dept.ecolgy", coHandlers: ["dept.housing", "dept.nothing-like-it"] } }
      }
    ]
    pack.escalation = [
      { id: "e1", conditions: { all: [{ fact: "petition", path: "$.street", operator: "equal", value: "street.futain" }] }, event: { type: "notify", params: { recipients: [{ person: "person.district-haed" }], template: "hello" } } },
      { id: "e2", conditions: { any: [] }, event: { type: "notify", params: { recipients: [{ role: "district_boss" }], template: "hello" } } }
    ]
    const e = fail(pack)
    expect(messageAt(e, "/routing/0/conditions/all/0/value")).toMatch(/no category "ecology.nois".*did you mean "ecology.noise"\?/)
    expect(messageAt(e, "/routing/0/event/params/lead")).toMatch(/no unit "dept.ecolgy".*did you mean "dept.ecology"\?/)
    expect(messageAt(e, "/routing/0/event/params/coHandlers/1")).toMatch(/no unit "dept.nothing-like-it"/)
    expect(messageAt(e, "/escalation/0/conditions/all/0/value")).toMatch(/did you mean "street.futian"\?/)
    expect(messageAt(e, "/escalation/0/event/params/recipients/0/person")).toMatch(/did you mean "person.district-head"\?/)
    expect(e.problems.some((p) => p.path.startsWith("/escalation/1/event/params/recipients/0"))).toBe(true)
    // without a directory the same pack's ids are not checked
    const without = fail(pack, false)
    expect(without.problems.filter((p) => /directory/.test(p.message))).toEqual([])
  })

  it("says which choice was meant for a misspelt role, recipient or owner", () => {
    const pack: any = minimal()
    pack.ladder = [{ tier: 1, owner: { kind: "role", role: "district_haed" } }]
    pack.escalation = [
      { id: "e", conditions: { any: [] }, event: { type: "notify", params: { recipients: ["linked-leadr", { role: "street_secretray" }, { rol: "x" }, { unit: "dept.ecology", person: "person.district-head" }], template: "hello" } } }
    ]
    const e = fail(pack)
    expect(messageAt(e, "/ladder/0/owner/role")).toBe('"district_haed" is not allowed; did you mean "district_head"?')
    const r = "/escalation/0/event/params/recipients"
    expect(messageAt(e, `${r}/0`)).toBe('"linked-leadr" is not allowed; did you mean "linked-leader"?')
    expect(messageAt(e, `${r}/1/role`)).toBe('"street_secretray" is not allowed; did you mean "street_secretary"?')
    expect(messageAt(e, `${r}/2/rol`)).toBe('unknown field "rol"; did you mean "role"?')
    expect(messageAt(e, `${r}/3`)).toMatch(/name exactly one of "role", "unit", "person" or "linkedLeader"/)
    expect(e.problems.find((p) => p.path === `${r}/3`)?.zh).toMatch(/只能写/)
    expect(e.problems.find((p) => p.path === "/ladder/0/owner/role")?.zh).toBe('"district_haed" 不是可用的取值；是否应为 "district_head"？')
  })

  it("warns about rules that can never fire and routing rules that overlap at one priority", () => {
    const pack: any = minimal()
    pack.routing = [
      { id: "a", conditions: { all: [{ fact: "petition", path: "$.categoryPath", operator: "categoryWithin", value: "ecology" }] }, event: { type: "route", params: { lead: "dept.ecology" } } },
      { id: "b", conditions: { all: [{ fact: "petition", path: "$.categoryPath", operator: "categoryWithin", value: "ecology.noise" }] }, event: { type: "route", params: { lead: "dept.housing" } } },
      { id: "c", conditions: { all: [{ fact: "petition", path: "$.categoryPath", operator: "categoryWithin", value: "housing" }] }, event: { type: "route", params: { lead: "dept.housing" } } }
    ]
    pack.escalation = [
      { id: "e", conditions: { all: [{ fact: "clocks", path: "$.feedbak.state", operator: "equal", value: "breached" }] }, event: { type: "flag", params: { flag: "late" } } },
      { conditions: { all: [{ fact: "trigger", path: "$.clock", operator: "equal", value: "contact" }] }, event: { type: "flag", params: { flag: "late" } } },
      { id: "l", conditions: { all: [{ fact: "trigger", path: "$.clock", operator: "in", value: ["feedback", "feedbak"] }] }, event: { type: "flag", params: { flag: "late" } } }
    ]
    const p = ok(pack)
    const texts = p.warnings.map((w) => `${w.path}: ${w.message}`)
    expect(texts).toContainEqual(expect.stringMatching(/^\/escalation\/0\/conditions\/all\/0\/path: rule "e" can never fire: no clock policy is named "feedbak"; did you mean "feedback"\?/))
    expect(texts).toContainEqual(expect.stringMatching(/^\/escalation\/1\/conditions\/all\/0\/value: rule "escalation#2" can never fire/))
    expect(texts).toContainEqual(expect.stringMatching(/^\/escalation\/1\/id: rule has no "id"/))
    expect(texts).toContain('/escalation/2/conditions/all/0/value/1: rule "l" lists clock "feedbak", which no clock policy defines; did you mean "feedback"?')
    expect(texts.filter((t) => t.startsWith("/escalation/2/conditions/all/0/value/0"))).toEqual([])
    expect(texts).toContainEqual(expect.stringMatching(/^\/routing\/1: routing rules "a" and "b" have the same priority/))
    expect(texts.filter((t) => t.includes('"c"'))).toEqual([])
    expect(texts).toContain('/templates/hello: no notify rule uses template "hello", so it is never sent')
    expect(p.warnings.find((w) => w.path === "/templates/hello")?.zh).toBe('没有 notify 规则使用模板 "hello"，它不会被发送')
  })

  it("refuses what json-rules-engine would reject or misread", () => {
    const pack: any = minimal()
    pack.routing = [
      { id: "a", priority: 0, conditions: { all: [] }, event: { type: "route", params: { lead: "dept.ecology" } } },
      { id: "b", conditions: { fact: "petition", operator: "equal", value: 1 }, event: { type: "route", params: { lead: "dept.ecology" } } },
      { id: "c", conditions: { all: [{ fact: "petition", path: "$..category", operator: "equal", value: 1 }] }, event: { type: "route", params: { lead: "dept.ecology" } } },
      { id: "d", conditions: { all: [] }, event: { type: "escalate", params: { tier: 1 } } }
    ]
    pack.conditions = { loop: { any: [{ condition: "loop" }] } }
    pack.effectiveTo = "2025-01-01T00:00:00+08:00"
    const e = fail(pack)
    expect(messageAt(e, "/routing/0/priority")).toMatch(/≥ 1/)
    expect(messageAt(e, "/routing/1/conditions")).toMatch(/must be "all", "any", "not" or "condition"/)
    expect(messageAt(e, "/routing/2/conditions/all/0/path")).toMatch(/only plain paths/)
    expect(messageAt(e, "/routing/3/event/type")).toMatch(/"escalate" belongs in the escalation section/)
    expect(messageAt(e, "/conditions/loop")).toMatch(/refers back to itself/)
    expect(messageAt(e, "/effectiveTo")).toMatch(/later than effectiveFrom/)
  })

  it("still checks an action's template, units and tier when another of its params is wrong", () => {
    const pack: any = minimal()
    pack.escalation = [
      { id: "n", conditions: { any: [] }, event: { type: "notify", params: { recipients: [{ role: "street_secretray" }, { unit: "dept.ecolgy" }], template: "helo" } } },
      { id: "e", conditions: { any: [] }, event: { type: "escalate", params: { tier: 2, reason: 7 } } },
      { id: "w", conditions: { any: [] }, event: { type: "whistle", params: { summon: ["dept.ecolgy"], reason: 7 } } }
    ]
    const e = fail(pack)
    const n = "/escalation/0/event/params"
    expect(messageAt(e, `${n}/recipients/0/role`)).toMatch(/did you mean "street_secretary"/)
    expect(messageAt(e, `${n}/recipients/1/unit`)).toMatch(/no unit "dept.ecolgy" in the directory; did you mean "dept.ecology"/)
    expect(messageAt(e, `${n}/template`)).toBe('no template "helo" in "templates"; did you mean "hello"?')
    expect(messageAt(e, "/escalation/1/event/params/reason")).not.toBe("")
    expect(messageAt(e, "/escalation/1/event/params/tier")).toMatch(/the ladder has no tier 2/)
    expect(messageAt(e, "/escalation/2/event/params/summon/0")).toMatch(/no unit "dept.ecolgy"/)
    expect(messageAt(e, "/escalation/2/event/params/deadline")).toMatch(/a whistle needs a "deadline"/)
  })

  it("loads json-rules-engine's operator decorators and corrects a misspelt one part by part", () => {
    const pack: any = minimal()
    const rule = (id: string, operator: string) => ({
      id, priority: id === "ok" ? 2 : 1, conditions: { all: [{ fact: "petition", path: "$.flags", operator, value: "urgent" }] }, event: { type: "route", params: { lead: "dept.ecology" } }
    })
    pack.routing = [rule("ok", "someFact:equal")]
    expect(ok(pack).routing).toHaveLength(1)
    pack.routing = [rule("ok", "not:someFact:equal"), rule("bad", "nto:someFact:equl")]
    const e = fail(pack)
    expect(e.problems.map((p) => p.path)).toEqual(["/routing/1/conditions/all/0/operator"])
    expect(e.problems[0]!.message).toBe('unknown operator "nto:someFact:equl"; did you mean "not:someFact:equal"?')
    expect(e.problems[0]!.zh).toBe('未知的运算符 "nto:someFact:equl"；是否应为 "not:someFact:equal"？')
  })

  it("lets a clock use a preset calendar by name, as the engine does, and suggests one for a typo", () => {
    const pack: any = minimal()
    delete pack.calendars.natural
    pack.clocks = [
      { name: "feedback", start: ["Submitted"], stop: ["Acknowledged"], limit: "PT10M", calendar: "natural" },
      { name: "handling", start: ["Accepted"], stop: ["Resolved"], limit: "P15D", calendar: "china" }
    ]
    expect(ok(pack).document.clocks.map((c) => c.calendar)).toEqual(["natural", "china"])
    pack.clocks[1].calendar = "chna"
    expect(messageAt(fail(pack), "/clocks/1/calendar")).toBe('no calendar "chna" in "calendars"; did you mean "china"?')
  })

  it("refuses a comparison with a status, priority, channel kind or clock state that does not exist", () => {
    const pack: any = minimal()
    const c = (fact: string, path: string, operator: string, value: unknown) => ({ fact, path, operator, value })
    pack.escalation = [{
      id: "e",
      conditions: { all: [
        c("petition", "$.status", "equal", "dispachted"),
        c("petition", "$.priority", "in", ["urgent", "hgh"]),
        c("petition", "$.channelKind", "notEqual", "leader-channel"),
        c("clocks", "$.feedback.state", "equal", "breach"),
        c("petition", "$.status", "equal", 3),
        c("petition", "$.status", "in", ["resolved", "closed"]),
        c("petition", "$.status", "equal", { fact: "trigger", path: "$.status" })
      ] },
      event: { type: "flag", params: { flag: "x" } }
    }]
    const e = fail(pack)
    const at = "/escalation/0/conditions/all"
    expect(e.problems.map((p) => p.path)).toEqual([`${at}/0/value`, `${at}/1/value/1`, `${at}/2/value`, `${at}/3/value`, `${at}/4/value`])
    expect(messageAt(e, `${at}/0/value`)).toBe('petition $.status is never "dispachted"; did you mean "dispatched"?')
    expect(e.problems[0]!.zh).toBe('petition $.status 不会是 "dispachted"；是否应为 "dispatched"？')
    expect(messageAt(e, `${at}/1/value/1`)).toBe('petition $.priority is never "hgh"; did you mean "high"?')
    expect(messageAt(e, `${at}/2/value`)).toBe('petition $.channelKind is never "leader-channel"; did you mean "leader_channel"?')
    expect(messageAt(e, `${at}/3/value`)).toBe('clocks $.feedback.state is never "breach"; did you mean "breached"?')
    expect(messageAt(e, `${at}/4/value`)).toMatch(/^petition \$\.status is never 3; expected one of "received", "dispatched", /)
  })

  it("refuses categoryWithin / jurisdictionWithin on a single id, which would never see a subtree", () => {
    const pack: any = minimal()
    const c = (path: string, operator: string, value: string) => ({ fact: "petition", path, operator, value })
    pack.routing = [{
      id: "r",
      conditions: { any: [
        c("$.category", "categoryWithin", "ecology"),
        c("$.street", "jurisdictionWithin", "street.futian"),
        c("$.categoryPath", "categoryWithin", "ecology"),
        c("$.jurisdictionPath", "jurisdictionWithin", "street.futian")
      ] },
      event: { type: "route", params: { lead: "dept.ecology" } }
    }]
    const e = fail(pack)
    const at = "/routing/0/conditions/any"
    expect(e.problems.map((p) => p.path)).toEqual([`${at}/0/path`, `${at}/1/path`])
    expect(messageAt(e, `${at}/0/path`)).toBe('"categoryWithin" sees a subtree only in a path: use "$.categoryPath" ("$.category" would match only that exact id)')
    expect(messageAt(e, `${at}/1/path`)).toMatch(/use "\$\.jurisdictionPath"/)
  })

  it("refuses a template placeholder the engine cannot fill, naming the template, language and part", () => {
    const pack: any = minimal()
    pack.templates.hello = {
      "zh-CN": { subject: "诉求 {petitonId}", body: "{petitionId}（{category}）" },
      en: { subject: "Petition {petitionId}", body: "Owner: {petition_owner} at {jurisdiction}" }
    }
    const e = fail(pack)
    expect(e.problems.map((p) => p.path)).toEqual(["/templates/hello/zh-CN/subject", "/templates/hello/en/body"])
    expect(messageAt(e, "/templates/hello/zh-CN/subject")).toBe('a template cannot fill "{petitonId}"; did you mean "petitionId"?')
    expect(e.problems[0]!.zh).toBe('模板中没有可填入的 "{petitonId}"；是否应为 "petitionId"？')
    expect(messageAt(e, "/templates/hello/en/body")).toMatch(/cannot fill "\{petition_owner\}"; expected one of "petitionId", .*"owner"/)
  })

  it("renders every placeholder it accepts (the engine fills the same names)", () => {
    const pack: any = minimal()
    const all = templatePlaceholders.map((n) => `{${n}}`).join(" ")
    pack.templates.hello = { "zh-CN": { subject: all, body: all }, en: { subject: all, body: all } }
    const p = petition({ category: "city-management.sanitation.refuse-odour", jurisdiction: "community.futian.gangxia", lead: "dept.ecology" })
    const rendered = renderTemplate(ok(pack), "hello", facts(p, { type: "ClockBreached", key: "k", clock: "feedback", unit: "dept.ecology" }), directory)
    for (const lang of ["zh-CN", "en"] as const) {
      expect(rendered[lang].body).not.toMatch(/[{}]/)
    }
  })

  it("says what is wrong with a document that is not a pack at all", () => {
    const e = fail("not a pack")
    expect(e.problems.length).toBeGreaterThan(0)
    expect(e.problems[0]!.path).toBe("/")
    const missing = fail({})
    expect(messageAt(missing, "/id")).toMatch(/required field "id" is missing/)
    expect(messageAt(missing, "/routing")).toMatch(/required field "routing" is missing/)
  })
})

describe("rulePackJsonSchema", () => {
  it("describes rules, conditions and actions so editors can complete them", () => {
    const schema = rulePackJsonSchema() as any
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema")
    const defs = schema.$defs
    expect(defs.RulePack.required).toEqual(expect.arrayContaining(["id", "version", "effectiveFrom", "routing", "escalation"]))
    const [plain, decorated] = defs.FactCondition.properties.operator.anyOf
    expect(plain.enum).toContain("categoryWithin")
    const pattern = new RegExp(decorated.pattern)
    for (const name of ["not:equal", "someFact:in", "not:everyValue:lessThan"]) expect(name).toMatch(pattern)
    for (const name of ["equal", "not:", "nott:equal", "not:equl"]) expect(name).not.toMatch(pattern)
    expect(defs.FactCondition.properties.fact.enum).toEqual(["petition", "clocks", "trigger", "now"])
    const actions = JSON.stringify(defs.Action)
    for (const type of ["route", "notify", "escalate", "whistle", "flag", "setPriority", "requireVisit"]) expect(actions).toContain(`"${type}"`)
    // every local reference resolves
    const refs = JSON.stringify(schema).match(/"\$ref":"#\/\$defs\/[^"]+"/g) ?? []
    for (const ref of refs) expect(defs[ref.slice(16, -1)], ref).toBeDefined()
  })
})

describe("docs/rule-pack.schema.json", () => {
  it("is the current JSON Schema (regenerate with: minyi rules schema > docs/rule-pack.schema.json)", () => {
    const committed = JSON.parse(readFileSync(new URL("../../../../docs/rule-pack.schema.json", import.meta.url), "utf8"))
    expect(committed).toEqual(rulePackJsonSchema())
  })
})
