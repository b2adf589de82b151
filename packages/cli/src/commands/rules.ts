import { existsSync, mkdirSync, writeFileSync } from "node:fs"
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path"
import { Result } from "effect"
import type { InputProblem, Plugin, RulePack } from "@minyi/core"
import { decodeInput, Directory, emptyRegistry, formatInstantWithOffset, isRulePackPreset, loadDirectory, loadRulePack, publish, rulePackPresets, Messages, Reports, Rules, sampleDirectory } from "@minyi/core"
import type { ArgSpec } from "../args.js"
import { parseArgs, subCommandOf, unknownSubCommand } from "../args.js"
import type { CliIO, Command } from "../io.js"
import { say, usage } from "../io.js"
import { parseJson, readJsonFile } from "../json.js"
import { importPlugins } from "../plugins.js"
import { dateOption, dbOption, readHistories, runOnStore } from "./report.js"

const help = (io: CliIO): string =>
  say(
    io,
    [
      "用法:",
      "  minyi rules validate <规则包.json>... [--previous <上一版本.json|预设>] [--strict] [--directory <机构目录.json>] [--plugin <模块>]...",
      "  minyi rules schema [--plugin <模块>]...",
      "  minyi rules explain --pack <规则包.json> --petition <事实.json> [--directory <机构目录.json>] [--plugin <模块>]...",
      "  minyi rules init --from <预设> <新文件.json> [--force] [--plugin <模块>]...",
      "  minyi rules impact --before <规则包|预设> --after <规则包|预设> --db <SQLite 文件> [--from <YYYY-MM-DD> --to <YYYY-MM-DD>] [--format table|json] [--directory <机构目录.json>] [--plugin <模块>]...",
      "",
      "validate: 先列出警告（如永远不会触发的规则），再对每个无误的文件输出“<文件>: ok”；有问题时每个问题一行“<文件>: /JSON路径: 说明”，退出码 1。",
      "          --previous 检查新版本号大于上一版本、生效时间晚于上一版本（与发布时的检查相同）；--strict 把警告当作错误。",
      "schema:   输出规则包的 JSON Schema，供编辑器通过 \"$schema\" 补全和提示错误。",
      "explain:  事实文件为 { \"petition\", \"clocks\", \"trigger\", \"now\" }（见 docs/rule-packs.md），显示哪些规则触发及原因。",
      "init:     把预设（futian-10-30-24、xinfang-statutory）复制为可编辑的文件，\"$schema\" 指向编辑器可用的 JSON Schema；已有文件须加 --force 才覆盖。\n          加 --plugin 时，新文件在 \"plugins\" 中列出这些插件，旁边写入包含其运算符、事实和动作的 JSON Schema（<新文件>.schema.json）。",
      "impact:   用两个版本重放数据库中的信访件（可按受理日期筛选），列出分派、时限（按时/超时）和提级、通知有差异的信访件。",
      "默认使用 @minyi/core 的福田示例机构目录（impact 优先用 <数据库>.directory.json）；--directory 可换成别的目录文件。",
      "--plugin 加载规则插件模块（默认导出为 definePlugin 定义的插件或插件数组），可重复，validate、schema、explain、init、impact 均可用；规则包在 \"plugins\" 中列出所需插件。",
      "",
      "例:",
      "  minyi rules init --from futian-10-30-24 my-pack.json",
      "  minyi rules validate my-pack.json --previous futian-10-30-24 --strict",
      "  minyi rules schema > rule-pack.schema.json",
      "  minyi rules explain --pack my-pack.json --petition facts.json",
      "  minyi rules impact --before futian-10-30-24 --after my-pack.json --db petitions.db --from 2026-03-01 --to 2026-03-31"
    ].join("\n"),
    [
      "Usage:",
      "  minyi rules validate <pack.json>... [--previous <previous.json|preset>] [--strict] [--directory <directory.json>] [--plugin <module>]...",
      "  minyi rules schema [--plugin <module>]...",
      "  minyi rules explain --pack <pack.json> --petition <facts.json> [--directory <directory.json>] [--plugin <module>]...",
      "  minyi rules init --from <preset> <new-file.json> [--force] [--plugin <module>]...",
      "  minyi rules impact --before <pack|preset> --after <pack|preset> --db <SQLite file> [--from <YYYY-MM-DD> --to <YYYY-MM-DD>] [--format table|json] [--directory <directory.json>] [--plugin <module>]...",
      "",
      "validate: lists warnings first (such as rules that can never fire), then prints \"<file>: ok\" for each valid file; otherwise one line per problem, \"<file>: /json/path: message\", and exits 1.",
      "          --previous checks that the version number is greater and effectiveFrom later than the previous version's (the checks publishing makes); --strict makes warnings errors.",
      "schema:   prints the rule pack's JSON Schema, for editors (\"$schema\" gives completion and inline errors).",
      "explain:  the facts file is { \"petition\", \"clocks\", \"trigger\", \"now\" } (see docs/rule-packs.md); shows which rules fire and why.",
      "init:     copies a preset (futian-10-30-24, xinfang-statutory) into an editable file whose \"$schema\" an editor can use; an existing file is overwritten only with --force.\n          With --plugin, the new file names those plugins in \"plugins\", and a JSON Schema that knows their operators, facts and actions is written beside it (<new-file>.schema.json).",
      "impact:   replays the petitions in the database (optionally those received between two dates) under both versions and lists those routed, clocked (met or breached) or escalated and notified differently.",
      "The sample Futian directory of @minyi/core is used (impact prefers <database>.directory.json) unless --directory names another.",
      "--plugin loads a rule plugin module (default export: a plugin made by definePlugin, or a list of them); repeatable, for validate, schema, explain, init and impact. A pack lists the plugins it needs in \"plugins\".",
      "",
      "Examples:",
      "  minyi rules init --from futian-10-30-24 my-pack.json",
      "  minyi rules validate my-pack.json --previous futian-10-30-24 --strict",
      "  minyi rules schema > rule-pack.schema.json",
      "  minyi rules explain --pack my-pack.json --petition facts.json",
      "  minyi rules impact --before futian-10-30-24 --after my-pack.json --db petitions.db --from 2026-03-01 --to 2026-03-31"
    ].join("\n")
  )

const readJson = (io: CliIO, file: string): Promise<Result.Result<unknown, string>> =>
  readJsonFile(io, isAbsolute(file) ? file : resolve(io.cwd, file))

/**
 * `<file>: /path: [label]text` per problem, in the reader's language(s) (`say`). Without `--lang`
 * (`io.messages` unset) Chinese is shown where minyi wrote the message in Chinese too; with it,
 * schema-level messages are translated as minyi's errors are.
 */
const problemLines = (
  io: CliIO,
  file: string,
  problems: ReadonlyArray<InputProblem & { readonly zh?: string }>,
  label: readonly [string, string] = ["", ""]
): Array<string> =>
  problems.map((p) => {
    const text = p.zh !== undefined ? { zh: p.zh, en: p.message } : io.messages === undefined ? { zh: p.message, en: p.message } : Messages.problemMessage(p.message)
    return `${file}: ${p.path}: ${say(io, label[0] + text.zh, label[1] + text.en)}`
  })

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

/** A pack from a file, or a shipped preset by name (`futian-10-30-24`); its problems printed as `<ref>: /path: …`. */
const loadPackRef = async (io: CliIO, ref: string, directory: Directory.Directory, plugins: ReadonlyArray<Plugin> = []): Promise<Result.Result<RulePack, number>> => {
  const json = isRulePackPreset(ref) ? Result.succeed(rulePackPresets[ref]) : await readJson(io, ref)
  if (Result.isFailure(json)) {
    io.out(`${ref}: /: ${json.failure}`)
    return Result.fail(1)
  }
  const pack = loadRulePack(json.success, { directory, plugins })
  if (Result.isFailure(pack)) {
    for (const line of problemLines(io, ref, pack.failure.problems)) io.out(line)
    return Result.fail(1)
  }
  return Result.succeed(pack.success)
}

/**
 * Orders version names the way packs write them (`2022.1`, `2026.10`, `3`, `1.2.0`): numeric
 * parts as numbers, others as text, a missing part before any present one.
 */
export const compareVersions = (a: string, b: string): number => {
  const [pa, pb] = [a.split(/[.-]/), b.split(/[.-]/)]
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const [x, y] = [pa[i], pb[i]]
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1
    const c = /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(x) - Number(y) : x.localeCompare(y)
    if (c !== 0) return Math.sign(c)
  }
  return 0
}

/** What would stop `next` being published after `previous`, each naming the field: the checks `publish` makes, and a greater version number. */
const successionProblems = (io: CliIO, previous: RulePack, next: RulePack, directory: Directory.Directory): Array<InputProblem> => {
  const problems: Array<InputProblem> = []
  if (compareVersions(next.version, previous.version) <= 0) {
    problems.push({
      path: "/version",
      message: say(io, `版本号 "${next.version}" 须大于上一版本的 "${previous.version}"`, `the version "${next.version}" must be greater than the previous version "${previous.version}"`)
    })
  }
  const published = publish(emptyRegistry, previous, { directory })
  const refused = Result.isSuccess(published) ? publish(published.success, next, { directory }) : published
  if (Result.isFailure(refused)) {
    const { reason } = refused.failure
    const prevFrom = formatInstantWithOffset(previous.effectiveFrom, Reports.CHINA_OFFSET_MINUTES)
    if (reason === "other-pack") {
      problems.push({ path: "/id", message: say(io, `规则包编号 "${next.id}" 与上一版本的 "${previous.id}" 不同`, `the pack id "${next.id}" differs from the previous version's "${previous.id}"`) })
    } else if (reason === "retroactive") {
      problems.push({ path: "/effectiveFrom", message: say(io, `生效时间须晚于上一版本的生效时间 ${prevFrom}`, `effectiveFrom must be later than the previous version's, ${prevFrom}`) })
    } else if (reason === "overlap") {
      problems.push({ path: "/effectiveFrom", message: say(io, `生效时间落在上一版本的有效期内（至 ${previous.effectiveTo === undefined ? "" : formatInstantWithOffset(previous.effectiveTo, Reports.CHINA_OFFSET_MINUTES)}）`, `effectiveFrom falls inside the previous version's period (until ${previous.effectiveTo === undefined ? "" : formatInstantWithOffset(previous.effectiveTo, Reports.CHINA_OFFSET_MINUTES)})`) })
    } else if (reason !== "duplicate-version" || problems.length === 0) {
      problems.push({ path: "/", message: refused.failure.message })
    }
  }
  return problems
}

const validate = async (io: CliIO, files: ReadonlyArray<string>, flags: Readonly<Record<string, string>>, plugins: ReadonlyArray<Plugin>): Promise<number> => {
  const directory = await loadDirectoryFlag(io, flags["directory"])
  if (Result.isFailure(directory)) return directory.failure
  const strict = flags["strict"] !== undefined
  let previous: RulePack | undefined
  if (flags["previous"] !== undefined) {
    const loaded = await loadPackRef(io, flags["previous"], directory.success, plugins)
    if (Result.isFailure(loaded)) return loaded.failure
    previous = loaded.success
  }
  let code = 0
  for (const file of files) {
    const json = await readJson(io, file)
    if (Result.isFailure(json)) {
      io.out(`${file}: /: ${json.failure}`)
      code = 1
      continue
    }
    const pack = loadRulePack(json.success, { directory: directory.success, plugins })
    const problems = Result.isFailure(pack) ? pack.failure.problems : []
    const warnings = Result.isFailure(pack) ? pack.failure.warnings : pack.success.warnings
    const succession = previous !== undefined && Result.isSuccess(pack) ? successionProblems(io, previous, pack.success, directory.success) : []
    // Warnings come before the verdict, so that "ok" is the last word only when nothing needs a look.
    if (strict) for (const line of problemLines(io, file, warnings, ["错误（--strict）：", "error (--strict): "])) io.out(line)
    else for (const line of problemLines(io, file, warnings, ["警告：", "warning: "])) io.err(line)
    for (const line of problemLines(io, file, [...problems, ...succession])) io.out(line)
    if (problems.length > 0 || succession.length > 0 || (strict && warnings.length > 0)) code = 1
    else io.out(`${file}: ok`)
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

/**
 * Where an editor finds the JSON Schema for a pack written to `file`: the copy @minyi/core ships,
 * when the project has it installed (looked for from the file's folder up); otherwise a copy
 * written beside the pack, so the reference works wherever the file is.
 */
const schemaRefFor = (file: string, force: boolean): { readonly ref: string; readonly write?: string } => {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const shipped = join(dir, "node_modules", "@minyi", "core", "rule-pack.schema.json")
    if (existsSync(shipped)) {
      const rel = relative(dirname(file), shipped).split(sep).join("/")
      return { ref: rel.startsWith(".") ? rel : `./${rel}` }
    }
    if (dirname(dir) === dir) break
  }
  const beside = join(dirname(file), "rule-pack.schema.json")
  return existsSync(beside) && !force ? { ref: "./rule-pack.schema.json" } : { ref: "./rule-pack.schema.json", write: beside }
}

/** `my-pack.json` → `./my-pack.schema.json`, written beside it. */
const pluginSchemaRefFor = (file: string): { readonly ref: string; readonly write: string } => {
  const name = `${basename(file).replace(/\.json$/i, "")}.schema.json`
  return { ref: `./${name}`, write: join(dirname(file), name) }
}

const init = (
  io: CliIO,
  files: ReadonlyArray<string>,
  flags: Readonly<Record<string, string>>,
  plugins: ReadonlyArray<Plugin>,
  modules: ReadonlyArray<string>
): number => {
  const preset = flags["from"]
  const presets = Object.keys(rulePackPresets)
  if (preset === undefined) return usage(io, `init 需要 --from <预设>（可用：${presets.join("、")}）`, `init needs --from <preset> (presets: ${presets.join(", ")})`)
  if (!isRulePackPreset(preset)) {
    const near = Rules.closest(preset, presets)
    const [zhHint, enHint] = near === undefined ? ["", ""] : [`，是不是 "${near}"？`, `; did you mean "${near}"?`]
    return usage(io, `--from: 没有预设 "${preset}"${zhHint}（可用：${presets.join("、")}）`, `--from: no preset "${preset}"${enHint} (presets: ${presets.join(", ")})`)
  }
  const target = resolve(io.cwd, files[0]!)
  const force = flags["force"] !== undefined
  if (existsSync(target) && !force) {
    return usage(io, `${files[0]} 已存在；要覆盖请加 --force`, `${files[0]} exists; add --force to overwrite it`)
  }
  // The schema @minyi/core ships knows no plugin, so a pack with plugins gets its own beside it.
  const schema = plugins.length === 0 ? schemaRefFor(target, force) : pluginSchemaRefFor(target)
  if (plugins.length > 0 && schema.write !== undefined && existsSync(schema.write) && !force) {
    return usage(io, `${schema.ref} 已存在；要覆盖请加 --force`, `${schema.ref} exists; add --force to overwrite it`)
  }
  // `$schema` first, where an editor and a reader look for it; the rest of the preset as shipped.
  const shipped = rulePackPresets[preset]
  const { $schema: _shipped, ...copy } = typeof shipped === "object" && shipped !== null ? Object.fromEntries(Object.entries(shipped)) : {}
  // A pack uses only the plugins it names; each is named with the range its major version allows.
  const document = plugins.length === 0 ? copy : { ...copy, plugins: Object.fromEntries(plugins.map((p) => [p.name, `^${p.version}`])) }
  // Checked as `validate` would, so that two plugins that clash are reported now rather than at the first edit.
  const loaded = loadRulePack(document, { directory: sampleDirectory(), plugins })
  if (Result.isFailure(loaded)) {
    for (const line of problemLines(io, files[0]!, loaded.failure.problems)) io.out(line)
    return 1
  }
  mkdirSync(dirname(target), { recursive: true })
  if (schema.write !== undefined) writeFileSync(schema.write, JSON.stringify(Rules.rulePackJsonSchema(plugins), null, 2) + "\n")
  writeFileSync(target, JSON.stringify({ $schema: schema.ref, ...document }, null, 2) + "\n")
  // The validate command to run next must load the same plugins, or the copy does not load.
  const next = `minyi rules validate ${files[0]} --previous ${preset}${modules.map((m) => ` --plugin ${m}`).join("")}`
  io.out(
    say(
      io,
      `已写入 ${files[0]}（${preset}，"$schema": "${schema.ref}"${schema.write === undefined ? "" : "，JSON Schema 已写在旁边"}）。修改后运行 ${next}`,
      `wrote ${files[0]} (${preset}, "$schema": "${schema.ref}"${schema.write === undefined ? "" : ", with the JSON Schema written beside it"}). After editing, run ${next}`
    )
  )
  return 0
}

const stateWords: Readonly<Record<string, readonly [string, string]>> = {
  met: ["按时", "met"], breached: ["超时", "breached"], running: ["计时中", "running"], paused: ["暂停", "paused"], pending: ["未开始", "not started"]
}

const at8 = (instant: number): string => formatInstantWithOffset(instant, Reports.CHINA_OFFSET_MINUTES).slice(0, 16).replace("T", " ")

const clockText = (io: CliIO, c: Rules.ClockSummary | undefined): string => {
  if (c === undefined) return say(io, "（无此时钟）", "(no such clock)")
  const [zh, en] = stateWords[c.state] ?? [c.state, c.state]
  const due = c.dueAt === undefined ? "" : say(io, `，期限 ${at8(c.dueAt)}`, `, due ${at8(c.dueAt)}`)
  return say(io, zh, en) + due
}

const routeText = (r: Rules.RouteSummary): string =>
  [r.lead, ...r.coHandlers.map((u) => `+${u}`), ...(r.whistle ?? []).map((u) => `!${u}`)].join(" ") + (r.ruleId === undefined ? "" : ` (${r.ruleId})`)

/** An action's parameters as `name=value`, recipients and other lists by their ids, short enough for a table cell. */
const detailText = (detail: string): string => {
  const parsed = parseJson(detail)
  if (Result.isFailure(parsed) || typeof parsed.success !== "object" || parsed.success === null) return detail
  const short = (v: unknown): string =>
    Array.isArray(v) ? v.map(short).join(",") : typeof v === "object" && v !== null ? ("id" in v ? String(v.id) : JSON.stringify(v)) : String(v)
  return Object.entries(parsed.success).map(([k, v]) => `${k}=${short(v)}`).join(" ")
}

/** The actions by type and rule; with what they do when the other side has the same type and rule, which alone would read as no change. */
const actionsText = (actions: ReadonlyArray<Rules.ActionSummary>, other: ReadonlyArray<Rules.ActionSummary>): string =>
  actions.length === 0
    ? "—"
    : actions.map((a) => `${a.type} ${a.ruleId}` + (other.some((o) => o.type === a.type && o.ruleId === a.ruleId) ? ` ${detailText(a.detail)}` : "")).join("; ")

/** Display width: CJK and full-width characters take two columns in a terminal. */
const width = (text: string): number => [...text].reduce((n, ch) => n + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1), 0)

const table = (rows: ReadonlyArray<ReadonlyArray<string>>): Array<string> => {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => width(r[i] ?? ""))))
  const line = (r: ReadonlyArray<string>) => r.map((cell, i) => cell + " ".repeat(widths[i]! - width(cell))).join("  ").trimEnd()
  return [line(rows[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)]
}

/** The readable form of an impact report: totals, then one row per difference. */
export const impactTable = (io: CliIO, report: Rules.SimulationReport, before: RulePack, after: RulePack): Array<string> => {
  const versions = `${before.id}@${before.version} → ${after.id}@${after.version}`
  const totals = say(
    io,
    `${versions}：重放 ${report.petitions} 件信访件，分派不同 ${report.routedDifferently} 件，时限结果不同 ${report.clockedDifferently} 件，提级或通知不同 ${report.escalatedDifferently} 件。`,
    `${versions}: replayed ${report.petitions} petitions; routed differently ${report.routedDifferently}, clocks differently ${report.clockedDifferently}, escalated or notified differently ${report.escalatedDifferently}.`
  )
  if (report.differences.length === 0) return [totals, say(io, "没有差异。", "No differences.")]
  const rows: Array<Array<string>> = [[say(io, "信访件", "petition"), say(io, "方面", "aspect"), say(io, "原版本", "before"), say(io, "新版本", "after")]]
  for (const d of report.differences) {
    if (d.routing !== undefined) rows.push([d.petitionId, say(io, "分派", "routing"), routeText(d.routing.before), routeText(d.routing.after)])
    for (const c of d.clocks) rows.push([d.petitionId, say(io, `时限 ${c.clock}`, `clock ${c.clock}`), clockText(io, c.before), clockText(io, c.after)])
    for (const e of d.escalation) {
      const trigger = e.trigger.split(";")[0]! + (/clock=([^;]+)/.exec(e.trigger)?.[1] === undefined ? "" : ` ${/clock=([^;]+)/.exec(e.trigger)![1]}`)
      rows.push([d.petitionId, say(io, `规则动作（${trigger}）`, `rule actions (${trigger})`), actionsText(e.onlyBefore, e.onlyAfter), actionsText(e.onlyAfter, e.onlyBefore)])
    }
    for (const p of d.problems) rows.push([d.petitionId, say(io, "无法判断", "not evaluated"), p, ""])
  }
  return [totals, "", ...table(rows)]
}

const impact = async (io: CliIO, flags: Readonly<Record<string, string>>, plugins: ReadonlyArray<Plugin>): Promise<number> => {
  const [beforeRef, afterRef] = [flags["before"], flags["after"]]
  if (beforeRef === undefined || afterRef === undefined) {
    return usage(io, `impact 需要 --before 和 --after。\n${help(io)}`, `impact needs --before and --after.\n${help(io)}`)
  }
  const format = flags["format"] ?? "table"
  if (format !== "table" && format !== "json") return usage(io, `--format: 应为 table 或 json，收到 "${format}"`, `--format: expected table or json; got "${format}"`)
  const db = dbOption(io, flags["db"])
  if (db === undefined) return 2
  if ((flags["from"] === undefined) !== (flags["to"] === undefined)) return usage(io, "--from 与 --to 须一起给出", "--from and --to go together")
  let period: readonly [number, number] | undefined
  if (flags["from"] !== undefined) {
    const [from, to] = [dateOption(io, "from", flags["from"]), dateOption(io, "to", flags["to"])]
    if (typeof from === "string") return usage(io, from, from)
    if (typeof to === "string") return usage(io, to, to)
    if (to < from) return usage(io, "--to 不能早于 --from", "--to cannot be before --from")
    period = [from, to + Reports.DAY_MS]
  }
  // The generator writes the district's directory beside the database; a pack is checked against the directory its petitions name.
  const generated = `${db}.directory.json`
  const directoryFile = flags["directory"] ?? (existsSync(resolve(io.cwd, generated)) ? generated : undefined)
  const directory = await loadDirectoryFlag(io, directoryFile)
  if (Result.isFailure(directory)) return directory.failure
  const [before, after] = [await loadPackRef(io, beforeRef, directory.success, plugins), await loadPackRef(io, afterRef, directory.success, plugins)]
  if (Result.isFailure(before) || Result.isFailure(after)) return 1
  const read = await runOnStore(io, db, readHistories(() => undefined))
  if (Result.isFailure(read)) {
    io.err(say(io, `--db: 无法读取 ${db}：${read.failure}`, `--db: cannot read ${db}: ${read.failure}`))
    return 1
  }
  const histories = [...read.success.values()].filter((h) => {
    if (period === undefined) return true
    const received = h.find((e) => e._tag === "Submitted")?.at
    return received !== undefined && received >= period[0] && received < period[1]
  })
  const report = Rules.simulatePacks({ before: before.success, after: after.success, histories, directory: directory.success })
  if (format === "json") {
    const pack = (p: RulePack) => ({ id: p.id, version: p.version })
    io.out(JSON.stringify({ before: pack(before.success), after: pack(after.success), from: flags["from"] ?? null, to: flags["to"] ?? null, ...report }, null, 2))
  } else {
    for (const line of impactTable(io, report, before.success, after.success)) io.out(line)
  }
  return 0
}

/** What each sub-command takes. */
const specs: Readonly<Record<string, ArgSpec>> = {
  validate: { options: ["directory", "previous", "plugin"], switches: ["strict"], positional: "some", positionalName: ["规则包文件", "rule pack file"] },
  schema: { options: ["plugin"], positional: "none" },
  explain: { options: ["pack", "petition", "directory", "plugin"], positional: "none" },
  init: { options: ["from", "plugin"], switches: ["force"], positional: "one", positionalName: ["要写入的文件", "file to write"] },
  impact: { options: ["before", "after", "db", "from", "to", "format", "directory", "plugin"], positional: "none" }
}

export const rulesCommand: Command = async (args, io) => {
  const line = subCommandOf(io, args, () => help(io))
  if (typeof line === "number") return line
  const { sub, rest } = line
  const spec = specs[sub]
  if (spec === undefined) return unknownSubCommand(io, sub, Object.keys(specs), help(io))
  const parsed = parseArgs(io, `rules ${sub}`, rest, spec)
  if (Result.isFailure(parsed)) return usage(io, `${parsed.failure}。\n${help(io)}`, `${parsed.failure}.\n${help(io)}`)
  const { files, flags, lists } = parsed.success
  const plugins = await importPlugins(io, lists["plugin"] ?? [])
  if (Result.isFailure(plugins)) return plugins.failure
  if (sub === "validate") return validate(io, files, flags, plugins.success)
  if (sub === "explain") return explainCommand(io, flags, plugins.success)
  if (sub === "init") return init(io, files, flags, plugins.success, lists["plugin"] ?? [])
  if (sub === "impact") return impact(io, flags, plugins.success)
  io.out(JSON.stringify(Rules.rulePackJsonSchema(plugins.success), null, 2))
  return 0
}
