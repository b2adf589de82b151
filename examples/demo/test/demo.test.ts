import { execFile } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import Database from "better-sqlite3"
import { afterAll, describe, expect, it } from "vitest"

const run = promisify(execFile)
const root = new URL("../../../", import.meta.url).pathname
/** `pnpm demo -- …`, as a newcomer types it (pnpm runs the root package.json's script). */
const pnpmDemo = (...args: Array<string>) => run("pnpm", ["--silent", "demo", "--", ...args], { cwd: root, maxBuffer: 16 * 1024 * 1024 })
const story = (...args: Array<string>) =>
  run(process.execPath, ["--conditions=@minyi/source", "--import", "tsx", "examples/demo/src/main.ts", "--story", ...args], { cwd: root })

describe("pnpm demo (the week)", () => {
  const dir = mkdtempSync(join(tmpdir(), "minyi-demo-week-"))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("simulates the days into SQLite, writes the last day's report, and sums up what the file holds", { timeout: 600_000 }, async () => {
    const { stdout, stderr } = await pnpmDemo("--days", "2", "--per-day", "30", "--out", dir)
    const db = join(dir, "minyi-demo.sqlite")
    expect(stdout).toContain(`输出目录 output: ${dir}`)
    expect(stdout).toContain(db)
    // Not a terminal here: progress comes as plain lines, up to 100%.
    expect(stderr).not.toContain("\r")
    expect(stderr).toContain("模拟 simulating 100%")

    // The reports of the last day, both formats, both languages, with their sections.
    const report = (suffix: string) => {
      const file = join(dir, `民情日报-daily-report-2026-03-03${suffix}`)
      expect(stdout).toContain(file)
      expect(existsSync(file)).toBe(true)
      return readFileSync(file, "utf8")
    }
    const md = report(".md")
    for (const section of ["# 民情日报 2026-03-03", "## 总览", "## 渠道分布", "## 时限达标", "## 吹哨、包案、走访", "## 疑难件"]) expect(md).toContain(section)
    const mdEn = report(".en.md")
    for (const section of ["## Overview", "## By channel", "## Deadline compliance", "## Whistles, owned cases, visits", "## Difficult cases"]) expect(mdEn).toContain(section)
    const html = report(".html")
    expect(html).toMatch(/^<!doctype html>/i)
    for (const section of ["总览", "时限达标", "吹哨、包案、走访", "疑难件"]) expect(html).toContain(`<h2>${section}`)
    expect(report(".en.html")).toContain("<h2>Overview")
    // The group visit the district head owns is among the open hard cases; no petitioner in any report.
    expect(md).toContain("FT-group-visit-1")
    for (const text of [md, mdEn, html]) {
      expect(text).not.toContain("周建华")
      expect(text).not.toContain("13800000012")
    }

    // The summary's figures, read back from the file with plain SQL.
    const figure = (label: string): RegExpMatchArray => {
      const line = stdout.split("\n").find((l) => l.trimStart().startsWith(label))
      expect(line, label).toBeDefined()
      return line!.slice(line!.indexOf(label) + label.length).match(/\d+(?:\.\d+)?/g)!
    }
    const sql = new Database(db, { readonly: true })
    const one = (query: string): number => Number(Object.values(sql.prepare(query).get() as Record<string, unknown>)[0] ?? 0)
    const events = (type: string) => one(`SELECT count(*) FROM events WHERE type = '${type}'`)
    const petitions = events("Submitted")
    const breachedPetitions = one("SELECT count(DISTINCT stream_id) FROM events WHERE type = 'ClockBreached'")
    const queued = one("SELECT coalesce(sum(json_array_length(data, '$.recipients')), 0) FROM events WHERE type = 'NotificationQueued'")
    const pending = one("SELECT count(*) FROM outbox")
    const expected = {
      petitions,
      onTime: petitions - breachedPetitions,
      breaches: events("ClockBreached"),
      escalations: events("Escalated"),
      whistles: events("WhistleBlown"),
      owned: one("SELECT count(DISTINCT stream_id) FROM events WHERE type = 'Escalated'"),
      ownedHigh: one("SELECT count(DISTINCT stream_id) FROM events WHERE type = 'Escalated' AND json_extract(data, '$.tier') >= 2")
    }
    sql.close()

    expect(figure("信访件 petitions").map(Number)).toEqual([petitions])
    const [percent, onTime, of] = figure("按时 on time").map(Number)
    expect([onTime, of]).toEqual([expected.onTime, petitions])
    expect(percent).toBeCloseTo((100 * expected.onTime) / petitions, 1)
    expect(figure("超时 breaches").map(Number)).toEqual([expected.breaches])
    expect(figure("提级 escalations").map(Number)).toEqual([expected.escalations])
    expect(figure("吹哨报到 whistles").map(Number)).toEqual([expected.whistles])
    expect(figure("包案 owned cases").map(Number)).toEqual([expected.owned, expected.ownedHigh])
    // The receiver counted each notification once after checking its signature; what it got is what
    // the rules queued, less what is still in the outbox.
    const [delivered, queuedShown, refused, pendingShown] = figure("通知送达 notifications delivered").map(Number)
    expect([queuedShown, refused, pendingShown]).toEqual([queued, 0, pending])
    expect(delivered).toBe(queued - pending)

    // A week that shows the engine at work: every one of these happened at least once.
    expect(petitions).toBeGreaterThan(40)
    for (const n of [expected.breaches, expected.escalations, expected.whistles, expected.ownedHigh, delivered]) expect(n).toBeGreaterThan(0)
    expect(expected.onTime).toBeLessThan(petitions)
  })

  it("refuses an option it does not know, naming it, with exit code 2", async () => {
    const failed = await pnpmDemo("--dayz", "2").then(() => undefined, (e: { code: number; stderr: string }) => e)
    expect(failed?.code).toBe(2)
    expect(failed?.stderr).toContain('未知参数 "--dayz"')
    expect(failed?.stderr).toContain('unknown option "--dayz"')
  })
})

describe("pnpm demo -- --story (the short walkthrough)", () => {
  const dir = mkdtempSync(join(tmpdir(), "minyi-demo-"))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("runs the story in memory: routed by rule, all 10-30-24 clocks met, a breach escalated, chains intact", async () => {
    const { stdout } = await story()
    expect(stdout).toContain("route(refuse-odour)")
    expect(stdout).toContain("feedback 按时 met · contact 按时 met · handler-named 按时 met · first-round 按时 met")
    expect(stdout).toContain("notify(feedback-overdue)")
    expect(stdout).toMatch(/超时 Clock breached {2}时钟 clock feedback/)
    expect(stdout).toContain("escalate(first-round-overdue)")
    expect(stdout).toMatch(/提级包案 Escalated {2}第 1 级 tier 1 · 包案人 owner \p{Script=Han}+ \([A-Z][a-z]+ [A-Z][a-z]+\)/u)
    expect(stdout).toMatch(/已派单 dispatched · 提级 tier 1\n/)
    expect(stdout).toContain("满意度回访 Satisfaction rated  满意 satisfied")
    expect(stdout).toMatch(/时限预警 Clock warning {2}时钟 clock feedback\S* 已过 passed \S+ · 到期 due 2026-03-02 \d\d:\d\d/)
    expect(stdout.match(/哈希链 hash chain: 完整 intact/g)).toHaveLength(2)
    expect(stdout).not.toContain("13912345678")
    expect(stdout).not.toContain("李秀英")
  })

  it("keeps its petitions in SQLite when given --db, so a second run sees the first's", async () => {
    const db = join(dir, "demo.sqlite")
    await story("--db", db)
    const { stdout } = await story("--db", db)
    const view = stdout.split("\n").find((l) => l.startsWith("部门视角"))!
    expect(view.match(/FT-/g)).toHaveLength(4)
  })
})
