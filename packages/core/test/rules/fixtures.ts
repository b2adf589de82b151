import { readFileSync } from "node:fs"
import { Result } from "effect"
import { sampleDirectory } from "../../src/directory/sample.js"
import type { PetitionFacts, RuleFacts, TriggerFacts } from "../../src/rules/facts.js"
import type { RulePack } from "../../src/rules/pack/load.js"
import { loadRulePack } from "../../src/rules/pack/load.js"

export const directory = sampleDirectory()
export const presetJson = (name: string): any =>
  JSON.parse(readFileSync(new URL(`../../src/presets/${name}.json`, import.meta.url), "utf8"))

export const loaded = (json: unknown): RulePack => {
  const r = loadRulePack(json, { directory })
  if (Result.isFailure(r)) throw new Error(r.failure.message)
  return r.success
}

/** The smallest valid pack: one clock, one template, one ladder rung, no rules yet. */
export const minimal = () => ({
  id: "test",
  version: "1",
  effectiveFrom: "2026-01-01T00:00:00+08:00",
  calendars: { natural: { kind: "natural" } },
  clocks: [{ name: "feedback", start: ["Submitted"], stop: ["Acknowledged"], limit: "PT10M", calendar: "natural" }] as Array<Record<string, unknown>>,
  routing: [] as Array<unknown>,
  escalation: [] as Array<unknown>,
  ladder: [{ tier: 1, owner: { kind: "leadUnitLeader" } }],
  templates: { hello: { "zh-CN": { subject: "你好", body: "正文" }, en: { subject: "Hello", body: "Body" } } }
})

export const T0 = Date.parse("2026-03-02T09:00:00+08:00")

/** Facts for a petition placed with the sample directory's real paths. */
export const petition = (over: Partial<PetitionFacts> & { category: string; jurisdiction: string }): PetitionFacts => {
  const place = directory.jurisdictionPath(over.jurisdiction)
  const street = place.find((j) => j.level === "street")?.id
  const community = place.find((j) => j.level === "community")?.id
  return {
    id: "p-1",
    categoryPath: directory.categoryPath(over.category).map((c) => c.id),
    channel: "channel.hotline",
    channelKind: "hotline",
    jurisdictionPath: place.map((j) => j.id),
    ...(street === undefined ? {} : { street }),
    ...(community === undefined ? {} : { community }),
    persons: 1,
    flags: [],
    tier: 0,
    status: "submitted",
    priority: "normal",
    returnCount: 0,
    transferCount: 0,
    declineCount: 0,
    repeatCount: 0,
    receivedAt: T0,
    age: 0,
    coHandlers: [],
    ...over
  }
}

export const facts = (p: PetitionFacts, trigger: TriggerFacts = { type: "Submitted", key: "Submitted;version=1" }, clocks: RuleFacts["clocks"] = {}): RuleFacts => ({
  petition: p,
  clocks,
  trigger,
  now: T0 + p.age
})
