import { execFile } from "node:child_process"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { promisify } from "node:util"
import { describe, expect, it } from "vitest"
import type { CliIO, Lang } from "../src/index.js"
import { runCli } from "../src/index.js"
import { sampleDirectory } from "@minyi/core"

const root = resolve(import.meta.dirname, "../../..")
const futianPath = join(root, "packages/core/src/presets/futian-10-30-24.json")
const futian = JSON.parse(readFileSync(futianPath, "utf8"))
const dir = mkdtempSync(join(tmpdir(), "minyi-rules-"))
const write = (name: string, value: unknown): string => {
  const path = join(dir, name)
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value))
  return path
}

const run = async (args: ReadonlyArray<string>, lang: Lang = "zh-CN") => {
  const out: Array<string> = []
  const err: Array<string> = []
  const io: CliIO = { lang, out: (l) => out.push(l), err: (l) => err.push(l), readText: (p) => readFile(p, "utf8"), cwd: dir }
  const code = await runCli(args, io)
  return { code, out, err }
}

const broken = write("broken.json", {
  ...futian,
  routing: [{ id: "r", conditions: { all: [{ fact: "petiton", operator: "equal", value: 1 }] }, event: { type: "route", params: { lead: "dept.ecolgy" } } }]
})

const facts = {
  petition: {
    id: "p-9", category: "city-management.sanitation.refuse-odour",
    categoryPath: ["city-management", "city-management.sanitation", "city-management.sanitation.refuse-odour"],
    channel: "channel.hotline", channelKind: "hotline", jurisdiction: "community.futian.gangxia",
    jurisdictionPath: ["district.futian", "street.futian", "community.futian.gangxia"], street: "street.futian",
    persons: 1, flags: [], tier: 0, status: "dispatched", priority: "normal", returnCount: 2, transferCount: 0,
    declineCount: 0, repeatCount: 0, receivedAt: "2026-03-02T09:00:00+08:00", age: 3600000, lead: "dept.urban-management", coHandlers: ["dept.ecology"]
  },
  clocks: { feedback: { state: "met", remaining: 0, elapsed: 300000, elapsedFraction: 0.5 } },
  trigger: { type: "Returned", key: "Returned;version=5", unit: "dept.ecology" },
  now: "2026-03-02T10:00:00+08:00"
}
const factsPath = write("facts.json", facts)

describe("minyi rules (in process)", () => {
  it("validate: ok per valid file, exit 0", async () => {
    const r = await run(["rules", "validate", futianPath, join(root, "packages/core/src/presets/xinfang-statutory.json")])
    expect(r.code).toBe(0)
    expect(r.out).toEqual([`${futianPath}: ok`, `${join(root, "packages/core/src/presets/xinfang-statutory.json")}: ok`])
  })

  it("validate: one line per problem, file: /json/path: message, exit 1", async () => {
    const r = await run(["rules", "validate", futianPath, "broken.json", "missing.json"], "en")
    expect(r.code).toBe(1)
    expect(r.out[0]).toBe(`${futianPath}: ok`)
    expect(r.out).toContain('broken.json: /routing/0/conditions/all/0/fact: unknown fact "petiton"; did you mean "petition"?')
    expect(r.out).toContainEqual(expect.stringMatching(/^broken\.json: \/routing\/0\/event\/params\/lead: no unit "dept\.ecolgy" in the directory; did you mean "dept\.ecology"\?$/))
    expect(r.out).toContainEqual(expect.stringMatching(/^missing\.json: \/: cannot read the file/))
    const zh = await run(["rules", "validate", "broken.json", "missing.json"])
    expect(zh.out).toContain('broken.json: /routing/0/conditions/all/0/fact: 未知的事实 "petiton"；是否应为 "petition"？')
    expect(zh.out).toContainEqual(expect.stringMatching(/^missing\.json: \/: 无法读取文件/))
  })

  it("validate: --directory replaces the sample directory; warnings go to stderr", async () => {
    // the sample directory after the urban management bureau was merged away
    // edited as plain JSON, the way a policy officer edits the file
    const data: { units: ReadonlyArray<{ id: string }>; people: ReadonlyArray<{ unit: string }> } = structuredClone(sampleDirectory().data)
    data.units = data.units.filter((u) => u.id !== "dept.urban-management")
    data.people = data.people.filter((p) => p.unit !== "dept.urban-management")
    const tiny = write("merged-directory.json", data)
    const r = await run(["rules", "validate", futianPath, "--directory", tiny], "en")
    expect(r.code, r.out.join("\n")).toBe(1)
    expect(r.out.some((l) => l.includes('no unit "dept.urban-management"')), r.out.join("\n")).toBe(true)
    const noId = write("no-id.json", { ...futian, routing: [{ ...futian.routing[0], id: undefined }] })
    const warned = await run(["rules", "validate", noId], "en")
    expect(warned.code).toBe(0)
    expect(warned.err).toContainEqual(expect.stringMatching(/no-id\.json: \/routing\/0\/id: warning: rule has no "id"/))
  })

  it("schema prints the JSON Schema", async () => {
    const r = await run(["rules", "schema"])
    expect(r.code).toBe(0)
    const schema = JSON.parse(r.out.join("\n"))
    expect(schema.$ref).toBe("#/$defs/RulePack")
    expect(schema.$defs.Rule).toBeDefined()
  })

  it("explain shows which rules fire and why, in Chinese by default and English on request", async () => {
    const zh = await run(["rules", "explain", "--pack", futianPath, "--petition", factsPath])
    expect(zh.code).toBe(0)
    expect(zh.out).toContainEqual(expect.stringMatching(/^触发  refuse-odour \(优先级 10\) → route .*据此分拨$/))
    expect(zh.out).toContainEqual(expect.stringMatching(/^触发  returned-twice/))
    const en = await run(["rules", "explain", "--pack", futianPath, "--petition", factsPath], "en")
    expect(en.out).toContain("      ✓ petition $.returnCount = 2, is at least 2")
    expect(en.out).toContainEqual(expect.stringMatching(/^no  feedback-overdue/))
  })

  it("explain reports bad facts by JSON path, and usage errors exit 2", async () => {
    write("bad-facts.json", { ...facts, petition: { ...facts.petition, persons: -1, status: "dispachted" }, now: "yesterday" })
    const r = await run(["rules", "explain", "--pack", futianPath, "--petition", "bad-facts.json"])
    expect(r.code).toBe(1)
    expect(r.out).toContainEqual(expect.stringMatching(/^bad-facts\.json: \/petition\/persons: /))
    expect(r.out).toContainEqual(expect.stringMatching(/^bad-facts\.json: \/now: .*ISO 8601/))
    expect(r.out).toContainEqual(expect.stringMatching(/^bad-facts\.json: \/petition\/status: .*"dispatched"/))
    expect((await run(["rules", "explain", "--pack", futianPath])).code).toBe(2)
    expect((await run(["rules", "frobnicate"])).code).toBe(2)
  })

  it("explain checks the facts' ids and paths against the directory, and fills in a street left out", async () => {
    const { street: _street, ...withoutStreet } = facts.petition
    const filled = await run(["rules", "explain", "--pack", futianPath, "--petition", write("no-street.json", { ...facts, petition: withoutStreet })], "en")
    expect(filled.code).toBe(0)
    const streetOnly = write("street-pack.json", {
      ...futian,
      routing: [{ id: "futian-street", priority: 99, conditions: { all: [{ fact: "petition", path: "$.street", operator: "equal", value: "street.futian" }] }, event: { type: "route", params: { lead: "dept.ecology" } } }]
    })
    const byStreet = await run(["rules", "explain", "--pack", streetOnly, "--petition", "no-street.json"], "en")
    expect(byStreet.out).toContainEqual(expect.stringMatching(/^FIRES  futian-street .*← routes the petition$/))
    write("wrong-facts.json", {
      ...facts,
      petition: { ...facts.petition, category: "city-management.sanitation.refuse-odor", jurisdictionPath: ["district.futian", "community.futian.gangxia"], street: "street.shatou", lead: "dept.urban-managment", coHandlers: ["dept.ecology", "dept.x"] }
    })
    const wrong = await run(["rules", "explain", "--pack", futianPath, "--petition", "wrong-facts.json"], "en")
    expect(wrong.code).toBe(1)
    expect(wrong.out).toEqual([
      'wrong-facts.json: /petition/category: no category "city-management.sanitation.refuse-odor" in the directory',
      'wrong-facts.json: /petition/jurisdictionPath: should be ["district.futian","street.futian","community.futian.gangxia"] (the path of community.futian.gangxia)',
      'wrong-facts.json: /petition/street: should be "street.futian" (the street of community.futian.gangxia)',
      'wrong-facts.json: /petition/lead: no unit "dept.urban-managment" in the directory',
      'wrong-facts.json: /petition/coHandlers/1: no unit "dept.x" in the directory'
    ])
    const zh = await run(["rules", "explain", "--pack", futianPath, "--petition", "wrong-facts.json"])
    expect(zh.out[3]).toBe('wrong-facts.json: /petition/lead: 机构目录中没有单位 "dept.urban-managment"')
  })

  it("refuses an option or argument a sub-command does not take, instead of ignoring it", async () => {
    const misspelt = await run(["rules", "validate", futianPath, "--directry", "org.json"], "en")
    expect(misspelt.code).toBe(2)
    expect(misspelt.out).toEqual([])
    expect(misspelt.err[0]).toMatch(/^validate has no option "--directry" \(it takes: --directory\)\./)
    const zh = await run(["rules", "explain", "--pack", futianPath, "--facts", factsPath])
    expect(zh.code).toBe(2)
    expect(zh.err[0]).toMatch(/^explain 没有选项 "--facts"（可用：--pack, --petition, --directory）。/)
    const extra = await run(["rules", "schema", "pack.json"], "en")
    expect(extra.code).toBe(2)
    expect(extra.err[0]).toMatch(/^schema takes no argument "pack\.json"\./)
    const valueless = await run(["rules", "validate", futianPath, "--directory"], "en")
    expect(valueless.code).toBe(2)
    expect(valueless.err[0]).toMatch(/^Cannot understand argument "--directory"\./)
  })
})

describe("minyi rules (real process)", () => {
  it("validate exits 1 with one line per problem, and 0 with ok", async () => {
    const exec = promisify(execFile)
    const bin = ["--conditions=@minyi/source", "--import", "tsx", join(root, "packages/cli/src/bin.ts")]
    const good = await exec("node", [...bin, "rules", "validate", futianPath], { cwd: root })
    expect(good.stdout).toBe(`${futianPath}: ok\n`)
    const failed = await exec("node", [...bin, "--lang", "en", "rules", "validate", broken], { cwd: root }).then(
      () => undefined,
      (e: { code: number; stdout: string }) => e
    )
    expect(failed?.code).toBe(1)
    expect(failed?.stdout).toContain(`${broken}: /routing/0/conditions/all/0/fact: unknown fact "petiton"; did you mean "petition"?`)
  }, 60_000)
})
