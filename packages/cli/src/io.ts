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

const bilingual = (zh: string, en: string): string =>
  zh === en ? zh : zh.includes("\n") || en.includes("\n") ? `${zh}\n${en}` : `${zh} (${en})`

/**
 * The message in the reader's language(s): with `messages` set (the binary's `--lang`), `zh` or
 * `en` alone, or both — `中文 (English)` on one line as minyi's errors are rendered, or for a text
 * of several lines (help) the Chinese lines then the English ones. Without `messages`, `lang` picks one.
 */
export const say = (io: Pick<CliIO, "lang" | "messages">, zh: string, en: string): string =>
  io.messages === "zh" ? zh
  : io.messages === "en" ? en
  : io.messages === "both" ? bilingual(zh, en)
  : io.lang === "en" ? en
  : zh

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
  io.err(usageText(io, zh, en))
  return 2
}

/**
 * A usage message is a first line and, often, the command's help below it, which callers build with
 * `say` already; in both languages the help is printed once, and a first line that is already in
 * both (differing only in its closing full stop) is not said twice.
 */
const usageText = (io: CliIO, zh: string, en: string): string => {
  const [zhBreak, enBreak] = [zh.indexOf("\n"), en.indexOf("\n")]
  if (io.messages !== "both" || zhBreak < 0 || enBreak < 0 || zh.slice(zhBreak) !== en.slice(enBreak)) return say(io, zh, en)
  const [zhHead, enHead] = [zh.slice(0, zhBreak), en.slice(0, enBreak)]
  const head = zhHead.replace(/[。.]$/, "") === enHead.replace(/[。.]$/, "") ? zhHead : say(io, zhHead, enHead)
  return head + zh.slice(zhBreak)
}
