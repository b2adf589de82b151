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
  // `why` is already in the reader's language(s); the frame around it is said once.
  return say(
    { lang: io.messages === "en" ? "en" : io.messages === "zh" ? "zh-CN" : io.lang },
    `第 ${step.step + 1} 步（${step.at}，${step.command} ${step.petitionId}）未执行：${step.failure?._tag}：${why}`,
    `step ${step.step + 1} (${step.at}, ${step.command} ${step.petitionId}) was refused: ${step.failure?._tag}: ${why}`
  )
}
