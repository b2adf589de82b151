import { mkdtempSync, writeFileSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { rulePackPresets, sampleDirectory } from "@minyi/core"
import type { CliIO, Lang } from "../src/index.js"
import { runCli } from "../src/index.js"

const dir = mkdtempSync(join(tmpdir(), "minyi-simulate-"))
const write = (name: string, value: unknown): string => {
  const path = join(dir, name)
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value))
  return name
}

const run = async (args: ReadonlyArray<string>, lang: Lang = "zh-CN") => {
  const out: Array<string> = []
  const err: Array<string> = []
  const io: CliIO = { lang, out: (l) => out.push(l), err: (l) => err.push(l), readText: (p) => readFile(p, "utf8"), cwd: dir }
  const code = await runCli(args, io)
  return { code, out, err, json: () => JSON.parse(out.join("\n")) }
}

const unit = { kind: "unit", id: "dept.urban-management" }
const submit = (id: string, extra: Record<string, unknown> = {}) => ({
  _tag: "Submit",
  petitionId: id,
  actor: { kind: "petitioner" },
  petitioner: { anonymous: false },
  channel: "channel.district-secretary-online",
  category: "city-management.sanitation.refuse-odour",
  jurisdiction: "community.yuanling.hongli",
  title: "垃圾站异味",
  content: "垃圾站异味严重",
  ...extra
})

const quiet = write("quiet.json", {
  rulePack: "futian-10-30-24",
  steps: [
    { at: "2026-03-02T09:00:00+08:00", command: submit("p-1") },
    { at: "2026-03-02T10:00:00+08:00", command: { _tag: "Accept", petitionId: "p-1", actor: unit, unit: "dept.urban-management" } }
  ]
})

describe("minyi simulate", () => {
  it("prints petitions, actions and notifications with exactly the documented fields, instants at +08:00 and null when missing", async () => {
    const r = await run(["simulate", quiet])
    expect(r.code, r.err.join("\n")).toBe(0)
    const report = r.json()
    const [p] = report.petitions
    expect(Object.keys(p)).toEqual(expect.arrayContaining(["id", "status", "tier", "owner", "responsibility", "clocks"]))
    expect(p).toMatchObject({ id: "p-1", status: "in_progress", tier: 0, owner: null })
    expect(p.responsibility).toMatchObject({ firstHandler: "unit.dispatch-centre", lead: "dept.urban-management", coHandlers: ["dept.ecology"] })
    const feedback = p.clocks.find((c: { name: string }) => c.name === "feedback")
    expect(feedback).toMatchObject({
      state: "breached",
      startedAt: "2026-03-02T09:00:00+08:00",
      dueAt: "2026-03-02T09:10:00+08:00",
      stoppedAt: null,
      breachedAt: "2026-03-02T09:10:00+08:00"
    })
    for (const c of p.clocks) expect(Object.keys(c)).toEqual(expect.arrayContaining(["name", "state", "startedAt", "dueAt", "stoppedAt", "breachedAt"]))
    const notify = report.actions.find((a: { rule: string }) => a.rule === "feedback-overdue")
    expect(Object.keys(notify).sort()).toEqual(["at", "params", "petitionId", "rule", "type"])
    expect(notify).toMatchObject({ at: "2026-03-02T09:10:00+08:00", petitionId: "p-1", type: "notify" })
    expect(report.notifications[0]).toMatchObject({ at: "2026-03-02T09:10:00+08:00", petitionId: "p-1", to: "person:person.deputy-head.1", template: "feedback-overdue" })
  })

  it("fires every timer at its own instant between steps, not at the next step's", async () => {
    const report = (await run(["simulate", quiet])).json()
    const events = report.petitions[0].events.map((e: { at: string; type: string; clock?: string }) => `${e.at} ${e.type}${e.clock === undefined ? "" : ` ${e.clock}`}`)
    expect(events).toContain("2026-03-02T09:10:00+08:00 ClockBreached feedback")
    expect(events).toContain("2026-03-02T09:30:00+08:00 ClockBreached contact")
    // The warnings at half time come before the breach, in order, each at its own minute.
    const feedbackWarnings = events.filter((e: string) => e.includes("ClockWarned feedback"))
    expect(feedbackWarnings).toEqual(["2026-03-02T09:05:00+08:00 ClockWarned feedback", "2026-03-02T09:08:00+08:00 ClockWarned feedback"])
    // The unit the warning is charged to travels beside the clock's name, not glued onto it; before
    // the lead accepts (at 10:00) that is the first handler, not the unit the petition was offered to.
    const warned = report.petitions[0].events.filter((e: { type: string; clock?: string }) => e.type === "ClockWarned" && e.clock === "feedback")
    expect(warned.map((e: { unit?: string }) => e.unit)).toEqual(["unit.dispatch-centre", "unit.dispatch-centre"])
    expect(events.indexOf("2026-03-02T10:00:00+08:00 Accepted")).toBeGreaterThan(events.indexOf("2026-03-02T09:30:00+08:00 ClockBreached contact"))
    // Without --until the clock stops at the last step: the 24-hour clocks are still running.
    expect(report.until).toBe("2026-03-02T10:00:00+08:00")
    expect(report.actions.some((a: { rule: string }) => a.rule === "first-round-overdue")).toBe(false)
  })

  it("--until runs the clock on past the last step", async () => {
    const r = await run(["simulate", quiet, "--until", "2026-03-03T10:00:00+08:00"])
    const report = r.json()
    expect(report.until).toBe("2026-03-03T10:00:00+08:00")
    const escalate = report.actions.find((a: { rule: string }) => a.rule === "first-round-overdue")
    expect(escalate).toMatchObject({ at: "2026-03-03T09:00:00+08:00", type: "escalate", params: { tier: 1, owner: "person.head.urban-management" } })
    expect(report.petitions[0]).toMatchObject({ tier: 1, owner: "person.head.urban-management" })
  })

  it("reports a refused command as a step failure with the refusal's message", async () => {
    const file = write("refused.json", {
      rulePack: "futian-10-30-24",
      steps: [
        { at: "2026-03-02T09:00:00+08:00", command: submit("p-1") },
        {
          at: "2026-03-02T09:30:00+08:00",
          command: {
            _tag: "Resolve", petitionId: "p-1", actor: { kind: "unit", id: "dept.ecology" }, unit: "dept.ecology", summary: "已处理",
            checklist: { problemSolved: true, explanationGiven: true, assistanceGiven: true, unlawfulConductDealtWith: true }
          }
        }
      ]
    })
    const r = await run(["simulate", file], "en")
    expect(r.code).toBe(0)
    const step = r.json().steps[1]
    expect(step.outcome).toBe("failed")
    expect(step.failure._tag).not.toBe("InvalidInput")
    expect(step.failure.message.length).toBeGreaterThan(10)
    expect(r.err).toContainEqual(expect.stringMatching(/^step 2 \(2026-03-02T09:30:00\+08:00, Resolve p-1\) was refused: \w+: /))
  })

  it("names every bad field of a scenario by its JSON path and exits 1", async () => {
    const file = write("bad.json", {
      rulePack: "futian-10-30-42",
      directory: { id: "x" },
      steps: [
        { at: "yesterday", command: submit("p-1") },
        { at: "2026-03-02T09:00:00+08:00", command: { _tag: "Accept", petitionId: "p-1", actor: unit }, expect: { tier: 7, clocks: { feedback: "late" } } }
      ]
    })
    const r = await run(["simulate", file], "en")
    expect(r.code).toBe(1)
    expect(r.out).toEqual([])
    expect(r.err).toContainEqual(expect.stringMatching(/^bad\.json: \/steps\/0\/at: .*ISO 8601/))
    expect(r.err).toContainEqual(expect.stringMatching(/^bad\.json: \/steps\/1\/expect\/tier: /))
    expect(r.err).toContainEqual(expect.stringMatching(/^bad\.json: \/steps\/1\/expect\/clocks\/feedback: /))
    // A bad shape does not hide the other problems: the pack, the directory and the commands are checked too.
    expect(r.err).toContainEqual(expect.stringMatching(/^bad\.json: \/rulePack: "futian-10-30-42" is neither a preset/))
    expect(r.err).toContainEqual(expect.stringMatching(/^bad\.json: \/directory\/\w+: /))
    expect(r.err).toContainEqual(expect.stringMatching(/^bad\.json: \/steps\/1\/command\/unit: /))
    const later = write("bad-refs.json", {
      rulePack: "futian-10-30-42",
      directory: { id: "x" },
      steps: [
        { at: "2026-03-02T09:00:00+08:00", command: submit("p-1", { persons: 0 }) },
        { at: "2026-03-02T08:00:00+08:00", command: { _tag: "Accept", petitionId: "p-1", actor: unit } }
      ]
    })
    const r2 = await run(["simulate", later], "en")
    expect(r2.code).toBe(1)
    expect(r2.err).toContainEqual(expect.stringMatching(/^bad-refs\.json: \/directory\/\w+: /))
    expect(r2.err).toContainEqual(expect.stringMatching(/^bad-refs\.json: \/rulePack: "futian-10-30-42" is neither a preset/))
    expect(r2.err).toContainEqual(expect.stringMatching(/^bad-refs\.json: \/steps\/0\/command\/persons: /))
    expect(r2.err).toContainEqual(expect.stringMatching(/^bad-refs\.json: \/steps\/1\/command\/unit: /))
    expect(r2.err).toContain("bad-refs.json: /steps/1/at: a step may not come before the step above it")
  })

  it("names problems inside a referenced pack file as file#/path; a missing file or bad JSON at /", async () => {
    write("pack.json", { id: "p", version: "1", effectiveFrom: "2026-01-01T00:00:00+08:00", calendars: {}, clocks: [{ name: "c", start: ["Submitted"], stop: ["Acknowledged"], limit: "PT10M", calendar: "nowhere" }] })
    const file = write("with-pack.json", { rulePack: "pack.json", steps: [] })
    const r = await run(["simulate", file], "en")
    expect(r.code).toBe(1)
    expect(r.err).toContainEqual(expect.stringMatching(/^with-pack\.json: pack\.json#\/clocks\/0\/calendar: [^\u4e00-\u9fff]*"nowhere"[^\u4e00-\u9fff]*$/))
    // The pack's problems are printed in the scenario's language: Chinese by default.
    expect((await run(["simulate", file])).err).toContainEqual(expect.stringMatching(/^with-pack\.json: pack\.json#\/clocks\/0\/calendar: .*[\u4e00-\u9fff].*"nowhere"/))
    expect((await run(["simulate", "missing.json"])).err).toContainEqual(expect.stringMatching(/^missing\.json: \/: 无法读取/))
    expect((await run(["simulate", write("not-json.json", "{ steps: ")], "en")).err).toContainEqual(expect.stringMatching(/^not-json\.json: \/: .*not valid JSON/))
  })

  it("takes its directory from a file or inline; a bad one is named by file#/path or /directory/path", async () => {
    const data = sampleDirectory().data
    // A community only this directory has: a Submit there is accepted only if the scenario's directory is used.
    const extended = {
      ...data,
      jurisdictions: [...data.jurisdictions, { id: "community.yuanling.xinzhou", name: "新洲社区", nameEn: "Xinzhou Community", level: "community", parent: "street.yuanling", leaders: [] }]
    }
    const steps = [{ at: "2026-03-02T09:00:00+08:00", command: submit("p-1", { jurisdiction: "community.yuanling.xinzhou" }) }]
    write("extended-directory.json", extended)
    for (const directory of ["extended-directory.json", extended]) {
      const r = await run(["simulate", write("own-directory.json", { directory, rulePack: "futian-10-30-24", steps })])
      expect(r.code).toBe(0)
      expect(r.json().steps[0]).toMatchObject({ outcome: "ok" })
      expect(r.json().petitions[0]).toMatchObject({ id: "p-1", responsibility: { lead: "dept.urban-management" } })
    }
    const sample = await run(["simulate", write("sample-directory.json", { rulePack: "futian-10-30-24", steps })])
    expect(sample.json().steps[0]).toMatchObject({ outcome: "failed", failure: { _tag: "UnknownReference" } })
    const broken = { ...data, units: [{ ...data.units[0], parent: 7 }, ...data.units.slice(1)] }
    write("broken-directory.json", broken)
    const fromFile = await run(["simulate", write("bad-directory-file.json", { directory: "broken-directory.json", rulePack: "futian-10-30-24", steps: [] })])
    expect(fromFile.code).toBe(1)
    expect(fromFile.err).toContainEqual(expect.stringMatching(/^bad-directory-file\.json: broken-directory\.json#\/units\/0\/parent: /))
    const inline = await run(["simulate", write("bad-directory-inline.json", { directory: broken, rulePack: "futian-10-30-24", steps: [] })])
    expect(inline.err).toContainEqual(expect.stringMatching(/^bad-directory-inline\.json: \/directory\/units\/0\/parent: /))
  })

  it("takes its rule pack inline too; a bad inline pack is named by /rulePack/path", async () => {
    const preset = rulePackPresets["futian-10-30-24"] as { readonly clocks: ReadonlyArray<{ readonly name: string }> }
    const fiveMinutes = { ...preset, clocks: preset.clocks.map((c) => (c.name === "feedback" ? { ...c, limit: "PT5M" } : c)) }
    const steps = [{ at: "2026-03-02T09:00:00+08:00", command: submit("p-1") }]
    const r = await run(["simulate", write("inline-pack.json", { rulePack: fiveMinutes, steps })])
    expect(r.code).toBe(0)
    const feedback = r.json().petitions[0].clocks.find((c: { name: string }) => c.name === "feedback")
    expect(feedback).toMatchObject({ dueAt: "2026-03-02T09:05:00+08:00" })
    const broken = { ...preset, clocks: preset.clocks.map((c, i) => (i === 0 ? { ...c, calendar: "nowhere" } : c)) }
    const bad = await run(["simulate", write("bad-inline-pack.json", { rulePack: broken, steps })], "en")
    expect(bad.code).toBe(1)
    expect(bad.err).toContainEqual(expect.stringMatching(/^bad-inline-pack\.json: \/rulePack\/clocks\/0\/calendar: /))
  })

  it("a timer firing that fails (rules triggering each other without end) ends the run with exit 1 and a line saying why, not a stack trace", async () => {
    const preset = rulePackPresets["futian-10-30-24"] as object
    const on = (type: string, priority?: string) => ({
      all: [
        { fact: "trigger", path: "$.type", operator: "equal", value: type },
        ...(priority === undefined ? [] : [{ fact: "petition", path: "$.priority", operator: "equal", value: priority }])
      ]
    })
    const pingPong = {
      ...preset,
      escalation: [
        { name: "breach-urgent", conditions: on("ClockBreached"), event: { type: "setPriority", params: { priority: "urgent" } } },
        { name: "ping", conditions: on("PriorityChanged", "urgent"), event: { type: "setPriority", params: { priority: "normal" } } },
        { name: "pong", conditions: on("PriorityChanged", "normal"), event: { type: "setPriority", params: { priority: "urgent" } } }
      ]
    }
    const file = write("ping-pong.json", { rulePack: pingPong, steps: [{ at: "2026-03-02T09:00:00+08:00", command: submit("p-1") }], until: "2026-03-02T10:00:00+08:00" })
    for (const args of [["simulate", file], ["scenario", "test", file]]) {
      const r = await run(args)
      expect(r.code).toBe(1)
      expect(r.err).toHaveLength(1)
      expect(r.err[0]).toMatch(/^ping-pong\.json: 2026-03-02T09:10:00\+08:00 定时器触发失败，情景无法继续：RuleLoop：/)
    }
  })

  it("usage errors exit 2", async () => {
    expect((await run(["simulate"])).code).toBe(2)
    expect((await run(["simulate", quiet, "--until", "tomorrow"])).code).toBe(2)
    expect((await run(["simulate", quiet, "--frobnicate", "1"])).code).toBe(2)
    expect((await run(["simulate", "--help"])).code).toBe(0)
    // Each usage error names what is wrong, not just "give one scenario file".
    const misspelt = await run(["simulate", quiet, "--untl", "2026-03-03T09:00:00+08:00"], "en")
    expect(misspelt.code).toBe(2)
    expect(misspelt.err[0]).toMatch(/^simulate has no option "--untl"; did you mean "--until"\? \(it takes: --until, --plugin\)\./)
    expect((await run(["simulate", quiet, "--until"], "en")).err[0]).toMatch(/^simulate: the option "--until" needs a value\./)
    expect((await run(["simulate", quiet, quiet], "en")).err[0]).toMatch(/^simulate takes one scenario file; got 2\./)
    expect((await run(["simulate", quiet, "--untl", "x"])).err[0]).toMatch(/^simulate 没有选项 "--untl"，是不是 "--until"？（可用：--until, --plugin）。/)
  })
})

describe("minyi simulate --plugin", () => {
  const example = join(import.meta.dirname, "../../../examples/plugin-futian-grid")

  it("runs a scenario whose pack needs a plugin, with the plugin module given; without it the pack's need is named", async () => {
    const scenario = join(example, "scenario.json")
    const plugin = join(example, "src/index.ts")
    const ran = await run(["simulate", scenario, "--plugin", plugin], "en")
    expect(ran.code).toBe(0)
    const report = JSON.parse(ran.out.join("\n"))
    expect(report.actions.filter((a: { type: string }) => a.type === "plugin").map((a: { petitionId: string; params: { command?: string; channel?: string } }) => [a.petitionId, a.params.command ?? a.params.channel])).toEqual([
      ["p-old-open", "city-platform"],
      ["p-old-open", "Flag"]
    ])
    const without = await run(["simulate", scenario], "en")
    expect(without.code).toBe(1)
    expect(without.err.join("\n")).toContain('the pack needs plugin "futian-grid" (^1.2.0), which was not given')
  })
})
