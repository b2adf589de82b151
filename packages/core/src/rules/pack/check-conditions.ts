/**
 * Checking conditions: each node is decoded by the key it has (as json-rules-engine reads it),
 * then its facts, paths, operators and values are checked against what minyi knows, and the ids
 * it compares with against the directory when one is given.
 */
import { Result, Schema } from "effect"
import { parseDuration } from "../../calendar/duration.js"
import { PetitionEvent } from "../../petition/schema.js"
import type { InvalidInput } from "../../shared/validation.js"
import { decodeInput } from "../../shared/validation.js"
import { clockFields, factCatalogue, fixedValues } from "../facts.js"
import type { Condition, FactCondition } from "../format.js"
import { conditionKind, isFactReference } from "../format.js"
import { decoratorNames, durationMillis, operatorFor, operatorNames } from "../operators.js"
import { parsePath } from "../path.js"
import { AllCondition, AnyCondition, ConditionReference, FactCondition as FactConditionSchema, NotCondition } from "../schema.js"
import { closest, didYouMean } from "../suggest.js"
import type { Context, IdKind } from "./context.js"
import { checkIds } from "./context.js"
import { join, pluginHint, neverFires, reword, say, unknownFact } from "./messages.js"
import { pluginFactFields, pluginFactTarget } from "./plugin-facts.js"
import { checkDurationLimit, conditionDepthLimit, nestsDeeperThan, tooDeep } from "./limits.js"
import { own } from "./raw.js"

// Children stay open here: each is decoded on its own, so one mistake gives one message.
const decodeAll = decodeInput(AllCondition.mapFields((f) => ({ ...f, all: Schema.Array(Schema.Unknown) })), "condition")
const decodeAny = decodeInput(AnyCondition.mapFields((f) => ({ ...f, any: Schema.Array(Schema.Unknown) })), "condition")
const decodeNot = decodeInput(NotCondition.mapFields((f) => ({ ...f, not: Schema.Unknown })), "condition")
const decodeReference = decodeInput(ConditionReference, "condition")
const decodeFact = decodeInput(FactConditionSchema, "condition")

const allowedKeys: Readonly<Record<ReturnType<typeof conditionKind>, ReadonlyArray<string>>> = {
  fact: ["fact", "operator", "value", "path", "params", "priority", "name"],
  all: ["all", "priority", "name"],
  any: ["any", "priority", "name"],
  not: ["not", "priority", "name"],
  condition: ["condition", "priority", "name"]
}

const petitionIdKinds: Readonly<Record<string, IdKind>> = {
  category: "category", categoryPath: "category", jurisdiction: "jurisdiction", jurisdictionPath: "jurisdiction",
  street: "jurisdiction", community: "jurisdiction", lead: "unit", coHandlers: "unit", firstHandler: "unit",
  accusedUnit: "unit", channel: "channel", channelLeader: "person", owner: "person"
}
const withinKinds: Readonly<Record<string, "category" | "jurisdiction">> = { categoryWithin: "category", jurisdictionWithin: "jurisdiction" }
const idComparisons = new Set(["equal", "notEqual", "in", "notIn", "contains", "doesNotContain", "categoryWithin", "jurisdictionWithin"])
/** What `trigger.type` can be: the petition events (timers arrive as ClockWarned / ClockBreached). */
const eventTags: ReadonlyArray<string> = Object.keys(PetitionEvent.cases)

const isFactName = (ctx: Context, fact: string): boolean => own(factCatalogue, fact) !== undefined || ctx.plugins.facts.has(fact)

const unknownFactIn = (ctx: Context, fact: string) => unknownFact(fact, ctx.plugins.facts.keys(), pluginHint(ctx.given.facts.get(fact)?.plugin.name, ctx.missingPlugins))

const checkFactPath = (ctx: Context, fact: string, path: string | undefined, at: string, ruleLabel: string): void => {
  if (path === undefined || path === "") return
  const parsed = parsePath(path)
  if (parsed._tag === "Unsupported") {
    ctx.problems.push({ path: at, ...say(`只支持 $.a.b[0] 这样的简单路径，无法读取 "${path}"`, parsed.reason) })
    return
  }
  const [first, second] = parsed.keys
  const plugin = ctx.plugins.facts.get(fact)
  const fields = plugin === undefined ? own(factCatalogue, fact) : pluginFactFields(plugin.fact)
  if (first === undefined) return
  if (Array.isArray(fields) && !fields.includes(first)) {
    ctx.problems.push({ path: at, ...say(`事实 ${fact} 没有字段 "${first}"${didYouMean(first, fields, "zh-CN")}`, `the ${fact} fact has no field "${first}"${didYouMean(first, fields)}`) })
  } else if (fields === "clocks") {
    if (!ctx.clockNames.has(first)) {
      ctx.warnings.push({ path: at, ...neverFires(ctx.clockNames, ruleLabel, first) })
    }
    if (second !== undefined && !clockFields.includes(second)) {
      ctx.problems.push({ path: at, ...say(`时钟没有字段 "${second}"${didYouMean(second, clockFields, "zh-CN")}`, `a clock has no field "${second}"${didYouMean(second, clockFields)}`) })
    }
  }
}

/** The operator a misspelt one was probably meant to be, decorators (`not:`, `someFact:` …) corrected one by one. */
const nearOperator = (ctx: Context, name: string): string | undefined => {
  const parts = name.split(":")
  const fixed = parts.map((part, i) => {
    const known = i === parts.length - 1 ? [...operatorNames, ...ctx.plugins.operators.keys()] : [...decoratorNames, ...ctx.plugins.decorators.keys()]
    return known.includes(part) ? part : closest(part, known)
  })
  return fixed.every((f) => f !== undefined) ? fixed.join(":") : undefined
}

/** Each value of a one-or-many comparison with its JSON path. */
const eachValue = (value: unknown, at: string): ReadonlyArray<readonly [unknown, string]> =>
  Array.isArray(value) ? value.map((v, i) => [v, `${at}/value/${i}`] as const) : [[value, `${at}/value`] as const]

/**
 * json-rules-engine passes `params` to fact functions. A plugin fact that declares params gets
 * them decoded by its Schema; minyi's own facts, and plugin facts without params, take none — a
 * silently ignored field would mislead. An empty `{}` asks for nothing, so rules carrying one still load.
 */
const asksForParams = (params: unknown): boolean =>
  params !== undefined && (params === null || typeof params !== "object" || Object.keys(params).length > 0)
const paramsUnsupported = say(
  '不支持条件中的 "params"：minyi 的事实不接受参数，请删除此字段（如需读取其中某一项，请用 "path"）',
  'a condition\'s "params" is not supported: minyi\'s facts take no parameters; remove it (use "path" to read part of a fact)'
)

const checkParams = (ctx: Context, fact: string, params: unknown, at: string): void => {
  const plugin = ctx.plugins.facts.get(fact)
  if (plugin === undefined || plugin.fact.params === undefined) {
    if (!asksForParams(params)) return
    ctx.problems.push({
      path: at,
      ...(plugin === undefined
        ? paramsUnsupported
        : say(`插件 ${plugin.plugin.name} 的事实 ${fact} 不接受参数，请删除 "params"`, `the ${fact} fact of plugin ${plugin.plugin.name} takes no params; remove "params"`))
    })
    return
  }
  const prepared = plugin.fact.prepare(params ?? {})
  if (Result.isFailure(prepared)) for (const p of prepared.failure.problems) ctx.problems.push({ path: join(at, p.path), message: p.message })
}

const checkFactCondition = (ctx: Context, c: FactCondition, at: string, ruleLabel: string): void => {
  checkParams(ctx, c.fact, c.params, `${at}/params`)
  if (!isFactName(ctx, c.fact)) {
    ctx.problems.push({ path: `${at}/fact`, ...unknownFactIn(ctx, c.fact) })
  } else {
    checkFactPath(ctx, c.fact, c.path, `${at}/path`, ruleLabel)
  }
  const definition = operatorFor(c.operator, ctx.plugins)
  if (definition === undefined) {
    const near = nearOperator(ctx, c.operator)
    const known = [...operatorNames, ...ctx.plugins.operators.keys()]
    const hint = pluginHint(operatorFor(c.operator, ctx.given)?.plugin ?? unlistedDecorator(ctx, c.operator), ctx.missingPlugins)
    ctx.problems.push({
      path: `${at}/operator`,
      ...(hint !== undefined
        ? say(`未知的运算符 "${c.operator}"${hint.zh}`, `unknown operator "${c.operator}"${hint.en}`)
        : near === undefined
          ? say(`未知的运算符 "${c.operator}"${didYouMean(c.operator, known, "zh-CN")}`, `unknown operator "${c.operator}"${didYouMean(c.operator, known)}`)
          : say(`未知的运算符 "${c.operator}"；是否应为 "${near}"？`, `unknown operator "${c.operator}"; did you mean "${near}"?`))
    })
    return
  }
  const value = c.value
  if (nestsDeeperThan(value, conditionDepthLimit)) {
    ctx.problems.push({ path: `${at}/value`, ...say(`取值嵌套超过 ${conditionDepthLimit} 层`, `the value nests more than ${conditionDepthLimit} levels deep`) })
    return
  }
  if (isFactReference(value)) {
    checkParams(ctx, value.fact, value.params, `${at}/value/params`)
    if (!isFactName(ctx, value.fact)) {
      ctx.problems.push({ path: `${at}/value/fact`, ...unknownFactIn(ctx, value.fact) })
    } else {
      checkFactPath(ctx, value.fact, value.path, `${at}/value/path`, ruleLabel)
    }
    return
  }
  if (definition.valueSchema !== undefined) {
    const checked = decodeInput(definition.valueSchema, "value")(value)
    if (Result.isFailure(checked)) for (const p of checked.failure.problems) ctx.problems.push({ path: join(`${at}/value`, p.path), message: p.message })
  }
  const target = pluginFactTarget(ctx, c.fact, c.path)
  if (target !== undefined && ["equal", "notEqual", "in", "notIn"].includes(c.operator)) {
    const isValue = Schema.is(target.schema)
    const values = c.operator === "in" || c.operator === "notIn" ? (Array.isArray(value) ? eachValue(value, at) : []) : [[value, `${at}/value`] as const]
    for (const [v, where] of values) {
      if (isValue(v)) continue
      ctx.problems.push({
        path: where,
        ...say(`${target.label} 不会是 ${JSON.stringify(v)}（插件声明的取值不符）`, `${target.label} is never ${JSON.stringify(v)} (not a value its plugin declares)`)
      })
    }
  }
  switch (definition.value) {
    case "list":
      if (!Array.isArray(value)) ctx.problems.push({ path: `${at}/value`, ...say(`"${c.operator}" 需要一个取值列表，例如 ["a", "b"]`, `"${c.operator}" needs a list of values, such as ["a", "b"]`) })
      break
    case "duration":
      if (typeof value !== "number" && (typeof value !== "string" || durationMillis(value) === undefined)) {
        ctx.problems.push({ path: `${at}/value`, ...say(`"${c.operator}" 需要 ISO 8601 时长，例如 PT30M、PT24H 或 P3D`, `"${c.operator}" needs an ISO 8601 duration such as PT30M, PT24H or P3D`) })
      } else if (typeof value === "number") {
        checkDurationLimit(ctx, value, `${at}/value`)
      } else if (typeof value === "string") {
        const written = parseDuration(value)
        if (Result.isSuccess(written)) checkDurationLimit(ctx, written.success, `${at}/value`)
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
  const kind = own(withinKinds, c.operator) ?? (c.fact === "petition" && field !== undefined ? own(petitionIdKinds, field) : undefined)
  if (kind !== undefined && idComparisons.has(c.operator)) checkIds(ctx, kind, value, `${at}/value`)
  if (c.fact === "trigger" && field === "type" && idComparisons.has(c.operator)) {
    for (const [tag, where] of eachValue(value, at)) {
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
  const fixedOfFact = c.fact === "petition" || c.fact === "clocks" ? fixedValues[c.fact] : undefined
  const fixed = fixedField === undefined || fixedOfFact === undefined ? undefined : own(fixedOfFact, fixedField)
  if (fixed !== undefined && ["equal", "notEqual", "in", "notIn"].includes(c.operator)) {
    for (const [v, where] of eachValue(value, at)) {
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
    ctx.warnings.push({ path: `${at}/value`, ...neverFires(ctx.clockNames, ruleLabel, value) })
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

/** The plugin, given but not listed by the pack, whose decorator an operator name uses, if any. */
const unlistedDecorator = (ctx: Context, operator: string): string | undefined =>
  operator
    .split(":")
    .slice(0, -1)
    .map((d) => (ctx.plugins.decorators.has(d) ? undefined : ctx.given.decorators.get(d)?.plugin.name))
    .find((p) => p !== undefined)

const allDecoded = <A>(xs: ReadonlyArray<A | undefined>): xs is ReadonlyArray<A> => xs.every((x) => x !== undefined)

/** Decodes a condition node by the key it has (any, all, not, condition, else fact), then its children. */
export const decodeCondition = (ctx: Context, raw: unknown, at: string, ruleLabel: string, depth = 1): Condition | undefined => {
  if (depth > conditionDepthLimit) {
    // Reported once, where the limit is crossed; what lies deeper is not read, so it cannot exhaust the stack.
    ctx.problems.push({ path: at, ...tooDeep() })
    return undefined
  }
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
  const kind = conditionKind(raw)
  const refuse = (failure: InvalidInput): undefined => {
    for (const p of failure.problems) ctx.problems.push(reword(ctx.root, { path: join(at, p.path), message: p.message }, allowedKeys[kind]))
    return undefined
  }
  switch (kind) {
    case "all": {
      const node = decodeAll(raw)
      if (Result.isFailure(node)) return refuse(node.failure)
      const children = node.success.all.map((c, i) => decodeCondition(ctx, c, `${at}/all/${i}`, ruleLabel, depth + 1))
      return allDecoded(children) ? { ...node.success, all: children } : undefined
    }
    case "any": {
      const node = decodeAny(raw)
      if (Result.isFailure(node)) return refuse(node.failure)
      const children = node.success.any.map((c, i) => decodeCondition(ctx, c, `${at}/any/${i}`, ruleLabel, depth + 1))
      return allDecoded(children) ? { ...node.success, any: children } : undefined
    }
    case "not": {
      const node = decodeNot(raw)
      if (Result.isFailure(node)) return refuse(node.failure)
      const child = decodeCondition(ctx, node.success.not, `${at}/not`, ruleLabel, depth + 1)
      return child === undefined ? undefined : { ...node.success, not: child }
    }
    case "condition": {
      const node = decodeReference(raw)
      if (Result.isFailure(node)) return refuse(node.failure)
      const name = node.success.condition
      if (!ctx.sharedNames.has(name)) {
        ctx.problems.push({
          path: `${at}/condition`,
          ...say(
            `"conditions" 中没有名为 "${name}" 的共用条件${didYouMean(name, ctx.sharedNames, "zh-CN")}`,
            `no shared condition named "${name}" in "conditions"${didYouMean(name, ctx.sharedNames)}`
          )
        })
      }
      return node.success
    }
    case "fact": {
      const node = decodeFact(raw)
      if (Result.isFailure(node)) return refuse(node.failure)
      checkFactCondition(ctx, node.success, at, ruleLabel)
      return node.success
    }
  }
}
