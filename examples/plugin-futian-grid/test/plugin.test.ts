// The futian-grid plugin end to end: its scenario run through the engine (the scenario runner of
// @minyi/cli, and `minyi scenario test --plugin`), and the Promise facade delivering its
// forward through a notifier registered for the "city-platform" channel.
import { readFile } from "node:fs/promises"
import { fileURLToPath } from "node:url"
import { Effect, Result } from "effect"
import { describe, expect, it } from "vitest"
import { loadScenarioFile, runCli, runScenario } from "@minyi/cli"
import type { Notification } from "@minyi/core"
import { createMinyi, loadRulePack, sampleDirectory } from "@minyi/core"
import { futianGrid, withinBusinessHours } from "../src/index.js"

const here = (file: string) => fileURLToPath(new URL(`../${file}`, import.meta.url))
const packJson = async () => JSON.parse(await readFile(here("pack.json"), "utf8")) as unknown

describe("the futian-grid plugin", () => {
  it("its scenario holds: forwarded in office hours from an old compound, not after hours, not elsewhere", async () => {
    const loaded = await loadScenarioFile({ file: here("scenario.json"), readText: (p) => readFile(p, "utf8"), lang: "en", plugins: [futianGrid] })
    if (Result.isFailure(loaded)) throw new Error(loaded.failure.message)
    const report = await runScenario(loaded.success)
    expect(report.steps.flatMap((s) => s.mismatches ?? [])).toEqual([])
    expect(report.steps.map((s) => s.outcome)).toEqual(["ok", "ok", "ok"])
    expect(report.notifications.map((n) => [n.petitionId, n.to])).toEqual([["p-old-open", "platform:12345"]])
  })

  it("without the plugin the pack does not load, and the scenario says which plugin is missing", async () => {
    const loaded = await loadScenarioFile({ file: here("scenario.json"), readText: (p) => readFile(p, "utf8"), lang: "en" })
    const messages = Result.isFailure(loaded) ? loaded.failure.problems.map((p) => p.message) : []
    expect(messages[0]).toContain('the pack needs plugin "futian-grid" (^1.2.0), which was not given')
    // and what the rules use from it is unknown without it, each message pointing at the missing plugin
    const hint = "; it may come from futian-grid, which the pack needs but could not be loaded"
    expect(messages.slice(1)).toEqual([
      expect.stringContaining(`unknown fact "oldCompound"${hint}`),
      expect.stringContaining(`unknown operator "withinBusinessHoursOf"${hint}`),
      expect.stringContaining(`an escalation rule cannot do "forwardToCity"${hint}`)
    ])
  })

  it("minyi scenario test --plugin loads the plugin module and passes", async () => {
    const lines: Array<string> = []
    const io = { lang: "en" as const, out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), readText: (p: string) => readFile(p, "utf8"), cwd: here("") }
    const code = await runCli(["scenario", "test", "scenario.json", "--plugin", "./src/index.ts"], io)
    expect(lines.join("\n")).toContain("scenario.json: passed")
    expect(code).toBe(0)
  })

  it("through the Promise facade, the forward reaches the notifier registered for the city-platform channel", async () => {
    const sent: Array<Notification> = []
    const minyi = createMinyi({
      directory: sampleDirectory(),
      rulePack: await packJson(),
      plugins: [futianGrid],
      notifiers: {
        default: { send: () => Effect.void },
        "city-platform": { send: (n) => Effect.sync(() => void sent.push(n)) }
      }
    })
    try {
      await minyi.handle({
        _tag: "Submit", petitionId: "p-1", at: "2026-03-03T09:30:00+08:00", actor: { kind: "petitioner" }, petitioner: { anonymous: true },
        channel: "channel.hotline", category: "city-management.sanitation.refuse-odour", jurisdiction: "community.fubao.mingyue",
        title: "楼道垃圾堆放", content: "老旧小区"
      })
      await minyi.relay(Date.parse("2026-03-03T09:31:00+08:00"))
      expect(sent.map((n) => n.recipient)).toEqual(["platform:12345"])
      expect(sent[0]!.payload).toMatchObject({ petitionId: "p-1", jurisdiction: "community.fubao.mingyue", reason: "老旧小区改造相关诉求" })
    } finally {
      await minyi.dispose()
    }
  })

  it("validation refuses a misspelt plugin action param and an operator value of the wrong type, by path", () => {
    const loaded = loadRulePack(
      {
        id: "grid-bad", version: "1", effectiveFrom: "2026-01-01T00:00:00+08:00", plugins: { "futian-grid": "^1.2.0" },
        calendars: {}, clocks: [], routing: [], ladder: [], templates: {},
        escalation: [{
          id: "bad",
          conditions: { all: [{ fact: "now", operator: "withinBusinessHoursOf", value: 9 }] },
          event: { type: "forwardToCity", params: { platform: "12346" } }
        }]
      },
      { directory: sampleDirectory(), plugins: [futianGrid] }
    )
    expect(Result.isFailure(loaded) && loaded.failure.problems.map((p) => p.path)).toEqual(["/escalation/0/conditions/all/0/value", "/escalation/0/event/params/platform"])
  })

  it("business hours are counted in Beijing time", () => {
    expect(withinBusinessHours(Date.parse("2026-03-02T09:00:00+08:00"), "street-office.yuanling")).toBe(true)
    expect(withinBusinessHours(Date.parse("2026-03-02T12:30:00+08:00"), "street-office.yuanling")).toBe(false)
    expect(withinBusinessHours(Date.parse("2026-03-07T10:00:00+08:00"), "street-office.yuanling")).toBe(false)
    expect(withinBusinessHours(Date.parse("2026-03-07T10:00:00+08:00"), "dept.urban-management")).toBe(true)
    expect(withinBusinessHours(Date.parse("2026-03-02T10:00:00+08:00"), "nobody")).toBe(false)
  })
})
