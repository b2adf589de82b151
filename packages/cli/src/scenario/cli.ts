/** What `minyi simulate` and `minyi scenario test` share: reading the scenario and the step outcomes. */
import { isAbsolute, resolve } from "node:path"
import { Result } from "effect"
import type { CliIO } from "../io.js"
import { say } from "../io.js"
import type { Scenario } from "./load.js"
import { loadScenarioFile } from "./load.js"
import type { StepReport } from "./runner.js"

/** Loads the scenario; on bad input prints one line per problem (`<file>: /json/path: message`) and gives exit code 1. */
export const loadForCli = async (io: CliIO, file: string): Promise<Result.Result<Scenario, number>> => {
  const path = isAbsolute(file) ? file : resolve(io.cwd, file)
  const loaded = await loadScenarioFile({ file: path, readText: io.readText, lang: io.lang })
  if (Result.isSuccess(loaded)) return Result.succeed(loaded.success)
  for (const p of loaded.failure.problems) io.err(`${file}: ${p.path}: ${p.message}`)
  return Result.fail(1)
}

/** A refused (or failed) command, in a clerk's words. */
export const describeFailure = (io: CliIO, step: StepReport): string =>
  say(
    io,
    `第 ${step.step + 1} 步（${step.at}，${step.command} ${step.petitionId}）未执行：${step.failure?._tag}：${step.failure?.message}`,
    `step ${step.step + 1} (${step.at}, ${step.command} ${step.petitionId}) was refused: ${step.failure?._tag}: ${step.failure?.message}`
  )

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
