/**
 * Loading a rule pack: decode the document, check every rule against the facts, operators,
 * actions, clocks and templates minyi knows (and the directory when one is given), report every
 * problem at once, and only then compile and freeze it.
 */
import { Result, Schema } from "effect"
import { calendarPresets } from "../../calendar/spec.js"
import type { Directory } from "../../directory/directory.js"
import type { Instant } from "../../shared/instant.js"
import { parseInstant } from "../../shared/instant.js"
import { decodeInput } from "../../shared/validation.js"
import type { EscalationEvent, RoutingEvent } from "../actions.js"
import type { CompiledRule } from "../compile.js"
import { compileRules } from "../compile.js"
import type { Condition, Rule, TopLevelCondition } from "../format.js"
import { conditionCase, ruleIdOf } from "../format.js"
import type { RulePackDocument } from "../schema.js"
import { packKeys, ruleKeys, RulePackShape } from "../schema.js"
import { didYouMean } from "../suggest.js"
import type { PluginSet } from "../plugin-set.js"
import type { Plugin } from "../plugins.js"
import { checkAction, checkOwner } from "./check-actions.js"
import { checkPlugins } from "./check-plugins.js"
import { decodeCondition } from "./check-conditions.js"
import type { Context } from "./context.js"
import { idSets } from "./context.js"
import { checkSharedCycles, checkTemplatePlaceholders, overlapWarnings, unusedTemplateWarnings } from "./lints.js"
import { checkConditionDepth, checkDurations } from "./limits.js"
import type { PackProblem } from "./messages.js"
import { PackProblemSchema, pointerKey, reword, say } from "./messages.js"
import { keysOf, record } from "./raw.js"

/** A rule as a loaded pack holds it: its conditions and its event decoded. */
export type PackRule<E> = Omit<Rule, "event"> & { readonly event: E }
export type RoutingRule = PackRule<RoutingEvent>
export type EscalationRule = PackRule<EscalationEvent>

export type PackDocument = Omit<RulePackDocument, "routing" | "escalation" | "conditions"> & {
  readonly routing: ReadonlyArray<RoutingRule>
  readonly escalation: ReadonlyArray<EscalationRule>
  readonly conditions?: Readonly<Record<string, Condition>>
}

/** A loaded pack: decoded, checked, compiled and frozen. Never changes once made. */
export interface RulePack {
  readonly id: string
  readonly version: string
  readonly effectiveFrom: Instant
  readonly effectiveTo: Instant | undefined
  /** The decoded document, its rules with their conditions and events decoded too. */
  readonly document: PackDocument
  readonly routing: ReadonlyArray<CompiledRule<RoutingRule>>
  readonly escalation: ReadonlyArray<CompiledRule<EscalationRule>>
  /** The JSON it was loaded from (frozen), so it can be checked again, e.g. against a newer directory. */
  readonly source: unknown
  /** Things that load but are probably not what was meant. */
  readonly warnings: ReadonlyArray<PackProblem>
  /** The plugins the pack names in "plugins", as given when it was loaded: its rules run with these. */
  readonly plugins: PluginSet
}

/** A rule pack that cannot be loaded; `problems` lists every mistake with its JSON path. */
export class RulePackInvalid extends Schema.TaggedError<RulePackInvalid>()("RulePackInvalid", {
  problems: Schema.Array(PackProblemSchema),
  warnings: Schema.Array(PackProblemSchema),
  message: Schema.String
}) {}

export interface LoadOptions {
  /** When given, every unit, person, category, jurisdiction and channel id must exist in it. */
  readonly directory?: Directory
  /**
   * The plugins available. The pack's `"plugins"` must name each it uses, with a version range
   * the given plugin satisfies; the others are left out of its rules.
   */
  readonly plugins?: ReadonlyArray<Plugin>
}

const decodeShape = decodeInput(RulePackShape, "rule pack")

const deepFreeze = <A>(value: A): A => {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

/** A rule's own fields besides conditions and event, as written (the shape decode checks their types). */
const ruleMeta = (raw: unknown): Omit<Rule, "conditions" | "event"> => {
  const [id, name, description, priority] = [record(raw, "id"), record(raw, "name"), record(raw, "description"), record(raw, "priority")]
  return {
    ...(typeof id === "string" ? { id } : {}),
    ...(typeof name === "string" ? { name } : {}),
    ...(typeof description === "string" ? { description } : {}),
    ...(typeof priority === "number" ? { priority } : {})
  }
}

/** json-rules-engine needs all, any, not or a reference at the top of a rule; a lone comparison is refused. */
const topLevel = (c: Condition): TopLevelCondition | undefined => {
  const top = conditionCase(c)
  return top.kind === "fact" ? undefined : top.node
}

interface Sections {
  readonly routing: Array<RoutingRule>
  readonly escalation: Array<EscalationRule>
  /** Every rule whose conditions decoded, with where it is, for the checks across rules and shared conditions. */
  readonly written: Array<{ readonly at: string; readonly conditions: Condition }>
}

const checkRules = (ctx: Context, input: unknown): Sections => {
  const sections: Sections = { routing: [], escalation: [], written: [] }
  const seenIds = new Map<string, string>()
  for (const section of ["routing", "escalation"] as const) {
    const raw = record(input, section)
    if (!Array.isArray(raw)) continue
    raw.forEach((r: unknown, i) => {
      const at = `/${section}/${i}`
      const isObject = r !== null && typeof r === "object"
      const meta = ruleMeta(r)
      const id = isObject ? ruleIdOf(meta, section, i) : `${section}#${i + 1}`
      const label = `rule "${id}"`
      const decoded = decodeCondition(ctx, record(r, "conditions"), `${at}/conditions`, label)
      const conditions = decoded === undefined ? undefined : topLevel(decoded)
      if (decoded !== undefined) sections.written.push({ at, conditions: decoded })
      if (decoded !== undefined && conditions === undefined) {
        ctx.problems.push({
          path: `${at}/conditions`,
          ...say('"conditions" 的最外层须为 "all"、"any"、"not" 或 "condition"，不能是单个比较', 'the top of "conditions" must be "all", "any", "not" or "condition", not a single comparison')
        })
      }
      const event = record(r, "event")
      const type = record(event, "type")
      const action = typeof type === "string" ? checkAction(ctx, section, { type, params: record(event, "params") }, `${at}/event`) : undefined
      if (!isObject) return
      if (meta.id === undefined) {
        ctx.warnings.push({
          path: `${at}/id`,
          ...say(
            `规则没有 "id"，暂称 "${id}"，${meta.name === undefined ? "移动位置" : "改名"}后会变——请写上 "id"`,
            `rule has no "id"; it is known as "${id}", which changes if it is renamed${meta.name === undefined ? " or moved" : ""} — give it an "id"`
          )
        })
      }
      const first = seenIds.get(id)
      if (first !== undefined) ctx.problems.push({ path: `${at}/id`, ...say(`规则编号 "${id}" 已在 ${first} 使用；每条规则须有自己的编号`, `rule id "${id}" is already used at ${first}; each rule needs its own id`) })
      else seenIds.set(id, at)
      if (conditions === undefined || action === undefined) return
      // checkAction only lets through the actions of the rule's own section.
      if (action.type === "route") sections.routing.push({ ...meta, conditions, event: action })
      else sections.escalation.push({ ...meta, conditions, event: action })
    })
  }
  return sections
}

/** The dates, the ladder and the clock names: checked on the raw document so that they are reported together with shape problems. */
const checkDatesAndLadder = (ctx: Context, input: unknown): void => {
  const clocks = record(input, "clocks")
  if (Array.isArray(clocks)) {
    // Clocks are found by name (rules, extensions, timers); a second clock of the same name could never be reached.
    const firstAt = new Map<string, number>()
    clocks.forEach((clock: unknown, i) => {
      const name = record(clock, "name")
      if (typeof name !== "string") return
      const first = firstAt.get(name)
      if (first === undefined) firstAt.set(name, i)
      else ctx.problems.push({ path: `/clocks/${i}/name`, ...say(`时钟名称 "${name}" 已在 /clocks/${first} 使用；每个时钟须有自己的名称`, `clock name "${name}" is already used at /clocks/${first}; each clock needs its own name`) })
    })
  }
  const from = record(input, "effectiveFrom")
  const to = record(input, "effectiveTo")
  if (typeof from === "string" && typeof to === "string") {
    const [f, t] = [parseInstant(from), parseInstant(to)]
    if (f !== undefined && t !== undefined && t <= f) ctx.problems.push({ path: "/effectiveTo", ...say("effectiveTo 须晚于 effectiveFrom", "effectiveTo must be later than effectiveFrom") })
  }
  const ladder = record(input, "ladder")
  if (Array.isArray(ladder)) {
    ladder.forEach((rung: unknown, i) => {
      const tier = record(rung, "tier")
      if (ladder.findIndex((r: unknown) => record(r, "tier") === tier) !== i) {
        ctx.problems.push({ path: `/ladder/${i}/tier`, ...say(`提级阶梯中第 ${String(tier)} 级重复出现`, `tier ${String(tier)} appears twice in the ladder`) })
      }
      checkOwner(ctx, record(rung, "owner"), `/ladder/${i}/owner`)
    })
  }
}

/** The calendars clocks and review windows name must be the pack's own or a preset. */
const checkCalendars = (ctx: Context, input: unknown): void => {
  // The engine always has the preset calendars ("natural", "china") beside the pack's own.
  const calendars = [...new Set([...keysOf(record(input, "calendars")), ...Object.keys(calendarPresets)])]
  const checkCalendar = (calendar: unknown, path: string) => {
    if (typeof calendar === "string" && calendar !== "" && !calendars.includes(calendar)) {
      ctx.problems.push({
        path,
        ...say(`"calendars" 中没有日历 "${calendar}"${didYouMean(calendar, calendars, "zh-CN")}`, `no calendar "${calendar}" in "calendars"${didYouMean(calendar, calendars)}`)
      })
    }
  }
  const clocks = record(input, "clocks")
  if (Array.isArray(clocks)) clocks.forEach((clock: unknown, i) => checkCalendar(record(clock, "calendar"), `/clocks/${i}/calendar`))
  checkCalendar(record(record(input, "reviews"), "calendar"), "/reviews/calendar")
  checkCalendar(record(record(input, "rating"), "calendar"), "/rating/calendar")
}

/**
 * Loads a rule pack from JSON-shaped input. A pack with any problem does not load: the error
 * lists every problem (JSON path + what was expected + "did you mean"). Warnings — rules that
 * can never fire, routing rules that may overlap — come with the pack (or with the error).
 */
export const loadRulePack = (input: unknown, options: LoadOptions = {}): Result.Result<RulePack, RulePackInvalid> => {
  const shape = decodeShape(input)
  const depth = (path: string) => path.split("/").length
  const problems: Array<PackProblem> = Result.isFailure(shape)
    ? shape.failure.problems.map((p) => reword(input, p, depth(p.path) === 2 ? packKeys : depth(p.path) === 4 ? ruleKeys : undefined))
    : []
  const clocks = record(input, "clocks")
  const ladder = record(input, "ladder")
  const plugins = checkPlugins(problems, input, options.plugins ?? [])
  const ctx: Context = {
    plugins: plugins.plugins,
    given: plugins.given,
    missingPlugins: plugins.missing,
    root: input,
    problems,
    warnings: [],
    clockNames: new Set(Array.isArray(clocks) ? clocks.map((c: unknown) => record(c, "name")).filter((n): n is string => typeof n === "string") : []),
    sharedNames: new Set(keysOf(record(input, "conditions"))),
    templates: new Set(keysOf(record(input, "templates"))),
    usedTemplates: new Set(),
    tiers: new Set(Array.isArray(ladder) ? ladder.map((r: unknown) => record(r, "tier")).filter((t): t is number => typeof t === "number") : []),
    hasWhistleDefault: record(record(input, "whistle"), "deadline") !== undefined,
    ids: options.directory === undefined ? undefined : idSets(options.directory)
  }
  const sharedByName = new Map<string, Condition>()
  for (const name of ctx.sharedNames) {
    const c = decodeCondition(ctx, record(record(input, "conditions"), name), `/conditions/${pointerKey(name)}`, `shared condition "${name}"`)
    if (c !== undefined) sharedByName.set(name, c)
  }
  checkSharedCycles(ctx, sharedByName)
  const sections = checkRules(ctx, input)
  checkConditionDepth(ctx, sharedByName, sections.written)
  if (Result.isSuccess(shape)) {
    // Rules and shared conditions are open in the shape; their durations are checked as they are decoded.
    const { routing: _r, escalation: _e, conditions: _c, ...sectionsWithDurations } = shape.success
    checkDurations(ctx, sectionsWithDurations, "")
  }
  checkDatesAndLadder(ctx, input)
  checkTemplatePlaceholders(ctx, record(input, "templates"))
  unusedTemplateWarnings(ctx)
  checkCalendars(ctx, input)
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
  // Entries, not assignment, so that a shared condition named "__proto__" stays an ordinary entry.
  const shared: Readonly<Record<string, Condition>> = Object.fromEntries(sharedByName)
  const { conditions: written, ...rest } = shape.success
  const doc: PackDocument = deepFreeze({
    ...rest,
    ...(written === undefined ? {} : { conditions: shared }),
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
      routing: Object.freeze(compileRules(doc.routing, { section: "routing", shared, plugins: ctx.plugins })),
      escalation: Object.freeze(compileRules(doc.escalation, { section: "escalation", shared, plugins: ctx.plugins })),
      warnings: Object.freeze(ctx.warnings),
      plugins: ctx.plugins
    })
  )
}
