import { Schema } from "effect"

// A refusal is data: which rule the command broke and the facts that show it. Its text is rendered
// from those facts by `describeRefusal` (refusal-text.ts); `message` keeps the default rendering so
// that a refusal thrown through the Promise facade still reads well.
const petitionId = Schema.String
const command = Schema.String
const unit = Schema.String
const whistleId = Schema.String

/** Why a command that fits a status in general does not fit this petition now. */
export const TransitionDetail = Schema.Literals([
  "first_round_completed",
  "already_rated",
  "review_already_requested",
  "review_not_decided",
  "no_review_pending",
  "no_re_review_pending",
  "no_re_review_for_hearing",
  "hearing_running",
  "no_hearing",
  "no_written_reply",
  "no_review_opinion",
  "reply_already_delivered",
  "same_dispatch"
])
export type TransitionDetail = typeof TransitionDetail.Type

/** The facts each refusal carries, by tag. */
export const refusalFields = {
  /** A command arrived for a petition that has not been submitted. */
  NotSubmitted: { petitionId, command },
  /** Submit for a petition that already exists. */
  AlreadySubmitted: { petitionId },
  /** The command names another petition than the state it was applied to. */
  WrongPetition: { petitionId, commandPetitionId: Schema.String },
  /** The command does not fit the petition's current status (see lifecycle.ts), or `detail` says why not now. */
  InvalidTransition: { petitionId, command, status: Schema.String, detail: Schema.optionalKey(TransitionDetail) },
  /** A closed petition accepts only review, supervision and the shell's records (see lifecycle.ts). */
  PetitionClosed: { petitionId, command },
  /** Before acceptance only the first handler (首办单位) — or for dispatching, the dispatch centre — may act. */
  NotFirstHandler: { petitionId, command, unit, firstHandler: Schema.String, actor: Schema.String },
  /** Only the lead unit may accept, name the handler, complete the first round or decline after dispatch. */
  NotLead: { petitionId, command, unit, lead: Schema.String },
  /** Only the lead unit (牵头单位) may resolve; co-handlers report to it. */
  OnlyLeadMayResolve: { petitionId, unit, lead: Schema.String, coHandler: Schema.Boolean },
  /** The lead unit cannot also be a co-handler. */
  LeadCannotBeCoHandler: { petitionId, unit },
  /** Only a co-handler reports its part to the lead. */
  NotCoHandler: { petitionId, unit, isLead: Schema.Boolean },
  /** The unit is not among those the petition was dispatched to. */
  NotAssigned: { petitionId, unit },
  /** The unit has nothing to do with the petition. */
  UnitNotInvolved: { petitionId, unit },
  /** A return, decline, transfer, suspension, extension… needs a reason. */
  ReasonRequired: { petitionId, command },
  /** A review or re-review was requested after its window closed. */
  /** `windowLength` (an ISO duration such as P30D) is the pack's window, when the engine set it. */
  ReviewWindowClosed: { petitionId, stage: Schema.String, windowEndsAt: Schema.Number, windowLength: Schema.optionalKey(Schema.String) },
  /** A reply's delivery dated before the reply was made, or after it is recorded. */
  DeliveryTimeImpossible: { petitionId, reply: Schema.String, deliveredAt: Schema.Number, earliest: Schema.Number, recordedAt: Schema.Number },
  /** A unit id that the directory does not know. */
  UnknownUnit: { petitionId, unit, field: Schema.String },
  /** A person id that the directory does not know. */
  UnknownPerson: { petitionId, person: Schema.String, field: Schema.String },
  /** A channel, category or jurisdiction id that the directory does not know. */
  UnknownReference: { petitionId, kind: Schema.Literals(["channel", "category", "jurisdiction"]), id: Schema.String, field: Schema.String },
  /** The named handler does not work in the lead unit. */
  PersonNotInUnit: { petitionId, person: Schema.String, unit },
  /** A resolution needs at least the explanation to the petitioner (解释到位). */
  ChecklistIncomplete: { petitionId },
  /** Co-handlers still owe the lead their part. */
  PartsOutstanding: { petitionId, units: Schema.Array(Schema.String) },
  /** Closing a resolved petition needs a satisfied rating or a passed rating deadline. */
  NotRated: { petitionId },
  /** An escalation must go to a higher tier than the current one. */
  TierNotHigher: { petitionId, tier: Schema.Number, current: Schema.Number },
  /** Only street offices and communities blow the whistle (吹哨). */
  WhistleNotAllowed: { petitionId, unit },
  /** A whistle id already used on this petition. */
  DuplicateWhistle: { petitionId, whistleId },
  /** A report for duty names a whistle the petition does not have. */
  UnknownWhistle: { petitionId, whistleId },
  /** A unit reports for duty to a whistle that did not summon it. */
  NotSummoned: { petitionId, whistleId, unit },
  /** A unit reports for duty twice. */
  AlreadyReported: { petitionId, whistleId, unit },
  /** A petition cannot refer to itself (duplicate of, merge into, repeat of), nor a unit summon itself. */
  SelfReference: { petitionId, field: Schema.String },
  /** An accusation (检举控告) never goes to the accused unit. */
  AccusedUnitExcluded: { petitionId, unit },
  /** A transfer must go to another unit than the current lead. */
  SameLead: { petitionId, unit },
  /** A command dated before the petition's latest event: the history would run backwards in time. */
  BeforeLastEvent: { petitionId, command, at: Schema.Number, lastAt: Schema.Number },
  /** A whistle's deadline must lie after the moment it is blown. */
  DeadlineNotAfter: { petitionId, deadline: Schema.Number, at: Schema.Number },
  /** A person or unit acting in the name of a unit it does not belong to. */
  ActorNotOfUnit: { petitionId, command, actor: Schema.String, unit },
  /** The lead or a co-handler rating its own work: the rating comes from the petitioner or the callback. */
  RatedByHandler: { petitionId, unit },
  /** Supervision's three rights (督查建议) belong to supervisors and their unit. */
  NotSupervisor: { petitionId, actor: Schema.String },
  /**
   * The authority policy does not let this actor issue this command to this petition; `needed` names
   * the relations (with roles after a colon) that would (see petition/authority-policy.ts).
   */
  NotAuthorised: { petitionId, command, actor: Schema.String, needed: Schema.Array(Schema.String) },
  /** A proactive case (未诉先办) is opened by staff or, on a grid channel, by a grid member — not by a petitioner. */
  ProactiveNeedsStaff: { petitionId, channel: Schema.String, by: Schema.Literals(["staff", "grid_member"]) }
} as const

/** The tag of every way `decide` can refuse a command. */
export type RefusalTag = keyof typeof refusalFields

/** A refusal's facts without its rendered text: what handlers produce and `describeRefusal` reads. */
export type RefusalData<T extends RefusalTag = RefusalTag> = {
  readonly [K in T]: { readonly _tag: K } & Schema.Struct.Type<(typeof refusalFields)[K]>
}[T]

const message = Schema.String

export class NotSubmitted extends Schema.TaggedError<NotSubmitted>()("NotSubmitted", { ...refusalFields.NotSubmitted, message }) {}
export class AlreadySubmitted extends Schema.TaggedError<AlreadySubmitted>()("AlreadySubmitted", { ...refusalFields.AlreadySubmitted, message }) {}
export class WrongPetition extends Schema.TaggedError<WrongPetition>()("WrongPetition", { ...refusalFields.WrongPetition, message }) {}
export class InvalidTransition extends Schema.TaggedError<InvalidTransition>()("InvalidTransition", { ...refusalFields.InvalidTransition, message }) {}
export class PetitionClosed extends Schema.TaggedError<PetitionClosed>()("PetitionClosed", { ...refusalFields.PetitionClosed, message }) {}
export class NotFirstHandler extends Schema.TaggedError<NotFirstHandler>()("NotFirstHandler", { ...refusalFields.NotFirstHandler, message }) {}
export class NotLead extends Schema.TaggedError<NotLead>()("NotLead", { ...refusalFields.NotLead, message }) {}
export class OnlyLeadMayResolve extends Schema.TaggedError<OnlyLeadMayResolve>()("OnlyLeadMayResolve", { ...refusalFields.OnlyLeadMayResolve, message }) {}
export class LeadCannotBeCoHandler extends Schema.TaggedError<LeadCannotBeCoHandler>()("LeadCannotBeCoHandler", { ...refusalFields.LeadCannotBeCoHandler, message }) {}
export class NotCoHandler extends Schema.TaggedError<NotCoHandler>()("NotCoHandler", { ...refusalFields.NotCoHandler, message }) {}
export class NotAssigned extends Schema.TaggedError<NotAssigned>()("NotAssigned", { ...refusalFields.NotAssigned, message }) {}
export class UnitNotInvolved extends Schema.TaggedError<UnitNotInvolved>()("UnitNotInvolved", { ...refusalFields.UnitNotInvolved, message }) {}
export class ReasonRequired extends Schema.TaggedError<ReasonRequired>()("ReasonRequired", { ...refusalFields.ReasonRequired, message }) {}
export class ReviewWindowClosed extends Schema.TaggedError<ReviewWindowClosed>()("ReviewWindowClosed", { ...refusalFields.ReviewWindowClosed, message }) {}
export class DeliveryTimeImpossible extends Schema.TaggedError<DeliveryTimeImpossible>()("DeliveryTimeImpossible", { ...refusalFields.DeliveryTimeImpossible, message }) {}
export class UnknownUnit extends Schema.TaggedError<UnknownUnit>()("UnknownUnit", { ...refusalFields.UnknownUnit, message }) {}
export class UnknownPerson extends Schema.TaggedError<UnknownPerson>()("UnknownPerson", { ...refusalFields.UnknownPerson, message }) {}
export class UnknownReference extends Schema.TaggedError<UnknownReference>()("UnknownReference", { ...refusalFields.UnknownReference, message }) {}
export class PersonNotInUnit extends Schema.TaggedError<PersonNotInUnit>()("PersonNotInUnit", { ...refusalFields.PersonNotInUnit, message }) {}
export class ChecklistIncomplete extends Schema.TaggedError<ChecklistIncomplete>()("ChecklistIncomplete", { ...refusalFields.ChecklistIncomplete, message }) {}
export class PartsOutstanding extends Schema.TaggedError<PartsOutstanding>()("PartsOutstanding", { ...refusalFields.PartsOutstanding, message }) {}
export class NotRated extends Schema.TaggedError<NotRated>()("NotRated", { ...refusalFields.NotRated, message }) {}
export class TierNotHigher extends Schema.TaggedError<TierNotHigher>()("TierNotHigher", { ...refusalFields.TierNotHigher, message }) {}
export class WhistleNotAllowed extends Schema.TaggedError<WhistleNotAllowed>()("WhistleNotAllowed", { ...refusalFields.WhistleNotAllowed, message }) {}
export class DuplicateWhistle extends Schema.TaggedError<DuplicateWhistle>()("DuplicateWhistle", { ...refusalFields.DuplicateWhistle, message }) {}
export class UnknownWhistle extends Schema.TaggedError<UnknownWhistle>()("UnknownWhistle", { ...refusalFields.UnknownWhistle, message }) {}
export class NotSummoned extends Schema.TaggedError<NotSummoned>()("NotSummoned", { ...refusalFields.NotSummoned, message }) {}
export class AlreadyReported extends Schema.TaggedError<AlreadyReported>()("AlreadyReported", { ...refusalFields.AlreadyReported, message }) {}
export class SelfReference extends Schema.TaggedError<SelfReference>()("SelfReference", { ...refusalFields.SelfReference, message }) {}
export class AccusedUnitExcluded extends Schema.TaggedError<AccusedUnitExcluded>()("AccusedUnitExcluded", { ...refusalFields.AccusedUnitExcluded, message }) {}
export class SameLead extends Schema.TaggedError<SameLead>()("SameLead", { ...refusalFields.SameLead, message }) {}
export class BeforeLastEvent extends Schema.TaggedError<BeforeLastEvent>()("BeforeLastEvent", { ...refusalFields.BeforeLastEvent, message }) {}
export class DeadlineNotAfter extends Schema.TaggedError<DeadlineNotAfter>()("DeadlineNotAfter", { ...refusalFields.DeadlineNotAfter, message }) {}
export class ActorNotOfUnit extends Schema.TaggedError<ActorNotOfUnit>()("ActorNotOfUnit", { ...refusalFields.ActorNotOfUnit, message }) {}
export class RatedByHandler extends Schema.TaggedError<RatedByHandler>()("RatedByHandler", { ...refusalFields.RatedByHandler, message }) {}
export class NotSupervisor extends Schema.TaggedError<NotSupervisor>()("NotSupervisor", { ...refusalFields.NotSupervisor, message }) {}
export class NotAuthorised extends Schema.TaggedError<NotAuthorised>()("NotAuthorised", { ...refusalFields.NotAuthorised, message }) {}
export class ProactiveNeedsStaff extends Schema.TaggedError<ProactiveNeedsStaff>()("ProactiveNeedsStaff", { ...refusalFields.ProactiveNeedsStaff, message }) {}

/** The error class of each refusal tag; the compiler checks every tag has one, of the right shape. */
export const refusalClasses: {
  readonly [K in RefusalTag]: new (props: Schema.Struct.Type<(typeof refusalFields)[K]> & { readonly message: string }) => Extract<PetitionRefusal, { readonly _tag: K }>
} = {
  NotSubmitted, AlreadySubmitted, WrongPetition, InvalidTransition, PetitionClosed, NotFirstHandler, NotLead,
  OnlyLeadMayResolve, LeadCannotBeCoHandler, NotCoHandler, NotAssigned, UnitNotInvolved, ReasonRequired,
  ReviewWindowClosed, DeliveryTimeImpossible, UnknownUnit, UnknownPerson, UnknownReference, PersonNotInUnit, ChecklistIncomplete,
  PartsOutstanding, NotRated, TierNotHigher, WhistleNotAllowed, DuplicateWhistle, UnknownWhistle, NotSummoned,
  AlreadyReported, SelfReference, AccusedUnitExcluded, SameLead, BeforeLastEvent, DeadlineNotAfter, ActorNotOfUnit,
  RatedByHandler, NotSupervisor, NotAuthorised, ProactiveNeedsStaff
}

/** Every way `decide` can refuse a command. */
export type PetitionRefusal =
  | NotSubmitted
  | AlreadySubmitted
  | WrongPetition
  | InvalidTransition
  | PetitionClosed
  | NotFirstHandler
  | NotLead
  | OnlyLeadMayResolve
  | LeadCannotBeCoHandler
  | NotCoHandler
  | NotAssigned
  | UnitNotInvolved
  | ReasonRequired
  | ReviewWindowClosed
  | DeliveryTimeImpossible
  | UnknownUnit
  | UnknownPerson
  | UnknownReference
  | PersonNotInUnit
  | ChecklistIncomplete
  | PartsOutstanding
  | NotRated
  | TierNotHigher
  | WhistleNotAllowed
  | DuplicateWhistle
  | UnknownWhistle
  | NotSummoned
  | AlreadyReported
  | SelfReference
  | AccusedUnitExcluded
  | SameLead
  | BeforeLastEvent
  | DeadlineNotAfter
  | ActorNotOfUnit
  | RatedByHandler
  | NotSupervisor
  | NotAuthorised
  | ProactiveNeedsStaff
