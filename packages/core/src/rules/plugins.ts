/**
 * Rule plugins: operators, decorators, facts and actions an integrator adds, the way
 * json-rules-engine's `addOperator` / `addOperatorDecorator` / `addFact` do — but typed by Schema,
 * so that validation, `explain` and the JSON Schema know them as they know minyi's own.
 *
 * A pack names the plugins it needs (`"plugins": { "futian-grid": "^1.2.0" }`); `loadRulePack`
 * checks them against the plugins it is given and the loaded pack carries the ones it uses, so a
 * petition pinned to a pack version runs with exactly the plugins that version was loaded with.
 * Plugin code runs inside rule evaluation, so it must be pure and synchronous: facts are computed
 * from what the built-in facts are computed from, actions return commands and outbox messages as
 * data. A plugin that throws or answers out of type is a `PluginFailed`, never a crashed tick.
 *
 * This file is what a plugin author writes against; `plugin-output.ts` is what actions may answer,
 * `plugin-set.ts` how a pack's plugins are put together (no shadowing, guarded operators), and
 * `plugin-eval.ts` how rule evaluation calls them.
 */
import { Result, Schema } from "effect"
import type { Directory } from "../directory/directory.js"
import type { Instant } from "../shared/instant.js"
import type { InvalidInput } from "../shared/validation.js"
import { decodeInput } from "../shared/validation.js"
import type { ClockFacts, PetitionFacts, TriggerFacts } from "./facts.js"
import type { PluginOutput } from "./plugin-output.js"
import { parseVersion } from "./semver.js"

/** What a plugin fact or action sees: the built-in facts of this evaluation, and the directory. */
export interface PluginInput {
  readonly petition: PetitionFacts
  readonly clocks: Readonly<Record<string, ClockFacts>>
  readonly trigger: TriggerFacts
  readonly now: Instant
  readonly directory: Directory
}

/** An operator: json-rules-engine's `(factValue, compareValue) => boolean`. */
export type OperatorTest = (factValue: unknown, compareValue: unknown) => boolean
/** A decorator: json-rules-engine's `(factValue, compareValue, next) => boolean`, `next` being the operator it wraps. */
export type DecoratorTest = (factValue: unknown, compareValue: unknown, next: OperatorTest) => boolean

export interface PluginOperator {
  readonly test: OperatorTest
  /** What the condition's `value` must be (checked when the pack loads, by path); any value when absent. */
  readonly value?: Schema.Codec<unknown, unknown>
  readonly zh?: string
  readonly en?: string
}

export interface PluginDecorator {
  readonly test: DecoratorTest
  readonly zh?: string
  readonly en?: string
}

/** A fact, its value Schema and parameters erased into what validation and evaluation need. */
export interface PluginFact {
  readonly value: Schema.Codec<unknown, unknown>
  readonly params: Schema.Codec<unknown, unknown> | undefined
  /** Decodes a condition's `params` (`{}` when it has none) into the computation they select. */
  readonly prepare: (params: unknown) => Result.Result<(input: PluginInput) => unknown, InvalidInput>
  readonly zh?: string
  readonly en?: string
}

/** A rule's `event` type a plugin adds to the escalation section. */
export interface PluginAction {
  readonly params: Schema.Codec<unknown, unknown>
  /** Decodes the event's `params` into what the action does for a petition. */
  readonly prepare: (params: unknown) => Result.Result<(input: PluginInput) => unknown, InvalidInput>
  readonly zh?: string
  readonly en?: string
}

interface FactSpec<A> {
  readonly value: Schema.Codec<A, unknown>
  readonly compute: (input: PluginInput) => A
  readonly zh?: string
  readonly en?: string
}
interface FactSpecWithParams<A, P> {
  readonly value: Schema.Codec<A, unknown>
  readonly params: Schema.Codec<P, unknown>
  readonly compute: (input: PluginInput, params: P) => A
  readonly zh?: string
  readonly en?: string
}

/**
 * A plugin fact. `compute` gets the evaluation's facts and directory, and, when the fact declares
 * `params`, a condition's params decoded by that Schema; what it returns must be a `value`.
 */
export function pluginFact<A, P>(spec: FactSpecWithParams<A, P>): PluginFact
export function pluginFact<A>(spec: FactSpec<A>): PluginFact
export function pluginFact<A, P>(spec: FactSpec<A> | FactSpecWithParams<A, P>): PluginFact {
  const labels = { ...(spec.zh === undefined ? {} : { zh: spec.zh }), ...(spec.en === undefined ? {} : { en: spec.en }) }
  if (!("params" in spec)) {
    const compute = spec.compute
    return { value: spec.value, params: undefined, prepare: () => Result.succeed(compute), ...labels }
  }
  const decode = decodeInput(spec.params, "fact params")
  return {
    value: spec.value,
    params: spec.params,
    prepare: (raw) => Result.map(decode(raw), (params) => (input: PluginInput) => spec.compute(input, params)),
    ...labels
  }
}

/** A plugin action: its params Schema and what it turns them into for a petition. */
export const pluginAction = <P>(spec: {
  readonly params: Schema.Codec<P, unknown>
  readonly run: (params: P, input: PluginInput) => ReadonlyArray<PluginOutput>
  readonly zh?: string
  readonly en?: string
}): PluginAction => {
  const decode = decodeInput(spec.params, "action params")
  return {
    params: spec.params,
    prepare: (raw) => Result.map(decode(raw), (params) => (input: PluginInput) => spec.run(params, input)),
    ...(spec.zh === undefined ? {} : { zh: spec.zh }),
    ...(spec.en === undefined ? {} : { en: spec.en })
  }
}

export interface PluginDefinition {
  /** How packs name it in `"plugins"`, e.g. "futian-grid". */
  readonly name: string
  /** Its semantic version, e.g. "1.2.0"; packs require a range of it. */
  readonly version: string
  readonly operators?: Readonly<Record<string, OperatorTest | PluginOperator>>
  readonly decorators?: Readonly<Record<string, DecoratorTest | PluginDecorator>>
  readonly facts?: Readonly<Record<string, PluginFact>>
  readonly actions?: Readonly<Record<string, PluginAction>>
}

export interface Plugin {
  readonly _tag: "Plugin"
  readonly name: string
  readonly version: string
  readonly operators: Readonly<Record<string, PluginOperator>>
  readonly decorators: Readonly<Record<string, PluginDecorator>>
  readonly facts: Readonly<Record<string, PluginFact>>
  readonly actions: Readonly<Record<string, PluginAction>>
}

/** A plugin definition that cannot be used: no name, a version that is not semantic, a name used twice. */
export class PluginInvalid extends Schema.TaggedError<PluginInvalid>()("PluginInvalid", {
  plugin: Schema.String,
  message: Schema.String
}) {}

/** Defines a plugin. Throws `PluginInvalid` when its name or version cannot be used (a programming mistake, found at start-up). */
export const definePlugin = (definition: PluginDefinition): Plugin => {
  const label = definition.name === "" ? "(unnamed)" : definition.name
  if (!/^[a-z0-9@][a-z0-9._/@-]*$/i.test(definition.name)) {
    throw new PluginInvalid({ plugin: label, message: `插件名称 "${definition.name}" 无效：只能用字母、数字和 . _ - / @。(Plugin name "${definition.name}" is not valid: use letters, digits and . _ - / @.)` })
  }
  if (parseVersion(definition.version) === undefined) {
    throw new PluginInvalid({ plugin: label, message: `插件 ${label} 的版本 "${definition.version}" 不是语义化版本（如 1.2.0）。(Plugin ${label}'s version "${definition.version}" is not a semantic version such as 1.2.0.)` })
  }
  const operators = Object.fromEntries(Object.entries(definition.operators ?? {}).map(([k, o]) => [k, typeof o === "function" ? { test: o } : o]))
  const decorators = Object.fromEntries(Object.entries(definition.decorators ?? {}).map(([k, d]) => [k, typeof d === "function" ? { test: d } : d]))
  for (const name of [...Object.keys(operators), ...Object.keys(decorators)]) {
    if (name === "" || name.includes(":")) {
      throw new PluginInvalid({ plugin: label, message: `插件 ${label} 的运算符或修饰符名称 "${name}" 不能为空或含冒号。(Plugin ${label}: operator or decorator name "${name}" must be non-empty and have no colon.)` })
    }
  }
  return Object.freeze({
    _tag: "Plugin",
    name: definition.name,
    version: definition.version,
    operators: Object.freeze(operators),
    decorators: Object.freeze(decorators),
    facts: Object.freeze({ ...definition.facts }),
    actions: Object.freeze({ ...definition.actions })
  })
}

export const isPlugin = (u: unknown): u is Plugin =>
  u !== null && typeof u === "object" && "_tag" in u && u._tag === "Plugin" && "name" in u && "version" in u

/** A plugin that threw, or answered with something its declaration does not allow, while a rule was evaluated. */
export class PluginFailed extends Schema.TaggedError<PluginFailed>()("PluginFailed", {
  plugin: Schema.String,
  kind: Schema.Literals(["operator", "decorator", "fact", "action"]),
  name: Schema.String,
  message: Schema.String
}) {}

/** What went wrong, for a message: an Error's message, or the thrown value as text. */
export const describeCause = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

export const pluginFailed = (plugin: Plugin, kind: PluginFailed["kind"], name: string, zh: string, en: string): PluginFailed =>
  new PluginFailed({ plugin: plugin.name, kind, name, message: `插件 ${plugin.name}@${plugin.version} 的${pluginKindZh[kind]} "${name}" ${zh}。(Plugin ${plugin.name}@${plugin.version}'s ${kind} "${name}" ${en}.)` })
/** Each kind of plugin part, in Chinese, for messages. */
export const pluginKindZh: Readonly<Record<PluginFailed["kind"], string>> = { operator: "运算符", decorator: "修饰符", fact: "事实", action: "动作" }

