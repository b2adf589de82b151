import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { Result } from "effect"
import { beforeAll, describe, expect, it } from "vitest"
import type { PetitionEvent } from "@minyi/core"
import type { CliIO, Lang } from "../src/index.js"
import { runCli } from "../src/index.js"
import { readHistories, runOnStore } from "../src/commands/report.js"

const root = resolve(import.meta.dirname, "../../..")
const futian = JSON.parse(readFileSync(join(root, "packages/core/src/presets/futian-10-30-24.json"), "utf8"))
const dir = mkdtempSync(join(tmpdir(), "minyi-impact-"))
const io = (lang: Lang, out: Array<string>, err: Array<string>): CliIO => ({
  lang, out: (l) => out.push(l), err: (l) => err.push(l), readText: (p) => readFile(p, "utf8"), cwd: dir
})
const run = async (args: ReadonlyArray<string>, lang: Lang = "zh-CN") => {
  const [out, err]: [Array<string>, Array<string>] = [[], []]
  const code = await runCli(args, io(lang, out, err))
  return { code, out, err }
}

const MIN = 60_000
let histories: ReadonlyArray<ReadonlyArray<PetitionEvent>> = []

beforeAll(async () => {
  const generated = await run(["generate", "--db", "march.db", "--from", "2026-03-02", "--days", "3", "--per-day", "30"])
  expect(generated.code, generated.err.join("\n")).toBe(0)
  const read = await runOnStore(io("en", [], []), "march.db", readHistories(() => undefined))
  histories = [...Result.getOrThrow(read).values()]
}, 120_000)

/** When the feedback clock stopped, minutes after submission (undefined if it never did). */
const feedbackMinutes = (h: ReadonlyArray<PetitionEvent>): number | undefined => {
  const submitted = h.find((e) => e._tag === "Submitted")!.at
  const acknowledged = h.find((e) => e._tag === "Acknowledged")?.at
  return acknowledged === undefined ? undefined : (acknowledged - submitted) / MIN
}

describe("minyi rules impact", () => {
  it("the same pack on both sides finds no difference, though the generator's ticks record breaches late", async () => {
    expect(histories.some((h) => h.some((e) => e._tag === "ClockBreached" && e.at > e.dueAt))).toBe(true)
    const r = await run(["rules", "impact", "--before", "futian-10-30-24", "--after", "futian-10-30-24", "--db", "march.db"])
    expect(r.code).toBe(0)
    expect(r.out[0]).toContain(`重放 ${histories.length} 件信访件，分派不同 0 件，时限结果不同 0 件，提级或通知不同 0 件`)
    expect(r.out[1]).toBe("没有差异。")
    const json = await run(["rules", "impact", "--before", "futian-10-30-24", "--after", "futian-10-30-24", "--db", "march.db", "--format", "json"])
    expect(JSON.parse(json.out.join("\n")).differences).toEqual([])
  })

  it("a changed feedback limit changes the outcome of exactly the petitions acknowledged between the old and the new limit", async () => {
    let affected = 0
    for (const minutes of [15, 7]) {
      const file = write(`${minutes}-30-24.json`, {
        ...futian, version: "2026.1", effectiveFrom: "2026-04-01T00:00:00+08:00",
        clocks: futian.clocks.map((c: { name: string }) => (c.name === "feedback" ? { ...c, limit: `PT${minutes}M` } : c))
      })
      const r = await run(["rules", "impact", "--before", "futian-10-30-24", "--after", file, "--db", "march.db", "--format", "json"])
      expect(r.code, r.err.join("\n")).toBe(0)
      const report = JSON.parse(r.out.join("\n"))
      const [low, high] = [Math.min(10, minutes), Math.max(10, minutes)]
      const expected = histories
        .filter((h) => {
          const m = feedbackMinutes(h)
          return m !== undefined && m > low && m <= high
        })
        .map((h) => h[0]!.petitionId)
        .sort()
      affected += expected.length
      const clocked = report.differences.filter((d: { clocks: Array<unknown> }) => d.clocks.length > 0)
      expect(clocked.map((d: { petitionId: string }) => d.petitionId).sort(), `PT${minutes}M`).toEqual(expected)
      const [was, now] = minutes > 10 ? ["breached", "met"] : ["met", "breached"]
      for (const d of clocked) {
        expect(d.clocks).toEqual([{ clock: expect.stringMatching(/^feedback/), before: expect.objectContaining({ state: was }), after: expect.objectContaining({ state: now }) }])
      }
      expect(report.routedDifferently).toBe(0)
      expect(report.after).toEqual({ id: "futian-10-30-24", version: "2026.1" })

      const table = await run(["rules", "impact", "--before", "futian-10-30-24", "--after", file, "--db", "march.db"], "en")
      expect(table.out[0]).toContain(`clocks differently ${expected.length}`)
      for (const id of expected) expect(table.out).toContainEqual(expect.stringMatching(new RegExp(`^${id}\\s+clock feedback\\s+${was}, due .*${now}, due`)))
    }
    // The generated district must contain such petitions, or this test would prove nothing.
    expect(affected).toBeGreaterThan(0)
  })

  it("--from and --to replay only the petitions received in those days", async () => {
    const day = Date.parse("2026-03-03T00:00:00+08:00")
    const received = histories.filter((h) => h[0]!.at >= day && h[0]!.at < day + 24 * 60 * MIN).length
    const r = await run(["rules", "impact", "--before", "futian-10-30-24", "--after", "futian-10-30-24", "--db", "march.db", "--from", "2026-03-03", "--to", "2026-03-03", "--format", "json"])
    expect(JSON.parse(r.out.join("\n")).petitions).toBe(received)
    expect(received).toBeGreaterThan(0)
    expect(received).toBeLessThan(histories.length)
  })

  it("--plugin loads packs that name plugins, on both sides", async () => {
    const plugin = resolve(root, "examples/plugin-futian-grid/src/index.ts")
    const gridPack = resolve(root, "examples/plugin-futian-grid/pack.json")
    const same = await run(["rules", "impact", "--before", gridPack, "--after", gridPack, "--db", "march.db", "--plugin", plugin, "--format", "json"], "en")
    expect(same.code, same.err.join("\n")).toBe(0)
    const report = JSON.parse(same.out.join("\n"))
    expect(report).toMatchObject({ before: { id: "futian-grid-demo" }, petitions: histories.length, differences: [] })
    // Against the preset, what the grid pack adds is its plugin's action: the forwards to the city platform.
    const added = await run(["rules", "impact", "--before", "futian-10-30-24", "--after", gridPack, "--db", "march.db", "--plugin", plugin, "--format", "json"], "en")
    expect(added.code, added.err.join("\n")).toBe(0)
    const onlyAfter = JSON.parse(added.out.join("\n")).differences.flatMap((d: { escalation: Array<{ onlyAfter: Array<{ ruleId: string; type: string }> }> }) => d.escalation.flatMap((e) => e.onlyAfter))
    expect(onlyAfter.length).toBeGreaterThan(0)
    expect(onlyAfter.every((a: { ruleId: string; type: string }) => a.ruleId === "forward-old-compound" && a.type === "plugin")).toBe(true)
    const without = await run(["rules", "impact", "--before", "futian-10-30-24", "--after", gridPack, "--db", "march.db"], "en")
    expect(without.code).toBe(1)
    expect(without.out[0]).toBe(`${gridPack}: /plugins/futian-grid: the pack needs plugin "futian-grid" (^1.2.0), which was not given (no plugins were given)`)
  })

  it("usage errors exit 2, a bad pack exits 1", async () => {
    expect((await run(["rules", "impact", "--before", "futian-10-30-24", "--after", "futian-10-30-24"])).code).toBe(2)
    expect((await run(["rules", "impact", "--before", "futian-10-30-24", "--after", "futian-10-30-24", "--db", "nowhere.db"])).code).toBe(2)
    expect((await run(["rules", "impact", "--before", "futian-10-30-24", "--after", "futian-10-30-24", "--db", "march.db", "--format", "xml"])).code).toBe(2)
    expect((await run(["rules", "impact", "--before", "futian-10-30-24", "--after", "futian-10-30-24", "--db", "march.db", "--from", "2026-03-03"])).code).toBe(2)
    write("broken.json", { ...futian, clocks: [{ ...futian.clocks[0], calendar: "nowhere" }] })
    const bad = await run(["rules", "impact", "--before", "futian-10-30-24", "--after", "broken.json", "--db", "march.db"], "en")
    expect(bad.code).toBe(1)
    expect(bad.out[0]).toMatch(/^broken\.json: \/clocks\/0\/calendar: /)
  })
})

function write(name: string, value: unknown): string {
  const path = join(dir, name)
  writeFileSync(path, JSON.stringify(value, null, 2))
  return path
}
