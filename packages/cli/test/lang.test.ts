// `--lang` through the real binary: errors from minyi in English only, Chinese only, or both.
import { execFile } from "node:child_process"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { promisify } from "node:util"
import { readFile } from "node:fs/promises"
import { describe, expect, it } from "vitest"
import type { CliIO } from "../src/index.js"
import { runCli } from "../src/index.js"

const root = resolve(import.meta.dirname, "../../..")
const exec = promisify(execFile)
const dir = mkdtempSync(join(tmpdir(), "minyi-lang-"))
const han = /[\u4e00-\u9fff]/

const cli = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  exec(process.execPath, ["--conditions=@minyi/source", "--import", "tsx", join(root, "packages/cli/src/bin.ts"), ...args], {
    cwd: root,
    env: { PATH: process.env["PATH"] ?? "", ...env }
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr })
  )

// A unit resolving a petition that is dispatched but not yet accepted: decide refuses it.
writeFileSync(
  join(dir, "refused.json"),
  JSON.stringify({
    rulePack: "futian-10-30-24",
    steps: [
      {
        at: "2026-03-02T09:00:00+08:00",
        command: {
          _tag: "Submit", petitionId: "p-1", actor: { kind: "petitioner" }, petitioner: { anonymous: false },
          channel: "channel.district-secretary-online", category: "city-management.sanitation.refuse-odour",
          jurisdiction: "community.yuanling.hongli", title: "垃圾站异味", content: "垃圾站异味严重"
        }
      },
      {
        at: "2026-03-02T09:30:00+08:00",
        command: {
          _tag: "Resolve", petitionId: "p-1", actor: { kind: "unit", id: "dept.ecology" }, unit: "dept.ecology", summary: "已处理",
          checklist: { problemSolved: true, explanationGiven: true, assistanceGiven: true, unlawfulConductDealtWith: true }
        }
      }
    ]
  })
)
writeFileSync(join(dir, "bad-calendar.json"), JSON.stringify({ kind: "working", hours: { mon: ["9-12"] }, extra: 1 }))

const refused = join(dir, "refused.json")
const refusalLine = (stderr: string): string => {
  const line = stderr.split("\n").find((l) => /Resolve p-1/.test(l))
  if (line === undefined) throw new Error(`no refusal line in: ${stderr}`)
  return line.replace(/^.*?(InvalidTransition)[:：]/, "")
}

describe("minyi --lang (the real binary)", () => {
  it("prints a refusal in both languages by default, in one with --lang en or --lang zh", async () => {
    const [both, en, zh] = await Promise.all([cli(["simulate", refused]), cli(["simulate", refused, "--lang", "en"]), cli(["simulate", refused, "--lang", "zh"])])
    expect([both.code, en.code, zh.code]).toEqual([0, 0, 0])
    const [b, e, z] = [refusalLine(both.stderr), refusalLine(en.stderr), refusalLine(zh.stderr)]
    expect(e).toMatch(/petition p-1 is dispatched and cannot resolve/)
    expect(e).not.toMatch(han)
    expect(z).toMatch(/信访件 p-1 当前状态为“已派单”，不能办结/)
    expect(z).not.toMatch(/cannot|petition/)
    expect(b).toBe(`${z} (${e.trim()})`)
  }, 60_000)

  it("prints invalid input in both languages by default, in one with --lang", async () => {
    const args = ["calendar", "check", "--calendar", join(dir, "bad-calendar.json"), "--date", "2026-03-09"]
    const [both, en, zh, env] = await Promise.all([cli(args), cli([...args, "--lang", "en"]), cli([...args, "--lang", "zh-CN"]), cli(args, { MINYI_LANG: "en" })])
    expect([both.code, en.code, zh.code, env.code]).toEqual([1, 1, 1, 1])
    expect(en.stderr).toContain("/extra: Expected no excess property")
    expect(en.stderr).not.toMatch(han)
    expect(env.stderr).toBe(en.stderr)
    expect(zh.stderr).toContain("/extra: 不应有此字段")
    expect(zh.stderr).not.toContain("Expected")
    expect(both.stderr).toContain("/extra: 不应有此字段 (Expected no excess property)")
  }, 60_000)
})

// The output of the shared argument reader's commands (`say`, problem lines, JSON errors) follows --lang too.
describe("minyi rules --lang (the real binary)", () => {
  const futianPath = join(root, "packages/core/src/presets/futian-10-30-24.json")
  const same = join(dir, "same-version.json")
  writeFileSync(same, readFileSync(futianPath, "utf8"))
  const typo = join(dir, "full-width.json")
  writeFileSync(typo, '{"id"："x"}')

  it("rules validate --previous speaks English with --lang en, Chinese with --lang zh, both by default", async () => {
    const args = ["rules", "validate", same, "--previous", "futian-10-30-24"]
    const [both, en, zh] = await Promise.all([cli(args), cli([...args, "--lang", "en"]), cli(["--lang=zh", ...args])])
    expect([both.code, en.code, zh.code]).toEqual([1, 1, 1])
    const english = `${same}: /version: the version "2022.1" must be greater than the previous version "2022.1"`
    const chinese = `${same}: /version: 版本号 "2022.1" 须大于上一版本的 "2022.1"`
    expect(en.stdout.trim()).toBe(english)
    expect(zh.stdout.trim()).toBe(chinese)
    expect(both.stdout.trim()).toBe(`${chinese} (the version "2022.1" must be greater than the previous version "2022.1")`)
  }, 60_000)

  it("a JSON syntax error follows --lang", async () => {
    const args = ["rules", "validate", typo]
    const [both, en, zh] = await Promise.all([cli(args), cli([...args, "--lang", "en"]), cli([...args, "--lang", "zh"])])
    expect([both.code, en.code, zh.code]).toEqual([1, 1, 1])
    expect(en.stdout).toContain("not valid JSON")
    expect(en.stdout).not.toMatch(han)
    expect(zh.stdout).toContain("不是有效的 JSON")
    expect(zh.stdout).not.toContain("not valid JSON")
    expect(both.stdout).toContain("不是有效的 JSON")
    expect(both.stdout).toContain("not valid JSON")
  }, 60_000)

  it("rules validate takes --plugin (repeatable) through the argument reader, next to --lang", async () => {
    const plugin = join(root, "examples/plugin-futian-grid/src/index.ts")
    const gridPack = join(root, "examples/plugin-futian-grid/pack.json")
    const ok = await cli(["rules", "validate", gridPack, "--plugin", plugin, "--lang", "en"])
    expect(ok).toMatchObject({ code: 0, stdout: `${gridPack}: ok\n` })
    const unknown = await cli(["rules", "validate", gridPack, "--plugn", plugin, "--lang", "en"])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/^rules validate has no option "--plugn"; did you mean "--plugin"\?/)
  }, 60_000)
})

describe("usage errors in both languages (in process)", () => {
  it("say the first line in both and print the command's help once, Chinese lines then English", async () => {
    const err: Array<string> = []
    const io: CliIO = { lang: "zh-CN", messages: "both", out: () => {}, err: (l) => err.push(l), readText: (p) => readFile(p, "utf8"), cwd: dir }
    expect(await runCli(["simulate", "x.json", "--untl", "y"], io)).toBe(2)
    const [first, ...rest] = err[0]!.split("\n")
    expect(first).toBe('simulate 没有选项 "--untl"，是不是 "--until"？（可用：--until, --plugin） (simulate has no option "--untl"; did you mean "--until"? (it takes: --until, --plugin))。')
    expect(rest.filter((l) => l.startsWith("用法: minyi simulate"))).toHaveLength(1)
    expect(rest.filter((l) => l.startsWith("Usage: minyi simulate"))).toHaveLength(1)
  })
})
