import { readFile } from "node:fs/promises"
import type { InputProblem } from "@minyi/core"
import { describeError, describeProblem, Messages } from "@minyi/core"

/** The language staff read CLI messages in: Simplified Chinese first, English on request. */
export type Lang = "zh-CN" | "en"

/** What a command may touch. Tests pass their own to capture output. */
export interface CliIO {
  readonly lang: Lang
  /**
   * The language(s) errors from minyi are printed in; the binary sets it from `--lang` (both,
   * Chinese then English, when not given). Unset, errors are printed as they were worded.
   */
  readonly messages?: Messages.MessageLang
  readonly out: (line: string) => void
  readonly err: (line: string) => void
  readonly readText: (path: string) => Promise<string>
  readonly cwd: string
}

/** Picks the message for the reader's language. */
export const say = (io: Pick<CliIO, "lang">, zh: string, en: string): string => (io.lang === "en" ? en : zh)

/** A minyi error (refusal, invalid input, store or calendar error…) in the reader's language(s). */
export const errorText = (io: Pick<CliIO, "messages">, error: unknown): string =>
  io.messages === undefined && typeof error === "object" && error !== null && "message" in error && typeof error.message === "string"
    ? error.message
    : describeError(error, { lang: io.messages })

/** One located input problem (`/path: text`) in the reader's language(s). */
export const problemText = (io: Pick<CliIO, "messages">, problem: InputProblem): string =>
  io.messages === undefined ? `${problem.path}: ${problem.message}` : describeProblem(problem, io.messages)

export const nodeIO = (lang: Lang, messages?: Messages.MessageLang): CliIO => ({
  lang,
  ...(messages === undefined ? {} : { messages }),
  out: (line) => process.stdout.write(line + "\n"),
  err: (line) => process.stderr.write(line + "\n"),
  readText: (path) => readFile(path, "utf8"),
  cwd: process.cwd()
})

/** A command group: `minyi <group> ...args`. Resolves to the process exit code. */
export type Command = (args: ReadonlyArray<string>, io: CliIO) => Promise<number>

/** A usage error: wrong or missing arguments. Exit code 2, like most Unix tools. */
export const usage = (io: CliIO, zh: string, en: string): number => {
  io.err(say(io, zh, en))
  return 2
}
