import { Schema } from "effect"
import { InstantFromString } from "../shared/instant.js"

const Id = Schema.String.check(Schema.isNonEmpty({ expected: "a non-empty id" }))
const Text = Schema.String.check(Schema.isNonEmpty({ expected: "a non-empty text" }))
/** Free text whose blankness is a domain refusal (ReasonRequired), not a shape error. */
const Reason = Schema.String
const Count = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0, { expected: "a whole number ≥ 0" }))
const UnitIds = Schema.Array(Id).check(Schema.isUnique({ expected: "a list of unit ids without repeats" }))

/** An ISO 8601 duration such as `PT24H`, `P15D` or `P1DT12H`. */
export const IsoDuration = Schema.String.check(
  Schema.isPattern(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/, {
    expected: "an ISO 8601 duration such as PT24H or P15D"
  })
)

/** Who did it. Person and unit ids must exist in the directory. */
export const Actor = Schema.Struct({
  kind: Schema.Literals(["person", "unit", "petitioner", "system"]),
  id: Schema.optionalKey(Id)
})
export type Actor = typeof Actor.Type

/** Which rule of which rule-pack version caused a command; copied onto the event. */
export const RuleRef = Schema.Struct({ packId: Id, packVersion: Id, ruleId: Id })
export type RuleRef = typeof RuleRef.Type

export const RulePackRef = Schema.Struct({ id: Id, version: Id })
export type RulePackRef = typeof RulePackRef.Type

/** Personal data: masked by `String`, `JSON.stringify` and logs; kept as plain text in storage. */
const Secret = Schema.RedactedFromValue(Schema.String)

export const Petitioner = Schema.Struct({
  anonymous: Schema.Boolean,
  name: Schema.optionalKey(Secret),
  phone: Schema.optionalKey(Secret),
  idNumber: Schema.optionalKey(Secret)
})
export type Petitioner = typeof Petitioner.Type

/**
 * The petitioner as a command gives it: a phone someone can call back and a non-empty name. Stored
 * events keep the lenient {@link Petitioner}, so tightening this never makes a history unreadable.
 */
const PetitionerInput = Schema.Struct({
  anonymous: Schema.Boolean,
  name: Schema.optionalKey(Schema.RedactedFromValue(Schema.String.check(Schema.isNonEmpty({ expected: "a non-empty name" })))),
  phone: Schema.optionalKey(
    Schema.RedactedFromValue(
      Schema.String.check(
        Schema.isPattern(/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\+\d{7,15})$/, {
          expected: "a phone number: a mobile such as 13912345678, a landline such as 0755-83001234, or an international number such as +85291234567"
        })
      )
    )
  ),
  idNumber: Schema.optionalKey(Secret)
})

export const Priority = Schema.Literals(["normal", "high", "urgent"])
export type Priority = typeof Priority.Type

export const Rating = Schema.Literals(["satisfied", "basically_satisfied", "unsatisfied"])
export type Rating = typeof Rating.Type

/** 三到位一处理: problem solved, explanation given, assistance given; unlawful conduct dealt with. */
export const Checklist = Schema.Struct({
  problemSolved: Schema.Boolean,
  explanationGiven: Schema.Boolean,
  assistanceGiven: Schema.Boolean,
  unlawfulConductDealtWith: Schema.Boolean
})
export type Checklist = typeof Checklist.Type

export const ContactMethod = Schema.Literals(["phone", "sms", "wechat", "in_person"])
export const ReviewStageName = Schema.Literals(["review", "re_review"])
export const ReviewOutcome = Schema.Literals(["upheld", "overturned"])
export const VisitKind = Schema.Literals(["home", "reception"])
export const RecommendationKind = Schema.Literals(["improve_work", "hold_to_account", "improve_policy"])

const common = {
  petitionId: Id,
  at: InstantFromString,
  actor: Actor,
  rule: Schema.optionalKey(RuleRef)
} as const

const submitted = {
  petitioner: Petitioner,
  channel: Id,
  category: Id,
  jurisdiction: Id,
  title: Text,
  content: Text,
  channelMessageId: Schema.optionalKey(Id),
  accusedUnit: Schema.optionalKey(Id),
  rulePack: RulePackRef
} as const

// Payloads shared by a command and its event.
const p = {
  unit: { unit: Id },
  contact: { unit: Id, method: ContactMethod },
  dispatch: { lead: Id, coHandlers: UnitIds },
  unitReason: { unit: Id, reason: Reason },
  assign: { unit: Id, person: Id },
  summary: { unit: Id, summary: Text },
  reason: { reason: Reason },
  extend: {
    clock: Id,
    amount: IsoDuration.check(Schema.makeFilter((d: string) => /[1-9]/.test(d), { expected: "a duration longer than zero, such as P30D" })),
    reason: Reason,
    approver: Id
  },
  resolve: { unit: Id, checklist: Checklist, summary: Text },
  rate: { rating: Rating },
  decideReview: { stage: ReviewStageName, outcome: ReviewOutcome },
  escalate: { tier: Schema.Literals([1, 2, 3]), owner: Id, reason: Reason },
  visit: {
    kind: VisitKind,
    leader: Schema.optionalKey(Id),
    batches: Count.check(Schema.isGreaterThanOrEqualTo(1, { expected: "at least 1 batch" })),
    persons: Count.check(Schema.isGreaterThanOrEqualTo(1, { expected: "at least 1 person" }))
  },
  whistle: {
    whistleId: Id,
    unit: Id,
    summoned: UnitIds.check(Schema.isMinLength(1, { expected: "at least one summoned unit" })),
    deadline: InstantFromString
  },
  duty: { whistleId: Id, unit: Id },
  of: { of: Id },
  into: { into: Id },
  recommend: { kind: RecommendationKind, to: Id, text: Text },
  warn: { clock: Id, threshold: Id, dueAt: InstantFromString },
  breach: { clock: Id, dueAt: InstantFromString, unit: Schema.optionalKey(Id) },
  person: { person: Id },
  flag: { flag: Id },
  priority: { priority: Priority },
  deadLetter: { notificationId: Id, reason: Reason },
  identityRead: { person: Id, reason: Reason },
  notification: { template: Id, recipients: Schema.Array(Id) },
  ruleProblem: { reason: Reason }
} as const

const withCommon = <F extends Schema.Struct.Fields>(fields: F) => ({ ...common, ...fields })

/**
 * A command: what someone (or a rule) asks the petition to do. `at` is when it happens — core
 * never reads the clock. Windows the calendar computes (review windows, rating deadlines) come
 * in as instants.
 */
export const PetitionCommand = Schema.TaggedUnion({
  Submit: withCommon({
    ...submitted,
    petitioner: PetitionerInput,
    persons: Schema.optionalKey(Count.check(Schema.isGreaterThanOrEqualTo(1, { expected: "at least 1 person" }))),
    flags: Schema.optionalKey(Schema.Array(Id)),
    priority: Schema.optionalKey(Priority),
    /** Defaults to the unit the channel names. */
    firstHandler: Schema.optionalKey(Id)
  }),
  Acknowledge: withCommon(p.unit),
  Contact: withCommon(p.contact),
  Dispatch: withCommon(p.dispatch),
  Accept: withCommon(p.unit),
  Decline: withCommon(p.unitReason),
  Return: withCommon(p.unitReason),
  Transfer: withCommon({ ...p.dispatch, reason: Reason }),
  AssignHandler: withCommon(p.assign),
  ReportPart: withCommon(p.summary),
  CompleteFirstRound: withCommon(p.summary),
  Suspend: withCommon(p.reason),
  Resume: withCommon(p.reason),
  Extend: withCommon(p.extend),
  Resolve: withCommon(p.resolve),
  RateSatisfaction: withCommon(p.rate),
  /** Without a rating, closing needs `ratingDeadline` to have passed. */
  Close: withCommon({ ...p.reason, ratingDeadline: Schema.optionalKey(InstantFromString) }),
  Reopen: withCommon(p.reason),
  RequestReview: withCommon({ ...p.reason, windowEndsAt: InstantFromString }),
  RequestReReview: withCommon({ ...p.reason, windowEndsAt: InstantFromString }),
  DecideReview: withCommon(p.decideReview),
  Escalate: withCommon(p.escalate),
  RecordVisit: withCommon(p.visit),
  BlowWhistle: withCommon(p.whistle),
  ReportForDuty: withCommon(p.duty),
  MarkDuplicate: withCommon(p.of),
  Merge: withCommon(p.into),
  IssueRecommendation: withCommon(p.recommend),
  RecordClockWarning: withCommon(p.warn),
  RecordClockBreach: withCommon(p.breach),
  AddWatcher: withCommon(p.person),
  Flag: withCommon(p.flag),
  SetPriority: withCommon(p.priority),
  RequireVisit: withCommon(p.reason),
  LinkRepeat: withCommon(p.of),
  RecordDeadLetter: withCommon(p.deadLetter),
  /** Reading a petitioner's identity is itself recorded (who, why), in every status. */
  RecordIdentityRead: withCommon(p.identityRead),
  /** A rule's notice, queued for delivery: recorded so the history shows who was told what, by which rule. */
  RecordNotification: withCommon(p.notification),
  /** A rule that matched but whose action could not be carried out (no owner at that tier, nobody to notify). */
  RecordRuleProblem: withCommon(p.ruleProblem)
})
export type PetitionCommand = typeof PetitionCommand.Type
export type PetitionCommandTag = PetitionCommand["_tag"]
/** A command of one kind, e.g. `CommandOf<"Dispatch">`. */
export type CommandOf<T extends PetitionCommandTag> = Extract<PetitionCommand, { readonly _tag: T }>

/** Every stored event carries its place in the stream and its link in the hash chain. */
const sealed = {
  ...common,
  version: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1, { expected: "a version ≥ 1" })),
  prevHash: Schema.String,
  hash: Schema.String
} as const

const withSeal = <F extends Schema.Struct.Fields>(fields: F) => ({ ...sealed, ...fields })

/** An event: a fact in a petition's history, sealed into its hash chain. */
export const PetitionEvent = Schema.TaggedUnion({
  Submitted: withSeal({
    ...submitted,
    persons: Count,
    flags: Schema.Array(Id),
    priority: Priority,
    firstHandler: Id
  }),
  Acknowledged: withSeal(p.unit),
  Contacted: withSeal(p.contact),
  Dispatched: withSeal(p.dispatch),
  Accepted: withSeal(p.unit),
  Declined: withSeal(p.unitReason),
  Returned: withSeal(p.unitReason),
  Transferred: withSeal({ from: Id, ...p.dispatch, reason: Reason }),
  HandlerAssigned: withSeal(p.assign),
  PartReported: withSeal(p.summary),
  FirstRoundCompleted: withSeal(p.summary),
  Suspended: withSeal(p.reason),
  Resumed: withSeal(p.reason),
  Extended: withSeal(p.extend),
  Resolved: withSeal(p.resolve),
  SatisfactionRated: withSeal(p.rate),
  Closed: withSeal(p.reason),
  Reopened: withSeal(p.reason),
  ReviewRequested: withSeal(p.reason),
  ReReviewRequested: withSeal(p.reason),
  ReviewDecided: withSeal(p.decideReview),
  Escalated: withSeal(p.escalate),
  VisitRecorded: withSeal(p.visit),
  WhistleBlown: withSeal(p.whistle),
  ReportedForDuty: withSeal(p.duty),
  MarkedDuplicate: withSeal(p.of),
  Merged: withSeal(p.into),
  RecommendationIssued: withSeal(p.recommend),
  ClockWarned: withSeal(p.warn),
  ClockBreached: withSeal(p.breach),
  WatcherAdded: withSeal(p.person),
  Flagged: withSeal(p.flag),
  PriorityChanged: withSeal(p.priority),
  VisitRequired: withSeal(p.reason),
  RepeatLinked: withSeal(p.of),
  NotificationDeadLettered: withSeal(p.deadLetter),
  IdentityRead: withSeal(p.identityRead),
  NotificationQueued: withSeal(p.notification),
  RuleActionFailed: withSeal(p.ruleProblem)
})
export type PetitionEvent = typeof PetitionEvent.Type
export type PetitionEventTag = PetitionEvent["_tag"]
/** An event of one kind, e.g. `EventOf<"Dispatched">`. */
export type EventOf<T extends PetitionEventTag> = Extract<PetitionEvent, { readonly _tag: T }>
/** The JSON form of an event, as stored. */
export type PetitionEventJson = typeof PetitionEvent.Encoded

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never
/** An event before it is sealed into the chain. */
export type UnsealedEvent = DistributiveOmit<PetitionEvent, "version" | "prevHash" | "hash">
