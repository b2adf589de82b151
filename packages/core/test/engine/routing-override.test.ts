// Routing a dispatcher can override (issue 11): a `suggest` pack records routing's answer for the
// dispatch centre to confirm or change, and a rule-routed petition may be re-dispatched before
// the lead accepts it, with a reason.
import { Effect, Result } from "effect"
import { describe, expect, it } from "vitest"
import { Engine, loadRulePack, rulePackPresets } from "../../src/index.js"
import { directory, publishedPacks, refuseOdourSubmit, runOn } from "./support.js"

const day = 86_400_000
/** A preset with one more top-level key (presets are published as unknown JSON). */
const presetWith = (name: keyof typeof rulePackPresets, extra: Readonly<Record<string, unknown>>): unknown => {
  const pack: unknown = rulePackPresets[name]
  return typeof pack === "object" && pack !== null ? { ...pack, ...extra } : pack
}
const centre = { kind: "unit" as const, id: "unit.dispatch-centre" }

describe("routingMode in the rule pack", () => {
  it("is auto or suggest; anything else is refused at its path, saying what was expected", () => {
    const refused = loadRulePack(presetWith("futian-10-30-24", { routingMode: "manual" }), { directory })
    if (Result.isSuccess(refused)) throw new Error("expected the pack to be refused")
    const problem = refused.failure.problems.find((p) => p.path === "/routingMode")
    expect(problem?.message).toMatch(/"auto"/)
    expect(problem?.message).toMatch(/"suggest"/)
    expect(Result.isSuccess(loadRulePack(presetWith("futian-10-30-24", { routingMode: "suggest" }), { directory }))).toBe(true)
  })

  it("suggest: routing's answer is recorded as a suggestion, and the dispatch centre confirms or changes it", async () => {
    const run = runOn(publishedPacks(presetWith("futian-10-30-24", { routingMode: "suggest" })))
    const out = await run(
      Effect.gen(function*() {
        const engine = yield* Engine
        const submitted = yield* engine.handleJson(refuseOdourSubmit("s-1", "2026-03-02T09:00:00+08:00"))
        const waiting = yield* engine.state("s-1")
        const confirmed = yield* engine.handleJson({
          _tag: "Dispatch", petitionId: "s-1", at: "2026-03-02T09:03:00+08:00", actor: centre, lead: waiting.routingSuggestion!.lead, coHandlers: []
        })
        yield* engine.handleJson(refuseOdourSubmit("s-2", "2026-03-02T09:10:00+08:00"))
        const changed = yield* engine.handleJson({
          _tag: "Dispatch", petitionId: "s-2", at: "2026-03-02T09:12:00+08:00", actor: centre, lead: "street-office.yuanling", coHandlers: []
        })
        const forged = yield* Effect.flip(engine.handleJson({
          _tag: "SuggestRouting", petitionId: "s-2", at: "2026-03-02T09:13:00+08:00", actor: centre, lead: "dept.transport", coHandlers: []
        }))
        return { submitted, waiting, confirmed, changed, after: yield* engine.state("s-2"), forged }
      })
    )
    const tags = out.submitted.events.map((e) => e._tag)
    expect(tags).toContain("RoutingSuggested")
    expect(tags).not.toContain("Dispatched")
    expect(out.submitted.actions.find((a) => a.type === "route")?.params).toMatchObject({ suggested: true })
    expect([out.waiting.status, out.waiting.lead, out.waiting.routingSuggestion?.lead]).toEqual(["received", undefined, "dept.urban-management"])
    expect(out.confirmed.events.map((e) => e._tag)).toEqual(["Dispatched"])
    expect([out.after.status, out.after.lead, out.after.routingSuggestion]).toEqual(["dispatched", "street-office.yuanling", undefined])
    // Only the rules suggest: a caller who could would forge routing's answer.
    expect(out.forged._tag).toBe("EngineOnly")
  })

  it("auto (the default) dispatches on receipt, as before", async () => {
    const run = runOn(publishedPacks(rulePackPresets["futian-10-30-24"]))
    const submitted = await run(Effect.gen(function*() {
      const engine = yield* Engine
      return yield* engine.handleJson(refuseOdourSubmit("a-1", "2026-03-02T09:00:00+08:00"))
    }))
    expect(submitted.events.map((e) => e._tag)).toContain("Dispatched")
    expect(submitted.events.map((e) => e._tag)).not.toContain("RoutingSuggested")
  })
})

describe("re-dispatch before acceptance", () => {
  it("ends the offered lead's acceptance clock and starts the new lead's, with the reason on record", async () => {
    const run = runOn(publishedPacks(rulePackPresets["futian-10-30-24"]))
    const out = await run(
      Effect.gen(function*() {
        const engine = yield* Engine
        yield* engine.handleJson(refuseOdourSubmit("d-1", "2026-03-02T09:00:00+08:00"))
        const offered = yield* engine.state("d-1")
        const without = yield* Effect.flip(engine.handleJson({
          _tag: "Dispatch", petitionId: "d-1", at: "2026-03-02T09:20:00+08:00", actor: centre, lead: "street-office.yuanling", coHandlers: []
        }))
        const again = yield* engine.handleJson({
          _tag: "Dispatch", petitionId: "d-1", at: "2026-03-02T09:20:00+08:00", actor: centre, lead: "street-office.yuanling", coHandlers: [],
          reason: "垃圾站属街道管理"
        })
        return { offered, without, again, state: yield* engine.state("d-1") }
      })
    )
    expect(out.offered.status).toBe("dispatched")
    expect(out.without._tag).toBe("ReasonRequired")
    const dispatched = out.again.events.find((e) => e._tag === "Dispatched")
    expect(dispatched).toMatchObject({ lead: "street-office.yuanling", from: out.offered.lead, reason: "垃圾站属街道管理" })
    expect([out.state.lead, out.state.accepted, out.state.accountable]).toEqual(["street-office.yuanling", false, out.offered.firstHandler])
  })

  it("restarts the statutory acceptance clock (书面告知, art. 23) from the re-dispatch", async () => {
    const run = runOn(publishedPacks(rulePackPresets["xinfang-statutory"]))
    const received = Date.parse("2026-03-02T09:00:00+08:00")
    const out = await run(
      Effect.gen(function*() {
        const engine = yield* Engine
        yield* engine.handleJson({ ...refuseOdourSubmit("d-2", "2026-03-02T09:00:00+08:00"), channel: "channel.letter" })
        const offered = yield* engine.state("d-2")
        const lead = offered.lead === "dept.urban-management" ? "street-office.yuanling" : "dept.urban-management"
        yield* engine.handle({ _tag: "Dispatch", petitionId: "d-2", at: received + 3 * day, actor: centre, lead, coHandlers: [], reason: "改派" })
        const clocks = yield* engine.clocks("d-2", received + 3 * day)
        return clocks.clocks.find((c) => c.name === "acceptance")
      })
    )
    expect(out?.state).toBe("running")
    expect(out?.startedAt).toBe(received + 3 * day)
  })
})
