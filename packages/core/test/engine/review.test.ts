import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Engine, rulePackPresets } from "../../src/index.js"
import { publishedPacks, runOn } from "./support.js"

const T0 = Date.parse("2026-03-02T09:00:00+08:00")
const day = 86_400_000
const checklist = { problemSolved: true, explanationGiven: true, assistanceGiven: true, unlawfulConductDealtWith: false }

/** A petition taken from submission to closure; returns its lead and when it was resolved. */
const closedUndelivered = (id: string) =>
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
    return { lead, resolvedAt: T0 + 5 * day }
  })

/** The written reply's delivery, recorded by the lead when the postal receipt comes back. */
const deliver = (id: string, lead: string, deliveredAt: number, at = deliveredAt) =>
  Effect.gen(function*() {
    const engine = yield* Engine
    yield* engine.handle({ _tag: "DeliverReply", petitionId: id, at, actor: { kind: "unit", id: lead }, reply: "written_reply", unit: lead, method: "post", deliveredAt })
    return deliveredAt
  })

/** A closed petition whose written reply reached the petitioner two days after the resolution; returns the delivery instant. */
const closedPetition = (id: string) =>
  Effect.gen(function*() {
    const { lead, resolvedAt } = yield* closedUndelivered(id)
    return yield* deliver(id, lead, resolvedAt + 2 * day, resolvedAt + 3 * day)
  })

const review = (id: string, at: number) => ({
  _tag: "RequestReview" as const, petitionId: id, at, actor: { kind: "petitioner" as const }, reason: "对处理意见不服"
})

describe("engine: review windows come from the pack", () => {
  it("counts the 30-day request window from the written reply's delivery, in the pack's statutory calendar, whatever the caller says", async () => {
    const run = runOn(publishedPacks(rulePackPresets["xinfang-statutory"]))
    const out = await run(
      Effect.gen(function*() {
        const engine = yield* Engine
        const deliveredAt = yield* closedPetition("r-late")
        // The caller claims a generous window; the pack's 30 days apply.
        const late = yield* Effect.flip(engine.handle({ ...review("r-late", deliveredAt + 31 * day), windowEndsAt: deliveredAt + 90 * day }))
        const deliveredAt2 = yield* closedPetition("r-ok")
        const ok = yield* engine.handleJson({ ...review("r-ok", deliveredAt2 + 30 * day), at: new Date(deliveredAt2 + 30 * day).toISOString() })
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
        const deliveredAt = yield* closedPetition("r-none")
        return yield* Effect.flip(engine.handle(review("r-none", deliveredAt + day)))
      })
    )
    expect(err._tag).toBe("ReviewWindowUnknown")
    expect(err.message).toContain("windowEndsAt")
  })

  it("without a recorded delivery the window has not started: the read model says so, and no request is late", async () => {
    const run = runOn(publishedPacks(rulePackPresets["xinfang-statutory"]))
    const out = await run(
      Effect.gen(function*() {
        const engine = yield* Engine
        const { lead, resolvedAt } = yield* closedUndelivered("r-undelivered")
        const windowOf = (views: ReadonlyArray<{ readonly summary: { readonly petitionId: string; readonly data: unknown } }>) =>
          (views.find((v) => v.summary.petitionId === "r-undelivered")?.summary.data as { reviewWindow?: unknown } | undefined)?.reviewWindow
        const before = windowOf(yield* engine.query({ person: "person.dispatcher.1" }, { limit: 50 }))
        // Delivered at 10:00 on 2026-03-09 (Beijing): the 30 days start the next day and end at 24:00 on 2026-04-08.
        const deliveredAt = Date.parse("2026-03-09T10:00:00+08:00")
        yield* deliver("r-undelivered", lead, deliveredAt)
        const after = windowOf(yield* engine.query({ person: "person.dispatcher.1" }, { limit: 50 }))
        const late = yield* Effect.flip(engine.handle(review("r-undelivered", Date.parse("2026-04-09T00:01:00+08:00"))))
        const lastMinute = yield* engine.handle(review("r-undelivered", Date.parse("2026-04-08T23:59:00+08:00")))
        return { before, after, late, lastMinute, resolvedAt }
      })
    )
    expect(out.before).toEqual({ stage: "review", state: "not_started", startsAt: null, endsAt: null, length: "P30D" })
    expect(out.after).toEqual({ stage: "review", state: "started", startsAt: Date.parse("2026-03-09T10:00:00+08:00"), endsAt: Date.parse("2026-04-09T00:00:00+08:00"), length: "P30D" })
    expect(out.late._tag).toBe("ReviewWindowClosed")
    expect(out.late.message).toContain("复查申请期限为收到书面答复之日起30日，已于 2026-04-08 24:00 届满")
    expect(out.late.message).toContain("the window to request a review is 30 days from receiving the written reply; it ended at 2026-04-08 24:00")
    expect(out.lastMinute.events.map((e) => e._tag)).toContain("ReviewRequested")
  })

  it("a request long after the resolution is in time while the reply's delivery is not recorded", async () => {
    const run = runOn(publishedPacks(rulePackPresets["xinfang-statutory"]))
    const out = await run(
      Effect.gen(function*() {
        const engine = yield* Engine
        const { resolvedAt } = yield* closedUndelivered("r-open")
        return yield* engine.handle(review("r-open", resolvedAt + 200 * day))
      })
    )
    expect(out.events.map((e) => e._tag)).toContain("ReviewRequested")
  })

  it("counts the re-review window from the review opinion's delivery, and refuses a late re-review with its text", async () => {
    const run = runOn(publishedPacks(rulePackPresets["xinfang-statutory"]))
    const out = await run(
      Effect.gen(function*() {
        const engine = yield* Engine
        const deliveredAt = yield* closedPetition("r-re")
        yield* engine.handle(review("r-re", deliveredAt + day))
        const reviewer = { kind: "person" as const, id: "person.dispatcher.1" }
        yield* engine.handle({ _tag: "DecideReview", petitionId: "r-re", at: deliveredAt + 10 * day, actor: reviewer, stage: "review", outcome: "upheld" })
        const opinionAt = deliveredAt + 15 * day
        yield* engine.handle({ _tag: "DeliverReply", petitionId: "r-re", at: opinionAt, actor: reviewer, reply: "review_opinion", unit: "unit.dispatch-centre", method: "electronic", deliveredAt: opinionAt })
        const request = { _tag: "RequestReReview" as const, petitionId: "r-re", actor: { kind: "petitioner" as const }, reason: "对复查意见不服" }
        const late = yield* Effect.flip(engine.handle({ ...request, at: opinionAt + 31 * day }))
        const ok = yield* engine.handle({ ...request, at: opinionAt + 30 * day })
        return { late, ok }
      })
    )
    expect(out.late._tag).toBe("ReviewWindowClosed")
    expect(out.late.message).toContain("复核申请期限为收到复查意见之日起30日")
    expect(out.ok.events.map((e) => e._tag)).toContain("ReReviewRequested")
  })

  it("a hearing in re-review pauses the re-review decision clock (art. 36)", async () => {
    const run = runOn(publishedPacks(rulePackPresets["xinfang-statutory"]))
    const out = await run(
      Effect.gen(function*() {
        const engine = yield* Engine
        const deliveredAt = yield* closedPetition("r-hearing")
        const reviewer = { kind: "person" as const, id: "person.dispatcher.1" }
        yield* engine.handle(review("r-hearing", deliveredAt + day))
        yield* engine.handle({ _tag: "DecideReview", petitionId: "r-hearing", at: deliveredAt + 5 * day, actor: reviewer, stage: "review", outcome: "upheld" })
        const requested = deliveredAt + 6 * day
        yield* engine.handle({ _tag: "RequestReReview", petitionId: "r-hearing", at: requested, actor: { kind: "petitioner" }, reason: "对复查意见不服" })
        const dueBefore = (yield* engine.clocks("r-hearing", requested)).clocks.find((c) => c.name === "re-review-decision")?.dueAt
        yield* engine.handle({ _tag: "Suspend", petitionId: "r-hearing", at: requested + 2 * day, actor: reviewer, reason: "组织听证" })
        yield* engine.handle({ _tag: "Resume", petitionId: "r-hearing", at: requested + 9 * day, actor: reviewer, reason: "听证结束" })
        const dueAfter = (yield* engine.clocks("r-hearing", requested + 9 * day)).clocks.find((c) => c.name === "re-review-decision")?.dueAt
        const state = yield* engine.state("r-hearing")
        return { dueBefore, dueAfter, state }
      })
    )
    expect(out.dueAfter! - out.dueBefore!).toBe(7 * day)
    expect([out.state.status, out.state.hearing]).toEqual(["closed", false])
  })

  it("a delivery with an unknown method or a malformed instant is InvalidInput at each field's path, saying what was expected", async () => {
    const run = runOn(publishedPacks(rulePackPresets["xinfang-statutory"]))
    const err = await run(
      Effect.gen(function*() {
        const engine = yield* Engine
        const { lead } = yield* closedUndelivered("r-bad")
        return yield* Effect.flip(engine.handleJson({
          _tag: "DeliverReply", petitionId: "r-bad", at: "2026-03-20T09:00:00+08:00", actor: { kind: "unit", id: lead },
          reply: "letter", unit: lead, method: "fax", deliveredAt: "yesterday"
        }))
      })
    )
    if (err._tag !== "InvalidInput") throw new Error(`expected InvalidInput, got ${err._tag}`)
    expect(err.problems.map((p) => p.path).sort()).toEqual(["/deliveredAt", "/method", "/reply"])
    expect(err.problems.find((p) => p.path === "/method")?.message).toMatch(/"in_person".*"post".*"electronic"/)
  })
})
