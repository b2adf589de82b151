import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { loadDirectory } from "../../src/directory/directory.js"
import { emptyRegistry, packFor, pinnedPack, publish } from "../../src/rules/registry.js"
import type { RulePackRegistry } from "../../src/rules/registry.js"
import { directory, loaded, presetJson } from "./fixtures.js"

const version = (v: string, from: string, to?: string) =>
  loaded({ ...presetJson("futian-10-30-24"), version: v, effectiveFrom: from, ...(to === undefined ? {} : { effectiveTo: to }) })
const ok = (r: Result.Result<RulePackRegistry, unknown>): RulePackRegistry => Result.getOrThrow(r)
const refusal = (r: Result.Result<RulePackRegistry, { readonly reason: string; readonly message: string }>) =>
  Result.isFailure(r) ? r.failure : undefined

const v1 = version("2026.1", "2026-01-01T00:00:00+08:00")
const v2 = version("2026.2", "2026-07-01T00:00:00+08:00")
const at = (iso: string) => Date.parse(iso)

describe("RulePackRegistry", () => {
  it("picks the version in force at an instant, and the version a petition is pinned to", () => {
    const registry = ok(publish(ok(publish(emptyRegistry, v1, { directory })), v2, { directory }))
    expect(packFor(registry, at("2025-12-31T23:59:59+08:00"))).toBeUndefined()
    expect(packFor(registry, at("2026-03-01T00:00:00+08:00"))?.version).toBe("2026.1")
    expect(packFor(registry, at("2026-07-01T00:00:00+08:00"))?.version).toBe("2026.2")
    expect(pinnedPack(registry, { id: "futian-10-30-24", version: "2026.1" })?.version).toBe("2026.1")
    expect(Object.isFrozen(registry.versions)).toBe(true)
    expect(emptyRegistry.versions).toEqual([])
  })

  it("refuses a reused version name, a version that takes effect before the latest, and an overlap", () => {
    const one = ok(publish(emptyRegistry, v1, { directory }))
    expect(refusal(publish(one, version("2026.1", "2026-09-01T00:00:00+08:00"), { directory }))?.reason).toBe("duplicate-version")
    expect(refusal(publish(one, version("2025.9", "2025-09-01T00:00:00+08:00"), { directory }))?.reason).toBe("retroactive")
    const bounded = ok(publish(emptyRegistry, version("2026.1", "2026-01-01T00:00:00+08:00", "2026-12-31T00:00:00+08:00"), { directory }))
    const overlap = refusal(publish(bounded, v2, { directory }))
    expect(overlap?.reason).toBe("overlap")
    expect(overlap?.message).toMatch(/重叠.*overlaps 2026.1/)
    expect(packFor(bounded, at("2027-01-01T00:00:00+08:00"))).toBeUndefined()
    const other = loaded({ ...presetJson("xinfang-statutory"), effectiveFrom: "2027-01-01T00:00:00+08:00" })
    expect(refusal(publish(one, other, { directory }))?.reason).toBe("other-pack")
  })

  it("checks a new version against the directory before it can take effect", () => {
    // a directory in which the urban management bureau has been merged away
    const data = structuredClone(directory.data) as any
    data.units = data.units.filter((u: { id: string }) => u.id !== "dept.ecology")
    data.people = data.people.filter((p: { unit: string }) => p.unit !== "dept.ecology")
    const reorganised = Result.getOrThrow(loadDirectory(data))
    const refused = refusal(publish(emptyRegistry, v1, { directory: reorganised }))
    expect(refused?.reason).toBe("invalid")
    expect((refused as any).problems.map((p: { path: string }) => p.path)).toContain("/routing/0/event/params/coHandlers/0")
  })
})

describe("the rules module's public surface", () => {
  it("offers loading, evaluation, explain and simulation — not the compiler's helpers", async () => {
    const surface = await import("../../src/rules/index.js")
    for (const name of ["loadRulePack", "route", "escalate", "explain", "describeExplanation", "simulatePacks", "publish", "rulePackJsonSchema", "templatePlaceholders"]) {
      expect(surface, name).toHaveProperty(name)
    }
    for (const name of ["compileRules", "firstMatchingRule", "matchingRules", "conditionKind", "ruleIdOf", "describeTrace", "operatorFor"]) {
      expect(surface, name).not.toHaveProperty(name)
    }
  })
})
