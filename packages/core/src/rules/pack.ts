/**
 * Loading a rule pack: decode the document, check every rule against the facts, operators,
 * actions, clocks and templates minyi knows (and the directory when one is given), report every
 * problem at once, and only then compile and freeze it.
 */
import { Result, Schema } from "effect"
import { calendarPresets } from "../calendar/spec.js"
import type { Directory } from "../directory/directory.js"
import { PetitionEvent } from "../petition/schema.js"
import type { Instant } from "../shared/instant.js"
import { parseInstant } from "../shared/instant.js"
import type { InputProblem, InvalidInput } from "../shared/validation.js"
import { decodeInput } from "../shared/validation.js"
import type { ActionType } from "./actions.js"
import { actionSchemas, escalationActionTypes, routingActionTypes } from "./actions.js"
import type { CompiledRule } from "./compile.js"
import { compileRules } from "./compile.js"
import { clockFields, factCatalogue, fixedValues } from "./facts.js"
import type { Condition, FactCondition, Rule } from "./format.js"
import { conditionKind, isFactReference, ruleIdOf } from "./format.js"
import { decoratorNames, durationMillis, operatorFor, operatorNames } from "./operators.js"
import { parsePath } from "./path.js"
import type { RulePackDocument } from "./schema.js"
import { AllCondition, AnyCondition, ConditionReference, FactCondition as FactConditionSchema, NotCondition, packKeys, ruleKeys, RulePackShape } from "./schema.js"
import { closest, didYouMean } from "./suggest.js"

export type PackDocument = Omit<RulePackDocument, "routing" | "escalation" | "conditions"> & {
  readonly routing: ReadonlyArray<Rule>
  readonly escalation: ReadonlyArray<Rule>
  readonly conditions?: Readonly<Record<string, Condition>>
}

/** A loaded pack: decoded, checked, compiled and frozen. Never changes once made. */
export interface RulePack {
  readonly id: string
  readonly version: string
  readonly effectiveFrom: Instant
  readonly effectiveTo: Instant | undefined
  /** The decoded document, its rules with their conditions decoded too. */
  readonly document: PackDocument
  readonly routing: ReadonlyArray<CompiledRule>
  readonly escalation: ReadonlyArray<CompiledRule>
  /** The JSON it was loaded from (frozen), so it can be checked again, e.g. against a newer directory. */
  readonly source: unknown
  /** Things that load but are probably not what was meant. */
  readonly warnings: ReadonlyArray<PackProblem>
}

/** One problem or warning: where (JSON Pointer), and what, in English (`message`) and Chinese (`zh`, when minyi wrote it). */
export interface PackProblem {
  readonly path: string
  readonly message: string
  readonly zh?: string
}
export const PackProblemSchema = Schema.Struct({ path: Schema.String, message: Schema.String, zh: Schema.optionalKey(Schema.String) })

const say = (zh: string, en: string): { readonly message: string; readonly zh: string } => ({ message: en, zh })

/** A rule pack that cannot be loaded; `problems` lists every mistake with its JSON path. */
export class RulePackInvalid extends Schema.TaggedError<RulePackInvalid>()("RulePackInvalid", {
  problems: Schema.Array(PackProblemSchema),
  warnings: Schema.Array(PackProblemSchema),
  message: Schema.String
}) {}

export interface LoadOptions {
  /** When given, every unit, person, category, jurisdiction and channel id must exist in it. */
  readonly directory?: Directory
}

const decodeShape = decodeInput(RulePackShape, "rule pack")
type NodeDecoder = (u: unknown) => Result.Result<Record<string, unknown>, InvalidInput>
const shallow: Readonly<Record<"all" | "any" | "not" | "condition" | "fact", NodeDecoder>> = {
  all: decodeInput(AllCondition.mapFields((f) => ({ ...f, all: Schema.Array(Schema.Unknown) })), "condition"),
  any: decodeInput(AnyCondition.mapFields((f) => ({ ...f, any: Schema.Array(Schema.Unknown) })), "condition"),
  not: decodeInput(NotCondition.mapFields((f) => ({ ...f, not: Schema.Unknown })), "condition"),
  condition: decodeInput(ConditionReference, "condition"),
  fact: decodeInput(FactConditionSchema, "condition")
}
const decodeAction = Object.fromEntries(
  Object.entries(actionSchemas).map(([type, schema]) => [type, decodeInput(schema, `${type} params`)])
) as unknown as { readonly [K in ActionType]: (u: unknown) => Result.Result<any, InvalidInput> }

const join = (base: string, sub: string): string => (sub === "/" ? base : base + sub)
const lastKey = (path: string): string => path.slice(path.lastIndexOf("/") + 1)
/** A record key as one JSON Pointer segment. */
const pointerKey = (key: string): string => key.replace(/~/g, "~0").replace(/\//g, "~1")

/** Every field name an action's params may have, for "did you mean" on a misspelt one. */
const paramKeys = [
  "lead", "coHandlers", "whistle", "summon", "deadline", "reason", "recipients", "template", "tier", "owner",
  "flag", "priority", "kind", "role", "unit", "person", "linkedLeader", "level"
]

/** Chinese for the messages minyi's own schemas give. */
const schemaMessagesZh: Readonly<Record<string, string>> = {
  'name exactly one of "role", "unit", "person" or "linkedLeader"': '只能写 "role"、"unit"、"person"、"linkedLeader" 中的一个'
}

/** The value at a JSON Pointer in the raw document, if any. */
const valueAt = (root: unknown, pointer: string): unknown =>
  pointer
    .split("/")
    .slice(1)
    .filter((k) => k !== "")
    .map((k) => k.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<unknown>((node, key) => (node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), root)

/** Effect's terse messages, said the way a clerk reads them — with "did you mean" for a misspelt choice. */
const reword = (root: unknown, p: InputProblem, keysHere?: ReadonlyArray<string>): PackProblem => {
  if (p.message === "Missing key") return { path: p.path, ...say(`缺少必填字段 "${lastKey(p.path)}"`, `required field "${lastKey(p.path)}" is missing`) }
  if (p.message === "Expected no excess property") {
    const key = lastKey(p.path)
    const [zh, en] = keysHere === undefined ? ["", ""] : [didYouMean(key, keysHere, "zh-CN"), didYouMean(key, keysHere)]
    return { path: p.path, ...say(`未知字段 "${key}"${zh}`, `unknown field "${key}"${en}`) }
  }
  const choices = /^Expected "[^"]*"( \| "[^"]*")*$/.test(p.message) ? [...p.message.matchAll(/"([^"]*)"/g)].map((m) => m[1]!) : undefined
  const actual = valueAt(root, p.path)
  if (choices !== undefined && typeof actual === "string") {
    const near = closest(actual, choices)
    const list = choices.map((c) => `"${c}"`)
    return {
      path: p.path,
      ...say(
        `"${actual}" 不是可用的取值${near === undefined ? `；应为以下之一：${list.join("、")}` : `；是否应为 "${near}"？`}`,
        `"${actual}" is not allowed${near === undefined ? `; expected one of ${list.join(", ")}` : `; did you mean "${near}"?`}`
      )
    }
  }
  const zh = schemaMessagesZh[p.message]
  return zh === undefined ? p : { ...p, zh }
}

const petitionIdKinds: Readonly<Record<string, "category" | "jurisdiction" | "unit" | "person" | "channel">> = {
  category: "category", categoryPath: "category", jurisdiction: "jurisdiction", jurisdictionPath: "jurisdiction",
  street: "jurisdiction", community: "jurisdiction", lead: "unit", coHandlers: "unit", firstHandler: "unit",
  accusedUnit: "unit", channel: "channel", channelLeader: "person", owner: "person"
}
const withinKinds: Readonly<Record<string, "category" | "jurisdiction">> = { categoryWithin: "category", jurisdictionWithin: "jurisdiction" }
const idComparisons = new Set(["equal", "notEqual", "in", "notIn", "contains", "doesNotContain", "categoryWithin", "jurisdictionWithin"])
const allowedKeys: Readonly<Record<string, ReadonlyArray<string>>> = {
  fact: ["fact", "operator", "value", "path", "params", "priority", "name"],
  all: ["all", "priority", "name"],
  any: ["any", "priority", "name"],
  not: ["not", "priority", "name"],
  condition: ["condition", "priority", "name"]
}

interface Context {
  readonly root: unknown
  readonly problems: Array<PackProblem>
  readonly warnings: Array<PackProblem>
  readonly clockNames: ReadonlySet<string>
  readonly sharedNames: ReadonlySet<string>
  readonly templates: ReadonlySet<string>
  /** Templates some notify names, to warn about the ones nothing sends. */
  readonly usedTemplates: Set<string>
  readonly tiers: ReadonlySet<number>
  readonly hasWhistleDefault: boolean
  readonly ids: Readonly<Record<"category" | "jurisdiction" | "unit" | "person" | "channel", ReadonlySet<string>>> | undefined
}

const checkId = (ctx: Context, kind: keyof NonNullable<Context["ids"]>, id: unknown, path: string): void => {
  if (ctx.ids === undefined || typeof id !== "string") return
  const known = ctx.ids[kind]
  if (!known.has(id)) ctx.problems.push({ path, ...say(`机构目录中没有${kindZh[kind]} "${id}"${didYouMean(id, known, "zh-CN")}`, `no ${kind} "${id}" in the directory${didYouMean(id, known)}`) })
}

const checkIds = (ctx: Context, kind: keyof NonNullable<Context["ids"]>, value: unknown, path: string): void => {
  if (Array.isArray(value)) value.forEach((v, i) => checkId(ctx, kind, v, `${path}/${i}`))
  else checkId(ctx, kind, value, path)
}

const factNames = Object.keys(factCatalogue)
/** What `trigger.type` can be: the petition events (timers arrive as ClockWarned / ClockBreached). */
const eventTags: ReadonlyArray<string> = Object.keys(PetitionEvent.cases)
const kindZh = { category: "事项分类", jurisdiction: "辖区", unit: "单位", person: "人员", channel: "渠道" } as const

const unknownFact = (fact: string) =>
  say(`未知的事实 "${fact}"${didYouMean(fact, factNames, "zh-CN")}`, `unknown fact "${fact}"${didYouMean(fact, factNames)}`)

const neverFires = (ctx: Context, ruleLabel: string, clock: string) =>
  say(
    `${ruleLabel} 永远不会触发：没有名为 "${clock}" 的时钟${didYouMean(clock, ctx.clockNames, "zh-CN")}`,
    `${ruleLabel} can never fire: no clock policy is named "${clock}"${didYouMean(clock, ctx.clockNames)}`
  )

const checkFactPath = (ctx: Context, fact: string, path: string | undefined, at: string, ruleLabel: string): void => {
  if (path === undefined || path === "") return
  const parsed = parsePath(path)
  if (parsed._tag === "Unsupported") {
    ctx.problems.push({ path: at, ...say(`只支持 $.a.b[0] 这样的简单路径，无法读取 "${path}"`, parsed.reason) })
    return
  }
  const [first, second] = parsed.keys
  const fields = factCatalogue[fact]
  if (first === undefined) return
  if (Array.isArray(fields) && !fields.includes(first)) {
    ctx.problems.push({ path: at, ...say(`事实 ${fact} 没有字段 "${first}"${didYouMean(first, fields, "zh-CN")}`, `the ${fact} fact has no field "${first}"${didYouMean(first, fields)}`) })
  } else if (fields === "clocks") {
    if (!ctx.clockNames.has(first)) {
      ctx.warnings.push({ path: at, ...neverFires(ctx, ruleLabel, first) })
    }
    if (second !== undefined && !clockFields.includes(second)) {
      ctx.problems.push({ path: at, ...say(`时钟没有字段 "${second}"${didYouMean(second, clockFields, "zh-CN")}`, `a clock has no field "${second}"${didYouMean(second, clockFields)}`) })
    }
  }
}

/** The operator a misspelt one was probably meant to be, decorators (`not:`, `someFact:` …) corrected one by one. */
const nearOperator = (name: string): string | undefined => {
  const parts = name.split(":")
  const fixed = parts.map((part, i) => {
    const known = i === parts.length - 1 ? operatorNames : decoratorNames
    return known.includes(part) ? part : closest(part, known)
  })
  return fixed.every((f) => f !== undefined) ? fixed.join(":") : undefined
}

const checkFactCondition = (ctx: Context, c: FactCondition, at: string, ruleLabel: string): void => {
  if (!(c.fact in factCatalogue)) {
    ctx.problems.push({ path: `${at}/fact`, ...unknownFact(c.fact) })
  } else {
    checkFactPath(ctx, c.fact, c.path, `${at}/path`, ruleLabel)
  }
  const definition = operatorFor(c.operator)
  if (definition === undefined) {
    const near = nearOperator(c.operator)
    ctx.problems.push({
      path: `${at}/operator`,
      ...(near === undefined
        ? say(`未知的运算符 "${c.operator}"${didYouMean(c.operator, operatorNames, "zh-CN")}`, `unknown operator "${c.operator}"${didYouMean(c.operator, operatorNames)}`)
        : say(`未知的运算符 "${c.operator}"；是否应为 "${near}"？`, `unknown operator "${c.operator}"; did you mean "${near}"?`))
    })
    return
  }
  const value = c.value
  if (isFactReference(value)) {
    if (!(value.fact in factCatalogue)) {
      ctx.problems.push({ path: `${at}/value/fact`, ...unknownFact(value.fact) })
    } else {
      checkFactPath(ctx, value.fact, value.path, `${at}/value/path`, ruleLabel)
    }
    return
  }
  switch (definition.value) {
    case "list":
      if (!Array.isArray(value)) ctx.problems.push({ path: `${at}/value`, ...say(`"${c.operator}" 需要一个取值列表，例如 ["a", "b"]`, `"${c.operator}" needs a list of values, such as ["a", "b"]`) })
      break
    case "duration":
      if (typeof value !== "number" && (typeof value !== "string" || durationMillis(value) === undefined)) {
        ctx.problems.push({ path: `${at}/value`, ...say(`"${c.operator}" 需要 ISO 8601 时长，例如 PT30M、PT24H 或 P3D`, `"${c.operator}" needs an ISO 8601 duration such as PT30M, PT24H or P3D`) })
      }
      break
    case "ids":
      if (typeof value !== "string" && !(Array.isArray(value) && value.every((v) => typeof v === "string"))) {
        ctx.problems.push({ path: `${at}/value`, ...say(`"${c.operator}" 需要一个编号或编号列表`, `"${c.operator}" needs an id or a list of ids`) })
      }
      break
    default:
      break
  }
  const parsed = c.path === undefined ? undefined : parsePath(c.path)
  const field = parsed?._tag === "Keys" ? parsed.keys[0] : undefined
  const kind = withinKinds[c.operator] ?? (c.fact === "petition" && field !== undefined ? petitionIdKinds[field] : undefined)
  if (kind !== undefined && idComparisons.has(c.operator)) checkIds(ctx, kind, value, `${at}/value`)
  if (c.fact === "trigger" && field === "type" && idComparisons.has(c.operator)) {
    const each = Array.isArray(value) ? value.map((v, i) => [v, `${at}/value/${i}`] as const) : [[value, `${at}/value`] as const]
    for (const [tag, where] of each) {
      if (typeof tag === "string" && !eventTags.includes(tag)) {
        ctx.problems.push({ path: where, ...say(`没有名为 "${tag}" 的事件${didYouMean(tag, eventTags, "zh-CN")}`, `no event is called "${tag}"${didYouMean(tag, eventTags)}`) })
      }
    }
  }
  const pathField = c.operator === "categoryWithin" ? "categoryPath" : c.operator === "jurisdictionWithin" ? "jurisdictionPath" : undefined
  if (pathField !== undefined && c.fact === "petition" && field !== undefined && field !== pathField) {
    // The operator sees a subtree only in a path; on a single id it could match nothing but that id.
    ctx.problems.push({
      path: `${at}/path`,
      ...say(
        `"${c.operator}" 要判断下级，须读取路径：请用 "$.${pathField}"（"${c.path}" 只能匹配该编号本身）`,
        `"${c.operator}" sees a subtree only in a path: use "$.${pathField}" ("${c.path}" would match only that exact id)`
      )
    })
  }
  const fixedField = c.fact === "clocks" ? (parsed?._tag === "Keys" ? parsed.keys[1] : undefined) : field
  const fixed = fixedField === undefined ? undefined : fixedValues[c.fact as keyof typeof fixedValues]?.[fixedField]
  if (fixed !== undefined && ["equal", "notEqual", "in", "notIn"].includes(c.operator)) {
    const each = Array.isArray(value) ? value.map((v, i) => [v, `${at}/value/${i}`] as const) : [[value, `${at}/value`] as const]
    for (const [v, where] of each) {
      if (typeof v === "string" && fixed.includes(v)) continue
      ctx.problems.push({
        path: where,
        ...say(
          `${c.fact} ${c.path} 不会是 ${JSON.stringify(v)}${typeof v === "string" ? didYouMean(v, fixed, "zh-CN") : `；应为以下之一：${fixed.map((x) => `"${x}"`).join("、")}`}`,
          `${c.fact} ${c.path} is never ${JSON.stringify(v)}${typeof v === "string" ? didYouMean(v, fixed) : `; expected one of ${fixed.map((x) => `"${x}"`).join(", ")}`}`
        )
      })
    }
  }
  if (c.fact === "trigger" && field === "clock" && typeof value === "string" && !ctx.clockNames.has(value)) {
    ctx.warnings.push({ path: `${at}/value`, ...neverFires(ctx, ruleLabel, value) })
  }
  if (c.fact === "trigger" && field === "clock" && Array.isArray(value)) {
    value.forEach((clock, i) => {
      if (typeof clock !== "string" || ctx.clockNames.has(clock)) return
      ctx.warnings.push({
        path: `${at}/value/${i}`,
        ...say(
          `${ruleLabel} 列出的时钟 "${clock}" 不存在${didYouMean(clock, ctx.clockNames, "zh-CN")}`,
          `${ruleLabel} lists clock "${clock}", which no clock policy defines${didYouMean(clock, ctx.clockNames)}`
        )
      })
    })
  }
}

/** Decodes a condition node by the key it has (any, all, not, condition, else fact), then its children. */
const decodeCondition = (ctx: Context, raw: unknown, at: string, ruleLabel: string): Condition | undefined => {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    ctx.problems.push({
      path: at,
      ...say(
        '应为条件：{ "fact", "operator", "value" }，或 { "all": [...] }、{ "any": [...] }、{ "not": {...} }、{ "condition": "名称" }',
        'expected a condition: { "fact", "operator", "value" } or { "all": [...] }, { "any": [...] }, { "not": {...} }, { "condition": "name" }'
      )
    })
    return undefined
  }
  const kind = conditionKind(raw as Condition)
  const decoded = shallow[kind](raw)
  if (Result.isFailure(decoded)) {
    for (const p of decoded.failure.problems) ctx.problems.push(reword(ctx.root, { path: join(at, p.path), message: p.message }, allowedKeys[kind]))
    return undefined
  }
  const node = decoded.success as any
  switch (kind) {
    case "all":
    case "any": {
      const children = (node[kind] as ReadonlyArray<unknown>).map((c, i) => decodeCondition(ctx, c, `${at}/${kind}/${i}`, ruleLabel))
      return children.every((c) => c !== undefined) ? ({ ...node, [kind]: children } as Condition) : undefined
    }
    case "not": {
      const child = decodeCondition(ctx, node.not, `${at}/not`, ruleLabel)
      return child === undefined ? undefined : ({ ...node, not: child } as Condition)
    }
    case "condition":
      if (!ctx.sharedNames.has(node.condition)) {
        ctx.problems.push({
          path: `${at}/condition`,
          ...say(
            `"conditions" 中没有名为 "${node.condition}" 的共用条件${didYouMean(node.condition, ctx.sharedNames, "zh-CN")}`,
            `no shared condition named "${node.condition}" in "conditions"${didYouMean(node.condition, ctx.sharedNames)}`
          )
        })
      }
      return node as Condition
    case "fact":
      checkFactCondition(ctx, node as FactCondition, at, ruleLabel)
      return node as Condition
  }
}

/** Checks an action; its decoded params (durations parsed) when it is valid. */
const checkAction = (ctx: Context, section: "routing" | "escalation", event: Rule["event"], at: string): Record<string, unknown> | undefined => {
  const allowed = section === "routing" ? routingActionTypes : escalationActionTypes
  if (!(allowed as ReadonlyArray<string>).includes(event.type)) {
    const other = section === "routing" ? "escalation" : "routing"
    const [zh, en] = event.type in actionSchemas
      ? [`；"${event.type}" 应写在 ${other} 部分`, `; "${event.type}" belongs in the ${other} section`]
      : [didYouMean(event.type, allowed, "zh-CN"), didYouMean(event.type, allowed)]
    ctx.problems.push({ path: `${at}/type`, ...say(`${section} 规则不能执行 "${event.type}"${zh}`, `a ${section} rule cannot do "${event.type}"${en}`) })
    return undefined
  }
  const type = event.type as ActionType
  const raw = event.params ?? {}
  // References are checked on the raw params, so that a mistake elsewhere in the same action does not hide them.
  checkReferences(ctx, type, raw, `${at}/params`)
  const decoded = decodeAction[type](raw)
  if (Result.isFailure(decoded)) {
    for (const p of decoded.failure.problems) ctx.problems.push(reword(ctx.root, { path: join(`${at}/params`, p.path), message: p.message }, paramKeys))
    return undefined
  }
  return decoded.success
}

/** What an action's params name: units and people in the directory, templates, ladder tiers, a whistle's deadline. */
const checkReferences = (ctx: Context, type: ActionType, params: unknown, p: string): void => {
  switch (type) {
    case "route": {
      checkId(ctx, "unit", record(params, "lead"), `${p}/lead`)
      const coHandlers = record(params, "coHandlers")
      if (Array.isArray(coHandlers)) checkIds(ctx, "unit", coHandlers, `${p}/coHandlers`)
      const whistle = record(params, "whistle")
      if (whistle !== undefined) checkWhistle(ctx, whistle, `${p}/whistle`)
      break
    }
    case "whistle":
      checkWhistle(ctx, params, p)
      break
    case "notify": {
      const template = record(params, "template")
      if (typeof template === "string") ctx.usedTemplates.add(template)
      if (typeof template === "string" && !ctx.templates.has(template)) {
        ctx.problems.push({
          path: `${p}/template`,
          ...say(
            `"templates" 中没有模板 "${template}"${didYouMean(template, ctx.templates, "zh-CN")}`,
            `no template "${template}" in "templates"${didYouMean(template, ctx.templates)}`
          )
        })
      }
      const recipients = record(params, "recipients")
      if (Array.isArray(recipients)) {
        recipients.forEach((r: unknown, i: number) => {
          checkId(ctx, "unit", record(r, "unit"), `${p}/recipients/${i}/unit`)
          checkId(ctx, "person", record(r, "person"), `${p}/recipients/${i}/person`)
        })
      }
      break
    }
    case "escalate": {
      const owner = record(params, "owner")
      const tier = record(params, "tier")
      if (owner !== undefined) checkOwner(ctx, owner, `${p}/owner`)
      else if ((tier === 1 || tier === 2 || tier === 3) && !ctx.tiers.has(tier)) {
        ctx.problems.push({ path: `${p}/tier`, ...say(`提级阶梯中没有第 ${tier} 级；请在 "ladder" 中补上，或在此写明 "owner"`, `the ladder has no tier ${tier}; add it to "ladder" or name an "owner"`) })
      }
      break
    }
    default:
      break
  }
}

const checkWhistle = (ctx: Context, whistle: unknown, at: string): void => {
  if (whistle === null || typeof whistle !== "object" || Array.isArray(whistle)) return
  const summon = record(whistle, "summon")
  if (Array.isArray(summon)) checkIds(ctx, "unit", summon, `${at}/summon`)
  if (record(whistle, "deadline") === undefined && !ctx.hasWhistleDefault) {
    ctx.problems.push({
      path: `${at}/deadline`,
      ...say('规则包没有默认的 "whistle": { "deadline" } 时，吹哨须写明 "deadline"（如 PT2H）', 'a whistle needs a "deadline" (such as PT2H) when the pack has no "whistle": { "deadline" } default')
    })
  }
}

const checkOwner = (ctx: Context, owner: unknown, at: string): void => {
  if (record(owner, "kind") === "unitLeader") checkId(ctx, "unit", record(owner, "unit"), `${at}/unit`)
}

/** Coarse "could both match" test for routing rules: what their top-level `all` pins the category and place to. */
const pinned = (rule: Rule, field: "category" | "jurisdiction"): ReadonlyArray<string> | undefined => {
  const top = rule.conditions as { all?: ReadonlyArray<Condition> }
  if (!Array.isArray(top.all)) return undefined
  const fields = field === "category" ? ["category", "categoryPath"] : ["jurisdiction", "jurisdictionPath", "street", "community"]
  for (const c of top.all) {
    if (conditionKind(c) !== "fact") continue
    const f = c as FactCondition
    const key = f.path === undefined ? undefined : parsePath(f.path)
    if (f.fact !== "petition" || key?._tag !== "Keys" || !fields.includes(key.keys[0] ?? "")) continue
    if (["equal", "in", "categoryWithin", "jurisdictionWithin", "contains"].includes(f.operator) && !isFactReference(f.value)) {
      return (Array.isArray(f.value) ? f.value : [f.value]).filter((v): v is string => typeof v === "string")
    }
  }
  return undefined
}

const intersects = (
  a: ReadonlyArray<string> | undefined,
  b: ReadonlyArray<string> | undefined,
  related: (x: string, y: string) => boolean
): boolean => a === undefined || b === undefined || a.some((x) => b.some((y) => x === y || related(x, y) || related(y, x)))

const overlapWarnings = (ctx: Context, rules: ReadonlyArray<Rule>, directory: Directory | undefined): void => {
  const category = (x: string, y: string) => directory?.isWithin(x, y) ?? false
  const place = (x: string, y: string) => directory?.isJurisdictionWithin(x, y) ?? false
  // Pinned once per rule: a catalogue-sized pack has thousands of routing rules.
  const pins = rules.map((r) => [pinned(r, "category"), pinned(r, "jurisdiction")] as const)
  // One warning per rule, naming the first earlier rule it may collide with.
  rules.forEach((b, j) => {
    const i = rules.findIndex((a, k) => k < j && (a.priority ?? 1) === (b.priority ?? 1) && intersects(pins[k]![0], pins[j]![0], category) && intersects(pins[k]![1], pins[j]![1], place))
    if (i === -1) return
    const a = rules[i]!
    ctx.warnings.push({
      path: `/routing/${j}`,
      ...say(
        `分拨规则 "${ruleIdOf(a, "routing", i)}" 与 "${ruleIdOf(b, "routing", j)}" 优先级相同（${a.priority ?? 1}）且可能同时满足；先写的一条生效——请提高其中一条的优先级`,
        `routing rules "${ruleIdOf(a, "routing", i)}" and "${ruleIdOf(b, "routing", j)}" have the same priority (${a.priority ?? 1}) and may both match; the one written first wins — give one a higher priority`
      )
    })
  })
}

const idSets = (d: Directory): NonNullable<Context["ids"]> => ({
  category: new Set(d.data.categories.nodes.map((x) => x.id)),
  jurisdiction: new Set(d.data.jurisdictions.map((x) => x.id)),
  unit: new Set(d.data.units.map((x) => x.id)),
  person: new Set(d.data.people.map((x) => x.id)),
  channel: new Set(d.data.channels.map((x) => x.id))
})

const record = (raw: unknown, key: string): unknown => (raw !== null && typeof raw === "object" ? (raw as Record<string, unknown>)[key] : undefined)
const keysOf = (raw: unknown): ReadonlyArray<string> => (raw !== null && typeof raw === "object" && !Array.isArray(raw) ? Object.keys(raw) : [])

const deepFreeze = <A>(value: A): A => {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

/**
 * Loads a rule pack from JSON-shaped input. A pack with any problem does not load: the error
 * lists every problem (JSON path + what was expected + "did you mean"). Warnings — rules that
 * can never fire, routing rules that may overlap — come with the pack (or with the error).
 */
export const loadRulePack = (input: unknown, options: LoadOptions = {}): Result.Result<RulePack, RulePackInvalid> => {
  const shape = decodeShape(input)
  const problems: Array<PackProblem> = Result.isFailure(shape) ? shape.failure.problems.map((p) => reword(input, p, p.path.split("/").length === 2 ? packKeys : p.path.split("/").length === 4 ? ruleKeys : undefined)) : []
  const clocks = record(input, "clocks")
  const ladder = record(input, "ladder")
  const ctx: Context = {
    root: input,
    problems,
    warnings: [],
    clockNames: new Set(Array.isArray(clocks) ? clocks.map((c) => record(c, "name")).filter((n): n is string => typeof n === "string") : []),
    sharedNames: new Set(keysOf(record(input, "conditions"))),
    templates: new Set(keysOf(record(input, "templates"))),
    usedTemplates: new Set(),
    tiers: new Set(Array.isArray(ladder) ? ladder.map((r) => record(r, "tier")).filter((t): t is number => typeof t === "number") : []),
    hasWhistleDefault: record(record(input, "whistle"), "deadline") !== undefined,
    ids: options.directory === undefined ? undefined : idSets(options.directory)
  }
  const shared: Record<string, Condition> = {}
  for (const name of ctx.sharedNames) {
    const c = decodeCondition(ctx, record(record(input, "conditions"), name), `/conditions/${pointerKey(name)}`, `shared condition "${name}"`)
    if (c !== undefined) shared[name] = c
  }
  checkSharedCycles(ctx, shared)
  const sections: Record<"routing" | "escalation", Array<Rule>> = { routing: [], escalation: [] }
  const seenIds = new Map<string, string>()
  for (const section of ["routing", "escalation"] as const) {
    const raw = record(input, section)
    if (!Array.isArray(raw)) continue
    raw.forEach((r, i) => {
      const at = `/${section}/${i}`
      const rule = r as Partial<Rule> | null
      const id = rule !== null && typeof rule === "object" ? ruleIdOf(rule as Rule, section, i) : `${section}#${i + 1}`
      const label = `rule "${id}"`
      const conditions = decodeCondition(ctx, record(r, "conditions"), `${at}/conditions`, label)
      if (conditions !== undefined && conditionKind(conditions) === "fact") {
        ctx.problems.push({
          path: `${at}/conditions`,
          ...say('"conditions" 的最外层须为 "all"、"any"、"not" 或 "condition"，不能是单个比较', 'the top of "conditions" must be "all", "any", "not" or "condition", not a single comparison')
        })
      }
      const event = record(r, "event")
      const params = typeof record(event, "type") === "string" ? checkAction(ctx, section, event as Rule["event"], `${at}/event`) : undefined
      if (rule !== null && typeof rule === "object") {
        if (rule.id === undefined) {
          ctx.warnings.push({
            path: `${at}/id`,
            ...say(
              `规则没有 "id"，暂称 "${id}"，${rule.name === undefined ? "移动位置" : "改名"}后会变——请写上 "id"`,
              `rule has no "id"; it is known as "${id}", which changes if it is renamed${rule.name === undefined ? " or moved" : ""} — give it an "id"`
            )
          })
        }
        const first = seenIds.get(id)
        if (first !== undefined) ctx.problems.push({ path: `${at}/id`, ...say(`规则编号 "${id}" 已在 ${first} 使用；每条规则须有自己的编号`, `rule id "${id}" is already used at ${first}; each rule needs its own id`) })
        else seenIds.set(id, at)
        if (conditions !== undefined && params !== undefined) {
          sections[section].push({ ...(rule as Rule), conditions: conditions as Rule["conditions"], event: { type: (event as Rule["event"]).type, params } })
        }
      }
    })
  }
  // Checked on the raw document so that they are reported together with shape problems.
  const from = record(input, "effectiveFrom")
  const to = record(input, "effectiveTo")
  if (typeof from === "string" && typeof to === "string") {
    const [f, t] = [parseInstant(from), parseInstant(to)]
    if (f !== undefined && t !== undefined && t <= f) problems.push({ path: "/effectiveTo", ...say("effectiveTo 须晚于 effectiveFrom", "effectiveTo must be later than effectiveFrom") })
  }
  if (Array.isArray(ladder)) {
    ladder.forEach((rung, i) => {
      const tier = record(rung, "tier")
      if (ladder.findIndex((r) => record(r, "tier") === tier) !== i) {
        problems.push({ path: `/ladder/${i}/tier`, ...say(`提级阶梯中第 ${String(tier)} 级重复出现`, `tier ${String(tier)} appears twice in the ladder`) })
      }
      checkOwner(ctx, record(rung, "owner"), `/ladder/${i}/owner`)
    })
  }
  checkTemplatePlaceholders(ctx, record(input, "templates"))
  for (const id of ctx.templates) {
    if (!ctx.usedTemplates.has(id)) {
      ctx.warnings.push({ path: `/templates/${pointerKey(id)}`, ...say(`没有 notify 规则使用模板 "${id}"，它不会被发送`, `no notify rule uses template "${id}", so it is never sent`) })
    }
  }
  // The engine always has the preset calendars ("natural", "china") beside the pack's own.
  const calendars = [...new Set([...keysOf(record(input, "calendars")), ...Object.keys(calendarPresets)])]
  const checkCalendar = (calendar: unknown, path: string) => {
    if (typeof calendar === "string" && calendar !== "" && !calendars.includes(calendar)) {
      problems.push({
        path,
        ...say(`"calendars" 中没有日历 "${calendar}"${didYouMean(calendar, calendars, "zh-CN")}`, `no calendar "${calendar}" in "calendars"${didYouMean(calendar, calendars)}`)
      })
    }
  }
  if (Array.isArray(clocks)) clocks.forEach((clock, i) => checkCalendar(record(clock, "calendar"), `/clocks/${i}/calendar`))
  checkCalendar(record(record(input, "reviews"), "calendar"), "/reviews/calendar")
  overlapWarnings(ctx, sections.routing, options.directory)
  if (problems.length > 0 || Result.isFailure(shape)) {
    const lines = [...problems, ...ctx.warnings.map((w) => ({ path: w.path, message: `warning: ${w.message}` }))]
    return Result.fail(
      new RulePackInvalid({
        problems,
        warnings: ctx.warnings,
        message:
          `规则包无效（${problems.length} 个问题）。(Rule pack is invalid: ${problems.length} problem${problems.length === 1 ? "" : "s"}.)\n` +
          lines.map((p) => `  ${p.path}: ${p.message}`).join("\n")
      })
    )
  }
  const { conditions: _written, ...rest } = shape.success
  const doc: PackDocument = deepFreeze({
    ...rest,
    ...(_written === undefined ? {} : { conditions: shared }),
    routing: sections.routing,
    escalation: sections.escalation
  })
  return Result.succeed<RulePack>(
    Object.freeze({
      id: doc.id,
      version: doc.version,
      effectiveFrom: doc.effectiveFrom,
      effectiveTo: doc.effectiveTo,
      document: doc,
      source: deepFreeze(structuredClone(input)),
      routing: Object.freeze(compileRules(doc.routing, { section: "routing", shared })),
      escalation: Object.freeze(compileRules(doc.escalation, { section: "escalation", shared })),
      warnings: Object.freeze(ctx.warnings)
    })
  )
}

/**
 * The placeholders the engine fills in a template. A misspelt one would otherwise reach the
 * recipient as literal text, so every `{name}` in a template must be one of these.
 */
export const templatePlaceholders: ReadonlyArray<string> = [
  "petitionId", "category", "jurisdiction", "street", "community", "channel", "lead", "firstHandler",
  "owner", "tier", "persons", "status", "priority", "trigger", "clock", "unit",
  "trackingCode", "title", "clockId", "limit", "dueAt", "remaining"
]

// The placeholders are more than didYouMean lists on its own, and a template writer needs the list.
const placeholderHint = (name: string, lang: "en" | "zh-CN"): string =>
  didYouMean(name, templatePlaceholders, lang) ||
  (lang === "zh-CN" ? `；应为以下之一：${templatePlaceholders.map((k) => `"${k}"`).join("、")}` : `; expected one of ${templatePlaceholders.map((k) => `"${k}"`).join(", ")}`)

const checkTemplatePlaceholders = (ctx: Context, templates: unknown): void => {
  for (const id of keysOf(templates)) {
    for (const lang of ["zh-CN", "en"]) {
      for (const part of ["subject", "body"]) {
        const text = record(record(record(templates, id), lang), part)
        if (typeof text !== "string") continue
        // Wider than the names the engine fills, so that {petition_id} or {petition.id} is caught too.
        for (const [, name] of text.matchAll(/\{([A-Za-z_][\w.-]*)\}/g)) {
          if (templatePlaceholders.includes(name!)) continue
          ctx.problems.push({
            path: `/templates/${pointerKey(id)}/${lang}/${part}`,
            ...say(
              `模板中没有可填入的 "{${name}}"${placeholderHint(name!, "zh-CN")}`,
              `a template cannot fill "{${name}}"${placeholderHint(name!, "en")}`
            )
          })
        }
      }
    }
  }
}

const checkSharedCycles = (ctx: Context, shared: Readonly<Record<string, Condition>>): void => {
  const references = (c: Condition): Array<string> => {
    switch (conditionKind(c)) {
      case "all": return (c as { all: ReadonlyArray<Condition> }).all.flatMap(references)
      case "any": return (c as { any: ReadonlyArray<Condition> }).any.flatMap(references)
      case "not": return references((c as { not: Condition }).not)
      case "condition": return [(c as { condition: string }).condition]
      case "fact": return []
    }
  }
  const reaches = (from: string, target: string, seen: Set<string>): boolean => {
    if (seen.has(from)) return false
    seen.add(from)
    const c = shared[from]
    return c !== undefined && references(c).some((r) => r === target || reaches(r, target, seen))
  }
  for (const name of Object.keys(shared)) {
    if (reaches(name, name, new Set())) ctx.problems.push({ path: `/conditions/${name}`, ...say(`共用条件 "${name}" 引用了自身`, `shared condition "${name}" refers back to itself`) })
  }
}
