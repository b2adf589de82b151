/**
 * Every rule of every shipped preset pack and every example pack fires in at least one example
 * scenario. A rule no story makes fire is either untested or cannot fire at all (the
 * xinfang-statutory warning rule could not, when per-unit clocks were reported under a glued
 * name): the failure lists them by pack.
 */
import { readdirSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { join, resolve } from "node:path"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import type { Plugin } from "@minyi/core"
import { loadRulePack, rulePackPresets, sampleDirectory } from "@minyi/core"
import { loadScenarioFile, runScenario } from "../../packages/cli/src/scenario/index.js"
import { futianGrid } from "../../examples/plugin-futian-grid/src/index.js"

const root = resolve(import.meta.dirname, "../..")
const scenarios = join(root, "examples/scenarios")
const stories: ReadonlyArray<{ readonly file: string; readonly plugins: ReadonlyArray<Plugin> }> = [
  ...readdirSync(scenarios).filter((f) => f.endsWith(".json")).sort().map((f) => ({ file: join(scenarios, f), plugins: [] })),
  { file: join(root, "examples/plugin-futian-grid/scenario.json"), plugins: [futianGrid] }
]
const examplePacks = [
  join(scenarios, "packs/futian-whistle.json"),
  join(scenarios, "packs/xinfang-working-days.json"),
  join(root, "examples/plugin-futian-grid/pack.json")
]

/** `id@version` → the ids of its routing and escalation rules. */
const rulesOfPacks = async (): Promise<Map<string, ReadonlyArray<string>>> => {
  const directory = sampleDirectory()
  const documents: Array<unknown> = Object.values(rulePackPresets)
  for (const file of examplePacks) documents.push(JSON.parse(await readFile(file, "utf8")))
  const out = new Map<string, ReadonlyArray<string>>()
  for (const document of documents) {
    const pack = Result.getOrThrow(loadRulePack(document, { directory, plugins: [futianGrid] }))
    out.set(`${pack.id}@${pack.version}`, [...pack.routing, ...pack.escalation].map((r) => r.id))
  }
  return out
}

describe("every rule of every shipped and example pack fires in some story", () => {
  it("runs every example scenario, all its expect blocks holding, and finds no rule that never fired", async () => {
    const fired = new Map<string, Set<string>>()
    const failing: Array<string> = []
    for (const { file, plugins } of stories) {
      const loaded = await loadScenarioFile({ file, readText: (p) => readFile(p, "utf8"), lang: "en", plugins })
      const scenario = Result.getOrThrow(loaded)
      const report = await runScenario(scenario)
      for (const m of report.steps.flatMap((s) => s.mismatches ?? [])) failing.push(`${file}: ${m.path}`)
      for (const a of report.actions) {
        const key = `${scenario.pack.id}@${scenario.pack.version}`
        const set = fired.get(key) ?? new Set<string>()
        set.add(a.rule)
        fired.set(key, set)
      }
    }
    expect(failing).toEqual([])
    const never: Record<string, Array<string>> = {}
    for (const [pack, rules] of await rulesOfPacks()) {
      const missing = rules.filter((r) => !(fired.get(pack)?.has(r) ?? false))
      if (missing.length > 0) never[pack] = missing
    }
    expect(never).toEqual({})
  }, 600_000)
})
