import { Schema } from "effect"
import { message, render } from "../messages/message.js"
import { CommandInstantFromString, InstantFromString } from "../shared/instant.js"
import * as Limits from "./limits.js"

const Id = Schema.String.check(Schema.isNonEmpty({ expected: "a non-empty id" }))
const Text = Schema.String.check(Schema.isNonEmpty({ expected: "a non-empty text" }))
const Count = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0, { expected: "a whole number ≥ 0" }))

/** An ISO 8601 duration such as `PT24H`, `P15D` or `P1DT12H`. */
export const IsoDuration = Schema.String.check(
  Schema.isPattern(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/, {
    expected: "an ISO 8601 duration such as PT24H or P15D"
  })
)

/**
 * The field schemas a payload is built from. Commands get the strict set of `limits.ts` (lengths,
 * characters, instants in range); stored events the lenient one, so that a limit added or
 * tightened later never makes an existing history unreadable.
 */
interface FieldKit {
  readonly id: typeof Id
  readonly messageId: typeof Id
  readonly title: typeof Text
  readonly content: typeof Text
  readonly note: typeof Text
  /** Free text whose blankness is a domain refusal (ReasonRequired), not a shape error. */
  readonly reason: typeof Schema.String
  readonly instant: typeof InstantFromString
  /** A review window's end, which the engine may fill in from the pack with a placeholder. */
  readonly window: typeof InstantFromString
}

const stored: FieldKit = { id: Id, messageId: Id, title: Text, content: Text, note: Text, reason: Schema.String, instant: InstantFromString, window: InstantFromString }

const incoming: FieldKit = {
  id: Limits.Id,
  messageId: Limits.MessageId,
  title: Limits.Title,
  content: Limits.Content,
  note: Limits.Note,
  reason: Limits.Reason,
  instant: CommandInstantFromString,
  window: CommandInstantFromString
}

const actorOf = (k: FieldKit) =>
  Schema.Struct({
    kind: Schema.Literals(["person", "unit", "petitioner", "system"]),
    id: Schema.optionalKey(k.id)
  })
const ruleRefOf = (k: FieldKit) => Schema.Struct({ packId: k.id, packVersion: k.id, ruleId: k.id })
const rulePackRefOf = (k: FieldKit) => Schema.Struct({ id: k.id, version: k.id })

/** Who did it. Person and unit ids must exist in the directory. */
export const Actor = actorOf(stored)
export type Actor = typeof Actor.Type

/** Which rule of which rule-pack version caused a command; copied onto the event. */
export const RuleRef = ruleRefOf(stored)
export type RuleRef = typeof RuleRef.Type

export const RulePackRef = rulePackRefOf(stored)
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
 * The petitioner as a command gives it: a phone someone can call back, a name that is not blank,
 * and, when anonymous, no identity at all — an anonymous petition that carried a name would show
 * it wherever identities are shown. Stored events keep the lenient {@link Petitioner}, so tightening
 * this never makes a history unreadable.
 */
const PetitionerInput = Schema.Struct({
  anonymous: Schema.Boolean,
  name: Schema.optionalKey(Schema.RedactedFromValue(Limits.Name)),
  phone: Schema.optionalKey(
    Schema.RedactedFromValue(
      Schema.String.check(
        Schema.isPattern(/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\+\d{7,15})$/, {
          expected: "a phone number: a mobile such as 13912345678, a landline such as 0755-83001234, or an international number such as +85291234567"
        })
      )
    )
  ),
  idNumber: Schema.optionalKey(Schema.RedactedFromValue(Limits.IdNumber))
}).check(
  Schema.makeFilter(
    (p: { readonly anonymous: boolean; readonly name?: unknown; readonly phone?: unknown; readonly idNumber?: unknown }) => {
      if (!p.anonymous) return true
      const given = (["name", "phone", "idNumber"] as const).filter((key) => p[key] !== undefined)
      return (
        given.length === 0 ||
        render(
          message(
            `匿名信访不保存身份信息，却给出了 ${given.join("、")}：请去掉这些字段，或将 anonymous 设为 false`,
            `an anonymous petition stores no identity, but ${given.join(", ")} ${given.length === 1 ? "was" : "were"} given: leave ${given.length === 1 ? "it" : "them"} out, or set anonymous to false`
          )
        )
      )
    },
    { expected: "an anonymous petitioner without name, phone or identity number" }
  )
)

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
/** How a written reply reached the petitioner (送达方式): 当面, 邮寄, 电子送达. */
export const DeliveryMethod = Schema.Literals(["in_person", "post", "electronic"])
export type DeliveryMethod = typeof DeliveryMethod.Type
/**
 * Which written reply was delivered: the handling's written reply (书面答复, art. 35 counts the
 * review window from its receipt) or the review opinion (复查意见, art. 36 counts the re-review
 * window from its receipt).
 */
export const ReplyKind = Schema.Literals(["written_reply", "review_opinion"])
export type ReplyKind = typeof ReplyKind.Type
export const ReviewStageName = Schema.Literals(["review", "re_review"])
export const ReviewOutcome = Schema.Literals(["upheld", "overturned"])
export const VisitKind = Schema.Literals(["home", "reception"])
export const RecommendationKind = Schema.Literals(["improve_work", "hold_to_account", "improve_policy"])

/** The fields of commands and events, built from one kit of field schemas. */
const fieldsOf = (k: FieldKit) => {
  const unitIds = Schema.Array(k.id).check(Schema.isUnique({ expected: "a list of unit ids without repeats" }))
  const common = {
    petitionId: k.id,
    at: k.instant,
    actor: actorOf(k),
    rule: Schema.optionalKey(ruleRefOf(k))
  } as const
  const submitted = {
    petitioner: Petitioner,
    channel: k.id,
    category: k.id,
    jurisdiction: k.id,
    title: k.title,
    content: k.content,
    channelMessageId: Schema.optionalKey(k.messageId),
    accusedUnit: Schema.optionalKey(k.id),
    rulePack: rulePackRefOf(k)
  } as const
  // Payloads shared by a command and its event.
  const p = {
    unit: { unit: k.id },
    contact: { unit: k.id, method: ContactMethod },
    dispatch: { lead: k.id, coHandlers: unitIds },
    deliver: { reply: ReplyKind, unit: k.id, method: DeliveryMethod, deliveredAt: k.instant },
    unitReason: { unit: k.id, reason: k.reason },
    assign: { unit: k.id, person: k.id },
    summary: { unit: k.id, summary: k.note },
    reason: { reason: k.reason },
    extend: {
      clock: k.id,
      amount: IsoDuration.check(Schema.makeFilter((d: string) => /[1-9]/.test(d), { expected: "a duration longer than zero, such as P30D" })),
      reason: k.reason,
      approver: k.id
    },
    resolve: { unit: k.id, checklist: Checklist, summary: k.note },
    rate: { rating: Rating },
    decideReview: { stage: ReviewStageName, outcome: ReviewOutcome },
    escalate: { tier: Schema.Literals([1, 2, 3]), owner: k.id, reason: k.reason },
    visit: {
      kind: VisitKind,
      leader: Schema.optionalKey(k.id),
      batches: Count.check(Schema.isGreaterThanOrEqualTo(1, { expected: "at least 1 batch" })),
      persons: Count.check(Schema.isGreaterThanOrEqualTo(1, { expected: "at least 1 person" }))
    },
    whistle: {
      whistleId: k.id,
      unit: k.id,
      summoned: unitIds.check(Schema.isMinLength(1, { expected: "at least one summoned unit" })),
      deadline: k.instant
    },
    duty: { whistleId: k.id, unit: k.id },
    of: { of: k.id },
    into: { into: k.id },
    recommend: { kind: RecommendationKind, to: k.id, text: k.note },
    warn: { clock: k.id, threshold: k.id, dueAt: k.instant, unit: Schema.optionalKey(k.id) },
    breach: { clock: k.id, dueAt: k.instant, unit: Schema.optionalKey(k.id) },
    person: { person: k.id },
    flag: { flag: k.id },
    priority: { priority: Priority },
    deadLetter: { notificationId: k.id, reason: k.reason },
    identityRead: { person: k.id, reason: k.reason },
    notification: { template: k.id, recipients: Schema.Array(k.id) },
    ruleProblem: { reason: k.reason },
    recompute: {
      clock: k.id,
      unit: Schema.optionalKey(k.id),
      calendar: k.id,
      /** The version of the holiday data the deadline was counted again with. */
      calendarVersion: k.id,
      previousDueAt: k.instant,
      dueAt: k.instant
    }
  } as const
  return { common, submitted, p }
}

const { common, submitted, p } = fieldsOf(incoming)
const ev = fieldsOf(stored)

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
    flags: Schema.optionalKey(Schema.Array(Limits.Id)),
    priority: Schema.optionalKey(Priority),
    /** Defaults to the unit the channel names. */
    firstHandler: Schema.optionalKey(Limits.Id)
  }),
  Acknowledge: withCommon(p.unit),
  Contact: withCommon(p.contact),
  /**
   * Names the lead (and co-handlers). Before the lead accepts, the dispatch centre may dispatch
   * again to another lead; that re-dispatch needs `reason`.
   */
  Dispatch: withCommon({ ...p.dispatch, reason: Schema.optionalKey(incoming.reason) }),
  /** Routing under `routingMode: "suggest"`: the rules' answer, for the dispatch centre to confirm or change by a Dispatch. */
  SuggestRouting: withCommon(p.dispatch),
  Accept: withCommon(p.unit),
  Decline: withCommon(p.unitReason),
  Return: withCommon(p.unitReason),
  Transfer: withCommon({ ...p.dispatch, reason: incoming.reason }),
  AssignHandler: withCommon(p.assign),
  ReportPart: withCommon(p.summary),
  CompleteFirstRound: withCommon(p.summary),
  Suspend: withCommon(p.reason),
  Resume: withCommon(p.reason),
  Extend: withCommon(p.extend),
  Resolve: withCommon(p.resolve),
  RateSatisfaction: withCommon(p.rate),
  /** Without a rating, closing needs `ratingDeadline` to have passed; the engine sets it from the pack's `rating` window (callers may not). */
  Close: withCommon({ ...p.reason, ratingDeadline: Schema.optionalKey(CommandInstantFromString) }),
  Reopen: withCommon(p.reason),
  /** `windowLength` is the pack's window (P30D), quoted by the refusal of a late request; the engine fills it in. */
  RequestReview: withCommon({ ...p.reason, windowEndsAt: incoming.window, windowLength: Schema.optionalKey(IsoDuration) }),
  RequestReReview: withCommon({ ...p.reason, windowEndsAt: incoming.window, windowLength: Schema.optionalKey(IsoDuration) }),
  /** 书面答复送达: the written reply or the review opinion reached the petitioner at `deliveredAt`; the next window runs from then. */
  DeliverReply: withCommon(p.deliver),
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
  RecordRuleProblem: withCommon(p.ruleProblem),
  /** A provisional deadline counted again once its year's holiday data was added (the engine's `publishHolidays`). */
  RecordDeadlineRecomputed: withCommon(p.recompute)
})
export type PetitionCommand = typeof PetitionCommand.Type
export type PetitionCommandTag = PetitionCommand["_tag"]
/** A command of one kind, e.g. `CommandOf<"Dispatch">`. */
export type CommandOf<T extends PetitionCommandTag> = Extract<PetitionCommand, { readonly _tag: T }>

/** Every stored event carries its place in the stream and its link in the hash chain. */
const sealed = {
  ...ev.common,
  version: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1, { expected: "a version ≥ 1" })),
  prevHash: Schema.String,
  hash: Schema.String
} as const

const withSeal = <F extends Schema.Struct.Fields>(fields: F) => ({ ...sealed, ...fields })

/** An event: a fact in a petition's history, sealed into its hash chain. */
export const PetitionEvent = Schema.TaggedUnion({
  Submitted: withSeal({
    ...ev.submitted,
    persons: Count,
    flags: Schema.Array(Id),
    priority: Priority,
    firstHandler: Id
  }),
  Acknowledged: withSeal(ev.p.unit),
  Contacted: withSeal(ev.p.contact),
  /** `from` and `reason` are set when the dispatch centre re-dispatches before the lead accepted. */
  Dispatched: withSeal({ ...ev.p.dispatch, from: Schema.optionalKey(Id), reason: Schema.optionalKey(stored.reason) }),
  RoutingSuggested: withSeal(ev.p.dispatch),
  Accepted: withSeal(ev.p.unit),
  Declined: withSeal(ev.p.unitReason),
  Returned: withSeal(ev.p.unitReason),
  Transferred: withSeal({ from: Id, ...ev.p.dispatch, reason: stored.reason }),
  HandlerAssigned: withSeal(ev.p.assign),
  PartReported: withSeal(ev.p.summary),
  FirstRoundCompleted: withSeal(ev.p.summary),
  Suspended: withSeal(ev.p.reason),
  Resumed: withSeal(ev.p.reason),
  Extended: withSeal(ev.p.extend),
  Resolved: withSeal(ev.p.resolve),
  SatisfactionRated: withSeal(ev.p.rate),
  Closed: withSeal(ev.p.reason),
  Reopened: withSeal(ev.p.reason),
  ReviewRequested: withSeal(ev.p.reason),
  ReReviewRequested: withSeal(ev.p.reason),
  ReplyDelivered: withSeal(ev.p.deliver),
  ReviewDecided: withSeal(ev.p.decideReview),
  Escalated: withSeal(ev.p.escalate),
  VisitRecorded: withSeal(ev.p.visit),
  WhistleBlown: withSeal(ev.p.whistle),
  ReportedForDuty: withSeal(ev.p.duty),
  MarkedDuplicate: withSeal(ev.p.of),
  Merged: withSeal(ev.p.into),
  RecommendationIssued: withSeal(ev.p.recommend),
  ClockWarned: withSeal(ev.p.warn),
  ClockBreached: withSeal(ev.p.breach),
  WatcherAdded: withSeal(ev.p.person),
  Flagged: withSeal(ev.p.flag),
  PriorityChanged: withSeal(ev.p.priority),
  VisitRequired: withSeal(ev.p.reason),
  RepeatLinked: withSeal(ev.p.of),
  NotificationDeadLettered: withSeal(ev.p.deadLetter),
  IdentityRead: withSeal(ev.p.identityRead),
  NotificationQueued: withSeal(ev.p.notification),
  RuleActionFailed: withSeal(ev.p.ruleProblem),
  DeadlineRecomputed: withSeal(ev.p.recompute)
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
