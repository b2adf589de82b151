/**
 * The minyi demo (`pnpm demo`): a week of petitions in a Futian-like district, run through the
 * engine on a virtual clock into an embedded SQLite file, with the last day's daily report
 * (民情日报) written next to it and the week summed up.
 *
 *   pnpm demo                                  the week, into a new temporary folder
 *   pnpm demo -- --out demo-output             into ./demo-output (an earlier demo file there is replaced)
 *   pnpm demo -- --days 2 --per-day 20         shorter and smaller (default: 7 days, 40 on a weekday)
 *   pnpm demo -- --per-day 200                 a 12345-sized volume (about three times as long)
 *   pnpm demo -- --from 2026-03-02 --seed 7    another week, another draw
 *   pnpm demo -- --story [--db demo.sqlite]    the short walkthrough of two petitions, event by event
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { isAbsolute, join, relative, resolve } from "node:path"
import { progress } from "./progress.js"
import type { Summary } from "./summary.js"

const usage = [
  "用法 usage: pnpm demo [-- 选项 options]",
  "  --days <n>             模拟天数 days to simulate (7)",
  "  --per-day <n>          普通工作日的件数 petitions on an ordinary weekday (40; nights and weekends have fewer)",
  "  --seed <n>             随机种子，相同种子生成相同数据 the same seed gives the same data (1)",
  "  --from <YYYY-MM-DD>    第一天 the first day (2026-03-02, a Monday)",
  "  --out <目录 dir>        输出目录 where the SQLite file and the reports go (a new temporary folder)",
  "  --story [--db <file>]  两件信访件的逐条演示 the short walkthrough of two petitions, event by event"
].join("\n")

const fail = (zh: string, en: string): never => {
  console.error(`${zh} (${en})\n${usage}`)
  process.exit(2)
}

const parse = (argv: ReadonlyArray<string>) => {
  const flags = new Map<string, string>()
  let story = false
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === "--") continue
    if (a === "--story") story = true
    else if (a === "--help" || a === "-h") {
      console.log(usage)
      process.exit(0)
    } else if (["--days", "--per-day", "--seed", "--from", "--out", "--db"].includes(a)) {
      const v = argv[++i]
      if (v === undefined) fail(`${a} 缺少取值`, `${a} needs a value`)
      flags.set(a.slice(2), v!)
    } else fail(`未知参数 "${a}"`, `unknown option "${a}"`)
  }
  const whole = (name: string, fallback: number, max: number): number => {
    const v = flags.get(name)
    if (v === undefined) return fallback
    if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) fail(`--${name} 应为 1 到 ${max} 的整数，收到 "${v}"`, `--${name}: expected a whole number from 1 to ${max}; got "${v}"`)
    return Number(v)
  }
  const from = flags.get("from") ?? "2026-03-02"
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from)) fail(`--from 应为日期 YYYY-MM-DD，收到 "${from}"`, `--from: expected a date YYYY-MM-DD; got "${from}"`)
  return {
    story,
    db: flags.get("db"),
    days: whole("days", 7, 31),
    perDay: whole("per-day", 40, 2000),
    seed: whole("seed", 1, 2 ** 31),
    from,
    out: flags.get("out")
  }
}

const percent = (part: number, whole: number): string => (whole === 0 ? "—" : `${((100 * part) / whole).toFixed(1)}%`)

/** Columns as a terminal draws them: Chinese characters and full-width punctuation take two. */
const displayWidth = (text: string): number =>
  [...text].reduce((w, c) => w + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(c) ? 2 : 1), 0)

const printSummary = (s: Summary): void => {
  const rows: ReadonlyArray<readonly [string, string]> = [
    ["信访件 petitions", `${s.petitions}`],
    ["按时 on time", `${percent(s.onTime, s.petitions)}（${s.onTime}/${s.petitions} 件没有任何时钟超时 with no 10-30-24 clock breached）`],
    ["超时 breaches", `${s.breaches}`],
    ["提级 escalations", `${s.escalations}`],
    ["吹哨报到 whistles", `${s.whistles}`],
    ["包案 owned cases", `${s.ownedCases}（区领导包案 by district leaders: ${s.ownedByDistrictLeaders}）`],
    [
      "通知送达 notifications delivered",
      `${s.notificationsDelivered}/${s.notificationsQueued}（签名已验证 signatures verified; 拒收 refused ${s.notificationsRefused}; 待发 pending ${s.notificationsPending}）`
    ]
  ]
  const width = Math.max(...rows.map(([label]) => displayWidth(label)))
  for (const [label, value] of rows) console.log(`  ${label}${" ".repeat(width - displayWidth(label))}  ${value}`)
}

const week = async (options: ReturnType<typeof parse>): Promise<void> => {
  const dir = options.out === undefined ? mkdtempSync(join(tmpdir(), "minyi-demo-")) : resolve(options.out)
  if (options.out !== undefined) {
    // Only the demo's own file is replaced: a new week is never mixed into an old one.
    for (const suffix of ["", "-wal", "-shm"]) rmSync(join(dir, `minyi-demo.sqlite${suffix}`), { force: true })
  }
  console.log(`民意 minyi — 演示：福田式辖区的 ${options.days} 天 (demo: ${options.days} days in a Futian-like district)`)
  console.log(`输出目录 output: ${dir}\n`)
  const started = performance.now()
  // Loaded here, not at the top: --help and --story need none of the generator, CLI or webhook.
  const { runWeek } = await import("./week.js")
  const result = await runWeek(
    { dir, from: options.from, days: options.days, perDay: options.perDay, seed: options.seed },
    progress("模拟 simulating")
  )
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  const shown = (p: string) => {
    const rel = relative(process.cwd(), p)
    return rel.startsWith("..") || isAbsolute(rel) ? p : rel
  }
  console.log(`\nSQLite: ${shown(result.db)}`)
  console.log(`民情日报 daily report ${result.reportDate}:`)
  for (const r of result.reports) console.log(`  ${shown(r)}`)
  console.log(`\n汇总 summary（${options.from} 起 ${options.days} 天 from ${options.from}, ${options.days} days）`)
  printSummary(result.summary)
  console.log(`\n引擎处理 ${result.commands} 条命令、${result.ticks} 次定时检查，用时 ${seconds} 秒 (the engine handled ${result.commands} commands and ${result.ticks} timer checks in ${seconds} s)`)
  if (result.summary.notificationsRefused > 0) {
    // The receiver and the notifier share one secret: a refused signature is a bug, not a demo outcome.
    console.error(`\n接收端拒收了 ${result.summary.notificationsRefused} 个签名无效的请求 (the receiver refused requests whose signature did not verify)`)
    process.exitCode = 1
  }
  if (result.refusals.length > 0) {
    // The generator only sends commands the engine should accept; a refusal is a bug worth seeing.
    console.error(`\n引擎拒绝了 ${result.refusals.length} 条命令 (the engine refused commands):\n${result.refusals.join("\n")}`)
    process.exitCode = 1
  }
}

const options = parse(process.argv.slice(2))
const run = options.story ? import("./story.js").then(({ runStory }) => runStory(options.db)) : week(options)
run.catch((error: unknown) => {
  console.error(error instanceof Error ? `${"_tag" in error ? String(error._tag) : error.name}: ${error.message}` : error)
  process.exitCode = 1
})
