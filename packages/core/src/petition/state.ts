import type { Instant } from "../shared/instant.js"
import { GENESIS_HASH } from "./chain.js"
import type { Checklist, DeliveryMethod, PetitionEvent, Petitioner, Priority, Rating, RulePackRef } from "./schema.js"

export type PetitionStatus =
  | "received"
  | "dispatched"
  | "in_progress"
  | "suspended"
  | "resolved"
  | "closed"
  | "declined"
  | "merged"

export type ReviewStage = "none" | "review_requested" | "review_decided" | "re_review_requested" | "re_review_decided"

export interface ReviewState {
  readonly stage: ReviewStage
  /** The latest decision; cleared once an overturned case has been reopened. */
  readonly outcome: "upheld" | "overturned" | undefined
}

/** A written reply's delivery to the petitioner (送达): when it was received, and how. */
export interface Delivery {
  readonly at: Instant
  readonly method: DeliveryMethod
  readonly unit: string
}

/**
 * The deliveries the petitioner's windows run from: the written reply of the current resolution
 * (review, art. 35) and the review opinion (re-review, art. 36). Undefined until recorded — the
 * window has not started.
 */
export interface Deliveries {
  readonly writtenReply: Delivery | undefined
  readonly reviewOpinion: Delivery | undefined
}

/** The routing rules' answer under `routingMode: "suggest"`, waiting for the dispatch centre. */
export interface RoutingSuggestion {
  readonly lead: string
  readonly coHandlers: ReadonlyArray<string>
  readonly at: Instant
}

/** 吹哨报到: who blew, whom it summoned, who has reported, by when. */
export interface WhistleState {
  readonly unit: string
  readonly summoned: ReadonlyArray<string>
  readonly reported: ReadonlyArray<string>
  readonly deadline: Instant
  readonly blownAt: Instant
}

export interface PetitionCounters {
  /** 退单 per unit: how often each unit sent the petition back. */
  readonly returnsByUnit: Readonly<Record<string, number>>
  readonly returns: number
  readonly transfers: number
  readonly declines: number
  readonly extensions: number
  /** Repeat petitions linked to this one (重复件). */
  readonly repeats: number
  readonly visitBatches: number
  readonly visitPersons: number
  /** Times the petition went back for more work (unsatisfied rating or reopening). */
  readonly reworks: number
  readonly clockWarnings: number
  readonly clockBreaches: number
  readonly recommendations: number
  readonly deadLetters: number
  /** Times someone read the petitioner's identity (each read is an IdentityRead event). */
  readonly identityReads: number
}

/** The current state of one petition, folded from its events. Before `Submitted`, version is 0. */
export interface PetitionState {
  readonly id: string
  readonly version: number
  readonly lastHash: string
  /** The latest instant in the history (a shell's record may carry an earlier one; this never goes back). */
  readonly lastAt: Instant | undefined
  readonly status: PetitionStatus
  /** Where a suspended petition resumes. */
  readonly resumeTo: PetitionStatus | undefined
  /** 0 = normal handling; 1–3 = escalated to department leader, district deputy, district head. */
  readonly tier: 0 | 1 | 2 | 3
  /** The leader who owns an escalated case (包案) until it closes. */
  readonly owner: string | undefined
  readonly watchers: ReadonlyArray<string>
  readonly priority: Priority
  readonly flags: ReadonlyArray<string>
  readonly channel: string | undefined
  readonly channelMessageId: string | undefined
  readonly category: string | undefined
  readonly jurisdiction: string | undefined
  readonly title: string | undefined
  readonly content: string | undefined
  readonly petitioner: Petitioner | undefined
  readonly persons: number
  /** For accusations (检举控告): the unit accused, which never handles the petition. */
  readonly accusedUnit: string | undefined
  /** 首办负责: fixed at submission. */
  readonly firstHandler: string | undefined
  /** True once a dispatch is accepted, releasing the first handler from accountability. */
  readonly accepted: boolean
  /** The unit accountable right now: the first handler until a dispatch is accepted, then the lead. */
  readonly accountable: string | undefined
  readonly lead: string | undefined
  readonly coHandlers: ReadonlyArray<string>
  /** Co-handlers that have reported their part to the lead in the current round. */
  readonly partsReported: ReadonlyArray<string>
  /** The responsible person named by the lead. */
  readonly handler: string | undefined
  readonly counters: PetitionCounters
  readonly receivedAt: Instant | undefined
  readonly acknowledgedAt: Instant | undefined
  readonly contactedAt: Instant | undefined
  readonly dispatchedAt: Instant | undefined
  readonly acceptedAt: Instant | undefined
  readonly firstRoundCompletedAt: Instant | undefined
  readonly resolvedAt: Instant | undefined
  readonly closedAt: Instant | undefined
  readonly checklist: Checklist | undefined
  /** The rating of the current resolution, if given. */
  readonly rating: Rating | undefined
  readonly review: ReviewState
  /** When the current written reply was given: the resolution, or the decline. Cleared when the petition goes back to work. */
  readonly repliedAt: Instant | undefined
  /** When the latest review (复查) was decided: the review opinion the re-review window counts from once delivered. */
  readonly reviewOpinionAt: Instant | undefined
  readonly deliveries: Deliveries
  /** A hearing (听证) in re-review is running: recorded by Suspend, ended by Resume; the petition stays closed. */
  readonly hearing: boolean
  /** The routing suggestion not yet confirmed or changed by a Dispatch. */
  readonly routingSuggestion: RoutingSuggestion | undefined
  readonly whistles: Readonly<Record<string, WhistleState>>
  readonly duplicateOf: string | undefined
  readonly mergedInto: string | undefined
  readonly repeatOf: ReadonlyArray<string>
  readonly visitRequired: boolean
  /** The rule pack pinned when the petition was received. */
  readonly rulePack: RulePackRef | undefined
}

const zeroCounters: PetitionCounters = {
  returnsByUnit: {},
  returns: 0,
  transfers: 0,
  declines: 0,
  extensions: 0,
  repeats: 0,
  visitBatches: 0,
  visitPersons: 0,
  reworks: 0,
  clockWarnings: 0,
  clockBreaches: 0,
  recommendations: 0,
  deadLetters: 0,
  identityReads: 0
}

/** The state of a petition that has no events yet. */
export const initialState = (petitionId: string): PetitionState => ({
  id: petitionId,
  version: 0,
  lastHash: GENESIS_HASH,
  lastAt: undefined,
  status: "received",
  resumeTo: undefined,
  tier: 0,
  owner: undefined,
  watchers: [],
  priority: "normal",
  flags: [],
  channel: undefined,
  channelMessageId: undefined,
  category: undefined,
  jurisdiction: undefined,
  title: undefined,
  content: undefined,
  petitioner: undefined,
  persons: 0,
  accusedUnit: undefined,
  firstHandler: undefined,
  accepted: false,
  accountable: undefined,
  lead: undefined,
  coHandlers: [],
  partsReported: [],
  handler: undefined,
  counters: zeroCounters,
  receivedAt: undefined,
  acknowledgedAt: undefined,
  contactedAt: undefined,
  dispatchedAt: undefined,
  acceptedAt: undefined,
  firstRoundCompletedAt: undefined,
  resolvedAt: undefined,
  closedAt: undefined,
  checklist: undefined,
  rating: undefined,
  review: { stage: "none", outcome: undefined },
  repliedAt: undefined,
  reviewOpinionAt: undefined,
  deliveries: { writtenReply: undefined, reviewOpinion: undefined },
  hearing: false,
  routingSuggestion: undefined,
  whistles: {},
  duplicateOf: undefined,
  mergedInto: undefined,
  repeatOf: [],
  visitRequired: false,
  rulePack: undefined
})

const count = (s: PetitionState, patch: Partial<PetitionCounters>): PetitionCounters => ({ ...s.counters, ...patch })

/** Back to work after an unsatisfied rating or a reopening: the resolution no longer stands. */
const rework = (s: PetitionState): Partial<PetitionState> => ({
  status: "in_progress",
  resolvedAt: undefined,
  closedAt: undefined,
  checklist: undefined,
  rating: undefined,
  partsReported: [],
  repliedAt: undefined,
  deliveries: { ...s.deliveries, writtenReply: undefined },
  counters: count(s, { reworks: s.counters.reworks + 1 })
})

/** A new dispatch or transfer starts the responsibility chain afresh, short of the first handler. */
const redispatch = (lead: string, coHandlers: ReadonlyArray<string>, at: Instant): Partial<PetitionState> => ({
  status: "dispatched",
  lead,
  coHandlers,
  partsReported: [],
  handler: undefined,
  dispatchedAt: at
})

const apply = (s: PetitionState, e: PetitionEvent): Partial<PetitionState> => {
  switch (e._tag) {
    case "Submitted":
      return {
        status: "received",
        petitioner: e.petitioner,
        channel: e.channel,
        channelMessageId: e.channelMessageId,
        category: e.category,
        jurisdiction: e.jurisdiction,
        title: e.title,
        content: e.content,
        persons: e.persons,
        flags: e.flags,
        priority: e.priority,
        firstHandler: e.firstHandler,
        accountable: e.firstHandler,
        accusedUnit: e.accusedUnit,
        rulePack: e.rulePack,
        receivedAt: e.at
      }
    case "Acknowledged":
      return { acknowledgedAt: s.acknowledgedAt ?? e.at }
    case "Contacted":
      return { contactedAt: s.contactedAt ?? e.at }
    case "Dispatched":
      return { ...redispatch(e.lead, e.coHandlers, e.at), routingSuggestion: undefined }
    case "RoutingSuggested":
      return { routingSuggestion: { lead: e.lead, coHandlers: e.coHandlers, at: e.at } }
    case "Accepted":
      return { status: "in_progress", accepted: true, accountable: e.unit, acceptedAt: e.at }
    case "Declined":
      return { status: "declined", repliedAt: e.at, deliveries: { ...s.deliveries, writtenReply: undefined }, counters: count(s, { declines: s.counters.declines + 1 }) }
    case "Returned": {
      const counters = count(s, {
        returns: s.counters.returns + 1,
        returnsByUnit: { ...s.counters.returnsByUnit, [e.unit]: (s.counters.returnsByUnit[e.unit] ?? 0) + 1 }
      })
      return e.unit === s.lead
        ? { status: "received", lead: undefined, coHandlers: [], partsReported: [], handler: undefined, accepted: false, accountable: s.firstHandler, counters }
        : { coHandlers: s.coHandlers.filter((u) => u !== e.unit), counters }
    }
    case "Transferred":
      return {
        ...redispatch(e.lead, e.coHandlers, e.at),
        accepted: false,
        accountable: s.firstHandler,
        counters: count(s, { transfers: s.counters.transfers + 1 })
      }
    case "HandlerAssigned":
      return { handler: e.person }
    case "PartReported":
      return { partsReported: s.partsReported.includes(e.unit) ? s.partsReported : [...s.partsReported, e.unit] }
    case "FirstRoundCompleted":
      return { firstRoundCompletedAt: e.at }
    // A closed petition is suspended only for a hearing in re-review: it stays closed meanwhile.
    case "Suspended":
      return s.status === "closed" ? { hearing: true } : { status: "suspended", resumeTo: s.status }
    case "Resumed":
      return s.status === "closed" ? { hearing: false } : { status: s.resumeTo ?? "in_progress", resumeTo: undefined }
    case "Extended":
      return { counters: count(s, { extensions: s.counters.extensions + 1 }) }
    // A new resolution is a new written reply: the earlier one's delivery no longer starts a window.
    case "Resolved":
      return { status: "resolved", resolvedAt: e.at, checklist: e.checklist, rating: undefined, repliedAt: e.at, deliveries: { ...s.deliveries, writtenReply: undefined } }
    case "SatisfactionRated":
      return e.rating === "unsatisfied" ? rework(s) : { rating: e.rating }
    case "Closed":
      return { status: "closed", closedAt: e.at }
    case "Reopened": {
      // A decline overturned on review goes back to where handling stopped: never accepted means
      // no one is handling it yet, so it waits for (re)dispatch or for the lead's acceptance.
      const status: PetitionStatus = s.accepted ? "in_progress" : s.lead !== undefined ? "dispatched" : "received"
      return { ...rework(s), status, review: { stage: s.review.stage, outcome: undefined } }
    }
    case "ReviewRequested":
      return { review: { stage: "review_requested", outcome: undefined } }
    case "ReReviewRequested":
      return { review: { stage: "re_review_requested", outcome: undefined } }
    case "ReviewDecided":
      return {
        review: { stage: e.stage === "review" ? "review_decided" : "re_review_decided", outcome: e.outcome },
        ...(e.stage === "review" ? { reviewOpinionAt: e.at, deliveries: { ...s.deliveries, reviewOpinion: undefined } } : {})
      }
    case "ReplyDelivered": {
      const delivery: Delivery = { at: e.deliveredAt, method: e.method, unit: e.unit }
      return { deliveries: e.reply === "written_reply" ? { ...s.deliveries, writtenReply: delivery } : { ...s.deliveries, reviewOpinion: delivery } }
    }
    case "Escalated":
      return { tier: e.tier, owner: e.owner }
    case "VisitRecorded":
      return {
        counters: count(s, { visitBatches: s.counters.visitBatches + e.batches, visitPersons: s.counters.visitPersons + e.persons }),
        visitRequired: false
      }
    case "WhistleBlown":
      return {
        whistles: {
          ...s.whistles,
          [e.whistleId]: { unit: e.unit, summoned: e.summoned, reported: [], deadline: e.deadline, blownAt: e.at }
        }
      }
    case "ReportedForDuty": {
      const w = s.whistles[e.whistleId]
      return w === undefined ? {} : { whistles: { ...s.whistles, [e.whistleId]: { ...w, reported: [...w.reported, e.unit] } } }
    }
    case "MarkedDuplicate":
      return { duplicateOf: e.of }
    case "Merged":
      return { status: "merged", mergedInto: e.into }
    case "RecommendationIssued":
      return { counters: count(s, { recommendations: s.counters.recommendations + 1 }) }
    case "ClockWarned":
      return { counters: count(s, { clockWarnings: s.counters.clockWarnings + 1 }) }
    case "ClockBreached":
      return { counters: count(s, { clockBreaches: s.counters.clockBreaches + 1 }) }
    case "WatcherAdded":
      return { watchers: s.watchers.includes(e.person) ? s.watchers : [...s.watchers, e.person] }
    case "Flagged":
      return { flags: s.flags.includes(e.flag) ? s.flags : [...s.flags, e.flag] }
    case "PriorityChanged":
      return { priority: e.priority }
    case "VisitRequired":
      return { visitRequired: true }
    case "RepeatLinked":
      return { repeatOf: [...s.repeatOf, e.of], counters: count(s, { repeats: s.counters.repeats + 1 }) }
    case "NotificationDeadLettered":
      return { counters: count(s, { deadLetters: s.counters.deadLetters + 1 }) }
    case "IdentityRead":
      return { counters: count(s, { identityReads: s.counters.identityReads + 1 }) }
    case "NotificationQueued":
    case "RuleActionFailed":
    // A recomputed deadline changes the clocks (counted from the history), not the petition.
    case "DeadlineRecomputed":
      return {}
  }
}

/** Folds one event into the state. Pure; trusts the event (decide and verifyChain guard the stream). */
export const evolve = (state: PetitionState, event: PetitionEvent): PetitionState => ({
  ...state,
  ...apply(state, event),
  version: event.version,
  lastHash: event.hash,
  lastAt: state.lastAt === undefined ? event.at : Math.max(state.lastAt, event.at)
})

/** Rebuilds a petition's state from its full history. */
export const replay = (events: ReadonlyArray<PetitionEvent>, petitionId?: string): PetitionState =>
  events.reduce(evolve, initialState(petitionId ?? events[0]?.petitionId ?? ""))
