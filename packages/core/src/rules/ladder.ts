/** The escalation ladder: who owns a petition escalated to a tier (提级包案). */
import { Result, Schema } from "effect"
import { accusedParties } from "../directory/accused.js"
import type { Directory } from "../directory/directory.js"
import type { OwnerSpec } from "./actions.js"
import type { PetitionFacts } from "./facts.js"
import type { RulePack } from "./pack/load.js"

/** No person can own the petition at this tier: the ladder or the directory has a gap. */
export class OwnerNotFound extends Schema.TaggedError<OwnerNotFound>()("OwnerNotFound", {
  tier: Schema.Number,
  petitionId: Schema.String,
  message: Schema.String
}) {}

export { accusedParties, noAccusedParties } from "../directory/accused.js"
export type { AccusedParties } from "../directory/accused.js"

const missing = (tier: number, petition: PetitionFacts, zh: string, en: string) =>
  Result.fail(new OwnerNotFound({ tier, petitionId: petition.id, message: `无法确定信访件 ${petition.id} 第${tier}级的包案人：${zh}。(No owner for petition ${petition.id} at tier ${tier}: ${en}.)` }))

/** The person an owner rule names for this petition. */
export const resolveOwnerSpec = (
  spec: OwnerSpec,
  tier: number,
  petition: PetitionFacts,
  directory: Directory
): Result.Result<string, OwnerNotFound> => {
  const accused = accusedParties(directory, petition.accusedUnit)
  const free = (person: string) => !accused.persons.has(person)
  const skipped = accused.persons.size === 0 ? { zh: "", en: "" } : { zh: "（已跳过被检举控告方）", en: " (the accused parties were skipped)" }
  switch (spec.kind) {
    case "leadUnitLeader":
    case "unitLeader": {
      const unitId = spec.kind === "unitLeader" ? spec.unit : (petition.lead ?? petition.firstHandler)
      if (unitId === undefined) return missing(tier, petition, "尚未确定牵头单位", "it has no lead unit yet")
      // A leader who stands accused is passed over for the leader of the unit above, as a
      // superior would take the case over.
      let unit = directory.unit(unitId)
      while (unit !== undefined && !free(unit.leader)) unit = unit.parent === undefined ? undefined : directory.unit(unit.parent)
      return unit === undefined
        ? missing(tier, petition, `单位 ${unitId} 没有负责人${skipped.zh}`, `unit ${unitId} has no leader in the directory${skipped.en}`)
        : Result.succeed(unit.leader)
    }
    case "linkedLeader": {
      const node = directory.jurisdictionPath(petition.jurisdiction).find((j) => j.level === spec.level)
      if (node === undefined) return missing(tier, petition, `辖区 ${petition.jurisdiction} 不在任何${spec.level}之下`, `jurisdiction ${petition.jurisdiction} lies in no ${spec.level}`)
      const leaders = node.leaders.flatMap((id) => directory.person(id) ?? [])
      const match = leaders.find((p) => (spec.role === undefined || p.roles.includes(spec.role)) && free(p.id))
      return match === undefined
        ? missing(tier, petition, `${node.id} 没有${spec.role ?? ""}挂点领导${skipped.zh}`, `${node.id} has no linked leader${spec.role === undefined ? "" : ` with role ${spec.role}`}${skipped.en}`)
        : Result.succeed(match.id)
    }
    case "role": {
      const person = directory.peopleWithRole(spec.role, petition.jurisdiction).find((p) => free(p.id))
      return person === undefined
        ? missing(tier, petition, `没有负责 ${petition.jurisdiction} 的 ${spec.role}${skipped.zh}`, `nobody with role ${spec.role} answers for ${petition.jurisdiction}${skipped.en}`)
        : Result.succeed(person.id)
    }
  }
}

/** The owner at `tier` by the pack's ladder: 1 the lead unit's leader, 2 the street's linked deputy, 3 the district head (as the pack says). */
export const resolveOwner = (
  pack: RulePack,
  tier: number,
  petition: PetitionFacts,
  directory: Directory
): Result.Result<string, OwnerNotFound> => {
  const rung = pack.document.ladder.find((r) => r.tier === tier)
  return rung === undefined
    ? missing(tier, petition, `规则包 ${pack.id}@${pack.version} 的提级阶梯没有第${tier}级`, `the ladder of ${pack.id}@${pack.version} has no tier ${tier}`)
    : resolveOwnerSpec(rung.owner, tier, petition, directory)
}
