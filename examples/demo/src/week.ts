/**
 * The week: a Futian-like district's petitions generated into an embedded SQLite file and run
 * through the engine on a virtual clock — intake from every channel, dispatch by rule, the
 * 10-30-24 clocks, breaches and escalations, whistles, a group visit owned by the district head —
 * with the notifications signed and delivered to a loopback webhook receiver, then the last day's
 * daily report (民情日报) written as HTML and Markdown and the week summed up from the file.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { runCli } from "@minyi/cli"
import type { CliIO } from "@minyi/cli"
import type { EngineCommand, Instant } from "@minyi/core"
import { createMinyi, loadDirectory, Reports } from "@minyi/core"
import * as Webhook from "@minyi/notify-webhook"
import * as SqliteStore from "@minyi/store-sqlite"
import { generateDirectoryData, generateWorkload } from "@minyi/testkit/generator"
import { Redacted, Result } from "effect"
import type { Progress } from "./progress.js"
import { startReceiver } from "./receiver.js"
import { summarise } from "./summary.js"
import type { Summary } from "./summary.js"

const MINUTE = 60_000
const HOUR = 60 * MINUTE

export interface WeekOptions {
  /** Where the SQLite file and the reports go (created if missing). */
  readonly dir: string
  /** The first day, `YYYY-MM-DD` (China time). */
  readonly from: string
  readonly days: number
  /** Petitions on an ordinary weekday. */
  readonly perDay: number
  readonly seed: number
}

export interface WeekResult {
  readonly db: string
  readonly reports: ReadonlyArray<string>
  readonly reportDate: string
  readonly summary: Summary
  readonly refusals: ReadonlyArray<string>
  /** Commands the engine handled and timer checks it ran (the generator's and the script's). */
  readonly commands: number
  readonly ticks: number
}

/**
 * The hard case every run has, whatever the random draw: twelve residents come in person about
 * their estate's lifts (a group visit, so the pack has the district head own it), the street
 * blows the whistle for the departments it needs, and the district head receives them.
 */
const GROUP = "FT-group-visit-1"
const groupVisit = (start: Instant): ReadonlyArray<{ readonly at: Instant; readonly command: EngineCommand }> => {
  const lead = "dept.housing"
  const street = "street-office.yuanling"
  const summoned = [lead, "dept.emergency"]
  const unit = (id: string) => ({ kind: "unit" as const, id })
  const whistleAt = start + 10 * HOUR + 40 * MINUTE
  return [
    {
      at: start + 10 * HOUR,
      command: {
        _tag: "Submit", petitionId: GROUP, at: 0, actor: { kind: "petitioner" },
        petitioner: { anonymous: false, name: Redacted.make("周建华"), phone: Redacted.make("13800000012") },
        persons: 12,
        channel: "channel.walk-in",
        category: "housing.repairs",
        jurisdiction: "community.yuanling.hongli",
        title: "红荔社区老旧小区电梯频繁停运",
        content: "12户居民联名来访：小区电梯一个月内停运五次，老人出行困难，请求尽快维修更换。"
      }
    },
    { at: start + 10 * HOUR + 4 * MINUTE, command: { _tag: "Accept", petitionId: GROUP, at: 0, actor: unit(lead), unit: lead } },
    { at: start + 10 * HOUR + 6 * MINUTE, command: { _tag: "Acknowledge", petitionId: GROUP, at: 0, actor: unit(lead), unit: lead } },
    { at: start + 10 * HOUR + 25 * MINUTE, command: { _tag: "Contact", petitionId: GROUP, at: 0, actor: unit(lead), unit: lead, method: "in_person" } },
    {
      at: whistleAt,
      command: {
        _tag: "BlowWhistle", petitionId: GROUP, at: 0, actor: unit(street), unit: street,
        whistleId: `w-${GROUP}`, summoned, deadline: whistleAt + 24 * HOUR
      }
    },
    {
      at: start + 15 * HOUR,
      command: {
        _tag: "RecordVisit", petitionId: GROUP, at: 0, actor: { kind: "person", id: "person.district-head" },
        kind: "reception", leader: "person.district-head", batches: 1, persons: 12
      }
    },
    ...summoned.map((u, i) => ({
      at: whistleAt + (3 + i) * HOUR,
      command: { _tag: "ReportForDuty", petitionId: GROUP, at: 0, actor: unit(u), whistleId: `w-${GROUP}`, unit: u } satisfies EngineCommand
    })),
    {
      at: start + 17 * HOUR,
      command: { _tag: "AssignHandler", petitionId: GROUP, at: 0, actor: unit(lead), unit: lead, person: "person.handler.housing" }
    }
  ]
}

/** The CLI's `report daily`, run in this process: the demo's report is the one staff would get. */
const writeReport = async (db: string, date: string, format: "html" | "md", lang: "zh-CN" | "en", out: string): Promise<void> => {
  const lines: Array<string> = []
  const io: CliIO = { lang, out: (l) => lines.push(l), err: (l) => lines.push(l), readText: async () => "", cwd: process.cwd() }
  const code = await runCli(["report", "daily", "--db", db, "--date", date, "--format", format, "--out", out], io)
  if (code !== 0) throw new Error(`minyi report daily exited ${code}: ${lines.join("\n")}`)
}

export const runWeek = async (options: WeekOptions, progress: Progress): Promise<WeekResult> => {
  mkdirSync(options.dir, { recursive: true })
  const db = join(options.dir, "minyi-demo.sqlite")
  const start = Reports.startOfLocalDate(options.from)
  if (start === undefined) throw new RangeError(`--from: "${options.from}" is not a date; expected YYYY-MM-DD`)
  const end = start + options.days * Reports.DAY_MS
  const data = generateDirectoryData()
  const directory = Result.getOrThrow(loadDirectory(data))
  // `minyi report --directory` names the figures from this file.
  writeFileSync(`${db}.directory.json`, JSON.stringify(data, null, 2))

  // The receiver and the notifier share the secret, as a portal and its minyi deployment would.
  const secret = "demo-only-webhook-secret"
  const receiver = await startReceiver(secret)
  const minyi = createMinyi({
    directory,
    rulePack: "futian-10-30-24",
    // NORMAL: the demo's file can be generated again, so it need not wait for every fsync.
    store: SqliteStore.layer({ path: db, synchronous: "NORMAL" }),
    notifier: Webhook.layer({ endpoints: { "*": receiver.url }, secret }),
    engine: { identityKey: Redacted.make(process.env["MINYI_IDENTITY_KEY"] ?? "demo-only-identity-key") }
  })
  const refusals: Array<string> = []
  let commands = 0
  let ticks = 0
  try {
    const script = [...groupVisit(start)].sort((a, b) => a.at - b.at)
    const relay = async (at: Instant): Promise<void> => {
      for (;;) {
        const r = await minyi.relay(at)
        if (r.delivered + r.retrying + r.deadLettered.length === 0) return
      }
    }
    // The generator drives time forward through tick; the scripted steps, the relay and the
    // progress bar ride on it, so everything happens at its simulated instant.
    const tick = async (at?: Instant) => {
      const now = at ?? end
      while (script.length > 0 && script[0]!.at <= now) {
        const step = script.shift()!
        commands++
        await minyi.handle({ ...step.command, at: step.at }).catch((e: unknown) => {
          refusals.push(`${step.command._tag} ${GROUP}: ${e instanceof Error ? e.message : String(e)}`)
        })
      }
      const report = await minyi.tick(now)
      await relay(now)
      progress.update(Math.min(now, end) - start, end - start)
      return report
    }
    progress.update(0, end - start)
    const generated = await generateWorkload({ handle: minyi.handle, tick }, { directory, from: start, days: options.days, perDay: options.perDay, seed: options.seed })
    refusals.push(...generated.refusals)
    commands += generated.commands
    ticks = generated.ticks
    progress.done()
  } finally {
    await minyi.dispose()
    await receiver.close()
  }
  const reportDate = Reports.localDate(end - 1)
  const reports: Array<string> = []
  for (const [format, lang] of [["html", "zh-CN"], ["md", "zh-CN"], ["html", "en"], ["md", "en"]] as const) {
    const file = join(options.dir, `民情日报-daily-report-${reportDate}${lang === "en" ? ".en" : ""}.${format}`)
    await writeReport(db, reportDate, format, lang, file)
    reports.push(file)
  }
  const summary = await summarise(db, { delivered: receiver.delivered(), refused: receiver.refused() })
  return { db, reports, reportDate, summary, refusals, commands, ticks }
}
