import { Result } from "effect"
import fc from "fast-check"
import { expect, it } from "vitest"
import type { PetitionCommand, PetitionEvent, PetitionState } from "../../src/petition/index.js"
import { decide, decodeEvent, describeRefusal, encodeEvent, evolve, initialState, replay, verifyChain } from "../../src/petition/index.js"
import { formatInstant, parseInstant } from "../../src/shared/index.js"
import { CENTRE, CO, CO2, context, LEAD, LEAD_HANDLER, PID, submit, T0 } from "./fixtures.js"

// Small pools, so random sequences often hit the right unit (and sometimes a wrong or unknown one).
const unit = fc.constantFrom(LEAD, LEAD, CO, CO2, CENTRE, "street-office.nanyuan", "dept.ghost")
const person = fc.constantFrom(LEAD_HANDLER, "person.handler.ecology", "person.deputy-head.1", "person.district-head", "person.ghost")
const units = fc.uniqueArray(unit, { maxLength: 2 })
const reason = fc.constantFrom("理由", "", "另一理由")
const other = fc.constantFrom("P-0", "P-9", PID)
const instant = fc.integer({ min: T0 - 86_400_000, max: T0 + 400 * 86_400_000 })

type Make = (at: number, state: PetitionState) => PetitionCommand
const c = <A>(arb: fc.Arbitrary<A>, make: (a: A) => Record<string, unknown>): fc.Arbitrary<Make> =>
  arb.map((a) => (at: number) => ({ petitionId: PID, at, actor: { kind: "system" }, ...make(a) }) as unknown as PetitionCommand)

const checklist = fc.record({
  problemSolved: fc.boolean(),
  explanationGiven: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  assistanceGiven: fc.boolean(),
  unlawfulConductDealtWith: fc.boolean()
})

const full = { problemSolved: true, explanationGiven: true, assistanceGiven: true, unlawfulConductDealtWith: false }
/** The next step a diligent clerk would take, so that random histories reach closing and review. */
const nextStep = (overturn: boolean) => (s: PetitionState): Record<string, unknown> => {
  const window = T0 + 10_000 * 86_400_000
  const outstanding = s.coHandlers.find((u) => !s.partsReported.includes(u))
  switch (s.status) {
    case "received": return { _tag: "Dispatch", lead: LEAD, coHandlers: [CO] }
    case "dispatched": return { _tag: "Accept", unit: s.lead }
    case "in_progress":
      return outstanding !== undefined
        ? { _tag: "ReportPart", unit: outstanding, summary: "报送" }
        : { _tag: "Resolve", unit: s.lead, checklist: full, summary: "办结" }
    case "resolved": return s.rating === undefined ? { _tag: "RateSatisfaction", rating: "satisfied" } : { _tag: "Close", reason: "满意" }
    case "suspended": return { _tag: "Resume", reason: "继续" }
    case "declined": return { _tag: "Close", reason: "不予受理" }
    case "merged": return { _tag: "RecordDeadLetter", notificationId: "n1", reason: "timeout" }
    case "closed":
      switch (s.review.stage) {
        case "none": return { _tag: "RequestReview", reason: "不服", windowEndsAt: window }
        case "review_requested": return { _tag: "DecideReview", stage: "review", outcome: overturn ? "overturned" : "upheld" }
        case "review_decided":
          return s.review.outcome === "overturned" ? { _tag: "Reopen", reason: "复查撤销" } : { _tag: "RequestReReview", reason: "仍不服", windowEndsAt: window }
        case "re_review_requested": return { _tag: "DecideReview", stage: "re_review", outcome: overturn ? "overturned" : "upheld" }
        case "re_review_decided": return s.review.outcome === "overturned" ? { _tag: "Reopen", reason: "复核撤销" } : { _tag: "IssueRecommendation", kind: "improve_work", to: LEAD, text: "建议" }
      }
  }
}
const happy: fc.Arbitrary<Make> = fc.boolean().map((overturn) => (at, state) =>
  ({ petitionId: PID, at, actor: { kind: "system" }, ...nextStep(overturn)(state) }) as unknown as PetitionCommand)

const command: fc.Arbitrary<Make> = fc.oneof(
  { weight: 80, arbitrary: happy },
  { weight: 6, arbitrary: c(fc.tuple(unit, units), ([lead, coHandlers]) => ({ _tag: "Dispatch", lead, coHandlers })) },
  { weight: 6, arbitrary: c(unit, (u) => ({ _tag: "Accept", unit: u })) },
  { weight: 4, arbitrary: c(unit, (u) => ({ _tag: "ReportPart", unit: u, summary: "报送" })) },
  { weight: 6, arbitrary: c(fc.tuple(unit, checklist), ([u, cl]) => ({ _tag: "Resolve", unit: u, checklist: cl, summary: "办结" })) },
  { weight: 4, arbitrary: c(fc.constantFrom("satisfied", "basically_satisfied", "unsatisfied"), (rating) => ({ _tag: "RateSatisfaction", rating })) },
  { weight: 4, arbitrary: c(fc.option(instant, { nil: undefined }), (d) => ({ _tag: "Close", reason: "结案", ...(d === undefined ? {} : { ratingDeadline: d }) })) },
  { weight: 3, arbitrary: c(fc.tuple(reason, instant), ([r, w]) => ({ _tag: "RequestReview", reason: r, windowEndsAt: w })) },
  { weight: 2, arbitrary: c(fc.tuple(reason, instant), ([r, w]) => ({ _tag: "RequestReReview", reason: r, windowEndsAt: w })) },
  { weight: 3, arbitrary: c(fc.tuple(fc.constantFrom("review", "re_review"), fc.constantFrom("upheld", "overturned")), ([stage, outcome]) => ({ _tag: "DecideReview", stage, outcome })) },
  { weight: 3, arbitrary: c(reason, (r) => ({ _tag: "Reopen", reason: r })) },
  c(unit, (u) => ({ _tag: "Acknowledge", unit: u })),
  c(unit, (u) => ({ _tag: "Contact", unit: u, method: "phone" })),
  c(fc.tuple(unit, reason), ([u, r]) => ({ _tag: "Decline", unit: u, reason: r })),
  { weight: 2, arbitrary: c(fc.tuple(unit, reason), ([u, r]) => ({ _tag: "Return", unit: u, reason: r })) },
  { weight: 2, arbitrary: c(fc.tuple(unit, units, reason), ([lead, coHandlers, r]) => ({ _tag: "Transfer", lead, coHandlers, reason: r })) },
  c(fc.tuple(unit, person), ([u, p]) => ({ _tag: "AssignHandler", unit: u, person: p })),
  c(unit, (u) => ({ _tag: "CompleteFirstRound", unit: u, summary: "首轮" })),
  c(reason, (r) => ({ _tag: "Suspend", reason: r })),
  c(reason, (r) => ({ _tag: "Resume", reason: r })),
  c(fc.tuple(reason, person), ([r, p]) => ({ _tag: "Extend", clock: "handling", amount: "P30D", reason: r, approver: p })),
  c(fc.tuple(fc.constantFrom(1, 2, 3), person, reason), ([tier, owner, r]) => ({ _tag: "Escalate", tier, owner, reason: r })),
  c(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 9 })), ([batches, persons]) => ({ _tag: "RecordVisit", kind: "home", batches, persons })),
  fc.tuple(fc.constantFrom("w1", "w2"), unit, units).map(([whistleId, u, summoned]) => (at: number) =>
    ({ petitionId: PID, at, actor: { kind: "system" }, _tag: "BlowWhistle", whistleId, unit: u, summoned: summoned.length === 0 ? [LEAD] : summoned, deadline: at + 86_400_000 }) as unknown as PetitionCommand),
  c(fc.tuple(fc.constantFrom("w1", "w2"), unit), ([whistleId, u]) => ({ _tag: "ReportForDuty", whistleId, unit: u })),
  c(other, (of) => ({ _tag: "MarkDuplicate", of })),
  c(other, (into) => ({ _tag: "Merge", into })),
  c(unit, (to) => ({ _tag: "IssueRecommendation", kind: "improve_work", to, text: "建议" })),
  c(unit, (u) => ({ _tag: "RecordClockBreach", clock: "handling", dueAt: T0, unit: u })),
  c(fc.constant(0), () => ({ _tag: "RecordClockWarning", clock: "handling", threshold: "80%", dueAt: T0 })),
  c(person, (p) => ({ _tag: "AddWatcher", person: p })),
  c(fc.constantFrom("media", "group"), (flag) => ({ _tag: "Flag", flag })),
  c(fc.constantFrom("normal", "high", "urgent"), (priority) => ({ _tag: "SetPriority", priority })),
  c(reason, (r) => ({ _tag: "RequireVisit", reason: r })),
  c(other, (of) => ({ _tag: "LinkRepeat", of })),
  c(fc.constant(0), () => ({ _tag: "RecordDeadLetter", notificationId: "n1", reason: "timeout" })),
  c(fc.constant(0), () => ({ ...submit(), petitionId: PID }))
)

// Now and then a command is dated before the latest event (late or misdated), which must be refused.
const gap = fc.oneof({ weight: 19, arbitrary: fc.integer({ min: 0, max: 20 * 86_400_000 }) }, { weight: 1, arbitrary: fc.integer({ min: -3_600_000, max: -1 }) })
const history = fc.array(fc.tuple(command, gap), { maxLength: 30 })

interface Run {
  readonly state: PetitionState
  readonly events: ReadonlyArray<PetitionEvent>
  readonly accepted: number
}

/** Applies a random history, checking the step invariants as it goes. */
const runHistory = (steps: ReadonlyArray<readonly [Make, number]>): Run => {
  let at = T0
  let state = initialState(PID)
  const events: Array<PetitionEvent> = []
  let accepted = 0
  for (const [make, dt] of [[() => submit({ at: T0 }), 0] as const, ...steps]) {
    // A negative gap misdates just this command (before the latest event); the clock stays put.
    if (dt > 0) at += dt
    const before = state
    const result = decide(before, make(dt < 0 ? at + dt : at, before), context)
    if (Result.isFailure(result)) {
      // A refusal is a typed error with a clerk's message, and changes nothing.
      expect(result.failure.message).toMatch(/[\u4e00-\u9fff].* \(.+\)$/)
      expect(result.failure.message).toBe(describeRefusal(result.failure, { directory: context.directory }))
      continue
    }
    accepted++
    result.success.forEach((e, i) => {
      expect(e.version).toBe(before.version + i + 1)
      state = evolve(state, e)
      events.push(e)
    })
    // Exactly one first handler: fixed at submission, never replaced.
    if (before.version > 0) expect(state.firstHandler).toBe(before.firstHandler)
    expect(state.firstHandler).toBeDefined()
    // Dispatched, in progress or resolved: someone leads it (a reopened decline included).
    if (["dispatched", "in_progress", "resolved"].includes(state.status)) expect(state.lead).toBeDefined()
    // The lead is never also a co-handler.
    if (state.lead !== undefined) expect(state.coHandlers).not.toContain(state.lead)
    // Closed is final but for review: it only reopens after a review overturned it.
    if (before.status === "closed" && state.status !== "closed") {
      expect(result.success.map((e) => e._tag)).toEqual(["Reopened"])
      expect(before.review.outcome).toBe("overturned")
    }
  }
  return { state, events, accepted }
}

it("random command sequences keep the responsibility chain, versions and replay intact", () => {
  let reachedClosed = 0
  let reachedReview = 0
  fc.assert(
    fc.property(history, (steps) => {
      const { state, events } = runHistory(steps)
      expect(events.filter((e) => e._tag === "Submitted")).toHaveLength(1)
      expect(events.map((e) => e.version)).toEqual(events.map((_, i) => i + 1))
      // Time never runs backwards in a history, but for the shell's records of passed deadlines and failed deliveries.
      const shellRecords = ["ClockWarned", "ClockBreached", "NotificationDeadLettered"]
      events.forEach((e, i) => {
        if (!shellRecords.includes(e._tag)) expect(e.at).toBeGreaterThanOrEqual(Math.max(...events.slice(0, i).map((p) => p.at), e.at - 1))
      })
      expect(replay(events)).toEqual(state)
      expect(verifyChain(events, { version: state.version, hash: state.lastHash })).toEqual(Result.void)
      if (events.some((e) => e._tag === "Closed")) reachedClosed++
      if (events.some((e) => e._tag === "ReviewDecided")) reachedReview++
    }),
    { numRuns: 2500 }
  )
  // The generator must actually reach the deep end of the lifecycle, or the properties say little.
  expect(reachedClosed).toBeGreaterThan(100)
  expect(reachedReview).toBeGreaterThan(10)
})

it("any single edit, swap or removal breaks the hash chain", () => {
  fc.assert(
    fc.property(history, fc.nat(), fc.constantFrom("edit", "swap", "remove", "relink"), (steps, pick, how) => {
      const { state, events } = runHistory(steps)
      const head = { version: state.version, hash: state.lastHash }
      const i = pick % events.length
      const tampered = [...events]
      if (how === "edit") tampered[i] = { ...events[i]!, at: events[i]!.at + 1 }
      if (how === "relink") tampered[i] = { ...events[i]!, prevHash: events[i]!.hash }
      if (how === "remove") tampered.splice(i, 1)
      if (how === "swap") {
        if (events.length < 2) return
        const j = i === events.length - 1 ? i - 1 : i
        ;[tampered[j], tampered[j + 1]] = [events[j + 1]!, events[j]!]
      }
      const r = verifyChain(tampered, head)
      expect(Result.isFailure(r)).toBe(true)
      if (Result.isFailure(r)) expect(r.failure.version).toBeLessThanOrEqual(i + 1)
    }),
    { numRuns: 1500 }
  )
})

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [k: string]: Json }

/** One small change to a stored value, at the first leaf on the way down: what a forger would do. */
const tweak = (v: Json): Json => {
  if (typeof v === "string") {
    const instant = parseInstant(v)
    return instant === undefined ? v + "x" : formatInstant(instant + 1000)
  }
  if (typeof v === "number") return v + 1
  if (typeof v === "boolean") return !v
  if (v === null) return "x"
  if (Array.isArray(v)) return v.length === 0 ? ["x"] : [tweak(v[0]!), ...v.slice(1)]
  const entries = Object.entries(v)
  const [key, inner] = entries[0]!
  return { ...v, [key]: tweak(inner) }
}

it("editing any stored field of any event (as a row in the database) breaks the hash chain", () => {
  let edits = 0
  fc.assert(
    fc.property(history, fc.nat(), fc.nat(), (steps, pickEvent, pickField) => {
      const { state, events } = runHistory(steps)
      const i = pickEvent % events.length
      const row = JSON.parse(JSON.stringify(encodeEvent(events[i]!))) as { readonly [k: string]: Json }
      const fields = Object.keys(row).filter((k) => k !== "hash" && k !== "_tag")
      const field = fields[pickField % fields.length]!
      // Only edits that still decode are a forger's edits; the rest the store's decoding refuses.
      const forged = decodeEvent({ ...row, [field]: tweak(row[field]!) })
      if (Result.isFailure(forged)) return
      edits++
      const tampered = events.map((e, j) => (j === i ? forged.success : e))
      const r = verifyChain(tampered, { version: state.version, hash: state.lastHash })
      expect(Result.isFailure(r), `edit of ${field} in event ${i + 1}`).toBe(true)
    }),
    { numRuns: 1500 }
  )
  expect(edits).toBeGreaterThan(1000)
})
