import { existsSync, writeFileSync } from "node:fs"
import { resolve } from "node:path"
import { createMinyi, loadDirectory } from "@minyi/core"
import * as SqliteStore from "@minyi/store-sqlite"
import { generateDirectoryData, generateWorkload } from "@minyi/testkit/generator"
import { Result } from "effect"
import type { CliIO, Command } from "../io.js"
import { wantsHelp } from "../args.js"
import { say, usage } from "../io.js"
import { dateOption, parseOptions, progressBar } from "./report.js"

const help = (io: CliIO): string =>
  say(
    io,
    [
      "用法: minyi generate --db <SQLite 文件> --from <YYYY-MM-DD> --days <天数> [--per-day <件数>] [--seed <整数>]",
      "",
      "生成一个类似福田的辖区（10 个街道、90 个社区、33 个渠道、89 个单位、约 1,600 个事项分类）在若干天里的信访件，",
      "每件都经引擎的 handle 与 tick 办理（派单、签收、超时、提级、吹哨、退单、走访、评价、结案），写入 SQLite 文件。",
      "--per-day 为普通工作日的件数（默认 200，夜间和周末较少）；相同 --seed 生成相同的数据（默认 1）。",
      "名录同时写到 <文件>.directory.json，供 minyi report --directory 使用。详见 docs/reports.md。",
      "例: minyi generate --db petitions.db --from 2026-03-01 --days 31 --per-day 50"
    ].join("\n"),
    [
      "Usage: minyi generate --db <SQLite file> --from <YYYY-MM-DD> --days <n> [--per-day <n>] [--seed <n>]",
      "",
      "Generates petitions in a Futian-like district (10 streets, 90 communities, 33 channels, 89 units, ~1,600 categories)",
      "over the days given, each handled through the engine's handle and tick (dispatch, acceptance, breaches, escalation,",
      "whistles, returns, visits, ratings, closure), into the SQLite file. --per-day is an ordinary weekday's count",
      "(default 200; nights and weekends have fewer); the same --seed gives the same data (default 1).",
      "The directory is written to <file>.directory.json too, for minyi report --directory. See docs/reports.md.",
      "Example: minyi generate --db petitions.db --from 2026-03-01 --days 31 --per-day 50"
    ].join("\n")
  )

const positiveInt = (io: CliIO, name: string, value: string | undefined, fallback: number): number | string => {
  if (value === undefined) return fallback
  return /^\d+$/.test(value) && Number(value) >= 1
    ? Number(value)
    : say(io, `--${name}: 应为正整数，收到 "${value}"`, `--${name}: expected a whole number ≥ 1; got "${value}"`)
}

export const generateCommand: Command = async (args, io) => {
  if (args[0] === "help" || wantsHelp(args)) {
    io.out(help(io))
    return 0
  }
  const flags = parseOptions(io, "generate", args, ["db", "from", "days", "per-day", "seed"])
  if (typeof flags === "string") return usage(io, `${flags}\n${help(io)}`, `${flags}\n${help(io)}`)
  const db = flags["db"]
  if (db === undefined) return usage(io, `缺少 --db <SQLite 文件>\n${help(io)}`, `--db <SQLite file> is required\n${help(io)}`)
  const from = dateOption(io, "from", flags["from"])
  if (typeof from === "string") return usage(io, from, from)
  if (flags["days"] === undefined) return usage(io, "缺少 --days <天数>", "--days <n> is required")
  const days = positiveInt(io, "days", flags["days"], 1)
  const perDay = positiveInt(io, "per-day", flags["per-day"], 200)
  const seed = positiveInt(io, "seed", flags["seed"], 1)
  for (const v of [days, perDay, seed]) if (typeof v === "string") return usage(io, v, v)
  if (typeof days !== "number" || typeof perDay !== "number" || typeof seed !== "number") return 2
  const path = resolve(io.cwd, db)
  if (existsSync(path)) {
    return usage(io, `--db: 文件 ${db} 已存在；请换一个文件名（生成的数据不与已有数据混合）`, `--db: the file ${db} exists; choose another (generated data is not mixed into existing data)`)
  }
  const data = generateDirectoryData()
  const directory = Result.getOrThrow(loadDirectory(data))
  writeFileSync(`${path}.directory.json`, JSON.stringify(data, null, 2))
  // NORMAL: a generated data set can be generated again, so it need not wait for every fsync.
  const minyi = createMinyi({ directory, rulePack: "futian-10-30-24", store: SqliteStore.layer({ path, synchronous: "NORMAL" }) })
  const bar = progressBar(say(io, "生成", "generating"))
  try {
    const report = await generateWorkload(minyi, { directory, from, days, perDay, seed, onProgress: (d, n) => bar.update(d, n) })
    bar.done()
    io.out(
      say(
        io,
        `已生成 ${report.petitions} 件信访件，${report.commands} 条命令，${report.ticks} 次定时检查，写入 ${db}`,
        `generated ${report.petitions} petitions, ${report.commands} commands, ${report.ticks} timer ticks into ${db}`
      )
    )
    for (const r of report.refusals) io.err(r)
    return report.refused === 0 ? 0 : 1
  } finally {
    await minyi.dispose()
  }
}
