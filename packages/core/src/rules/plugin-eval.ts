/**
 * Plugins during rule evaluation: the facts of one evaluation with the directory, a plugin fact
 * read by a compiled condition (computed once per evaluation), and a plugin action carried out.
 */
import { Result, Schema } from "effect"
import type { Directory } from "../directory/directory.js"
import type { Instant } from "../shared/instant.js"
import type { ClockFacts, PetitionFacts, RuleFacts, TriggerFacts } from "./facts.js"
import type { PluginOutput } from "./plugin-output.js"
import { decodeOutputs } from "./plugin-output.js"
import type { Plugin, PluginFact, PluginFailed, PluginInput } from "./plugins.js"
import { describeCause, pluginFailed } from "./plugins.js"

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
      throw pluginFailed(plugin, "fact", name, `出错：${describeCause(cause)}`, `threw: ${describeCause(cause)}`)
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
    return Result.fail(pluginFailed(plugin, "action", name, `出错：${describeCause(cause)}`, `threw: ${describeCause(cause)}`))
  }
  const decoded = decodeOutputs(outputs)
  return Result.isFailure(decoded)
    ? Result.fail(pluginFailed(plugin, "action", name, `返回了无效的结果：${decoded.failure}`, `returned an invalid result: ${decoded.failure}`))
    : Result.succeed(decoded.success)
}
