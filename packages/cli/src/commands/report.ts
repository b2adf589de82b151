import { existsSync, writeFileSync } from "node:fs"
import { resolve } from "node:path"
import type { PetitionEvent, StoreError } from "@minyi/core"
import { decodeEvent, EventStore, loadDirectory, Queries, loadRulePack, rulePackPresets, Directory, Reports } from "@minyi/core"
import * as SqliteStore from "@minyi/store-sqlite"
import { generateDirectoryData } from "@minyi/testkit/generator"
import { Effect, Option, Result } from "effect"
import type { CliIO, Command } from "../io.js"
import { say, usage } from "../io.js"
import { readJsonFile } from "../json.js"
import { parseArgs, subCommandOf, unknownSubCommand } from "../args.js"

/** A progress bar on stderr, drawn only on a terminal and only once the work has taken a moment. */
export const progressBar = (label: string) => {
  const started = Date.now()
  const tty = process.stderr.isTTY === true
  let drawn = false
  return {
    update: (done: number, total: number): void => {
      if (!tty || Date.now() - started < 500) return
      const width = 30
      const filled = total === 0 ? width : Math.round((width * Math.min(done, total)) / total)
      process.stderr.write(`\r${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total}`)
      drawn = true
    },
    done: (): void => {
      if (drawn) process.stderr.write("\n")
    }
  }
}

/** Parses `--name value` options, allowing only the given names; a message naming the culprit otherwise. */
export const parseOptions = (
  io: CliIO,
  command: string,
  args: ReadonlyArray<string>,
  allowed: ReadonlyArray<string>
): Record<string, string> | string => {
  const parsed = parseArgs(io, command, args, { options: allowed, positional: "none" })
  return Result.isFailure(parsed) ? parsed.failure : { ...parsed.success.flags }
}

/** A `YYYY-MM-DD` option as the instant its local day starts, or a message saying what was expected. */
export const dateOption = (io: CliIO, name: string, value: string | undefined): number | string => {
  if (value === undefined) return say(io, `缺少 --${name} <YYYY-MM-DD>`, `--${name} <YYYY-MM-DD> is required`)
  const at = Reports.startOfLocalDate(value)
  return at ?? say(io, `--${name}: "${value}" 不是日期，应为 YYYY-MM-DD，例如 2026-03-02`, `--${name}: "${value}" is not a date; expected YYYY-MM-DD, such as 2026-03-02`)
}

/** The `--db` file, which must exist; undefined (and the reason on stderr) otherwise. */
export const dbOption = (io: CliIO, db: string | undefined): string | undefined => {
  if (db === undefined) usage(io, "缺少 --db <SQLite 文件>", "--db <SQLite file> is required")
  else if (!existsSync(resolve(io.cwd, db))) usage(io, `--db: 文件 ${db} 不存在`, `--db: the file ${db} does not exist`)
  else return db
  return undefined
}

/** The directory the figures are named from: `--directory <file>`, or the generated Futian-like district. */
const directoryFor = async (io: CliIO, path: string | undefined): Promise<Directory.Directory | string> => {
  if (path === undefined) return Result.getOrThrow(loadDirectory(generateDirectoryData()))
  const parsedJson = await readJsonFile(io, resolve(io.cwd, path))
  if (Result.isFailure(parsedJson)) return `--directory: ${path}: ${parsedJson.failure}`
  const loaded = loadDirectory(parsedJson.success)
  return Result.isSuccess(loaded) ? loaded.success : `--directory: ${loaded.failure.message}`
}

/** Every petition's history in the store, read in pages (decoded: every row is checked). */
export const readHistories = (onPage: (events: number) => void) =>
  Effect.gen(function*() {
    const store = yield* EventStore
    const histories = new Map<string, Array<PetitionEvent>>()
    let after = 0
    let count = 0
    for (;;) {
      const page = yield* store.readAll(after, 10_000)
      if (page.length === 0) break
      for (const row of page) {
        const event = decodeEvent(row.data)
        if (Result.isFailure(event)) return yield* Effect.fail(`${row.streamId}@${row.version}: ${event.failure.message}`)
        let h = histories.get(row.streamId)
        if (h === undefined) histories.set(row.streamId, (h = []))
        h.push(event.success)
      }
      count += page.length
      after = page[page.length - 1]!.position
      onPage(count)
    }
    return histories
  })

/**
 * Where the figures come from: the read model the engine keeps in each append (the counters
 * `figuresFromStore` adds up, never a replay). A file written before the read model existed has
 * events but no counters; its figures are computed from the histories by the oracle instead.
 */
const computeFigures = (onPage: (events: number) => void) =>
  Effect.gen(function*() {
    const queries = yield* Queries
    const store = yield* EventStore
    const counted = yield* queries.metrics({ scope: "all", fromDay: -1e6, toDay: 1e6, asOfDay: 1e6, kinds: ["received"], dims: ["all"] })
    if (counted.length > 0 || (yield* store.readAll(0, 1)).length === 0) {
      return (options: Reports.FiguresOptions): Effect.Effect<Reports.Figures, StoreError> => Reports.figuresFromStore(options).pipe(Effect.provideService(Queries, queries))
    }
    const histories = [...(yield* readHistories(onPage)).values()]
    return (options: Reports.FiguresOptions): Effect.Effect<Reports.Figures, StoreError> => Effect.succeed(Reports.figuresFromHistories(histories, options))
  })

/** The clocks of the shipped Futian pack, named from their descriptions ("中文 (English)"). */
const clockNamesOf = (directory: Directory.Directory): Record<string, { zh: string; en: string }> => {
  const pack = loadRulePack(rulePackPresets["futian-10-30-24"], { directory })
  if (Result.isFailure(pack)) return {}
  return Object.fromEntries(
    pack.success.document.clocks.map((c) => {
      const d = c.description ?? c.name
      const m = /^(.*?)\s*\((.*)\)\s*$/.exec(d)
      return [c.name, m === null ? { zh: d, en: c.name } : { zh: m[1]!, en: m[2]! }]
    })
  )
}

export const runOnStore = <A>(io: CliIO, db: string, body: Effect.Effect<A, unknown, EventStore | Queries>): Promise<Result.Result<A, string>> =>
  Effect.runPromise(
    body.pipe(
      Effect.provide(SqliteStore.layer({ path: resolve(io.cwd, db) })),
      Effect.mapError((e: unknown) => (typeof e === "string" ? e : e instanceof Error ? e.message : String(e))),
      Effect.result
    )
  )

const scopeFor = (directory: Directory.Directory, id: string | undefined): Reports.MetricsScope | undefined => {
  if (id === undefined) return { _tag: "All" }
  if (directory.jurisdiction(id) !== undefined) return { _tag: "Jurisdiction", id }
  if (directory.unit(id) !== undefined) return { _tag: "Unit", id }
  if (directory.person(id) !== undefined) return { _tag: "Viewer", person: id }
  if (directory.channel(id) !== undefined) return { _tag: "Channel", id }
  if (directory.category(id) !== undefined) return { _tag: "Category", id }
  return undefined
}

const dailyHelp = (io: CliIO): string =>
  say(
    io,
    [
      "用法: minyi report daily --db <SQLite 文件> --date <YYYY-MM-DD> [--scope <单位、辖区、人员、渠道或分类 id>] [--format json|md|html] [--out <文件>] [--directory <名录.json>]",
      "  民情日报：当日受理量、渠道/分类/街道分布、三率、各渠道办结率、时限达标、吹哨、包案、走访、退单、超期、重复件、未诉先办、热点（较前7日日均升幅）与疑难件。",
      "用法: minyi report kpi --db <SQLite 文件> --from <YYYY-MM-DD> --to <YYYY-MM-DD> [--by unit|street|channel|category] [--format json|csv] [--out <文件>]",
      "  考核指标：期间（含 --to 当日）的受理量、响应率、解决率、满意率、办结率、超期件，可按单位、街道、渠道或分类分组。",
      "口径见 docs/reports.md。报告不含信访人个人信息。",
      "例: minyi report daily --db petitions.db --date 2026-03-31 --format md",
      "    minyi report kpi --db petitions.db --from 2026-03-01 --to 2026-03-31 --by street --format csv"
    ].join("\n"),
    [
      "Usage: minyi report daily --db <SQLite file> --date <YYYY-MM-DD> [--scope <unit, jurisdiction, person, channel or category id>] [--format json|md|html] [--out <file>] [--directory <directory.json>]",
      "  The daily report: intake, by channel/category/street, the three rates, closure per channel, deadline compliance, whistles, owned cases, visits, returns, overdue, repeats, proactive cases, hotspots (rise against the previous 7 days' average) and difficult cases.",
      "Usage: minyi report kpi --db <SQLite file> --from <YYYY-MM-DD> --to <YYYY-MM-DD> [--by unit|street|channel|category] [--format json|csv] [--out <file>]",
      "  KPIs over the period (--to day included): received, response, resolution, satisfaction and closure rates, overdue; grouped by unit, street, channel or category.",
      "The formulas are in docs/reports.md. Reports carry no petitioner's personal data.",
      "Examples: minyi report daily --db petitions.db --date 2026-03-31 --format md",
      "          minyi report kpi --db petitions.db --from 2026-03-01 --to 2026-03-31 --by street --format csv"
    ].join("\n")
  )

const write = (io: CliIO, out: string | undefined, text: string): void => {
  if (out === undefined) io.out(text)
  else writeFileSync(resolve(io.cwd, out), text)
}

const daily = async (args: ReadonlyArray<string>, io: CliIO): Promise<number> => {
  const flags = parseOptions(io, "report daily", args, ["db", "date", "scope", "format", "out", "directory"])
  if (typeof flags === "string") return usage(io, `${flags}\n${dailyHelp(io)}`, `${flags}\n${dailyHelp(io)}`)
  const db = dbOption(io, flags["db"])
  if (db === undefined) return 2
  const from = dateOption(io, "date", flags["date"])
  if (typeof from === "string") return usage(io, from, from)
  const format = flags["format"] ?? "md"
  if (!["json", "md", "html"].includes(format)) return usage(io, `--format: 应为 json、md 或 html，收到 "${format}"`, `--format: expected json, md or html; got "${format}"`)
  const directory = await directoryFor(io, flags["directory"])
  if (typeof directory === "string") return usage(io, directory, directory)
  const scope = scopeFor(directory, flags["scope"])
  if (scope === undefined) return usage(io, `--scope: 名录中没有 "${flags["scope"]}"`, `--scope: "${flags["scope"]}" is not in the directory`)
  const bar = progressBar(say(io, "读取事件", "reading events"))
  const result = await runOnStore(
    io,
    db,
    Effect.gen(function*() {
      const compute = yield* computeFigures((n) => bar.update(n, n))
      const clockNames = clockNamesOf(directory)
      const figures = yield* compute({ directory, from, to: from + Reports.DAY_MS, scope, clocks: Object.keys(clockNames) })
      const queries = yield* Queries
      const deadlines = new Map<string, number>()
      for (const c of figures.cases.slice(0, 20)) {
        const s = yield* queries.get(c.petitionId)
        if (Option.isSome(s) && s.value.nextDueAt !== null) deadlines.set(c.petitionId, s.value.nextDueAt)
      }
      return Reports.dailyReport(figures, { directory, date: flags["date"]!, nextDeadline: (id) => deadlines.get(id), clockNames })
    })
  )
  bar.done()
  if (Result.isFailure(result)) {
    io.err(result.failure)
    return 1
  }
  const lang: Reports.ReportLang = io.lang
  const report = result.success
  write(io, flags["out"], format === "json" ? Reports.renderJson(report) : format === "html" ? Reports.renderHtml(report, lang) : Reports.renderMarkdown(report, lang))
  return 0
}

const isRate = (v: unknown): v is Reports.RateFigure => typeof v === "object" && v !== null && "rate" in v && "numerator" in v

const kpiColumns = [
  ["key", "分组", "group"],
  ["name", "名称", "name"],
  ["received", "受理量", "received"],
  ["response", "响应率", "response rate"],
  ["resolution", "解决率", "resolution rate"],
  ["satisfaction", "满意率", "satisfaction rate"],
  ["closure", "办结率", "closure rate"],
  ["overdue", "超期件", "overdue"],
  ["returns", "退单", "returns"]
] as const

const kpi = async (args: ReadonlyArray<string>, io: CliIO): Promise<number> => {
  const flags = parseOptions(io, "report kpi", args, ["db", "from", "to", "by", "format", "out", "directory"])
  if (typeof flags === "string") return usage(io, `${flags}\n${dailyHelp(io)}`, `${flags}\n${dailyHelp(io)}`)
  const db = dbOption(io, flags["db"])
  if (db === undefined) return 2
  const from = dateOption(io, "from", flags["from"])
  if (typeof from === "string") return usage(io, from, from)
  const toDay = dateOption(io, "to", flags["to"])
  if (typeof toDay === "string") return usage(io, toDay, toDay)
  if (toDay < from) return usage(io, "--to 不能早于 --from", "--to cannot be before --from")
  const by = flags["by"]
  if (by !== undefined && !["unit", "street", "channel", "category"].includes(by)) {
    return usage(io, `--by: 应为 unit、street、channel 或 category，收到 "${by}"`, `--by: expected unit, street, channel or category; got "${by}"`)
  }
  const format = flags["format"] ?? "json"
  if (!["json", "csv"].includes(format)) return usage(io, `--format: 应为 json 或 csv，收到 "${format}"`, `--format: expected json or csv; got "${format}"`)
  const directory = await directoryFor(io, flags["directory"])
  if (typeof directory === "string") return usage(io, directory, directory)
  const to = toDay + Reports.DAY_MS
  const keys: ReadonlyArray<string | undefined> =
    by === undefined ? [undefined]
    : by === "unit" ? directory.data.units.map((u) => u.id)
    : by === "street" ? directory.data.jurisdictions.filter((j) => j.level === "street").map((j) => j.id)
    : by === "channel" ? directory.data.channels.map((c) => c.id)
    : directory.data.categories.nodes.filter((c) => c.parent === undefined).map((c) => c.id)
  const bar = progressBar(say(io, "计算指标", "computing"))
  const result = await runOnStore(
    io,
    db,
    Effect.gen(function*() {
      const compute = yield* computeFigures(() => undefined)
      const out: Array<{ readonly key: string; readonly name: string; readonly figures: Reports.Figures }> = []
      for (const [i, key] of keys.entries()) {
        bar.update(i, keys.length)
        const scope = scopeFor(directory, key) ?? { _tag: "All" as const }
        const f = yield* compute({ directory, from, to, scope })
        const name = key === undefined ? say(io, directory.data.name, directory.data.nameEn) : (() => {
          const n = directory.unit(key) ?? directory.jurisdiction(key) ?? directory.channel(key) ?? directory.category(key)
          return n === undefined ? key : say(io, n.name, n.nameEn)
        })()
        out.push({ key: key ?? "all", name, figures: f })
      }
      return out
    })
  )
  bar.done()
  if (Result.isFailure(result)) {
    io.err(result.failure)
    return 1
  }
  const rows = result.success
    .filter((r) => by === undefined || r.figures.received > 0 || r.figures.overdue > 0)
    .map((r) => ({
      key: r.key,
      name: r.name,
      received: r.figures.received,
      response: r.figures.rates.response,
      resolution: r.figures.rates.resolution,
      satisfaction: r.figures.rates.satisfaction,
      closure: r.figures.closure,
      overdue: r.figures.overdue,
      returns: Object.values(r.figures.returnsByUnit).reduce((a, b) => a + b, 0)
    }))
  if (format === "json") {
    write(io, flags["out"], JSON.stringify({ from: flags["from"], to: flags["to"], by: by ?? null, rows }, null, 2))
    return 0
  }
  const cell = (v: unknown): string => {
    const text = isRate(v) ? Reports.formatRate(v) : String(v)
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
  }
  const header = kpiColumns.map(([, zh, en]) => say(io, zh, en)).join(",")
  write(io, flags["out"], [header, ...rows.map((r) => kpiColumns.map(([k]) => cell(r[k])).join(","))].join("\n"))
  return 0
}

export const reportCommand: Command = async (args, io) => {
  const line = subCommandOf(io, args, () => dailyHelp(io))
  if (typeof line === "number") return line
  const { sub, rest } = line
  if (sub === "daily") return daily(rest, io)
  if (sub === "kpi") return kpi(rest, io)
  return unknownSubCommand(io, sub, ["daily", "kpi"], dailyHelp(io))
}
