import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Engine, rulePackPresets } from "../../src/index.js"
import { publishedPacks, runOn } from "./support.js"

const T0 = Date.parse("2026-03-02T09:00:00+08:00")
const day = 86_400_000
const checklist = { problemSolved: true, explanationGiven: true, assistanceGiven: true, unlawfulConductDealtWith: false }

/** A petition taken from submission to closure; returns when it was resolved. */
const closedPetition = (id: string) =>
  Effect.gen(function*() {
    const engine = yield* Engine
    yield* engine.handle({
      _tag: "Submit", petitionId: id, at: T0, actor: { kind: "petitioner" }, petitioner: { anonymous: true },
      channel: "channel.letter", category: "housing.property-management", jurisdiction: "community.futian.gangxia",
      title: "物业纠纷", content: "物业长期不维修电梯"
    })
    const state = yield* engine.state(id)
    const lead = state.lead!
    const unit = (at: number) => ({ petitionId: id, at, actor: { kind: "unit" as const, id: lead }, unit: lead })
    // Each round, co-handlers report their part before the lead may resolve.
    const resolve = (at: number, summary: string) =>
      Effect.gen(function*() {
        for (const co of state.coHandlers) {
          yield* engine.handle({ _tag: "ReportPart", petitionId: id, at: at - 1, actor: { kind: "unit", id: co }, unit: co, summary: "已配合" })
        }
        yield* engine.handle({ _tag: "Resolve", ...unit(at), checklist, summary })
      })
    yield* engine.handle({ _tag: "Accept", ...unit(T0 + day) })
    yield* resolve(T0 + 3 * day, "已督促物业维修电梯")
    yield* engine.handle({ _tag: "RateSatisfaction", petitionId: id, at: T0 + 4 * day, actor: { kind: "petitioner" }, rating: "unsatisfied" })
    yield* resolve(T0 + 5 * day, "电梯已修复")
    yield* engine.handle({ _tag: "RateSatisfaction", petitionId: id, at: T0 + 6 * day, actor: { kind: "petitioner" }, rating: "basically_satisfied" })
    // Only the first handler closes (the authority policy).
    yield* engine.handle({ _tag: "Close", petitionId: id, at: T0 + 6 * day, actor: { kind: "unit", id: state.firstHandler! }, reason: "办结" })
    return T0 + 5 * day
  })

const review = (id: string, at: number) => ({
  _tag: "RequestReview" as const, petitionId: id, at, actor: { kind: "petitioner" as const }, reason: "对处理意见不服"
})

describe("engine: review windows come from the pack", () => {
  it("counts the 30-day request window from the written reply, in the pack's statutory calendar, whatever the caller says", async () => {
    const run = runOn(publishedPacks(rulePackPresets["xinfang-statutory"]))
    const out = await run(
      Effect.gen(function*() {
        const engine = yield* Engine
        const resolvedAt = yield* closedPetition("r-late")
        // The caller claims a generous window; the pack's 30 days apply.
        const late = yield* Effect.flip(engine.handle({ ...review("r-late", resolvedAt + 31 * day), windowEndsAt: resolvedAt + 90 * day }))
        const resolvedAt2 = yield* closedPetition("r-ok")
        const ok = yield* engine.handleJson({ ...review("r-ok", resolvedAt2 + 30 * day), at: new Date(resolvedAt2 + 30 * day).toISOString() })
        return { late, ok }
      })
    )
    expect(out.late._tag).toBe("ReviewWindowClosed")
    expect(out.ok.events.map((e) => e._tag)).toContain("ReviewRequested")
  })

  it("without a reviews section in the pack, a request must name its window", async () => {
    const run = runOn(publishedPacks(rulePackPresets["futian-10-30-24"]))
    const err = await run(
      Effect.gen(function*() {
        const engine = yield* Engine
        const resolvedAt = yield* closedPetition("r-none")
        return yield* Effect.flip(engine.handle(review("r-none", resolvedAt + day)))
      })
    )
    expect(err._tag).toBe("ReviewWindowUnknown")
    expect(err.message).toContain("windowEndsAt")
  })
})
