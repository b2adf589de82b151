// Whatever staff type, loading answers with a pack or with located problems — it never throws.
import fc from "fast-check"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { loadRulePack } from "../../src/rules/pack/load.js"
import { directory, presetJson } from "./fixtures.js"

const futian = presetJson("futian-10-30-24")

/** Replaces the value at a random place in the document with a random JSON value. */
const mutate = (doc: unknown, choices: ReadonlyArray<number>, value: unknown): unknown => {
  if (choices.length === 0 || doc === null || typeof doc !== "object") return value
  const keys = Object.keys(doc)
  if (keys.length === 0) return value
  const key = keys[choices[0]! % keys.length]!
  const copy: any = Array.isArray(doc) ? [...doc] : { ...doc }
  copy[key] = mutate(copy[key], choices.slice(1), value)
  return copy
}

describe("loadRulePack on arbitrary input", () => {
  it("never throws on any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (input) => {
        const r = loadRulePack(input, { directory })
        expect(Result.isFailure(r)).toBe(true)
        if (Result.isFailure(r)) expect(r.failure.problems.length).toBeGreaterThan(0)
      }),
      { numRuns: 300 }
    )
  })

  it("a pack with one value replaced anywhere either loads or names at least one located problem", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), (choices, value) => {
        const r = loadRulePack(mutate(futian, choices, value), { directory })
        if (Result.isFailure(r)) {
          expect(r.failure.problems.length).toBeGreaterThan(0)
          for (const p of r.failure.problems) expect(p.path).toMatch(/^\//)
        } else {
          expect(Object.isFrozen(r.success.document)).toBe(true)
        }
      }),
      { numRuns: 400 }
    )
  })
})
