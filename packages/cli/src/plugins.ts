/**
 * `--plugin <module>` (repeatable, read by `parseArgs` like any option) for the commands that load
 * rule packs: each module is imported
 * and its default export must be a plugin made by `definePlugin`, or a list of them.
 */
import { isAbsolute, resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { Result } from "effect"
import type { Plugin } from "@minyi/core"
import { Rules } from "@minyi/core"
import type { CliIO } from "./io.js"
import { say } from "./io.js"

/**
 * Imports the modules: a path (starting with "." or "/") is taken from the working directory, any
 * other name as a package. Prints one line per module that fails and gives exit code 1.
 */
export const importPlugins = async (io: CliIO, modules: ReadonlyArray<string>): Promise<Result.Result<ReadonlyArray<Plugin>, number>> => {
  const plugins: Array<Plugin> = []
  let failed = false
  for (const module of modules) {
    const specifier = module.startsWith(".") || isAbsolute(module) ? pathToFileURL(isAbsolute(module) ? module : resolve(io.cwd, module)).href : module
    let exported: unknown
    try {
      const loaded: unknown = await import(specifier)
      exported = loaded !== null && typeof loaded === "object" && "default" in loaded ? loaded.default : undefined
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e)
      io.err(`${module}: ${say(io, `无法加载插件模块：${why}`, `cannot load the plugin module: ${why}`)}`)
      failed = true
      continue
    }
    const found = Array.isArray(exported) ? exported : [exported]
    if (found.length === 0 || !found.every(Rules.isPlugin)) {
      io.err(`${module}: ${say(io, "默认导出须为 definePlugin 定义的插件或插件数组", "its default export must be a plugin made by definePlugin, or a list of them")}`)
      failed = true
      continue
    }
    plugins.push(...found)
  }
  return failed ? Result.fail(1) : Result.succeed(plugins)
}
