import { Result } from "effect"
import type { Directory } from "../directory/directory.js"
import type { AuthorityPolicy } from "./authority-policy.js"
import { authorise, defaultAuthorityPolicy } from "./authority-policy.js"
import { seal } from "./chain.js"
import type { Decision } from "./guards.js"
import { actorName, actorUnit, guardsFor } from "./guards.js"
import { handlerFor } from "./handlers/index.js"
import { accepts } from "./lifecycle.js"
import { refuse } from "./refusal-text.js"
import type { PetitionRefusal, RefusalData } from "./refusals.js"
import type { PetitionCommand, PetitionCommandTag, PetitionEvent } from "./schema.js"
import type { PetitionState } from "./state.js"

/** What `decide` may consult besides the petition itself. */
export interface DecideContext {
  readonly directory: Directory
  /** Who may issue which command (the rule pack's, resolved); the default policy when left out. */
  readonly authority?: AuthorityPolicy | undefined
}

// Records the shell makes of facts that happened by themselves (a deadline passed, a delivery
// failed), stamped by the engine's clock. That clock may lag a caller's by a little; refusing the
// record would lose the breach, so these may sit slightly before the latest event.
const shellRecords: ReadonlySet<PetitionCommandTag> = new Set(["RecordClockWarning", "RecordClockBreach", "RecordDeadLetter", "RecordDeadlineRecomputed"])

// Commands whose `unit` is the unit acting (not a unit acted upon, like a breach's or a recommendation's).
const actingUnit: ReadonlySet<PetitionCommandTag> = new Set([
  "Acknowledge", "Contact", "Accept", "Decline", "Return", "AssignHandler", "ReportPart", "CompleteFirstRound", "Resolve",
  "BlowWhistle", "ReportForDuty", "DeliverReply"
])

/**
 * Decides what a command means for a petition: the sealed events to append (versions, links and
 * hashes filled in), or the refusal that says which rule the command broke. Pure and synchronous.
 */
export const decide = (
  state: PetitionState,
  command: PetitionCommand,
  context: DecideContext
): Result.Result<ReadonlyArray<PetitionEvent>, PetitionRefusal> => {
  const decision = handle(state, command, context.directory, context.authority ?? defaultAuthorityPolicy)
  return Result.isSuccess(decision)
    ? Result.succeed(seal(state.version, state.lastHash, decision.success))
    : Result.fail(refuse(decision.failure, context.directory))
}

// What every command must satisfy before its own handler looks at it, in this order: the right
// petition, an existing one (except Submit), a history that runs forwards, known actors acting
// only for their own unit, a status whose row in the lifecycle accepts the command, and an actor the
// authority policy lets issue it to this petition.
const common = (s: PetitionState, cmd: PetitionCommand, dir: Directory, policy: AuthorityPolicy): RefusalData | undefined => {
  const petitionId = s.id
  const command = cmd._tag
  if (cmd.petitionId !== petitionId) return { _tag: "WrongPetition", petitionId, commandPetitionId: cmd.petitionId }
  if (command === "Submit" && s.version > 0) return { _tag: "AlreadySubmitted", petitionId }
  if (command !== "Submit" && s.version === 0) return { _tag: "NotSubmitted", petitionId, command }
  // Clocks and reports measure the gaps between events; a history that runs backwards would
  // make a breach vanish or a reply look faster than it was.
  if (s.lastAt !== undefined && cmd.at < s.lastAt && !shellRecords.has(command)) {
    return { _tag: "BeforeLastEvent", petitionId, command, at: cmd.at, lastAt: s.lastAt }
  }
  const actorId = cmd.actor.id
  if (actorId !== undefined && cmd.actor.kind === "person" && dir.person(actorId) === undefined) {
    return { _tag: "UnknownPerson", petitionId, person: actorId, field: "actor/id" }
  }
  if (actorId !== undefined && cmd.actor.kind === "unit" && dir.unit(actorId) === undefined) {
    return { _tag: "UnknownUnit", petitionId, unit: actorId, field: "actor/id" }
  }
  // The responsibility chain means nothing if one unit can accept, return or resolve in another's
  // name: a person acts for their own unit, a unit for itself. Rules (system) act for anyone.
  if (actingUnit.has(command) && "unit" in cmd && cmd.unit !== undefined && cmd.actor.kind !== "system" && actorUnit(cmd.actor, dir) !== cmd.unit) {
    return { _tag: "ActorNotOfUnit", petitionId, command, actor: actorName(cmd.actor), unit: cmd.unit }
  }
  if (!accepts(s.status, command)) {
    return s.status === "closed" ? { _tag: "PetitionClosed", petitionId, command } : { _tag: "InvalidTransition", petitionId, command, status: s.status }
  }
  return authorise(s, cmd, dir, policy, actingUnit.has(command))
}

const handle = (state: PetitionState, command: PetitionCommand, directory: Directory, policy: AuthorityPolicy): Decision => {
  const refusal = common(state, command, directory, policy)
  if (refusal !== undefined) return Result.fail(refusal)
  const base = {
    petitionId: state.id,
    at: command.at,
    actor: command.actor,
    ...(command.rule === undefined ? {} : { rule: command.rule })
  }
  return handlerFor(command._tag)({ state, command, directory, base, guard: guardsFor(state, command, directory) })
}
