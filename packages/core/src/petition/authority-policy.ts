/**
 * Who may issue which command to which petition: the authority policy, kept as data (role ×
 * command × relation to the petition). The portal authenticates the actor; `decide` asks this
 * module whether that actor may act, before any handler looks at the command. See docs/security.md.
 */
import { Schema } from "effect"
import { accusedParties } from "../directory/accused.js"
import type { Directory } from "../directory/directory.js"
import { Role } from "../directory/schema.js"
import type { Label } from "./labels.js"
import type { RefusalData } from "./refusals.js"
import type { PetitionCommand, PetitionCommandTag } from "./schema.js"
import type { PetitionState, PetitionStatus } from "./state.js"

/**
 * Commands only the engine issues: records of what happened around a petition (clock warnings and
 * breaches, identity reads, notifications, dead letters, rule problems) and the repeat links it finds
 * at Submit. A caller who could send them could forge the audit trail or silence a clock.
 */
export const engineOnlyCommands = [
  "RecordClockWarning",
  "RecordClockBreach",
  "RecordIdentityRead",
  "RecordNotification",
  "RecordDeadLetter",
  "RecordRuleProblem",
  "RecordDeadlineRecomputed",
  "LinkRepeat",
  // A `suggest` pack's routing answer: the engine records it; the dispatch centre then dispatches.
  "SuggestRouting"
] as const satisfies ReadonlyArray<PetitionCommandTag>

type EngineOnlyTag = (typeof engineOnlyCommands)[number]
/** The commands a caller may send at all; the policy says who, of the callers, may send each. */
export type CallerCommandTag = Exclude<PetitionCommandTag, EngineOnlyTag>

/**
 * How an actor stands to a petition. The first six are held by units (a person holds them through
 * their unit); the others by the actor itself.
 */
export const Relation = Schema.Literals([
  "first_handler",
  "dispatch_centre",
  "lead",
  "co_handler",
  "summoned",
  "reviewing_organ",
  "staff",
  "case_owner",
  "supervisor",
  "petitioner"
])
export type Relation = typeof Relation.Type

/** What each relation means, in the words docs/security.md and refusals use. */
export const relationLabels: { readonly [R in Relation]: Label } = {
  first_handler: { zh: "首办单位", en: "the first handler" },
  dispatch_centre: { zh: "分拨中心", en: "the dispatch centre" },
  lead: { zh: "牵头单位", en: "the lead unit" },
  co_handler: { zh: "协办单位", en: "a co-handler" },
  summoned: { zh: "吹哨召集的单位", en: "a unit summoned by a whistle" },
  reviewing_organ: { zh: "复查复核机关", en: "the reviewing organ" },
  staff: { zh: "通讯录中的工作人员或单位", en: "staff of the directory" },
  case_owner: { zh: "包案领导", en: "the case owner" },
  supervisor: { zh: "督查人员", en: "a supervisor" },
  petitioner: { zh: "信访人", en: "the petitioner" }
}

const Statuses = Schema.Literals(["received", "dispatched", "in_progress", "suspended", "resolved", "closed", "declined", "merged"])
// The literals above must be exactly the petition's statuses: this fails to compile if either side gains one.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
export const statusesMatch: Same<typeof Statuses.Type, PetitionStatus> = true

/**
 * One way to be allowed: the relation, optionally only for people holding one of `roles` (a unit
 * acting as a whole then does not qualify), optionally only while the petition is in one of `when`.
 */
export const Grant = Schema.Struct({
  relation: Relation,
  roles: Schema.optionalKey(Schema.Array(Role).check(Schema.isMinLength(1, { expected: "at least one role" }))),
  when: Schema.optionalKey(Schema.Array(Statuses).check(Schema.isMinLength(1, { expected: "at least one status" })))
}).annotate({ identifier: "AuthorityGrant" })
export type Grant = typeof Grant.Type

const Grants = Schema.optionalKey(Schema.Array(Grant))

/**
 * The policy as a rule pack writes it: for a command, the grants that replace the default's; a
 * command left out keeps its default. An empty list means no caller may send the command.
 */
export const AuthorityPolicySchema = Schema.Struct({
  Submit: Grants, Acknowledge: Grants, Contact: Grants, Dispatch: Grants, Accept: Grants, Decline: Grants, Return: Grants,
  Transfer: Grants, AssignHandler: Grants, ReportPart: Grants, CompleteFirstRound: Grants, Suspend: Grants, Resume: Grants,
  Extend: Grants, Resolve: Grants, RateSatisfaction: Grants, Close: Grants, Reopen: Grants, RequestReview: Grants,
  RequestReReview: Grants, DecideReview: Grants, Escalate: Grants, RecordVisit: Grants, RequireVisit: Grants,
  BlowWhistle: Grants, ReportForDuty: Grants, MarkDuplicate: Grants, Merge: Grants, IssueRecommendation: Grants,
  AddWatcher: Grants, Flag: Grants, SetPriority: Grants, DeliverReply: Grants
} satisfies { readonly [T in CallerCommandTag]: typeof Grants }).annotate({ identifier: "AuthorityPolicy" })
export type AuthorityPolicyOverrides = typeof AuthorityPolicySchema.Type

/**
 * The resolved policy: every caller command with its grants and, from the pack's ladder, who may
 * escalate to each tier (a tier left out takes the `Escalate` grants).
 */
export type AuthorityPolicy = { readonly [T in CallerCommandTag]: ReadonlyArray<Grant> } & {
  readonly escalateTo?: Readonly<Partial<Record<1 | 2 | 3, ReadonlyArray<Grant>>>>
}

const g = (...relations: ReadonlyArray<Relation>): ReadonlyArray<Grant> => relations.map((relation) => ({ relation }))
const handlingUnits = g("first_handler", "dispatch_centre", "lead", "co_handler")
const dispatcher = g("first_handler", "dispatch_centre")
const oversight = g("dispatch_centre", "supervisor", "case_owner")

/**
 * The default policy (issue 10): the first handler or the dispatch centre dispatches, transfers,
 * merges and marks duplicates; the lead accepts, returns, resolves, suspends and resumes; the
 * petitioner rates (or the dispatch centre on their behalf, recorded as its actor); the first handler
 * closes; the reviewing organ decides reviews. docs/security.md shows it as a table a test keeps equal.
 */
export const defaultAuthorityPolicy: AuthorityPolicy = {
  Submit: g("petitioner", "staff"),
  Acknowledge: handlingUnits,
  Contact: handlingUnits,
  Dispatch: dispatcher,
  Accept: g("lead"),
  // Before dispatch, declining is the first handler's call (不予受理); after it, the lead's.
  Decline: [{ relation: "first_handler", when: ["received"] }, { relation: "lead", when: ["dispatched"] }],
  // A co-handler returns only its own share (the petition stays with the lead).
  Return: g("lead", "co_handler"),
  Transfer: dispatcher,
  AssignHandler: g("lead"),
  ReportPart: g("co_handler"),
  CompleteFirstRound: g("lead"),
  // Before dispatch nobody leads yet: the first handler answers for the petition (首办负责).
  // In a re-review the petition is closed and the reviewing organ holds the hearing (听证, art. 36).
  Suspend: [{ relation: "lead" }, { relation: "first_handler", when: ["received"] }, { relation: "reviewing_organ", when: ["closed"] }],
  Resume: [...g("lead", "first_handler"), { relation: "reviewing_organ", when: ["closed"] }],
  Extend: g("lead", "dispatch_centre"),
  Resolve: g("lead"),
  RateSatisfaction: g("petitioner", "dispatch_centre"),
  // The first handler closes; a leader who owns an escalated case closes it too (包案 → 销案).
  Close: g("first_handler", "case_owner"),
  Reopen: g("first_handler", "dispatch_centre", "reviewing_organ"),
  RequestReview: g("petitioner", "dispatch_centre"),
  RequestReReview: g("petitioner", "dispatch_centre"),
  DecideReview: g("reviewing_organ"),
  Escalate: [...g("first_handler", "lead"), ...oversight],
  // Leaders record the visits and receptions they made themselves (家访、接访), whoever handles the case.
  RecordVisit: g("staff"),
  RequireVisit: oversight,
  // A street or community blows the whistle on a matter of its area, whether or not it handles it;
  // that only streets and communities blow is the handler's check (WhistleNotAllowed).
  BlowWhistle: g("staff"),
  ReportForDuty: g("summoned"),
  MarkDuplicate: dispatcher,
  Merge: dispatcher,
  IssueRecommendation: g("supervisor"),
  AddWatcher: g("first_handler", "dispatch_centre", "lead", "supervisor", "case_owner"),
  Flag: g("first_handler", "dispatch_centre", "lead", "supervisor", "case_owner"),
  SetPriority: g("first_handler", "dispatch_centre", "supervisor", "case_owner"),
  // The written reply is delivered by a unit that handled the petition (the handler checks the
  // unit it names); the review opinion by the organ that gave it.
  DeliverReply: [...handlingUnits, ...g("reviewing_organ")]
}

/** A ladder rung as far as authority reads it. */
export interface EscalationRung {
  readonly tier: 1 | 2 | 3
  readonly escalatedBy?: ReadonlyArray<Grant>
}

/**
 * The policy in force: the pack's grants where it states them, the default's elsewhere, and the
 * ladder's `escalatedBy` for the tiers that name it.
 */
export const resolveAuthorityPolicy = (
  overrides: AuthorityPolicyOverrides | undefined,
  ladder: ReadonlyArray<EscalationRung> = []
): AuthorityPolicy => {
  const rungs = ladder.filter((rung) => rung.escalatedBy !== undefined)
  if (overrides === undefined && rungs.length === 0) return defaultAuthorityPolicy
  return {
    ...defaultAuthorityPolicy,
    ...overrides,
    ...(rungs.length === 0 ? {} : { escalateTo: Object.fromEntries(rungs.map((rung) => [rung.tier, rung.escalatedBy])) })
  }
}

/** The grants that apply to a command: for an escalation, the target tier's when the ladder names them. */
const grantsFor = (policy: AuthorityPolicy, cmd: PetitionCommand & { readonly _tag: CallerCommandTag }): ReadonlyArray<Grant> =>
  (cmd._tag === "Escalate" ? policy.escalateTo?.[cmd.tier] : undefined) ?? policy[cmd._tag]

const callerCommandSet: ReadonlySet<string> = new Set(Object.keys(defaultAuthorityPolicy))
const isCallerCommand = (cmd: PetitionCommand): cmd is PetitionCommand & { readonly _tag: CallerCommandTag } => callerCommandSet.has(cmd._tag)

/**
 * The unit through which an actor stands to the petition: the unit a command names as acting (decide
 * has checked the actor belongs to it), else the unit of the actor.
 */
const standingUnit = (cmd: PetitionCommand, dir: Directory, acting: boolean): string | undefined => {
  if (acting && "unit" in cmd && typeof cmd.unit === "string") return cmd.unit
  return cmd.actor.kind === "unit" ? cmd.actor.id : cmd.actor.kind === "person" ? dir.person(cmd.actor.id ?? "")?.unit : undefined
}

// The organ that decides a review (复查) is the one above the organ that handled the case (信访工作
// 条例 art. 35); the directory knows it as the lead's parent unit. The dispatch centre, as the
// petition-work office that receives review requests, decides where the lead has no parent.
const reviewingOrgan = (s: PetitionState, dir: Directory): string => {
  const handled = s.lead ?? s.firstHandler
  return (handled === undefined ? undefined : dir.unit(handled)?.parent) ?? dir.dispatchCentre.id
}

/** Whether the actor holds `relation` to the petition, through `unit` and, for a person, themselves. */
const holds = (relation: Relation, s: PetitionState, cmd: PetitionCommand, unit: string | undefined, dir: Directory): boolean => {
  const { kind, id } = cmd.actor
  switch (relation) {
    case "petitioner":
      return kind === "petitioner"
    case "staff":
      // Every person and unit of the directory stands through a unit (decide has checked they exist).
      return unit !== undefined
    case "case_owner":
      return kind === "person" && id !== undefined && id === s.owner
    case "supervisor": {
      const supervisors = dir.peopleWithRole("supervisor")
      return (kind === "person" && supervisors.some((p) => p.id === id)) || (kind === "unit" && supervisors.some((p) => p.unit === id))
    }
    default:
      return unit !== undefined && unitHolds(relation, s, unit, dir)
  }
}

const unitHolds = (relation: Relation, s: PetitionState, unit: string, dir: Directory): boolean => {
  switch (relation) {
    case "first_handler": return unit === s.firstHandler
    case "dispatch_centre": return unit === dir.dispatchCentre.id
    case "lead": return unit === s.lead
    case "co_handler": return s.coHandlers.includes(unit)
    case "summoned": return Object.values(s.whistles).some((w) => w.summoned.includes(unit))
    case "reviewing_organ": return unit === reviewingOrgan(s, dir)
    default: return false
  }
}

const grants = (grant: Grant, s: PetitionState, cmd: PetitionCommand, unit: string | undefined, dir: Directory, engine: boolean): boolean => {
  if (grant.when !== undefined && !grant.when.includes(s.status)) return false
  // Roles are asked of people; the engine's rules act for the unit the command names, whoever holds it.
  if (grant.roles !== undefined && !engine) {
    const person = cmd.actor.kind === "person" ? dir.person(cmd.actor.id ?? "") : undefined
    if (person === undefined || !grant.roles.some((r) => person.roles.includes(r))) return false
  }
  return holds(grant.relation, s, cmd, unit, dir)
}

const inStatus = (grants: ReadonlyArray<Grant>, status: PetitionStatus): ReadonlyArray<Grant> =>
  grants.filter((grant) => grant.when === undefined || grant.when.includes(status))

/**
 * Whether the command's actor may issue it to this petition under the policy: nothing if so, the
 * refusal otherwise. An accused party (检举控告) never acts on the accusation, whatever it is granted.
 * The engine's own actor (`system`, which callers cannot use) acts for the rules: it is asked only
 * that the unit a command names as acting holds the relation — a rule accepts for the lead, not for
 * any unit.
 */
export const authorise = (
  s: PetitionState,
  cmd: PetitionCommand,
  dir: Directory,
  policy: AuthorityPolicy,
  acting: boolean
): RefusalData | undefined => {
  if (!isCallerCommand(cmd)) return undefined
  const engine = cmd.actor.kind === "system"
  const unit = standingUnit(cmd, dir, acting)
  if (!engine && s.accusedUnit !== undefined) {
    const accused = accusedParties(dir, s.accusedUnit)
    if ((unit !== undefined && accused.units.has(unit)) || (cmd.actor.kind === "person" && accused.persons.has(cmd.actor.id ?? ""))) {
      return { _tag: "AccusedUnitExcluded", petitionId: s.id, unit: unit ?? cmd.actor.id ?? cmd.actor.kind }
    }
  }
  // A rule naming a unit the directory does not know is refused by the handler, naming the field.
  if (engine && (!acting || unit === undefined || dir.unit(unit) === undefined)) return undefined
  const applicable = inStatus(grantsFor(policy, cmd), s.status)
  if (applicable.some((grant) => grants(grant, s, cmd, unit, dir, engine))) return undefined
  return {
    _tag: "NotAuthorised",
    petitionId: s.id,
    command: cmd._tag,
    actor: engine ? (unit ?? "system") : (cmd.actor.id ?? cmd.actor.kind),
    needed: applicable.map(grantName)
  }
}

/** A grant as a refusal and the matrix name it: the relation, with its roles after a colon. */
export const grantName = (grant: Grant): string => (grant.roles === undefined ? grant.relation : `${grant.relation}:${grant.roles.join("|")}`)

const relationLabelOf: ReadonlyMap<string, Label> = new Map(Object.entries(relationLabels))

/**
 * How a refusal names a grant to a reader. Refusals hold grants as strings (one read back from JSON
 * may name a relation this version does not know), so the label is looked up by string; roles keep
 * their directory names.
 */
export const grantLabel = (name: string): Label => {
  const [relation = name, roles] = name.split(":")
  const label = relationLabelOf.get(relation) ?? { zh: relation, en: relation }
  return roles === undefined ? label : { zh: `${label.zh}（角色 ${roles.split("|").join("、")}）`, en: `${label.en} (role ${roles.split("|").join(" or ")})` }
}
