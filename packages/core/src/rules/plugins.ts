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
 */
import { Result, Schema } from "effect"
import type { Directory } from "../directory/directory.js"
import { Priority } from "../petition/schema.js"
import type { Instant } from "../shared/instant.js"
import type { InvalidInput } from "../shared/validation.js"
import { decodeInput } from "../shared/validation.js"
import type { ClockFacts, PetitionFacts, RuleFacts, TriggerFacts } from "./facts.js"
import { factCatalogue } from "./facts.js"
import type { OperatorDefinition } from "./operators.js"
import { decoratorNames, operatorNames } from "./operators.js"
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

/**
 * What a plugin action may ask for: a follow-up command (run through `decide` in the same append,
 * as the built-in actions' are) or an outbox message (delivered by the notifier of its channel).
 */
const Id = Schema.String.check(Schema.isNonEmpty({ expected: "a non-empty id" }))
const outputCases = {
  Flag: Schema.TaggedStruct("Flag", { flag: Id }),
  SetPriority: Schema.TaggedStruct("SetPriority", { priority: Priority }),
  RequireVisit: Schema.TaggedStruct("RequireVisit", { reason: Schema.String }),
  AddWatcher: Schema.TaggedStruct("AddWatcher", { person: Id }),
  Escalate: Schema.TaggedStruct("Escalate", { tier: Schema.Literals([1, 2, 3]), owner: Id, reason: Schema.String }),
  Message: Schema.TaggedStruct("Message", {
    /** The outbox channel, i.e. which notifier delivers it (e.g. "city-platform"). */
    channel: Id,
    recipient: Id,
    template: Schema.optionalKey(Id),
    payload: Schema.Json
  })
} as const
export const PluginOutput = Schema.Union(Object.values(outputCases)).annotate({ identifier: "PluginOutput" })
export type PluginOutput = typeof PluginOutput.Type
const outputTags = Object.keys(outputCases)
const decodeOutputCase = Object.fromEntries(Object.entries(outputCases).map(([tag, schema]) => [tag, decodeInput(schema, "plugin action output")]))

/**
 * An action's outputs checked one by one, each by the member its `_tag` names, so that a mistake
 * is reported at its path (`/0/flag: Missing key`) rather than as "not any of the six".
 */
const decodeOutputs = (outputs: unknown): Result.Result<ReadonlyArray<PluginOutput>, string> => {
  if (!Array.isArray(outputs)) return Result.fail("/: expected a list of outputs")
  const decoded: Array<PluginOutput> = []
  const problems: Array<string> = []
  outputs.forEach((output: unknown, i) => {
    const tag = output !== null && typeof output === "object" && "_tag" in output ? output._tag : undefined
    const decode = typeof tag === "string" && Object.hasOwn(decodeOutputCase, tag) ? decodeOutputCase[tag] : undefined
    if (decode === undefined) {
      problems.push(`/${i}/_tag: expected one of ${outputTags.map((t) => `"${t}"`).join(", ")}`)
      return
    }
    const one = decode(output)
    if (Result.isFailure(one)) problems.push(...one.failure.problems.map((p) => `/${i}${p.path === "/" ? "" : p.path}: ${p.message}`))
    else decoded.push(one.success)
  })
  return problems.length === 0 ? Result.succeed(decoded) : Result.fail(problems.join("; "))
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

const described = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

export const pluginFailed = (plugin: Plugin, kind: PluginFailed["kind"], name: string, zh: string, en: string): PluginFailed =>
  new PluginFailed({ plugin: plugin.name, kind, name, message: `插件 ${plugin.name}@${plugin.version} 的${kindZh[kind]} "${name}" ${zh}。(Plugin ${plugin.name}@${plugin.version}'s ${kind} "${name}" ${en}.)` })
const kindZh: Readonly<Record<PluginFailed["kind"], string>> = { operator: "运算符", decorator: "修饰符", fact: "事实", action: "动作" }

/** Two plugins (or a plugin and minyi) that name the same operator, decorator, fact or action. */
export class PluginConflict extends Schema.TaggedError<PluginConflict>()("PluginConflict", {
  kind: Schema.Literals(["plugin", "operator", "decorator", "fact", "action"]),
  name: Schema.String,
  first: Schema.String,
  second: Schema.String,
  message: Schema.String
}) {}

export interface PluginDecoratorEntry {
  readonly plugin: Plugin
  readonly zh: string
  readonly en: string
  readonly wrap: (next: OperatorTest) => OperatorTest
}

/** What a pack can use from its plugins, by name, each with the plugin it comes from. */
export interface PluginSet {
  readonly plugins: ReadonlyArray<Plugin>
  readonly operators: ReadonlyMap<string, { readonly plugin: Plugin; readonly definition: OperatorDefinition }>
  readonly decorators: ReadonlyMap<string, PluginDecoratorEntry>
  readonly facts: ReadonlyMap<string, { readonly plugin: Plugin; readonly fact: PluginFact }>
  readonly actions: ReadonlyMap<string, { readonly plugin: Plugin; readonly action: PluginAction }>
  /** Decorated operator names already built, per set (the built-ins keep their own). */
  readonly decorated: Map<string, OperatorDefinition>
}

export const noPlugins: PluginSet = Object.freeze({
  plugins: [],
  operators: new Map(),
  decorators: new Map(),
  facts: new Map(),
  actions: new Map(),
  decorated: new Map()
})

// Names minyi's own actions take; a plugin action may not reuse them.
// "plugin" is how a loaded pack marks a plugin's action, so no plugin may call one that.
const builtInActions = ["route", "notify", "escalate", "whistle", "flag", "setPriority", "requireVisit", "plugin"]

/** The operator a plugin adds, guarded: a throw or a non-boolean answer becomes a `PluginFailed`. */
const guardedOperator = (plugin: Plugin, name: string, o: PluginOperator): OperatorDefinition => ({
  name,
  standard: false,
  value: "any",
  zh: o.zh ?? name,
  en: o.en ?? name,
  plugin: plugin.name,
  ...(o.value === undefined ? {} : { valueSchema: o.value }),
  test: (a, b) => {
    let held: unknown
    try {
      held = o.test(a, b)
    } catch (cause) {
      throw pluginFailed(plugin, "operator", name, `出错：${described(cause)}`, `threw: ${described(cause)}`)
    }
    if (typeof held !== "boolean") throw pluginFailed(plugin, "operator", name, `返回了 ${typeof held}，而非 true/false`, `returned ${typeof held}, not true or false`)
    return held
  }
})

/** A decorator around the operator after it, guarded like a plugin operator. */
const guardedDecorator = (plugin: Plugin, name: string, d: PluginDecorator) => (next: OperatorTest): OperatorTest => (a, b) => {
  let held: unknown
  try {
    held = d.test(a, b, next)
  } catch (cause) {
    // The operator it wraps may be the one that failed: keep that failure as it is.
    if (cause instanceof PluginFailed) throw cause
    throw pluginFailed(plugin, "decorator", name, `出错：${described(cause)}`, `threw: ${described(cause)}`)
  }
  if (typeof held !== "boolean") throw pluginFailed(plugin, "decorator", name, `返回了 ${typeof held}，而非 true/false`, `returned ${typeof held}, not true or false`)
  return held
}

/**
 * The plugins a pack may use, checked: no two plugins of one name, and no operator, decorator,
 * fact or action that a built-in or another plugin already has (the error names both).
 */
export const pluginSet = (plugins: ReadonlyArray<Plugin>): Result.Result<PluginSet, PluginConflict> => {
  const byName = new Map<string, Plugin>()
  const operators = new Map<string, { readonly plugin: Plugin; readonly definition: OperatorDefinition }>()
  const decorators = new Map<string, PluginDecoratorEntry>()
  const facts = new Map<string, { readonly plugin: Plugin; readonly fact: PluginFact }>()
  const actions = new Map<string, { readonly plugin: Plugin; readonly action: PluginAction }>()
  const label = (p: Plugin) => `plugin ${p.name}@${p.version}`
  const conflict = (kind: PluginConflict["kind"], name: string, first: string, second: string) =>
    new PluginConflict({
      kind, name, first, second,
      message: `${second} 与 ${first} 都定义了${kind === "plugin" ? "插件" : kindZh[kind]} "${name}"；插件不能覆盖内置项或彼此覆盖。(${second} and ${first} both define the ${kind} "${name}"; plugins cannot shadow built-ins or each other.)`
    })
  const add = <E extends { readonly plugin: Plugin }>(
    kind: PluginFailed["kind"],
    plugin: Plugin,
    names: ReadonlyArray<string>,
    builtIns: ReadonlyArray<string>,
    into: Map<string, E>,
    make: (name: string) => E
  ): PluginConflict | undefined => {
    for (const name of names) {
      if (builtIns.includes(name)) return conflict(kind, name, "minyi (built-in)", label(plugin))
      const other = into.get(name)
      if (other !== undefined) return conflict(kind, name, label(other.plugin), label(plugin))
      into.set(name, make(name))
    }
    return undefined
  }
  for (const plugin of plugins) {
    const seen = byName.get(plugin.name)
    if (seen !== undefined) return Result.fail(conflict("plugin", plugin.name, label(seen), label(plugin)))
    byName.set(plugin.name, plugin)
    const failure =
      add("operator", plugin, Object.keys(plugin.operators), operatorNames, operators, (name) => ({ plugin, definition: guardedOperator(plugin, name, plugin.operators[name]!) })) ??
      add("decorator", plugin, Object.keys(plugin.decorators), decoratorNames, decorators, (name) => {
        const d = plugin.decorators[name]!
        return { plugin, zh: d.zh ?? name, en: d.en ?? name, wrap: guardedDecorator(plugin, name, d) }
      }) ??
      add("fact", plugin, Object.keys(plugin.facts), Object.keys(factCatalogue), facts, (name) => ({ plugin, fact: plugin.facts[name]! })) ??
      add("action", plugin, Object.keys(plugin.actions), builtInActions, actions, (name) => ({ plugin, action: plugin.actions[name]! }))
    if (failure !== undefined) return Result.fail(failure)
  }
  return Result.succeed(Object.freeze({ plugins: Object.freeze([...plugins]), operators, decorators, facts, actions, decorated: new Map() }))
}

/**
 * The facts of one evaluation together with the directory, which plugin facts and actions need.
 * Built only for packs that use plugins, so that packs without them evaluate the plain facts.
 */
export class EvaluationFacts implements RuleFacts, PluginInput {
  readonly petition: PetitionFacts
  readonly clocks: Readonly<Record<string, ClockFacts>>
  readonly trigger: TriggerFacts
  readonly now: Instant
  readonly directory: Directory
  /**
   * Plugin fact values computed in this evaluation, by fact and params: json-rules-engine's
   * almanac computes a fact once per run, and a fact several rules read should cost one call.
   */
  readonly computed = new Map<string, unknown>()
  constructor(facts: RuleFacts, directory: Directory) {
    this.petition = facts.petition
    this.clocks = facts.clocks
    this.trigger = facts.trigger
    this.now = facts.now
    this.directory = directory
  }
}

const hasOwn = Object.prototype.hasOwnProperty

/**
 * How a compiled condition reads a plugin fact: computed from the evaluation's facts (with the
 * condition's params), or, where the facts were given as data (`minyi rules explain` on a JSON
 * file, tests), read as given. The value must be what the fact declares.
 */
export const pluginFactReader = (name: string, plugin: Plugin, fact: PluginFact, params: unknown): ((facts: object) => unknown) => {
  const prepared = fact.prepare(params ?? {})
  const isValue = Schema.is(fact.value)
  const key = `${name}\u0000${JSON.stringify(params ?? {})}`
  return (facts) => {
    if (!(facts instanceof EvaluationFacts)) return hasOwn.call(facts, name) ? Reflect.get(facts, name) : undefined
    if (facts.computed.has(key)) return facts.computed.get(key)
    if (Result.isFailure(prepared)) throw pluginFailed(plugin, "fact", name, `的参数无效：${prepared.failure.message}`, `has invalid params: ${prepared.failure.message}`)
    let value: unknown
    try {
      value = prepared.success(facts)
    } catch (cause) {
      throw pluginFailed(plugin, "fact", name, `出错：${described(cause)}`, `threw: ${described(cause)}`)
    }
    if (!isValue(value)) throw pluginFailed(plugin, "fact", name, `返回了不符合声明的值 ${JSON.stringify(value) ?? String(value)}`, `returned ${JSON.stringify(value) ?? String(value)}, which is not the value it declares`)
    facts.computed.set(key, value)
    return value
  }
}

/** A plugin action carried out for one petition: its outputs checked against `PluginOutput`. */
export const performAction = (
  plugin: Plugin,
  name: string,
  perform: (input: PluginInput) => unknown,
  input: PluginInput
): Result.Result<ReadonlyArray<PluginOutput>, PluginFailed> => {
  let outputs: unknown
  try {
    outputs = perform(input)
  } catch (cause) {
    return Result.fail(pluginFailed(plugin, "action", name, `出错：${described(cause)}`, `threw: ${described(cause)}`))
  }
  const decoded = decodeOutputs(outputs)
  return Result.isFailure(decoded)
    ? Result.fail(pluginFailed(plugin, "action", name, `返回了无效的结果：${decoded.failure}`, `returned an invalid result: ${decoded.failure}`))
    : Result.succeed(decoded.success)
}
