/** What `minyi simulate` and `minyi scenario test` share: reading the scenario and the step outcomes. */
import { isAbsolute, resolve } from "node:path"
import { Result } from "effect"
import type { CliIO } from "../io.js"
import { errorText, problemText, say } from "../io.js"
import type { Scenario } from "./load.js"
import { loadScenarioFile } from "./load.js"
import type { Instant, Plugin } from "@minyi/core"
import type { SimulationReport, StepReport } from "./runner.js"
import { runScenario, SimulationFailed, SimulationStuck } from "./runner.js"

/** Loads the scenario; on bad input prints one line per problem (`<file>: /json/path: message`) and gives exit code 1. */
export const loadForCli = async (io: CliIO, file: string, plugins: ReadonlyArray<Plugin> = []): Promise<Result.Result<Scenario, number>> => {
  const path = isAbsolute(file) ? file : resolve(io.cwd, file)
  const loaded = await loadScenarioFile({ file: path, readText: io.readText, lang: io.lang, plugins })
  if (Result.isSuccess(loaded)) return Result.succeed(loaded.success)
  for (const p of loaded.failure.problems) io.err(`${file}: ${problemText(io, p)}`)
  return Result.fail(1)
}

/**
 * Runs a loaded scenario; when the story cannot go on (a timer firing failed, the clock stuck)
 * prints `<file>: <message>` and gives exit code 1 instead of a stack trace.
 */
export const runForCli = async (
  io: CliIO,
  file: string,
  scenario: Scenario,
  options: { readonly until?: Instant } = {}
): Promise<Result.Result<SimulationReport, number>> => {
  try {
    return Result.succeed(await runScenario(scenario, options))
  } catch (error) {
    if (!(error instanceof SimulationFailed || error instanceof SimulationStuck)) throw error
    io.err(`${file}: ${errorText(io, error)}`)
    return Result.fail(1)
  }
}

/** A refused (or failed) command, in a clerk's words. */
export const describeFailure = (io: CliIO, step: StepReport): string => {
  const why = step.failure === undefined ? "" : errorText(io, step.failure)
  return say(
    io,
    `第 ${step.step + 1} 步（${step.at}，${step.command} ${step.petitionId}）未执行：${step.failure?._tag}：${why}`,
    `step ${step.step + 1} (${step.at}, ${step.command} ${step.petitionId}) was refused: ${step.failure?._tag}: ${why}`
  )
}

/** `<file> --key value` arguments; undefined when a flag lacks its value. */
export const splitArgs = (
  args: ReadonlyArray<string>
): { readonly files: Array<string>; readonly flags: Record<string, string> } | undefined => {
  const files: Array<string> = []
  const flags: Record<string, string> = {}
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (!a.startsWith("--")) files.push(a)
    else if (a.includes("=")) flags[a.slice(2, a.indexOf("="))] = a.slice(a.indexOf("=") + 1)
    else if (i + 1 < args.length) flags[a.slice(2)] = args[++i]!
    else return undefined
  }
  return { files, flags }
}

/**
 * What is wrong with a command line, in words that name the culprit (a missing value, an unknown
 * option, the files expected), or undefined when it is fine.
 */
export const argsProblem = (
  io: CliIO,
  command: string,
  args: ReadonlyArray<string>,
  options: { readonly allowed: ReadonlyArray<string>; readonly files: "one" | "some" }
): string | undefined => {
  const last = args[args.length - 1]
  const parsed = splitArgs(args)
  if (parsed === undefined) {
    return say(io, `${command}：选项 "${last}" 缺少取值`, `${command}: the option "${last}" needs a value`)
  }
  const unknown = Object.keys(parsed.flags).find((f) => !options.allowed.includes(f))
  if (unknown !== undefined) {
    const known = options.allowed.map((f) => `--${f}`).join(", ") || say(io, "无", "none")
    return say(io, `${command} 没有选项 "--${unknown}"（可用：${known}）`, `${command} has no option "--${unknown}" (it takes: ${known})`)
  }
  if (options.files === "one" && parsed.files.length !== 1) {
    return parsed.files.length === 0
      ? say(io, `${command}：请给出一个情景文件`, `${command}: give one scenario file`)
      : say(io, `${command} 一次只运行一个情景文件，收到 ${parsed.files.length} 个`, `${command} runs one scenario file at a time; got ${parsed.files.length}`)
  }
  if (parsed.files.length === 0) return say(io, `${command}：请给出至少一个情景文件`, `${command}: give at least one scenario file`)
  return undefined
}
