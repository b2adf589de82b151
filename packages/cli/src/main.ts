import { readFileSync } from "node:fs"
import { Messages, Rules } from "@minyi/core"
import type { CliIO, Command, Lang } from "./io.js"
import { say } from "./io.js"

/** The command groups. Each module owns its own sub-commands and help. */
const groups: Record<string, { readonly load: () => Promise<Command>; readonly zh: string; readonly en: string }> = {}

/** Registers a command group; used by the modules listed in `commands/index.ts`. */
export const registerGroup = (
  name: string,
  load: () => Promise<Command>,
  zh: string,
  en: string
): void => {
  groups[name] = { load, zh, en }
}

const help = (io: CliIO): string =>
  [
    say(io, "用法: minyi <命令> [参数]   (加 --lang en 显示英文)", "Usage: minyi <command> [args]   (--lang zh-CN for Chinese)"),
    "",
    ...Object.entries(groups).map(([name, g]) => `  ${name.padEnd(10)} ${say(io, g.zh, g.en)}`),
    "",
    say(io, "每个命令都可加 --help 查看用法与示例；--version 显示版本。", "Every command takes --help for its usage and examples; --version prints the version."),
    say(io, "退出码：0 成功，1 检查未通过，2 用法错误。", "Exit codes: 0 success, 1 a check failed, 2 a usage error.")
  ].join("\n")

/** Pulls `--lang` out of argv; otherwise MINYI_LANG, otherwise Chinese. */
export const pickLang = (argv: ReadonlyArray<string>, env: Record<string, string | undefined>): [Lang, Array<string>] => {
  const rest: Array<string> = []
  let lang: Lang = env["MINYI_LANG"]?.startsWith("en") ? "en" : "zh-CN"
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === "--lang" && i + 1 < argv.length) {
      lang = argv[++i]!.startsWith("en") ? "en" : "zh-CN"
    } else if (a.startsWith("--lang=")) {
      lang = a.slice(7).startsWith("en") ? "en" : "zh-CN"
    } else {
      rest.push(a)
    }
  }
  return [lang, rest]
}

/**
 * The language(s) errors are printed in: `--lang en` English only, `--lang zh` (or `zh-CN`)
 * Chinese only; without `--lang`, MINYI_LANG the same way; otherwise both, Chinese first.
 */
export const pickMessageLang = (argv: ReadonlyArray<string>, env: Record<string, string | undefined>): Messages.MessageLang => {
  let lang: Messages.MessageLang = env["MINYI_LANG"] === undefined ? "both" : Messages.parseMessageLang(env["MINYI_LANG"])
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === "--lang" && i + 1 < argv.length) lang = Messages.parseMessageLang(argv[++i])
    else if (a.startsWith("--lang=")) lang = Messages.parseMessageLang(a.slice(7))
  }
  return lang
}

/** The CLI package's version, from its package.json (one folder up from both src/ and dist/). */
export const cliVersion = (): string => {
  const manifest: unknown = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))
  return typeof manifest === "object" && manifest !== null && "version" in manifest && typeof manifest.version === "string" ? manifest.version : "unknown"
}

/** Runs the CLI with already-split arguments; resolves to the exit code. */
export const runCli = async (args: ReadonlyArray<string>, io: CliIO): Promise<number> => {
  const [name, ...rest] = args
  if (name === "--version" || name === "-V" || name === "version") {
    io.out(`minyi ${cliVersion()}`)
    return 0
  }
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    io.out(help(io))
    return name === undefined ? 2 : 0
  }
  const group = groups[name]
  if (group === undefined) {
    const near = Rules.closest(name.replace(/^-+/, ""), Object.keys(groups))
    const [zhHint, enHint] = near === undefined ? ["", ""] : [`是不是 "${near}"？`, ` Did you mean "${near}"?`]
    io.err(say(io, `未知命令 "${name}"。${zhHint}`, `Unknown command "${name}".${enHint}`))
    io.err(help(io))
    return 2
  }
  const command = await group.load()
  return command(rest, io)
}
