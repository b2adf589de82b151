import { readFile } from "node:fs/promises"

/** The language staff read CLI messages in: Simplified Chinese first, English on request. */
export type Lang = "zh-CN" | "en"

/** What a command may touch. Tests pass their own to capture output. */
export interface CliIO {
  readonly lang: Lang
  readonly out: (line: string) => void
  readonly err: (line: string) => void
  readonly readText: (path: string) => Promise<string>
  readonly cwd: string
}

/** Picks the message for the reader's language. */
export const say = (io: Pick<CliIO, "lang">, zh: string, en: string): string => (io.lang === "en" ? en : zh)

export const nodeIO = (lang: Lang): CliIO => ({
  lang,
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
