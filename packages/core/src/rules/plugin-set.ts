/**
 * A pack's plugins put together: what it can use by name, each with the plugin it comes from. No
 * plugin may shadow minyi's names or another plugin's; operators and decorators are guarded so that
 * a throw or a non-boolean answer becomes a `PluginFailed`.
 */
import { Result, Schema } from "effect"
import { factCatalogue } from "./facts.js"
import type { OperatorDefinition } from "./operators.js"
import { decoratorNames, operatorNames } from "./operators.js"
import type { OperatorTest, Plugin, PluginAction, PluginDecorator, PluginFact, PluginOperator } from "./plugins.js"
import { describeCause, PluginFailed, pluginFailed, pluginKindZh } from "./plugins.js"

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
      throw pluginFailed(plugin, "operator", name, `出错：${describeCause(cause)}`, `threw: ${describeCause(cause)}`)
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
    throw pluginFailed(plugin, "decorator", name, `出错：${describeCause(cause)}`, `threw: ${describeCause(cause)}`)
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
      message: `${second} 与 ${first} 都定义了${kind === "plugin" ? "插件" : pluginKindZh[kind]} "${name}"；插件不能覆盖内置项或彼此覆盖。(${second} and ${first} both define the ${kind} "${name}"; plugins cannot shadow built-ins or each other.)`
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

