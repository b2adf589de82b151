/**
 * `--plugin <module>` (repeatable) for the commands that load rule packs: each module is imported
 * and its default export must be a plugin made by `definePlugin`, or a list of them.
 */
import { isAbsolute, resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { Result } from "effect"
import type { Plugin } from "@minyi/core"
import { Rules } from "@minyi/core"
import type { CliIO } from "./io.js"
import { say, usage } from "./io.js"

/** The arguments without their `--plugin` options, and the modules those name; a message when one has no value. */
export const takePlugins = (io: CliIO, args: ReadonlyArray<string>): Result.Result<{ readonly args: Array<string>; readonly modules: Array<string> }, string> => {
  const rest: Array<string> = []
  const modules: Array<string> = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a.startsWith("--plugin=")) modules.push(a.slice("--plugin=".length))
    else if (a === "--plugin") {
      const next = args[i + 1]
      if (next === undefined || next.startsWith("--")) return Result.fail(say(io, '选项 "--plugin" 缺少模块路径', 'the option "--plugin" needs a module path'))
      modules.push(next)
      i++
    } else rest.push(a)
  }
  return Result.succeed({ args: rest, modules })
}

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
      io.err(`${module}: ${say(io, "无法加载插件模块：", "cannot load the plugin module: ")}${e instanceof Error ? e.message : String(e)}`)
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

/**
 * Takes the `--plugin` options off the arguments and imports them. When that fails the message is
 * printed (a missing value as a usage error with the command's help) and the exit code is given.
 */
export const withPlugins = async (
  io: CliIO,
  args: ReadonlyArray<string>,
  help: string
): Promise<Result.Result<{ readonly args: Array<string>; readonly plugins: ReadonlyArray<Plugin> }, number>> => {
  const taken = takePlugins(io, args)
  if (Result.isFailure(taken)) return Result.fail(usage(io, `${taken.failure}。\n${help}`, `${taken.failure}.\n${help}`))
  const plugins = await importPlugins(io, taken.success.modules)
  if (Result.isFailure(plugins)) return Result.fail(plugins.failure)
  return Result.succeed({ args: taken.success.args, plugins: plugins.success })
}
