import { isAbsolute, resolve } from "node:path"
import { Result } from "effect"
import type { InputProblem, Plugin } from "@minyi/core"
import { decodeInput, loadDirectory, loadRulePack, sampleDirectory, Directory, Rules } from "@minyi/core"
import type { CliIO, Command } from "../io.js"
import { say, usage } from "../io.js"
import { withPlugins } from "../plugins.js"
import { splitArgs } from "../scenario/cli.js"

const help = (io: CliIO): string =>
  say(
    io,
    [
      "用法:",
      "  minyi rules validate <规则包.json>... [--directory <机构目录.json>] [--plugin <模块>]...",
      "  minyi rules schema [--plugin <模块>]...",
      "  minyi rules explain --pack <规则包.json> --petition <事实.json> [--directory <机构目录.json>] [--plugin <模块>]...",
      "",
      "validate: 每个文件无误时输出“<文件>: ok”；有问题时每个问题一行“<文件>: /JSON路径: 说明”，退出码 1。",
      "schema:   输出规则包的 JSON Schema，供编辑器通过 \"$schema\" 补全和提示错误。",
      "explain:  事实文件为 { \"petition\", \"clocks\", \"trigger\", \"now\" }（见 docs/rule-packs.md），显示哪些规则触发及原因。",
      "默认使用 @minyi/core 的福田示例机构目录；--directory 可换成别的目录文件。",
      "--plugin 加载规则插件模块（默认导出为 definePlugin 定义的插件或插件数组），可重复；规则包在 \"plugins\" 中列出所需插件。"
    ].join("\n"),
    [
      "Usage:",
      "  minyi rules validate <pack.json>... [--directory <directory.json>] [--plugin <module>]...",
      "  minyi rules schema [--plugin <module>]...",
      "  minyi rules explain --pack <pack.json> --petition <facts.json> [--directory <directory.json>] [--plugin <module>]...",
      "",
      "validate: prints \"<file>: ok\" for each valid file; otherwise one line per problem, \"<file>: /json/path: message\", and exits 1.",
      "schema:   prints the rule pack's JSON Schema, for editors (\"$schema\" gives completion and inline errors).",
      "explain:  the facts file is { \"petition\", \"clocks\", \"trigger\", \"now\" } (see docs/rule-packs.md); shows which rules fire and why.",
      "The sample Futian directory of @minyi/core is used unless --directory names another.",
      "--plugin loads a rule plugin module (default export: a plugin made by definePlugin, or a list of them); repeatable. A pack lists the plugins it needs in \"plugins\"."
    ].join("\n")
  )

type Read = Result.Result<unknown, string>

const readJson = async (io: CliIO, file: string): Promise<Read> => {
  const path = isAbsolute(file) ? file : resolve(io.cwd, file)
  let text: string
  try {
    text = await io.readText(path)
  } catch (e) {
    return Result.fail(say(io, `无法读取文件：${e instanceof Error ? e.message : String(e)}`, `cannot read the file: ${e instanceof Error ? e.message : String(e)}`))
  }
  try {
    return Result.succeed(JSON.parse(text))
  } catch (e) {
    return Result.fail(say(io, `不是有效的 JSON：${e instanceof Error ? e.message : String(e)}`, `not valid JSON: ${e instanceof Error ? e.message : String(e)}`))
  }
}

/** Chinese where minyi wrote the message in Chinese too; schema-level messages are English only. */
const problemLines = (io: CliIO, file: string, problems: ReadonlyArray<InputProblem & { readonly zh?: string }>, label = ""): Array<string> =>
  problems.map((p) => `${file}: ${p.path}: ${label}${io.lang === "zh-CN" && p.zh !== undefined ? p.zh : p.message}`)

const loadDirectoryFlag = async (io: CliIO, file: string | undefined): Promise<Result.Result<Directory.Directory, number>> => {
  if (file === undefined) return Result.succeed(sampleDirectory())
  const json = await readJson(io, file)
  if (Result.isFailure(json)) {
    io.out(`${file}: /: ${json.failure}`)
    return Result.fail(1)
  }
  const directory = loadDirectory(json.success)
  if (Result.isFailure(directory)) {
    for (const line of problemLines(io, file, directory.failure.problems)) io.out(line)
    return Result.fail(1)
  }
  return Result.succeed(directory.success)
}

const validate = async (io: CliIO, files: ReadonlyArray<string>, flags: Record<string, string>, plugins: ReadonlyArray<Plugin>): Promise<number> => {
  if (files.length === 0) return usage(io, `请给出至少一个规则包文件。\n${help(io)}`, `Give at least one rule pack file.\n${help(io)}`)
  const directory = await loadDirectoryFlag(io, flags["directory"])
  if (Result.isFailure(directory)) return directory.failure
  let code = 0
  for (const file of files) {
    const json = await readJson(io, file)
    if (Result.isFailure(json)) {
      io.out(`${file}: /: ${json.failure}`)
      code = 1
      continue
    }
    const pack = loadRulePack(json.success, { directory: directory.success, plugins })
    const warn = say(io, "警告：", "warning: ")
    if (Result.isFailure(pack)) {
      for (const line of problemLines(io, file, pack.failure.problems)) io.out(line)
      for (const line of problemLines(io, file, pack.failure.warnings, warn)) io.err(line)
      code = 1
    } else {
      io.out(`${file}: ok`)
      for (const line of problemLines(io, file, pack.success.warnings, warn)) io.err(line)
    }
  }
  return code
}

const decodeFacts = decodeInput(Rules.RuleFactsJson, "facts")

type Located = InputProblem & { readonly zh: string }
const kindZh = { category: "事项分类", jurisdiction: "辖区", unit: "单位", person: "人员", channel: "渠道" } as const

/**
 * The facts file is written by hand, so its ids and paths are checked against the directory: a
 * category path that does not belong to its category would explain rules against a petition that
 * cannot exist. A street or community left out is filled in, as the engine does.
 */
const factsAgainstDirectory = (facts: Rules.RuleFacts, directory: Directory.Directory): Result.Result<Rules.RuleFacts, Array<Located>> => {
  const problems: Array<Located> = []
  const p = facts.petition
  const lookups = { category: directory.category, jurisdiction: directory.jurisdiction, unit: directory.unit, person: directory.person, channel: directory.channel }
  const known = (path: string, kind: keyof typeof kindZh, id: string | undefined): boolean => {
    if (id === undefined || lookups[kind](id) !== undefined) return true
    problems.push({ path, zh: `机构目录中没有${kindZh[kind]} "${id}"`, message: `no ${kind} "${id}" in the directory` })
    return false
  }
  const same = (path: string, actual: unknown, expected: unknown, zhOf: string, enOf: string) => {
    if (actual === undefined || JSON.stringify(actual) === JSON.stringify(expected)) return
    const [zh, en] = expected === undefined ? ["应不填", "should be absent"] : [`应为 ${JSON.stringify(expected)}`, `should be ${JSON.stringify(expected)}`]
    problems.push({ path, zh: `${zh}（${zhOf}）`, message: `${en} (${enOf})` })
  }
  if (known("/petition/category", "category", p.category)) {
    same("/petition/categoryPath", p.categoryPath, directory.categoryPath(p.category).map((c) => c.id), `${p.category} 的路径`, `the path of ${p.category}`)
  }
  const place = known("/petition/jurisdiction", "jurisdiction", p.jurisdiction) ? directory.jurisdictionPath(p.jurisdiction) : []
  const street = place.find((j) => j.level === "street")?.id
  const community = place.find((j) => j.level === "community")?.id
  if (place.length > 0) {
    same("/petition/jurisdictionPath", p.jurisdictionPath, place.map((j) => j.id), `${p.jurisdiction} 的路径`, `the path of ${p.jurisdiction}`)
    same("/petition/street", p.street, street, `${p.jurisdiction} 所在街道`, `the street of ${p.jurisdiction}`)
    same("/petition/community", p.community, community, `${p.jurisdiction} 所在社区`, `the community of ${p.jurisdiction}`)
  }
  known("/petition/channel", "channel", p.channel)
  known("/petition/channelLeader", "person", p.channelLeader)
  known("/petition/owner", "person", p.owner)
  for (const field of ["lead", "firstHandler", "accusedUnit"] as const) known(`/petition/${field}`, "unit", p[field])
  p.coHandlers.forEach((u, i) => known(`/petition/coHandlers/${i}`, "unit", u))
  if (problems.length > 0) return Result.fail(problems)
  return Result.succeed({
    ...facts,
    petition: { ...p, ...(street === undefined ? {} : { street }), ...(community === undefined ? {} : { community }) }
  })
}

const explainCommand = async (io: CliIO, flags: Record<string, string>, plugins: ReadonlyArray<Plugin>): Promise<number> => {
  const [packFile, factsFile] = [flags["pack"], flags["petition"]]
  if (packFile === undefined || factsFile === undefined) {
    return usage(io, `explain 需要 --pack 和 --petition。\n${help(io)}`, `explain needs --pack and --petition.\n${help(io)}`)
  }
  const directory = await loadDirectoryFlag(io, flags["directory"])
  if (Result.isFailure(directory)) return directory.failure
  const [packJson, factsJson] = [await readJson(io, packFile), await readJson(io, factsFile)]
  let failed = false
  for (const [file, json] of [[packFile, packJson], [factsFile, factsJson]] as const) {
    if (Result.isFailure(json)) {
      io.out(`${file}: /: ${json.failure}`)
      failed = true
    }
  }
  if (Result.isFailure(packJson) || Result.isFailure(factsJson)) return 1
  const pack = loadRulePack(packJson.success, { directory: directory.success, plugins })
  if (Result.isFailure(pack)) {
    for (const line of problemLines(io, packFile, pack.failure.problems)) io.out(line)
    failed = true
  }
  const facts = decodeFacts(factsJson.success)
  const checked: Result.Result<Rules.RuleFacts, ReadonlyArray<InputProblem>> = Result.isFailure(facts)
    ? Result.fail(facts.failure.problems)
    : factsAgainstDirectory(facts.success, directory.success)
  if (Result.isFailure(checked)) {
    for (const line of problemLines(io, factsFile, checked.failure)) io.out(line)
    failed = true
  }
  if (failed || Result.isFailure(pack) || Result.isFailure(checked)) return 1
  for (const line of Rules.describeExplanation(Rules.explain(pack.success, checked.success, directory.success), io.lang, pack.success.plugins)) io.out(line)
  return 0
}

/** The options each sub-command takes. */
const flagsOf: Readonly<Record<string, ReadonlyArray<string>>> = {
  validate: ["directory"],
  schema: [],
  explain: ["pack", "petition", "directory"]
}

export const rulesCommand: Command = async (args, io) => {
  const [sub] = args
  if (sub === undefined || sub === "help" || sub === "--help" || sub === "-h") {
    io.out(help(io))
    return sub === undefined ? 2 : 0
  }
  const loaded = await withPlugins(io, args.slice(1), help(io))
  if (Result.isFailure(loaded)) return loaded.failure
  const { args: rest, plugins } = loaded.success
  const parsed = splitArgs(rest)
  if (parsed === undefined) {
    // splitArgs fails only on a last flag with no value.
    const last = rest[rest.length - 1]
    return usage(io, `无法理解参数 "${last}"。\n${help(io)}`, `Cannot understand argument "${last}".\n${help(io)}`)
  }
  const { files, flags } = parsed
  const allowed = flagsOf[sub]
  if (allowed !== undefined) {
    // A misspelt option must not be ignored: `--directry org.json` would validate against the wrong directory.
    const unknown = Object.keys(flags).find((f) => !allowed.includes(f))
    if (unknown !== undefined) {
      const known = allowed.map((f) => `--${f}`).join(", ") || say(io, "无", "none")
      return usage(io, `${sub} 没有选项 "--${unknown}"（可用：${known}）。\n${help(io)}`, `${sub} has no option "--${unknown}" (it takes: ${known}).\n${help(io)}`)
    }
    if (sub !== "validate" && files.length > 0) {
      return usage(io, `${sub} 不接受参数 "${files[0]}"。\n${help(io)}`, `${sub} takes no argument "${files[0]}".\n${help(io)}`)
    }
  }
  if (sub === "validate") return validate(io, files, flags, plugins)
  if (sub === "schema") {
    io.out(JSON.stringify(Rules.rulePackJsonSchema(plugins), null, 2))
    return 0
  }
  if (sub === "explain") return explainCommand(io, flags, plugins)
  return usage(io, `未知的子命令 "${sub}"。\n${help(io)}`, `Unknown sub-command "${sub}".\n${help(io)}`)
}
