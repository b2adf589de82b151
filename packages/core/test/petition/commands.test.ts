import { describe, expect, it } from "vitest"
import type { PetitionCommand } from "../../src/petition/index.js"
import {
  accept,
  CENTRE,
  checklist,
  close,
  CO,
  CO2,
  cmd,
  dispatch,
  expectEvents,
  expectRefused,
  decideAll,
  LEAD,
  LEAD_HANDLER,
  PID,
  rate,
  reportPart,
  resolve,
  stages,
  submit,
  T0,
  when
} from "./fixtures.js"

import { event, events, given, history } from "./given.js"

const DAY = 86_400_000

describe("Submit", () => {
  it("registers the petition with the channel's unit as first handler and pins the rule pack", () => {
    const { result, after } = when([], submit())
    const [e] = expectEvents(result, ["Submitted"])
    expect(e?.version).toBe(1)
    expect(after.status).toBe("received")
    expect(after.firstHandler).toBe(CENTRE)
    expect(after.accountable).toBe(CENTRE)
    expect(after.rulePack).toEqual({ id: "futian", version: "2026.1" })
    expect(after.persons).toBe(1)
    expect(after.priority).toBe("normal")
  })
  it("takes an explicit first handler, persons and flags", () => {
    const { after } = when([], submit({ firstHandler: CO, persons: 12, flags: ["group"], priority: "urgent" }))
    expect([after.firstHandler, after.persons, after.flags, after.priority]).toEqual([CO, 12, ["group"], "urgent"])
  })
  it("on a proactive channel (未诉先办) is opened by staff, or by a grid member on the grid channel — never by a petitioner", () => {
    const proactive = (channel: string, actor: PetitionCommand["actor"]) => submit({ channel, actor })
    expectEvents(when([], proactive("channel.proactive.grid", { kind: "person", id: "person.grid.yuanling.hongli.01" })).result, ["Submitted"])
    expectEvents(when([], proactive("channel.proactive.staff", { kind: "person", id: LEAD_HANDLER })).result, ["Submitted"])
    const r = expectRefused(when([], proactive("channel.proactive.grid", { kind: "person", id: LEAD_HANDLER })).result, "ProactiveNeedsStaff")
    expect(r.message).toContain("须由网格员本人登记")
    expectRefused(when([], proactive("channel.proactive.staff", { kind: "petitioner" })).result, "ProactiveNeedsStaff")
  })
  it("is refused twice", () => expectRefused(when(stages.submitted(), submit()).result, "AlreadySubmitted"))
  it("is refused for an unknown channel, category or jurisdiction", () => {
    expect(expectRefused(when([], submit({ channel: "channel.fax" })).result, "UnknownReference")).toMatchObject({ kind: "channel" })
    expect(expectRefused(when([], submit({ category: "nope" })).result, "UnknownReference")).toMatchObject({ kind: "category" })
    expect(expectRefused(when([], submit({ jurisdiction: "nope" })).result, "UnknownReference")).toMatchObject({ kind: "jurisdiction" })
  })
  it("is refused for an unknown first handler", () =>
    expect(expectRefused(when([], submit({ firstHandler: "dept.ghost" })).result, "UnknownUnit")).toMatchObject({ field: "firstHandler" }))
  it("never lets the accused unit be the first handler of an accusation", () =>
    expectRefused(when([], submit({ category: "accusation.misconduct", accusedUnit: CENTRE })).result, "AccusedUnitExcluded"))
  it("is refused for another petition's state", () =>
    expectRefused(when([], submit({ petitionId: "P-other" })).result, "WrongPetition"))
  it("is refused when the actor is unknown", () =>
    expectRefused(when([], submit({ actor: { kind: "person", id: "person.ghost" } })).result, "UnknownPerson"))
})

describe("time", () => {
  it("a command dated before the latest event is refused: a history never runs backwards", () => {
    const history = stages.dispatched()
    const last = history[history.length - 1]!.at
    const refusal = expectRefused(when(history, { ...accept(), at: last - 60_000 }).result, "BeforeLastEvent")
    expect(refusal).toMatchObject({ command: "Accept", at: last - 60_000, lastAt: last })
    expect(refusal.message).toContain("不能倒序")
  })
  it("the shell's records of a passed deadline or a failed delivery are kept even if its clock lags a little; the history's latest instant stays", () => {
    const history = stages.dispatched()
    const last = history[history.length - 1]!.at
    const breach = when(history, cmd("RecordClockBreach", { clock: "feedback", dueAt: last - 120_000, at: last - 1_000 }))
    expectEvents(breach.result, ["ClockBreached"])
    expect(breach.after.lastAt).toBe(last)
    expectEvents(when(history, cmd("RecordDeadLetter", { notificationId: "n-1", reason: "timeout", at: last - 1_000 })).result, ["NotificationDeadLettered"])
    // …and a command after such a record is still measured against the latest instant.
    const recorded = [...history, cmd("RecordClockBreach", { clock: "feedback", dueAt: last - 120_000, at: last - 1_000 })]
    expectRefused(when(recorded, { ...accept(), at: last - 500 }).result, "BeforeLastEvent")
  })
  it("a command at the same instant as the latest event is accepted (rules follow up at once), and the state keeps that instant", () => {
    const history = stages.dispatched()
    const last = history[history.length - 1]!.at
    const r = when(history, { ...accept(), at: last })
    expectEvents(r.result, ["Accepted"])
    expect(r.before.lastAt).toBe(last)
    expect(r.after.lastAt).toBe(last)
  })
})

describe("acting in a unit's name", () => {
  it("a unit acts for itself and a person for their own unit", () => {
    expectEvents(when(stages.dispatched(), { ...accept(), actor: { kind: "unit", id: LEAD } }).result, ["Accepted"])
    expectEvents(when(stages.dispatched(), { ...accept(), actor: { kind: "person", id: LEAD_HANDLER } }).result, ["Accepted"])
  })
  it("another unit, a person of another unit or the petitioner cannot act in the lead's name", () => {
    const byCo = expectRefused(when(stages.dispatched(), { ...accept(), actor: { kind: "unit", id: CO } }).result, "ActorNotOfUnit")
    expect(byCo).toMatchObject({ actor: CO, unit: LEAD })
    expect(byCo.message).toContain("不能以其名义签收")
    expectRefused(when(stages.dispatched(), { ...accept(), actor: { kind: "person", id: "person.handler.ecology" } }).result, "ActorNotOfUnit")
    expectRefused(when([...stages.accepted(), reportPart()], { ...resolve(), actor: { kind: "person", id: "person.handler.ecology" } }).result, "ActorNotOfUnit")
    expectRefused(when(stages.dispatched(), { ...cmd("Return", { unit: LEAD, reason: "非本单位职责" }), actor: { kind: "petitioner" } }).result, "ActorNotOfUnit")
  })
})

describe("any command before Submit", () => {
  it("is refused: the petition does not exist", () => expectRefused(when([], dispatch()).result, "NotSubmitted"))
})

describe("Acknowledge and Contact", () => {
  it("record the 10-minute feedback and 30-minute phone contact by the first handler", () => {
    const ack = when(stages.submitted(), cmd("Acknowledge", { unit: CENTRE }))
    expectEvents(ack.result, ["Acknowledged"])
    expect(ack.after.acknowledgedAt).toBeDefined()
    const contact = when(stages.submitted(), cmd("Contact", { unit: CENTRE, method: "phone" }))
    expectEvents(contact.result, ["Contacted"])
    expect(contact.after.contactedAt).toBeDefined()
  })
  it("are refused from a unit that has nothing to do with the petition", () => {
    expectRefused(when(stages.submitted(), cmd("Acknowledge", { unit: CO2 })).result, "NotAuthorised")
    expectRefused(when(stages.submitted(), cmd("Contact", { unit: "dept.ghost", method: "sms" })).result, "UnknownUnit")
  })
})

describe("Dispatch", () => {
  it("names the lead and co-handlers; the first handler stays accountable", () => {
    const { after } = given(history.submitted()).when(dispatch(LEAD, [CO, CO2])).then([{ _tag: "Dispatched", lead: LEAD, coHandlers: [CO, CO2] }])
    expect([after.status, after.lead, after.coHandlers, after.accountable]).toEqual(["dispatched", LEAD, [CO, CO2], CENTRE])
  })
  it("refuses a lead that is also a co-handler", () =>
    given(history.submitted()).when(dispatch(LEAD, [CO, LEAD])).thenRefuses("LeadCannotBeCoHandler"))
  it("refuses unknown units, naming the field", () =>
    given(history.submitted()).when(dispatch(LEAD, [CO, "dept.ghost"])).thenRefuses("UnknownUnit", { field: "coHandlers/1" }))
  it("refuses a dispatching unit that is neither first handler nor dispatch centre", () =>
    given(history.submitted()).when(cmd("Dispatch", { lead: LEAD, coHandlers: [], actor: { kind: "unit", id: CO2 } })).thenRefuses("NotAuthorised", { needed: ["first_handler", "dispatch_centre"] }))
  it("takes a dispatcher of the dispatch centre; refuses a person of another unit or the petitioner", () => {
    given(history.submitted()).when({ ...dispatch(), actor: { kind: "person", id: "person.dispatcher.1" } }).then([{ _tag: "Dispatched" }])
    const r = given(history.submitted()).when({ ...dispatch(), actor: { kind: "person", id: LEAD_HANDLER } }).thenRefuses("NotAuthorised", { actor: LEAD_HANDLER })
    expect(r.message).toContain("无权对本件派单：须为首办单位或分拨中心")
    given(history.submitted()).when({ ...dispatch(), actor: { kind: "petitioner" } }).thenRefuses("NotAuthorised", { actor: "petitioner" })
  })
  it("refuses sending an accusation to the accused unit", () =>
    given([events.submitted({ category: "accusation.misconduct", accusedUnit: LEAD })]).when(dispatch()).thenRefuses("AccusedUnitExcluded"))
  it("refuses a second dispatch before the first is answered, unless it names another lead and says why", () => {
    given(history.dispatched()).when(cmd("Dispatch", { lead: LEAD, coHandlers: [], reason: "再派一次" })).thenRefuses("InvalidTransition")
    given(history.dispatched()).when(dispatch(CO2, [])).thenRefuses("ReasonRequired")
    given(history.dispatched()).when(cmd("Dispatch", { lead: CO2, coHandlers: [], reason: " " })).thenRefuses("ReasonRequired")
  })
  it("re-dispatches before acceptance to another lead, recording the offered lead and the reason; the first handler stays accountable", () => {
    const { after } = given(history.dispatched())
      .when(cmd("Dispatch", { lead: CO2, coHandlers: [], reason: "属生态环境局职责" }))
      .then([{ _tag: "Dispatched", lead: CO2, coHandlers: [], from: LEAD, reason: "属生态环境局职责" }])
    expect([after.status, after.lead, after.accepted, after.accountable]).toEqual(["dispatched", CO2, false, CENTRE])
  })
  it("re-dispatch is the first handler's or the dispatch centre's call, and never after acceptance", () => {
    given(history.dispatched())
      .when({ ...cmd("Dispatch", { lead: CO2, coHandlers: [], reason: "改派" }), actor: { kind: "unit", id: LEAD } })
      .thenRefuses("NotAuthorised", { command: "Dispatch", needed: ["first_handler", "dispatch_centre"] })
    given(history.accepted()).when(cmd("Dispatch", { lead: CO2, coHandlers: [], reason: "改派" })).thenRefuses("InvalidTransition")
  })
})

describe("Accept", () => {
  it("by the lead moves the petition into handling and releases the first handler", () => {
    const { after } = given(history.dispatched()).when(accept()).then([{ _tag: "Accepted", unit: LEAD }])
    expect([after.status, after.accepted, after.accountable]).toEqual(["in_progress", true, LEAD])
  })
  it("by a co-handler is refused", () => given(history.dispatched()).when(accept(CO)).thenRefuses("NotAuthorised", { needed: ["lead"] }))
  it("before dispatch is refused", () => given(history.submitted()).when(accept()).thenRefuses("InvalidTransition"))
})

describe("Decline", () => {
  it("by the lead with a reason", () => {
    const { after } = given(history.dispatched()).when(cmd("Decline", { unit: LEAD, reason: "不属于信访事项" })).then([{ _tag: "Declined" }])
    expect([after.status, after.counters.declines]).toEqual(["declined", 1])
  })
  it("by the first handler before dispatch", () =>
    given(history.submitted()).when(cmd("Decline", { unit: CENTRE, reason: "已诉讼" })).then([{ _tag: "Declined" }]))
  it("needs a reason", () => given(history.dispatched()).when(cmd("Decline", { unit: LEAD, reason: "  " })).thenRefuses("ReasonRequired"))
  it("by another unit before dispatch is refused", () =>
    given(history.submitted()).when(cmd("Decline", { unit: LEAD, reason: "x" })).thenRefuses("NotAuthorised", { needed: ["first_handler"] }))
  it("by a co-handler after dispatch is refused", () =>
    given(history.dispatched()).when(cmd("Decline", { unit: CO, reason: "x" })).thenRefuses("NotAuthorised", { needed: ["lead"] }))
  it("then only Close is possible", () => {
    const declined = [...history.dispatched(), event("Declined", { unit: LEAD, reason: "x" })]
    given(declined).when(accept()).thenRefuses("InvalidTransition")
    given(declined).when(cmd("Close", { reason: "不予受理告知书已送达" })).then([{ _tag: "Closed" }])
  })
})

describe("Return", () => {
  it("by the lead sends it back to the first handler, counted per unit", () => {
    const { after } = given(history.dispatched()).when(cmd("Return", { unit: LEAD, reason: "不属本单位职责" })).then([{ _tag: "Returned", unit: LEAD }])
    expect([after.status, after.lead, after.coHandlers]).toEqual(["received", undefined, []])
    expect(after.counters.returnsByUnit).toEqual({ [LEAD]: 1 })
    expect(after.counters.returns).toBe(1)
  })
  it("by a co-handler drops only that co-handler", () => {
    const { after } = given(history.dispatched()).when(cmd("Return", { unit: CO, reason: "非本辖区" })).then([{ _tag: "Returned", unit: CO }])
    expect([after.status, after.lead, after.coHandlers]).toEqual(["dispatched", LEAD, []])
  })
  it("needs a reason", () => given(history.dispatched()).when(cmd("Return", { unit: LEAD, reason: "" })).thenRefuses("ReasonRequired"))
  it("by a unit not dispatched is refused", () =>
    given(history.dispatched()).when(cmd("Return", { unit: CO2, reason: "x" })).thenRefuses("NotAuthorised", { actor: CO2, needed: ["lead", "co_handler"] }))
  it("after acceptance is refused", () =>
    given(history.accepted()).when(cmd("Return", { unit: LEAD, reason: "x" })).thenRefuses("InvalidTransition", { status: "in_progress" }))
})

describe("Transfer", () => {
  it("moves the lead, counts the transfer and needs a new acceptance", () => {
    const { result, after } = when(stages.accepted(), cmd("Transfer", { lead: CO2, coHandlers: [CO], reason: "噪声问题" }))
    const [e] = expectEvents(result, ["Transferred"])
    expect(e).toMatchObject({ from: LEAD, lead: CO2 })
    expect([after.status, after.lead, after.accepted, after.counters.transfers]).toEqual(["dispatched", CO2, false, 1])
  })
  it("is the dispatch centre's or the first handler's call, not the lead's", () => {
    expectEvents(when(stages.accepted(), cmd("Transfer", { lead: CO2, coHandlers: [], reason: "职责调整", actor: { kind: "unit", id: CENTRE } })).result, ["Transferred"])
    const r = expectRefused(when(stages.accepted(), cmd("Transfer", { lead: CO2, coHandlers: [], reason: "不归我管", actor: { kind: "unit", id: LEAD } })).result, "NotAuthorised")
    expect(r.message).toContain("无权对本件转办：须为首办单位或分拨中心")
  })
  it("to the current lead is refused", () =>
    expectRefused(when(stages.accepted(), cmd("Transfer", { lead: LEAD, coHandlers: [], reason: "x" })).result, "SameLead"))
  it("with the lead among co-handlers is refused", () =>
    expectRefused(when(stages.accepted(), cmd("Transfer", { lead: CO2, coHandlers: [CO2], reason: "x" })).result, "LeadCannotBeCoHandler"))
  it("needs a reason", () =>
    expectRefused(when(stages.accepted(), cmd("Transfer", { lead: CO2, coHandlers: [], reason: "" })).result, "ReasonRequired"))
})

describe("AssignHandler", () => {
  it("names a person of the lead unit", () => {
    const { result, after } = when(stages.accepted(), cmd("AssignHandler", { unit: LEAD, person: LEAD_HANDLER }))
    expectEvents(result, ["HandlerAssigned"])
    expect(after.handler).toBe(LEAD_HANDLER)
  })
  it("refuses a person of another unit", () =>
    expectRefused(when(stages.accepted(), cmd("AssignHandler", { unit: LEAD, person: "person.handler.ecology" })).result, "PersonNotInUnit"))
  it("refuses an unknown person", () =>
    expectRefused(when(stages.accepted(), cmd("AssignHandler", { unit: LEAD, person: "person.ghost" })).result, "UnknownPerson"))
  it("refuses a unit that is not the lead", () =>
    expectRefused(when(stages.accepted(), cmd("AssignHandler", { unit: CO, person: "person.handler.yuanling" })).result, "NotAuthorised"))
})

describe("ReportPart and CompleteFirstRound", () => {
  it("a co-handler reports its part to the lead", () => {
    const { result, after } = when(stages.accepted(), reportPart())
    expectEvents(result, ["PartReported"])
    expect(after.partsReported).toEqual([CO])
  })
  it("the lead does not report a part", () => expectRefused(when(stages.accepted(), reportPart(LEAD)).result, "NotAuthorised"))
  it("the lead completes the first round once", () => {
    const accepted = stages.accepted()
    const first = cmd("CompleteFirstRound", { unit: LEAD, summary: "已现场核查" })
    const { result, after } = when(accepted, first)
    expectEvents(result, ["FirstRoundCompleted"])
    expect(after.firstRoundCompletedAt).toBe(first.at)
    expectRefused(when([...accepted, first], cmd("CompleteFirstRound", { unit: LEAD, summary: "again" })).result, "InvalidTransition")
  })
  it("a co-handler cannot complete the first round", () =>
    expectRefused(when(stages.accepted(), cmd("CompleteFirstRound", { unit: CO, summary: "x" })).result, "NotAuthorised"))
})

describe("Suspend and Resume", () => {
  it("pause handling and return to where it was", () => {
    const suspended = [...stages.accepted(), cmd("Suspend", { reason: "等待信访人补充材料" })]
    const s1 = when(stages.accepted(), cmd("Suspend", { reason: "等待信访人补充材料" }))
    expect(s1.after.status).toBe("suspended")
    const s2 = when(suspended, cmd("Resume", { reason: "材料已补充" }))
    expectEvents(s2.result, ["Resumed"])
    expect(s2.after.status).toBe("in_progress")
  })
  it("need a reason", () => expectRefused(when(stages.accepted(), cmd("Suspend", { reason: "" })).result, "ReasonRequired"))
  it("resume only what is suspended", () => expectRefused(when(stages.accepted(), cmd("Resume", { reason: "x" })).result, "InvalidTransition"))
})

describe("Extend", () => {
  it("records reason, approver and amount", () => {
    const { result, after } = when(stages.accepted(), cmd("Extend", { clock: "handling", amount: "P30D", reason: "涉及多部门", approver: "person.head.urban-management" }))
    expectEvents(result, ["Extended"])
    expect(after.counters.extensions).toBe(1)
  })
  it("refuses an unknown approver", () =>
    expectRefused(when(stages.accepted(), cmd("Extend", { clock: "handling", amount: "P30D", reason: "x", approver: "person.ghost" })).result, "UnknownPerson"))
  it("needs a reason", () =>
    expectRefused(when(stages.accepted(), cmd("Extend", { clock: "handling", amount: "P30D", reason: "", approver: "person.head.urban-management" })).result, "ReasonRequired"))
})

describe("Resolve", () => {
  it("by the lead with the checklist, once co-handlers have reported", () => {
    const { result, after } = when([...stages.accepted(), reportPart()], resolve())
    expectEvents(result, ["Resolved"])
    expect([after.status, after.checklist]).toEqual(["resolved", checklist])
  })
  it("by a co-handler is refused", () => expectRefused(when([...stages.accepted(), reportPart()], resolve(CO)).result, "NotAuthorised"))
  it("while co-handlers owe their part is refused", () => {
    const refusal = expectRefused(when(stages.accepted(), resolve()).result, "PartsOutstanding")
    expect(refusal).toMatchObject({ units: [CO] })
  })
  it("without explaining to the petitioner is refused", () =>
    expectRefused(when([...stages.accepted(), reportPart()], cmd("Resolve", { unit: LEAD, summary: "x", checklist: { ...checklist, explanationGiven: false } })).result, "ChecklistIncomplete"))
  it("before acceptance is refused", () => expectRefused(when(stages.dispatched(), resolve()).result, "InvalidTransition"))
})

describe("RateSatisfaction", () => {
  it("satisfied keeps it resolved and allows closing", () => {
    const { result, after } = when(stages.resolved(), rate("satisfied"))
    expectEvents(result, ["SatisfactionRated"])
    expect([after.status, after.rating]).toEqual(["resolved", "satisfied"])
  })
  it("unsatisfied sends it back for rework", () => {
    const { after } = when(stages.resolved(), rate("unsatisfied"))
    expect([after.status, after.counters.reworks, after.rating, after.partsReported]).toEqual(["in_progress", 1, undefined, []])
  })
  it("comes from the petitioner or the callback staff, never from a unit that handled it", () => {
    expectEvents(when(stages.resolved(), { ...rate(), actor: { kind: "petitioner" } }).result, ["SatisfactionRated"])
    expectEvents(when(stages.resolved(), { ...rate(), actor: { kind: "person", id: "person.dispatcher.1" } }).result, ["SatisfactionRated"])
    const byLead = expectRefused(when(stages.resolved(), { ...rate(), actor: { kind: "person", id: LEAD_HANDLER } }).result, "NotAuthorised")
    expect(byLead).toMatchObject({ actor: LEAD_HANDLER, needed: ["petitioner", "dispatch_centre"] })
    expect(byLead.message).toContain("须为信访人或分拨中心")
    expectRefused(when(stages.resolved(), { ...rate(), actor: { kind: "unit", id: CO } }).result, "NotAuthorised")
  })
  it("only once per resolution and only after resolving", () => {
    expectRefused(when(stages.rated(), rate("unsatisfied")).result, "InvalidTransition")
    expectRefused(when(stages.accepted(), rate()).result, "InvalidTransition")
  })
})

describe("Close", () => {
  it("after a satisfied rating", () => {
    const { result, after } = when(stages.rated(), close())
    expectEvents(result, ["Closed"])
    expect(after.status).toBe("closed")
    expect(after.closedAt).toBeDefined()
  })
  it("without a rating only after the rating deadline", () => {
    expectRefused(when(stages.resolved(), cmd("Close", { reason: "x", ratingDeadline: T0 + 30 * DAY })).result, "NotRated")
    expectRefused(when(stages.resolved(), close()).result, "NotRated")
    expectEvents(when(stages.resolved(), cmd("Close", { reason: "回访期满未评价", ratingDeadline: T0 })).result, ["Closed"])
  })
  it("before resolving is refused", () => expectRefused(when(stages.accepted(), close()).result, "InvalidTransition"))
})

describe("a closed petition", () => {
  const others: ReadonlyArray<() => PetitionCommand> = [
    () => dispatch(),
    () => accept(),
    () => resolve(),
    () => rate(),
    () => close(),
    () => cmd("Reopen", { reason: "x" }),
    () => cmd("Escalate", { tier: 1, owner: "person.head.urban-management", reason: "x" }),
    () => cmd("AddWatcher", { person: "person.district-head" }),
    () => cmd("RecordClockBreach", { clock: "handling", dueAt: T0 }),
    () => cmd("Flag", { flag: "media" }),
    () => cmd("SetPriority", { priority: "urgent" }),
    () => cmd("RequireVisit", { reason: "领导约访" }),
    () => cmd("LinkRepeat", { of: "P-0" }),
    () => cmd("MarkDuplicate", { of: "P-0" }),
    () => cmd("Merge", { into: "P-0" }),
    () => cmd("RecordVisit", { kind: "home", batches: 1, persons: 2 }),
    () => cmd("Extend", { clock: "handling", amount: "P30D", reason: "案情复杂", approver: "person.district-head" })
  ]
  it("refuses everything but review", () => {
    for (const other of others) expectRefused(when(stages.closed(), other()).result, "PetitionClosed")
  })
  it("is suspended only for a hearing in re-review", () => {
    expectRefused(when(stages.closed(), cmd("Suspend", { reason: "等待材料" })).result, "InvalidTransition")
    expectRefused(when(stages.closed(), cmd("Resume", { reason: "材料已补" })).result, "InvalidTransition")
  })
})

describe("RequestReview, DecideReview, RequestReReview, Reopen", () => {
  const window = () => T0 + 365 * DAY
  const review = () => cmd("RequestReview", { reason: "对处理意见不服", windowEndsAt: window() })
  it("review inside the window", () => {
    const { result, after } = when(stages.closed(), review())
    expectEvents(result, ["ReviewRequested"])
    expect([after.status, after.review.stage]).toEqual(["closed", "review_requested"])
  })
  it("review after the window is refused", () =>
    expectRefused(when(stages.closed(), cmd("RequestReview", { reason: "x", windowEndsAt: T0 })).result, "ReviewWindowClosed"))
  it("review of an open petition is refused", () => expectRefused(when(stages.resolved(), review()).result, "InvalidTransition"))
  it("review twice is refused; re-review follows a decided review, in its window", () => {
    const reviewed = [...stages.closed(), review()]
    expectRefused(when(reviewed, review()).result, "InvalidTransition")
    expectRefused(when(reviewed, cmd("RequestReReview", { reason: "x", windowEndsAt: window() })).result, "InvalidTransition")
    const decided = [...reviewed, cmd("DecideReview", { stage: "review", outcome: "upheld" })]
    expectEvents(when(decided, cmd("RequestReReview", { reason: "仍不服", windowEndsAt: window() })).result, ["ReReviewRequested"])
    expectRefused(when(decided, cmd("RequestReReview", { reason: "仍不服", windowEndsAt: T0 })).result, "ReviewWindowClosed")
  })
  it("a decision needs a pending request of that stage", () => {
    expectRefused(when(stages.closed(), cmd("DecideReview", { stage: "review", outcome: "upheld" })).result, "InvalidTransition")
    expectRefused(when([...stages.closed(), review()], cmd("DecideReview", { stage: "re_review", outcome: "upheld" })).result, "InvalidTransition")
  })
  it("a decline overturned on review reopens where handling stopped: to be dispatched, or for the lead to accept", () => {
    // Built in order, since each command takes the next instant.
    const declinedAndReopened = (history: ReadonlyArray<PetitionCommand>, unit: string) => [
      ...history,
      cmd("Decline", { unit, reason: "不属于受理范围" }),
      close(),
      review(),
      cmd("DecideReview", { stage: "review", outcome: "overturned" }),
      cmd("Reopen", { reason: "复查认为应予受理" })
    ]
    const beforeDispatch = declinedAndReopened(stages.submitted(), CENTRE)
    expect([decideAll(beforeDispatch).state.status, decideAll(beforeDispatch).state.lead]).toEqual(["received", undefined])
    expectEvents(when(beforeDispatch, dispatch()).result, ["Dispatched"])
    const afterDispatch = declinedAndReopened(stages.dispatched(), LEAD)
    const s = decideAll(afterDispatch).state
    expect([s.status, s.lead, s.accepted, s.accountable]).toEqual(["dispatched", LEAD, false, CENTRE])
    expectRefused(when(afterDispatch, resolve()).result, "InvalidTransition")
    expectEvents(when(afterDispatch, accept()).result, ["Accepted"])
  })
  it("an overturned review lets the petition reopen, once", () => {
    const overturned = [...stages.closed(), review(), cmd("DecideReview", { stage: "review", outcome: "overturned" })]
    const { result, after } = when(overturned, cmd("Reopen", { reason: "复查撤销原处理意见" }))
    expectEvents(result, ["Reopened"])
    expect([after.status, after.counters.reworks, after.review.outcome]).toEqual(["in_progress", 1, undefined])
    expectRefused(when([...stages.closed(), review(), cmd("DecideReview", { stage: "review", outcome: "upheld" })], cmd("Reopen", { reason: "x" })).result, "PetitionClosed")
  })
  it("a resolved petition may be reopened before closing", () =>
    expect(when(stages.resolved(), cmd("Reopen", { reason: "信访人反映未解决" })).after.status).toBe("in_progress"))
})

describe("Escalate", () => {
  it("moves up a tier with a named owner", () => {
    const { result, after } = when(stages.accepted(), cmd("Escalate", { tier: 2, owner: "person.deputy-head.1", reason: "疑难复杂" }))
    expectEvents(result, ["Escalated"])
    expect([after.tier, after.owner]).toEqual([2, "person.deputy-head.1"])
  })
  it("never down or sideways", () => {
    const accepted = stages.accepted()
    const up = cmd("Escalate", { tier: 2, owner: "person.deputy-head.1", reason: "x" })
    expectRefused(when([...accepted, up], cmd("Escalate", { tier: 2, owner: "person.district-head", reason: "x" })).result, "TierNotHigher")
  })
  it("needs a known owner", () =>
    expectRefused(when(stages.accepted(), cmd("Escalate", { tier: 1, owner: "person.ghost", reason: "x" })).result, "UnknownPerson"))
})

describe("RecordVisit and RequireVisit", () => {
  it("count batches and persons and clear the visit requirement", () => {
    const required = [...stages.accepted(), cmd("RequireVisit", { reason: "重复信访" })]
    expect(when(stages.accepted(), cmd("RequireVisit", { reason: "重复信访" })).after.visitRequired).toBe(true)
    const { result, after } = when(required, cmd("RecordVisit", { kind: "home", leader: "person.deputy-head.1", batches: 1, persons: 3 }))
    expectEvents(result, ["VisitRecorded"])
    expect([after.counters.visitBatches, after.counters.visitPersons, after.visitRequired]).toEqual([1, 3, false])
  })
  it("refuse an unknown leader and a reasonless requirement", () => {
    expectRefused(when(stages.accepted(), cmd("RecordVisit", { kind: "reception", leader: "person.ghost", batches: 1, persons: 1 })).result, "UnknownPerson")
    expectRefused(when(stages.accepted(), cmd("RequireVisit", { reason: "" })).result, "ReasonRequired")
  })
})

describe("BlowWhistle and ReportForDuty", () => {
  const blow = (unit = CO, summoned = [LEAD, CO2]) => cmd("BlowWhistle", { whistleId: "w1", unit, summoned, deadline: T0 + 365 * DAY })
  it("a street summons departments, which report for duty", () => {
    const { after } = when(stages.accepted(), blow())
    expect(after.whistles["w1"]).toMatchObject({ unit: CO, summoned: [LEAD, CO2], reported: [] })
    const r = when([...stages.accepted(), blow()], cmd("ReportForDuty", { whistleId: "w1", unit: CO2 }))
    expectEvents(r.result, ["ReportedForDuty"])
    expect(r.after.whistles["w1"]?.reported).toEqual([CO2])
  })
  it("only streets and communities blow; never twice with one id; never summoning themselves", () => {
    expectRefused(when(stages.accepted(), blow(LEAD, [CO2])).result, "WhistleNotAllowed")
    expectRefused(when([...stages.accepted(), blow()], blow()).result, "DuplicateWhistle")
    expectRefused(when(stages.accepted(), blow(CO, [CO, LEAD])).result, "SelfReference")
  })
  it("needs a deadline after the moment it is blown", () => {
    const history = stages.accepted()
    const last = history[history.length - 1]!.at
    const late = cmd("BlowWhistle", { whistleId: "w1", unit: CO, summoned: [LEAD], deadline: last + 60_000, at: last + 60_000 })
    const refusal = expectRefused(when(history, late).result, "DeadlineNotAfter")
    expect(refusal.message).toContain("报到期限")
    expectEvents(when(history, { ...late, deadline: late.at + 1 }).result, ["WhistleBlown"])
  })
  it("reporting needs the whistle, a summons, and only once", () => {
    expectRefused(when([...stages.accepted(), blow()], cmd("ReportForDuty", { whistleId: "w9", unit: LEAD })).result, "UnknownWhistle")
    expectRefused(when([...stages.accepted(), blow()], cmd("ReportForDuty", { whistleId: "w1", unit: "dept.water" })).result, "NotAuthorised")
    const twoWhistles = [...stages.accepted(), blow(), cmd("BlowWhistle", { whistleId: "w2", unit: CO, summoned: ["dept.water"], deadline: T0 + 365 * DAY })]
    expectRefused(when(twoWhistles, cmd("ReportForDuty", { whistleId: "w1", unit: "dept.water" })).result, "NotSummoned")
    const reported = [...stages.accepted(), blow(), cmd("ReportForDuty", { whistleId: "w1", unit: LEAD })]
    expectRefused(when(reported, cmd("ReportForDuty", { whistleId: "w1", unit: LEAD })).result, "AlreadyReported")
  })
})

describe("MarkDuplicate, Merge, LinkRepeat", () => {
  it("mark and merge into another petition; merged is final", () => {
    expect(when(stages.submitted(), cmd("MarkDuplicate", { of: "P-0" })).after.duplicateOf).toBe("P-0")
    const merged = when(stages.submitted(), cmd("Merge", { into: "P-0" }))
    expect([merged.after.status, merged.after.mergedInto]).toEqual(["merged", "P-0"])
    expectRefused(when([...stages.submitted(), cmd("Merge", { into: "P-0" })], dispatch()).result, "InvalidTransition")
  })
  it("never to itself", () => {
    expectRefused(when(stages.submitted(), cmd("Merge", { into: PID })).result, "SelfReference")
    expectRefused(when(stages.submitted(), cmd("MarkDuplicate", { of: PID })).result, "SelfReference")
    expectRefused(when(stages.submitted(), cmd("LinkRepeat", { of: PID })).result, "SelfReference")
  })
  it("repeats are counted once per linked petition", () => {
    const link = () => cmd("LinkRepeat", { of: "P-0" })
    expect(when(stages.submitted(), link()).after.counters.repeats).toBe(1)
    expectEvents(when([...stages.submitted(), link()], link()).result, [])
  })
})

describe("IssueRecommendation", () => {
  it("goes to a known unit, even after closing", () => {
    const rec = () => cmd("IssueRecommendation", { kind: "improve_policy", to: LEAD, text: "完善垃圾站除臭标准" })
    expectEvents(when(stages.closed(), rec()).result, ["RecommendationIssued"])
    expectRefused(when(stages.accepted(), cmd("IssueRecommendation", { kind: "hold_to_account", to: "dept.ghost", text: "x" })).result, "UnknownUnit")
  })
  it("comes from a supervisor or the supervision unit, not from a handling unit or the petitioner", () => {
    const rec = (actor: PetitionCommand["actor"]) => cmd("IssueRecommendation", { kind: "hold_to_account", to: LEAD, text: "超期未办结，建议问责", actor })
    expectEvents(when(stages.accepted(), rec({ kind: "person", id: "person.supervisor" })).result, ["RecommendationIssued"])
    expectEvents(when(stages.accepted(), rec({ kind: "unit", id: "dept.supervision" })).result, ["RecommendationIssued"])
    const byLead = expectRefused(when(stages.accepted(), rec({ kind: "unit", id: LEAD })).result, "NotAuthorised")
    expect(byLead.message).toContain("须为督查人员")
    expectRefused(when(stages.accepted(), rec({ kind: "person", id: LEAD_HANDLER })).result, "NotAuthorised")
    expectRefused(when(stages.accepted(), rec({ kind: "petitioner" })).result, "NotAuthorised")
  })
})

describe("engine commands", () => {
  it("RecordClockWarning and RecordClockBreach are counted; a breach names a known unit", () => {
    expect(when(stages.accepted(), cmd("RecordClockWarning", { clock: "handling", threshold: "80%", dueAt: T0 + DAY })).after.counters.clockWarnings).toBe(1)
    const breach = when(stages.accepted(), cmd("RecordClockBreach", { clock: "handling", dueAt: T0, unit: LEAD, rule: { packId: "futian", packVersion: "1", ruleId: "breach" } }))
    const [e] = expectEvents(breach.result, ["ClockBreached"])
    expect(e?.rule).toEqual({ packId: "futian", packVersion: "1", ruleId: "breach" })
    expectRefused(when(stages.accepted(), cmd("RecordClockBreach", { clock: "handling", dueAt: T0, unit: "dept.ghost" })).result, "UnknownUnit")
  })
  it("AddWatcher, Flag and SetPriority change state once and are idempotent", () => {
    const watch = () => cmd("AddWatcher", { person: "person.district-head" })
    expect(when(stages.submitted(), watch()).after.watchers).toEqual(["person.district-head"])
    expectEvents(when([...stages.submitted(), watch()], watch()).result, [])
    expectRefused(when(stages.submitted(), cmd("AddWatcher", { person: "person.ghost" })).result, "UnknownPerson")
    expect(when(stages.submitted(), cmd("Flag", { flag: "media" })).after.flags).toEqual(["media"])
    expectEvents(when([...stages.submitted(), cmd("Flag", { flag: "media" })], cmd("Flag", { flag: "media" })).result, [])
    expect(when(stages.submitted(), cmd("SetPriority", { priority: "urgent" })).after.priority).toBe("urgent")
    expectEvents(when(stages.submitted(), cmd("SetPriority", { priority: "normal" })).result, [])
  })
  it("RecordIdentityRead records who read the identity and why, in any status; needs a known person and a reason", () => {
    const read = (person: string, reason: string) => cmd("RecordIdentityRead", { person, reason })
    const r = when(stages.closed(), read("person.dispatcher.1", "回访核实"))
    const [e] = expectEvents(r.result, ["IdentityRead"])
    expect(e).toMatchObject({ person: "person.dispatcher.1", reason: "回访核实" })
    expect(r.after.counters.identityReads).toBe(1)
    expectEvents(when([...stages.submitted(), cmd("Merge", { into: "P-0" })], read("person.dispatcher.1", "核对重复件")).result, ["IdentityRead"])
    expect(expectRefused(when(stages.submitted(), read("person.ghost", "x")).result, "UnknownPerson")).toMatchObject({ field: "person" })
    expectRefused(when(stages.submitted(), read("person.dispatcher.1", " ")).result, "ReasonRequired")
  })
  it("clock records are refused once the petition is no longer open", () => {
    const declined = [...stages.submitted(), cmd("Decline", { unit: CENTRE, reason: "不属于受理范围" })]
    expectRefused(when(declined, cmd("RecordClockWarning", { clock: "handling", threshold: "80%", dueAt: T0 + DAY })).result, "InvalidTransition")
    expectRefused(when(declined, cmd("RecordClockBreach", { clock: "handling", dueAt: T0 })).result, "InvalidTransition")
  })
  it("RecordDeadLetter is accepted in any status, even merged or closed", () => {
    const dl = () => cmd("RecordDeadLetter", { notificationId: "n-1", reason: "SMTP 550" })
    expect(when(stages.closed(), dl()).after.counters.deadLetters).toBe(1)
    expectEvents(when([...stages.submitted(), cmd("Merge", { into: "P-0" })], dl()).result, ["NotificationDeadLettered"])
  })
})
