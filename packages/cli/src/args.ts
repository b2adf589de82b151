/**
 * One reading of command lines for every command, so that options, help and exit codes behave
 * the same everywhere: `--key value` or `--key=value`, bare switches, `--help`/`-h` anywhere.
 */
import { Rules } from "@minyi/core"
import { Result } from "effect"
import type { CliIO } from "./io.js"
import { say, usage } from "./io.js"

export interface ArgSpec {
  /** Options that take a value. */
  readonly options: ReadonlyArray<string>
  /** Options that take no value. */
  readonly switches?: ReadonlyArray<string>
  /** How many file (or other positional) arguments: none, exactly one, at least one, or any number. */
  readonly positional: "none" | "one" | "some" | "any"
  /** What the positional arguments are, for the message when they are missing: [zh, en]. */
  readonly positionalName?: readonly [string, string]
}

export interface ParsedArgs {
  readonly files: ReadonlyArray<string>
  readonly flags: Readonly<Record<string, string>>
  /** Every value each option was given, in order, for the options that may be repeated (`--plugin a --plugin b`). */
  readonly lists: Readonly<Record<string, ReadonlyArray<string>>>
}

/** `--help` or `-h` anywhere on the line asks for help instead of running anything. */
export const wantsHelp = (args: ReadonlyArray<string>): boolean => args.some((a) => a === "--help" || a === "-h")

/**
 * A command group's line: its sub-command and the rest, or — when the line asks for help — the
 * exit code after printing the help: 2 with no sub-command (nothing was run), 0 for `help` or
 * `--help`/`-h` anywhere.
 */
export const subCommandOf = (
  io: CliIO,
  args: ReadonlyArray<string>,
  help: () => string
): { readonly sub: string; readonly rest: ReadonlyArray<string> } | number => {
  const [sub, ...rest] = args
  if (sub !== undefined && sub !== "help" && !wantsHelp(args)) return { sub, rest }
  io.out(help())
  return sub === undefined ? 2 : 0
}

/** A sub-command the group does not have: a usage error naming it, the nearest known one and all of them. */
export const unknownSubCommand = (io: CliIO, sub: string, known: ReadonlyArray<string>, help: string): number => {
  const near = Rules.closest(sub, known)
  const [zhHint, enHint] = near === undefined ? ["", ""] : [`，是不是 "${near}"？`, `; did you mean "${near}"?`]
  return usage(io, `未知的子命令 "${sub}"${zhHint}（可用：${known.join("、")}）。\n${help}`, `Unknown sub-command "${sub}"${enHint} (it has: ${known.join(", ")}).\n${help}`)
}

/**
 * Reads the command line against what the command takes. A misspelt option is never ignored
 * (`--directry org.json` would otherwise validate against the wrong directory): it is a usage
 * error naming the option, with the nearest known one.
 */
export const parseArgs = (io: CliIO, command: string, args: ReadonlyArray<string>, spec: ArgSpec): Result.Result<ParsedArgs, string> => {
  const switches = spec.switches ?? []
  const known = [...spec.options, ...switches]
  const files: Array<string> = []
  const flags: Record<string, string> = {}
  const lists: Record<string, Array<string>> = {}
  const put = (key: string, value: string): void => {
    flags[key] = value
    ;(lists[key] ??= []).push(value)
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (!a.startsWith("--") || a === "--") {
      files.push(a)
      continue
    }
    const eq = a.indexOf("=")
    const key = eq > 0 ? a.slice(2, eq) : a.slice(2)
    if (!known.includes(key)) {
      const near = Rules.closest(key, known)
      const list = known.map((k) => `--${k}`).join(", ") || say(io, "无", "none")
      return Result.fail(
        near === undefined
          ? say(io, `${command} 没有选项 "--${key}"（可用：${list}）`, `${command} has no option "--${key}" (it takes: ${list})`)
          : say(io, `${command} 没有选项 "--${key}"，是不是 "--${near}"？（可用：${list}）`, `${command} has no option "--${key}"; did you mean "--${near}"? (it takes: ${list})`)
      )
    }
    if (switches.includes(key)) {
      if (eq > 0) return Result.fail(say(io, `${command}：--${key} 不带取值`, `${command}: --${key} takes no value`))
      flags[key] = "true"
    } else if (eq > 0) put(key, a.slice(eq + 1))
    else if (i + 1 < args.length && !args[i + 1]!.startsWith("--")) put(key, args[++i]!)
    else return Result.fail(say(io, `${command}：选项 "--${key}" 缺少取值`, `${command}: the option "--${key}" needs a value`))
  }
  const [zhName, enName] = spec.positionalName ?? ["文件", "file"]
  if (spec.positional === "none" && files.length > 0) {
    return Result.fail(say(io, `${command} 不接受参数 "${files[0]}"`, `${command} takes no argument "${files[0]}"`))
  }
  if (spec.positional === "one" && files.length !== 1) {
    return Result.fail(
      files.length === 0
        ? say(io, `${command}：请给出一个${zhName}`, `${command}: give one ${enName}`)
        : say(io, `${command} 只接受一个${zhName}，收到 ${files.length} 个`, `${command} takes one ${enName}; got ${files.length}`)
    )
  }
  if (spec.positional === "some" && files.length === 0) {
    return Result.fail(say(io, `${command}：请给出至少一个${zhName}`, `${command}: give at least one ${enName}`))
  }
  return Result.succeed({ files, flags, lists })
}
