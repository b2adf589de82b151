import { Result } from "effect"
import { accusedParties } from "../directory/accused.js"
import type { Directory } from "../directory/directory.js"
import type { RefusalData, TransitionDetail } from "./refusals.js"
import type { CommandOf, PetitionCommand, PetitionCommandTag, UnsealedEvent } from "./schema.js"
import type { PetitionState } from "./state.js"

/** A rule a command must keep: nothing if it does, the refusal's facts if not. */
export type Check = () => RefusalData | undefined
/** A handler's answer: the events to seal, or the facts of the refusal (rendered by `decide`). */
export type Decision = Result.Result<ReadonlyArray<UnsealedEvent>, RefusalData>

/** The fields every event copies from its command. */
export interface EventBase {
  readonly petitionId: string
  readonly at: number
  readonly actor: PetitionCommand["actor"]
  readonly rule?: NonNullable<PetitionCommand["rule"]>
}

/** What a handler is given: the petition, the command, the directory, and the guards bound to them. */
export interface HandlerInput<T extends PetitionCommandTag> {
  readonly state: PetitionState
  readonly command: CommandOf<T>
  readonly directory: Directory
  readonly base: EventBase
  readonly guard: Guards
}

/** Decides one kind of command once the lifecycle and the common checks let it through. */
export type Handler<T extends PetitionCommandTag> = (input: HandlerInput<T>) => Decision

/** A handler for every command: the compiler refuses a map that misses one. */
export type Handlers = { readonly [T in PetitionCommandTag]: Handler<T> }

/** Runs the checks in order; the first broken rule is the refusal, else the events. */
export const runChecks = (checks: ReadonlyArray<Check>, events: () => ReadonlyArray<UnsealedEvent>): Decision => {
  for (const check of checks) {
    const refusal = check()
    if (refusal !== undefined) return Result.fail(refusal)
  }
  return Result.succeed(events())
}

/** The unit a person or unit actor acts for; undefined for the petitioner and the system. */
export const actorUnit = (actor: PetitionCommand["actor"], dir: Directory): string | undefined =>
  actor.kind === "unit" ? actor.id : actor.kind === "person" ? dir.person(actor.id ?? "")?.unit : undefined

/** How a refusal names the actor: its id, or its kind when it has none (the petitioner, the system). */
export const actorName = (actor: PetitionCommand["actor"]): string => actor.id ?? actor.kind

/** The checks several phases share, bound to one petition, command and directory. */
export const guardsFor = (s: PetitionState, cmd: PetitionCommand, dir: Directory) => {
  const petitionId = s.id
  const command = cmd._tag
  const unit = (id: string | undefined, field: string): Check => () =>
    id === undefined || dir.unit(id) !== undefined ? undefined : { _tag: "UnknownUnit", petitionId, unit: id, field }
  return {
    /** The command fits the status in general but not this petition now. */
    invalid: (detail?: TransitionDetail): RefusalData => ({
      _tag: "InvalidTransition",
      petitionId,
      command,
      status: s.status,
      ...(detail === undefined ? {} : { detail })
    }),
    unit,
    units: (ids: ReadonlyArray<string>, field: string): ReadonlyArray<Check> => ids.map((id, i) => unit(id, `${field}/${i}`)),
    person: (id: string | undefined, field: string): Check => () =>
      id === undefined || dir.person(id) !== undefined ? undefined : { _tag: "UnknownPerson", petitionId, person: id, field },
    reason: (text: string): Check => () => (text.trim() !== "" ? undefined : { _tag: "ReasonRequired", petitionId, command }),
    notSelf: (other: string, field: string): Check => () => (other !== petitionId ? undefined : { _tag: "SelfReference", petitionId, field }),
    notAccused: (ids: ReadonlyArray<string>, accusedUnit = s.accusedUnit): Check => () => {
      // The accused unit's sub-units stand accused with it: a street office's community workstation
      // cannot handle an accusation against the street office.
      const parties = accusedParties(dir, accusedUnit)
      const accused = ids.find((id) => parties.units.has(id))
      return accused === undefined ? undefined : { _tag: "AccusedUnitExcluded", petitionId, unit: accused }
    },
    leadNotCo: (lead: string, coHandlers: ReadonlyArray<string>): Check => () =>
      !coHandlers.includes(lead) ? undefined : { _tag: "LeadCannotBeCoHandler", petitionId, unit: lead }
  }
}

export type Guards = ReturnType<typeof guardsFor>
