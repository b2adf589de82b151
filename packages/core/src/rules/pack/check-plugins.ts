/**
 * The pack's `"plugins"`: each plugin it names must be given, in a version its range allows. The
 * plugins it may use are those; a plugin given but not named stays out of its rules, so a pack
 * version always runs with the plugins it says it needs.
 */
import { Result } from "effect"
import type { PluginSet } from "../plugin-set.js"
import { noPlugins, pluginSet } from "../plugin-set.js"
import type { Plugin } from "../plugins.js"
import { satisfies } from "../semver.js"
import { didYouMean } from "../suggest.js"
import type { PackProblem } from "./messages.js"
import { pointerKey, say } from "./messages.js"
import { keysOf, record } from "./raw.js"

export interface PluginCheck {
  /** The plugins the pack names and was given in a fitting version. */
  readonly plugins: PluginSet
  /** Every plugin given. */
  readonly given: PluginSet
  /** The plugins the pack names that were not given, or not in a fitting version. */
  readonly missing: ReadonlyArray<string>
}

export const checkPlugins = (problems: Array<PackProblem>, input: unknown, given: ReadonlyArray<Plugin>): PluginCheck => {
  const all = pluginSet(given)
  if (Result.isFailure(all)) {
    problems.push({ path: "/plugins", message: all.failure.message })
    return { plugins: noPlugins, given: noPlugins, missing: [] }
  }
  const required = record(input, "plugins")
  const names = given.map((p) => p.name)
  const used: Array<Plugin> = []
  const missing: Array<string> = []
  for (const name of keysOf(required)) {
    const range = record(required, name)
    const at = `/plugins/${pointerKey(name)}`
    if (typeof range !== "string") continue // the shape decode reports it
    const plugin = given.find((p) => p.name === name)
    if (plugin === undefined || satisfies(plugin.version, range) !== true) missing.push(name)
    if (plugin === undefined) {
      problems.push({
        path: at,
        ...say(
          `规则包需要插件 "${name}"（${range}），但未提供该插件${names.length === 0 ? "（未提供任何插件）" : didYouMean(name, names, "zh-CN")}`,
          `the pack needs plugin "${name}" (${range}), which was not given${names.length === 0 ? " (no plugins were given)" : didYouMean(name, names)}`
        )
      })
      continue
    }
    const fits = satisfies(plugin.version, range)
    if (fits === undefined) {
      problems.push({ path: at, ...say(`"${range}" 不是版本范围（例如 ^1.2.0、~1.2.0、>=1.2.0 <2）`, `"${range}" is not a version range such as ^1.2.0, ~1.2.0 or >=1.2.0 <2`) })
    } else if (!fits) {
      problems.push({
        path: at,
        ...say(`规则包需要插件 ${name} ${range}，提供的是 ${plugin.version}`, `the pack needs plugin ${name} ${range}, but version ${plugin.version} was given`)
      })
    } else {
      used.push(plugin)
    }
  }
  // A subset of a conflict-free set is conflict-free.
  const plugins = pluginSet(used)
  return { plugins: Result.isSuccess(plugins) ? plugins.success : noPlugins, given: all.success, missing }
}
