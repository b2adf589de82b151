import { execFile } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { afterAll, describe, expect, it } from "vitest"

const run = promisify(execFile)
const root = new URL("../../../", import.meta.url).pathname
const demo = (...args: Array<string>) =>
  run(process.execPath, ["--conditions=@minyi/source", "--import", "tsx", "examples/demo/src/main.ts", ...args], { cwd: root })

describe("pnpm demo", () => {
  const dir = mkdtempSync(join(tmpdir(), "minyi-demo-"))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("runs the story in memory: routed by rule, all 10-30-24 clocks met, a breach escalated, chains intact", async () => {
    const { stdout } = await demo()
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
    await demo("--db", db)
    const { stdout } = await demo("--db", db)
    const view = stdout.split("\n").find((l) => l.startsWith("部门视角"))!
    expect(view.match(/FT-/g)).toHaveLength(4)
  })
})
