// The edges of issue 11 that the petition decides on its own: the written reply's delivery, a
// hearing in re-review, and a routing suggestion waiting for the dispatch centre.
import { describe, expect, it } from "vitest"
import type { PetitionCommand } from "../../src/petition/index.js"
import { describeRefusal } from "../../src/petition/index.js"
import { CENTRE, CO2, cmd, decideAll, dispatch, expectEvents, expectRefused, LEAD, stages, T0, when } from "./fixtures.js"

const DAY = 86_400_000

/** A delivery recorded now, of a reply received `before` ms earlier. */
const deliver = (reply: "written_reply" | "review_opinion", before = 0, unit = LEAD): PetitionCommand => {
  const c = cmd("DeliverReply", { reply, unit, method: "post", deliveredAt: 0 })
  return { ...c, deliveredAt: c.at - before }
}
const requestReview = () => cmd("RequestReview", { reason: "对处理意见不服", windowEndsAt: T0 + 365 * DAY })
const requestReReview = () => cmd("RequestReReview", { reason: "对复查意见不服", windowEndsAt: T0 + 365 * DAY })
const decideReview = (stage: "review" | "re_review") => cmd("DecideReview", { stage, outcome: "upheld" })

describe("DeliverReply (书面答复送达)", () => {
  it("records when and how the written reply reached the petitioner", () => {
    const { result, after } = when(stages.closed(), deliver("written_reply", 30_000))
    const [delivered] = expectEvents(result, ["ReplyDelivered"])
    expect(delivered).toMatchObject({ reply: "written_reply", method: "post", unit: LEAD })
    expect(after.deliveries.writtenReply?.at).toBe(delivered!.at - 30_000)
    expect(after.deliveries.writtenReply?.method).toBe("post")
  })
  it("is refused before there is a written reply, and recorded once per reply", () => {
    expectRefused(when(stages.accepted(), deliver("written_reply")).result, "InvalidTransition")
    const once = [...stages.closed(), deliver("written_reply")]
    const refusal = expectRefused(when(once, deliver("written_reply")).result, "InvalidTransition")
    expect(describeRefusal(refusal, { lang: "en" })).toContain("already recorded")
  })
  it("cannot be dated before the reply was given nor after it is recorded", () => {
    const closed = stages.closed()
    const resolvedAt = closed.find((c) => c._tag === "Resolve")!.at
    const early = deliver("written_reply")
    const refusal = expectRefused(when(closed, { ...early, deliveredAt: resolvedAt - 1 } as PetitionCommand).result, "DeliveryTimeImpossible")
    expect(refusal).toMatchObject({ earliest: resolvedAt, reply: "written_reply" })
    const closedAgain = stages.closed()
    const late = deliver("written_reply")
    expectRefused(when(closedAgain, { ...late, deliveredAt: late.at + 1 } as PetitionCommand).result, "DeliveryTimeImpossible")
  })
  it("is sent by a unit that handled the petition (or the dispatch centre)", () => {
    // Who may record a delivery is the authority policy's; a unit that never handled it holds no relation.
    const refusal = expectRefused(when(stages.closed(), deliver("written_reply", 0, "dept.transport")).result, "NotAuthorised")
    expect(refusal).toMatchObject({ command: "DeliverReply", actor: "dept.transport" })
    expectEvents(when(stages.closed(), deliver("written_reply", 0, CENTRE)).result, ["ReplyDelivered"])
  })
  it("is recorded in the sending unit's name only by that unit or its people", () => {
    const closed = stages.closed()
    const byOther: PetitionCommand = { ...deliver("written_reply", 0, LEAD), actor: { kind: "unit", id: CENTRE } }
    expectRefused(when(closed, byOther).result, "ActorNotOfUnit")
  })
  it("a decline is a written reply too", () => {
    const declined = [...stages.submitted(), cmd("Decline", { unit: CENTRE, reason: "已进入诉讼程序" })]
    expectEvents(when(declined, deliver("written_reply", 0, CENTRE)).result, ["ReplyDelivered"])
  })
  it("the review opinion's delivery needs a decided review", () => {
    expectRefused(when([...stages.closed(), requestReview()], deliver("review_opinion")).result, "InvalidTransition")
    // The reviewing organ delivers its opinion: the lead's parent unit, here (a department with none) the dispatch centre.
    const { result, after } = when([...stages.closed(), requestReview(), decideReview("review")], deliver("review_opinion", 0, CENTRE))
    expectEvents(result, ["ReplyDelivered"])
    expect(after.deliveries.reviewOpinion?.unit).toBe(CENTRE)
  })
  it("a new resolution is a new reply: the earlier delivery no longer counts", () => {
    const reworked = [...stages.resolved(), deliver("written_reply"), cmd("RateSatisfaction", { rating: "unsatisfied" })]
    expect(decideAll(reworked).state.deliveries.writtenReply).toBeUndefined()
  })
})

describe("a hearing (听证) in re-review", () => {
  const inReReview = () => [...stages.closed(), requestReview(), decideReview("review"), requestReReview()]
  it("is recorded by Suspend and Resume while the petition stays closed", () => {
    const suspended = when(inReReview(), cmd("Suspend", { reason: "组织听证" }))
    expectEvents(suspended.result, ["Suspended"])
    expect([suspended.after.status, suspended.after.hearing]).toEqual(["closed", true])
    const resumed = when([...inReReview(), cmd("Suspend", { reason: "组织听证" })], cmd("Resume", { reason: "听证结束" }))
    expectEvents(resumed.result, ["Resumed"])
    expect([resumed.after.status, resumed.after.hearing]).toEqual(["closed", false])
  })
  it("holds the re-review decision until it ends, and runs one at a time", () => {
    const hearing = [...inReReview(), cmd("Suspend", { reason: "组织听证" })]
    expectRefused(when(hearing, decideReview("re_review")).result, "InvalidTransition")
    expectRefused(when(hearing, cmd("Suspend", { reason: "再次听证" })).result, "InvalidTransition")
    expectEvents(when([...hearing, cmd("Resume", { reason: "听证结束" })], decideReview("re_review")).result, ["ReviewDecided"])
  })
  it("is not possible in the review stage (art. 36 gives hearings to the re-review)", () => {
    const refusal = expectRefused(when([...stages.closed(), requestReview()], cmd("Suspend", { reason: "组织听证" })).result, "InvalidTransition")
    expect(describeRefusal(refusal, { lang: "zh" })).toContain("复核")
  })
})

describe("SuggestRouting", () => {
  it("records routing's answer without dispatching; the dispatch centre's Dispatch confirms or changes it", () => {
    const suggested = when(stages.submitted(), cmd("SuggestRouting", { lead: LEAD, coHandlers: [] }))
    expectEvents(suggested.result, ["RoutingSuggested"])
    expect([suggested.after.status, suggested.after.lead, suggested.after.routingSuggestion?.lead]).toEqual(["received", undefined, LEAD])
    const changed = when([...stages.submitted(), cmd("SuggestRouting", { lead: LEAD, coHandlers: [] })], dispatch(CO2, []))
    expect([changed.after.status, changed.after.lead, changed.after.routingSuggestion]).toEqual(["dispatched", CO2, undefined])
  })
  it("names known units only", () =>
    expectRefused(when(stages.submitted(), cmd("SuggestRouting", { lead: "dept.ghost", coHandlers: [] })).result, "UnknownUnit"))
})
