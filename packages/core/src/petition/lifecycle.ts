import type { PetitionCommandTag } from "./schema.js"
import type { PetitionStatus } from "./state.js"

/** Every status, in the order a petition usually passes through them. */
export const statuses: ReadonlyArray<PetitionStatus> = ["received", "dispatched", "in_progress", "suspended", "resolved", "closed", "declined", "merged"]

const ACTIVE: ReadonlyArray<PetitionStatus> = ["received", "dispatched", "in_progress", "suspended"]
const OPEN: ReadonlyArray<PetitionStatus> = [...ACTIVE, "resolved"]
// Records of facts about the petition rather than changes to it (a delivery failed, someone read the
// petitioner's identity, a rule could not act): they are kept whatever the status, even when merged.
const ALWAYS: ReadonlyArray<PetitionStatus> = statuses

/**
 * The petition's lifecycle as data: for each command, the statuses in which a petition accepts it.
 * `decide` refuses a command outside its statuses before any other check of its handler —
 * `PetitionClosed` for a closed petition, `InvalidTransition` otherwise. docs/domain.md shows this
 * table; a test keeps the two equal. The compiler checks every command has a row.
 */
export const lifecycle: { readonly [T in PetitionCommandTag]: ReadonlyArray<PetitionStatus> } = {
  // Only a petition without events is "received" and unsubmitted; a submitted one is refused earlier (AlreadySubmitted).
  Submit: ["received"],
  Acknowledge: ACTIVE,
  Contact: ACTIVE,
  // Dispatched again before the lead accepts: the dispatch centre corrects an offer (the handler asks for a reason).
  Dispatch: ["received", "dispatched"],
  SuggestRouting: ["received"],
  Accept: ["dispatched"],
  Decline: ["received", "dispatched"],
  Return: ["dispatched"],
  Transfer: ["dispatched", "in_progress"],
  AssignHandler: ["in_progress"],
  ReportPart: ["in_progress"],
  CompleteFirstRound: ["in_progress"],
  // A closed petition is suspended only for a hearing (听证) in re-review: the handler checks that.
  Suspend: ["received", "dispatched", "in_progress", "closed"],
  Resume: ["suspended", "closed"],
  Extend: ACTIVE,
  Resolve: ["in_progress"],
  RateSatisfaction: ["resolved"],
  Close: ["resolved", "declined"],
  // A closed petition reopens only after a review overturned it: the handler checks that.
  Reopen: ["resolved", "closed"],
  RequestReview: ["closed"],
  RequestReReview: ["closed"],
  DecideReview: ["closed"],
  // The written reply exists once resolved (or declined); the review opinion once a review is decided.
  DeliverReply: ["resolved", "declined", "closed"],
  Escalate: OPEN,
  RecordVisit: OPEN,
  BlowWhistle: ACTIVE,
  ReportForDuty: OPEN,
  MarkDuplicate: ACTIVE,
  Merge: ACTIVE,
  // Supervision may look at a case after it ended, but a merged petition lives on in the one it joined.
  IssueRecommendation: [...OPEN, "closed", "declined"],
  RecordClockWarning: OPEN,
  RecordClockBreach: OPEN,
  AddWatcher: OPEN,
  Flag: OPEN,
  SetPriority: OPEN,
  RequireVisit: OPEN,
  LinkRepeat: OPEN,
  RecordDeadLetter: ALWAYS,
  RecordIdentityRead: ALWAYS,
  RecordNotification: ALWAYS,
  RecordRuleProblem: ALWAYS,
  RecordDeadlineRecomputed: OPEN
}

/** Whether a petition in `status` accepts `command` at all (its handler may still refuse it). */
export const accepts = (status: PetitionStatus, command: PetitionCommandTag): boolean => lifecycle[command].includes(status)

/** The commands a petition in `status` accepts, in the order of {@link lifecycle}. */
export const commandsAccepted = (status: PetitionStatus): ReadonlyArray<PetitionCommandTag> =>
  // Object.keys widens to string; `lifecycle`'s type says its keys are exactly the command tags.
  (Object.keys(lifecycle) as Array<PetitionCommandTag>).filter((command) => accepts(status, command))

/** A change of status: a command accepted in `from` (under `when`, if given) leaves the petition in `to`. */
export interface Move {
  readonly from: PetitionStatus
  readonly command: PetitionCommandTag
  readonly to: PetitionStatus
  readonly when?: string
}

/**
 * Every way a petition changes status — the state diagram as data. Commands missing here leave
 * the status as it is. docs/domain.md draws its diagram from this list, and a test runs each move
 * through `decide` and `evolve`.
 */
export const moves: ReadonlyArray<Move> = [
  { from: "received", command: "Dispatch", to: "dispatched" },
  { from: "dispatched", command: "Dispatch", to: "dispatched", when: "to another lead before acceptance, with a reason" },
  { from: "received", command: "Decline", to: "declined", when: "by the first handler" },
  { from: "dispatched", command: "Accept", to: "in_progress", when: "by the lead" },
  { from: "dispatched", command: "Decline", to: "declined", when: "by the lead" },
  { from: "dispatched", command: "Return", to: "received", when: "by the lead" },
  { from: "in_progress", command: "Transfer", to: "dispatched", when: "to a new lead, who must accept" },
  { from: "in_progress", command: "Resolve", to: "resolved", when: "by the lead" },
  { from: "resolved", command: "RateSatisfaction", to: "in_progress", when: "unsatisfied" },
  { from: "resolved", command: "Reopen", to: "in_progress" },
  { from: "resolved", command: "Close", to: "closed", when: "rated satisfied, or the rating deadline passed" },
  { from: "declined", command: "Close", to: "closed" },
  { from: "closed", command: "Reopen", to: "in_progress", when: "a review overturned it" },
  { from: "closed", command: "Reopen", to: "received", when: "a review overturned a decline before dispatch" },
  { from: "closed", command: "Reopen", to: "dispatched", when: "a review overturned the lead's decline" },
  ...(["received", "dispatched", "in_progress"] as const).flatMap((status): ReadonlyArray<Move> => [
    { from: status, command: "Suspend", to: "suspended" },
    { from: "suspended", command: "Resume", to: status, when: `suspended from ${status}` }
  ]),
  ...ACTIVE.map((status): Move => ({ from: status, command: "Merge", to: "merged" }))
]
