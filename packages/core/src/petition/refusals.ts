import { Schema } from "effect"

// Every refusal names the petition and says, in Chinese then English, which rule was broken.
const petitionId = Schema.String
const message = Schema.String

/** A command arrived for a petition that has not been submitted. */
export class NotSubmitted extends Schema.TaggedError<NotSubmitted>()("NotSubmitted", { petitionId, command: Schema.String, message }) {}
/** Submit for a petition that already exists. */
export class AlreadySubmitted extends Schema.TaggedError<AlreadySubmitted>()("AlreadySubmitted", { petitionId, message }) {}
/** The command names another petition than the state it was applied to. */
export class WrongPetition extends Schema.TaggedError<WrongPetition>()("WrongPetition", { petitionId, commandPetitionId: Schema.String, message }) {}
/** The command does not fit the petition's current status. */
export class InvalidTransition extends Schema.TaggedError<InvalidTransition>()("InvalidTransition", { petitionId, command: Schema.String, status: Schema.String, message }) {}
/** A closed petition accepts only review requests (inside their windows). */
export class PetitionClosed extends Schema.TaggedError<PetitionClosed>()("PetitionClosed", { petitionId, command: Schema.String, message }) {}
/** Before acceptance only the first handler (首办单位) may act for the petition. */
export class NotFirstHandler extends Schema.TaggedError<NotFirstHandler>()("NotFirstHandler", { petitionId, unit: Schema.String, firstHandler: Schema.String, message }) {}
/** Only the lead unit may accept, name the handler, complete the first round or decline after dispatch. */
export class NotLead extends Schema.TaggedError<NotLead>()("NotLead", { petitionId, unit: Schema.String, lead: Schema.String, message }) {}
/** Only the lead unit (牵头单位) may resolve; co-handlers report to it. */
export class OnlyLeadMayResolve extends Schema.TaggedError<OnlyLeadMayResolve>()("OnlyLeadMayResolve", { petitionId, unit: Schema.String, lead: Schema.String, message }) {}
/** The lead unit cannot also be a co-handler. */
export class LeadCannotBeCoHandler extends Schema.TaggedError<LeadCannotBeCoHandler>()("LeadCannotBeCoHandler", { petitionId, unit: Schema.String, message }) {}
/** Only a co-handler reports its part to the lead. */
export class NotCoHandler extends Schema.TaggedError<NotCoHandler>()("NotCoHandler", { petitionId, unit: Schema.String, message }) {}
/** The unit is not among those the petition was dispatched to. */
export class NotAssigned extends Schema.TaggedError<NotAssigned>()("NotAssigned", { petitionId, unit: Schema.String, message }) {}
/** The unit has nothing to do with the petition. */
export class UnitNotInvolved extends Schema.TaggedError<UnitNotInvolved>()("UnitNotInvolved", { petitionId, unit: Schema.String, message }) {}
/** A return, decline, transfer, suspension, extension… needs a reason. */
export class ReasonRequired extends Schema.TaggedError<ReasonRequired>()("ReasonRequired", { petitionId, command: Schema.String, message }) {}
/** A review or re-review was requested after its window closed. */
export class ReviewWindowClosed extends Schema.TaggedError<ReviewWindowClosed>()("ReviewWindowClosed", { petitionId, stage: Schema.String, windowEndsAt: Schema.Number, message }) {}
/** A unit id that the directory does not know. */
export class UnknownUnit extends Schema.TaggedError<UnknownUnit>()("UnknownUnit", { petitionId, unit: Schema.String, field: Schema.String, message }) {}
/** A person id that the directory does not know. */
export class UnknownPerson extends Schema.TaggedError<UnknownPerson>()("UnknownPerson", { petitionId, person: Schema.String, field: Schema.String, message }) {}
/** A channel, category or jurisdiction id that the directory does not know. */
export class UnknownReference extends Schema.TaggedError<UnknownReference>()("UnknownReference", { petitionId, kind: Schema.Literals(["channel", "category", "jurisdiction"]), id: Schema.String, field: Schema.String, message }) {}
/** The named handler does not work in the lead unit. */
export class PersonNotInUnit extends Schema.TaggedError<PersonNotInUnit>()("PersonNotInUnit", { petitionId, person: Schema.String, unit: Schema.String, message }) {}
/** A resolution needs at least the explanation to the petitioner (解释到位). */
export class ChecklistIncomplete extends Schema.TaggedError<ChecklistIncomplete>()("ChecklistIncomplete", { petitionId, message }) {}
/** Co-handlers still owe the lead their part. */
export class PartsOutstanding extends Schema.TaggedError<PartsOutstanding>()("PartsOutstanding", { petitionId, units: Schema.Array(Schema.String), message }) {}
/** Closing a resolved petition needs a satisfied rating or a passed rating deadline. */
export class NotRated extends Schema.TaggedError<NotRated>()("NotRated", { petitionId, message }) {}
/** An escalation must go to a higher tier than the current one. */
export class TierNotHigher extends Schema.TaggedError<TierNotHigher>()("TierNotHigher", { petitionId, tier: Schema.Number, current: Schema.Number, message }) {}
/** Only street offices and communities blow the whistle (吹哨). */
export class WhistleNotAllowed extends Schema.TaggedError<WhistleNotAllowed>()("WhistleNotAllowed", { petitionId, unit: Schema.String, message }) {}
export class DuplicateWhistle extends Schema.TaggedError<DuplicateWhistle>()("DuplicateWhistle", { petitionId, whistleId: Schema.String, message }) {}
export class UnknownWhistle extends Schema.TaggedError<UnknownWhistle>()("UnknownWhistle", { petitionId, whistleId: Schema.String, message }) {}
export class NotSummoned extends Schema.TaggedError<NotSummoned>()("NotSummoned", { petitionId, whistleId: Schema.String, unit: Schema.String, message }) {}
export class AlreadyReported extends Schema.TaggedError<AlreadyReported>()("AlreadyReported", { petitionId, whistleId: Schema.String, unit: Schema.String, message }) {}
/** A petition cannot refer to itself (duplicate of, merge into, repeat of, summon itself). */
export class SelfReference extends Schema.TaggedError<SelfReference>()("SelfReference", { petitionId, field: Schema.String, message }) {}
/** An accusation (检举控告) never goes to the accused unit. */
export class AccusedUnitExcluded extends Schema.TaggedError<AccusedUnitExcluded>()("AccusedUnitExcluded", { petitionId, unit: Schema.String, message }) {}
/** A transfer must go to another unit than the current lead. */
export class SameLead extends Schema.TaggedError<SameLead>()("SameLead", { petitionId, unit: Schema.String, message }) {}

/** A command dated before the petition's latest event: the history would run backwards in time. */
export class BeforeLastEvent extends Schema.TaggedError<BeforeLastEvent>()("BeforeLastEvent", { petitionId, command: Schema.String, at: Schema.Number, lastAt: Schema.Number, message }) {}
/** A whistle's deadline must lie after the moment it is blown. */
export class DeadlineNotAfter extends Schema.TaggedError<DeadlineNotAfter>()("DeadlineNotAfter", { petitionId, deadline: Schema.Number, at: Schema.Number, message }) {}

/** A person or unit acting in the name of a unit it does not belong to. */
export class ActorNotOfUnit extends Schema.TaggedError<ActorNotOfUnit>()("ActorNotOfUnit", { petitionId, actor: Schema.String, unit: Schema.String, message }) {}

/** The lead or a co-handler rating its own work: the rating comes from the petitioner or the callback. */
export class RatedByHandler extends Schema.TaggedError<RatedByHandler>()("RatedByHandler", { petitionId, unit: Schema.String, message }) {}

/** Supervision's three rights (督查建议) belong to supervisors and their unit. */
export class NotSupervisor extends Schema.TaggedError<NotSupervisor>()("NotSupervisor", { petitionId, actor: Schema.String, message }) {}

/** A proactive case (未诉先办) is opened by staff or, on a grid channel, by a grid member — not by a petitioner. */
export class ProactiveNeedsStaff extends Schema.TaggedError<ProactiveNeedsStaff>()("ProactiveNeedsStaff", { petitionId, channel: Schema.String, message }) {}

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
  | ProactiveNeedsStaff
