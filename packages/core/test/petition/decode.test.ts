import { Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { decide, decodeCommand, encodeCommand, initialState } from "../../src/petition/index.js"
import { context, submit } from "./fixtures.js"

const problemsOf = (input: unknown) => {
  const r = decodeCommand(input)
  if (Result.isSuccess(r)) throw new Error("expected InvalidInput")
  expect(r.failure._tag).toBe("InvalidInput")
  return r.failure.problems
}

const json = {
  _tag: "Dispatch",
  petitionId: "P-1",
  at: "2026-03-02T09:00:00+08:00",
  actor: { kind: "unit", id: "unit.dispatch-centre" },
  lead: "dept.urban-management",
  coHandlers: ["street-office.yuanling"]
}

describe("decodeCommand", () => {
  it("decodes JSON with ISO instants into a command", () => {
    const r = decodeCommand(json)
    expect(r).toEqual(Result.succeed({ ...json, at: Date.parse("2026-03-02T01:00:00Z") }))
  })
  it("names every problem with its JSON path", () => {
    const problems = problemsOf({ ...json, at: "2026-03-02 09:00", coHandlers: ["a", "a"], actor: { kind: "robot" }, extra: 1 })
    expect(problems.map((p) => p.path).sort()).toEqual(["/actor/kind", "/at", "/coHandlers", "/extra"])
    expect(problems.find((p) => p.path === "/at")?.message).toContain("ISO 8601")
  })
  it("reports missing fields", () => {
    const { lead: _, ...noLead } = json
    expect(problemsOf(noLead).map((p) => p.path)).toEqual(["/lead"])
  })
  it("reports wrong types deep inside", () => {
    const bad = { ...encodeCommand(submit()), persons: 0, petitioner: { anonymous: "no", phone: 138 }, rulePack: { id: "x" } }
    expect(problemsOf(bad).map((p) => p.path).sort()).toEqual(["/persons", "/petitioner/anonymous", "/petitioner/phone", "/rulePack/version"])
  })
  it("reports an unknown or missing command name at /_tag, listing the commands", () => {
    const [unknown] = problemsOf({ ...json, _tag: "Teleport" })
    expect(unknown?.path).toBe("/_tag")
    expect(unknown?.message).toContain('got "Teleport"')
    expect(unknown?.message).toContain("Submit, Acknowledge, Contact, Dispatch")
    const { _tag: _, ...untagged } = json
    expect(problemsOf(untagged)).toEqual([{ path: "/_tag", message: expect.stringContaining("it is missing") }])
  })
  it("reports input that is not an object at the root", () => {
    for (const input of [null, "Dispatch", [json], 42]) {
      expect(problemsOf(input)).toEqual([{ path: "/", message: expect.stringContaining('an object whose "_tag" is one of Submit') }])
    }
  })
  it("wants a phone someone can call back and a non-empty name, without echoing them in the error", () => {
    const submitJson = (petitioner: object) => ({ ...encodeCommand(submit()), petitioner: { anonymous: false, ...petitioner } })
    for (const phone of ["13912345678", "0755-83001234", "075583001234", "+85291234567", "010-12345678-801"]) {
      expect(Result.isSuccess(decodeCommand(submitJson({ phone }))), phone).toBe(true)
    }
    for (const phone of ["12345", "1391234567", "phone: 139", "23912345678", ""]) {
      const problems = problemsOf(submitJson({ phone, name: "" }))
      expect(problems.map((p) => p.path).sort(), phone).toEqual(["/petitioner/name", "/petitioner/phone"])
      // The whole message is the expectation: the bad number itself is personal data and is not echoed.
      expect(problems.find((p) => p.path === "/petitioner/phone")?.message).toBe(
        "Expected a phone number: a mobile such as 13912345678, a landline such as 0755-83001234, or an international number such as +85291234567"
      )
    }
  })
  it("rejects bad durations, tiers and ratings", () => {
    const base = { petitionId: "P-1", at: "2026-03-02T09:00:00Z", actor: { kind: "system" } }
    expect(problemsOf({ ...base, _tag: "Extend", clock: "c", amount: "30 days", reason: "r", approver: "p" })[0]?.path).toBe("/amount")
    expect(problemsOf({ ...base, _tag: "Extend", clock: "c", amount: "P0DT0H", reason: "r", approver: "p" })).toEqual([
      { path: "/amount", message: expect.stringContaining("longer than zero") }
    ])
    expect(Result.isSuccess(decodeCommand({ ...base, _tag: "Extend", clock: "c", amount: "PT0.5S", reason: "r", approver: "p" }))).toBe(true)
    expect(problemsOf({ ...base, _tag: "Escalate", tier: 4, owner: "p", reason: "r" })[0]?.path).toBe("/tier")
    expect(problemsOf({ ...base, _tag: "RateSatisfaction", rating: "meh" })[0]?.path).toBe("/rating")
  })
  it("never throws on arbitrary input, and what decodes is decided without throwing", () =>
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ _tag: fc.constantFrom("Submit", "Dispatch", "Close"), petitionId: fc.string() })), (input) => {
        const r = decodeCommand(input)
        if (Result.isSuccess(r)) decide(initialState(r.success.petitionId), r.success, context)
      }),
      { numRuns: 1000 }
    ))
})
