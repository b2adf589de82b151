import { Schema } from "effect"
import type { Directory, Person, Role } from "../directory/index.js"
import type { PetitionSummary } from "../ports/index.js"
import { accusedParties } from "../rules/ladder.js"

/** Who is looking: a person in the directory. Their unit, roles and jurisdiction decide what they see. */
export interface Viewer {
  readonly person: string
}

/** The viewer is not in the directory, or may not see this petition or identity. */
export class AccessDenied extends Schema.TaggedError<AccessDenied>()("AccessDenied", {
  person: Schema.String,
  petitionId: Schema.optionalKey(Schema.String),
  message: Schema.String
}) {}

/** Roles that may see a petitioner's identity by default: those who must call the petitioner back. */
export const defaultIdentityRoles: ReadonlyArray<Role> = ["dispatcher", "case_handler", "reception_officer"]

/** Roles whose view is a whole jurisdiction subtree (their own, or the nodes they are linked to). */
const jurisdictionRoles: ReadonlyArray<Role> = [
  "district_secretary",
  "district_head",
  "deputy_district_head",
  "street_secretary",
  "street_director",
  "community_secretary",
  "supervisor"
]

/** What a viewer's scope is made of; queries fetch each part and merge. */
export interface Scope {
  readonly person: Person
  readonly all: boolean
  readonly units: ReadonlyArray<string>
  readonly jurisdictions: ReadonlyArray<string>
  /** Does an accusation against this unit accuse the viewer (their unit, a unit above it, or a unit they lead)? */
  readonly accusedBy: (accusedUnit: string) => boolean
}

export const denied = (person: string, zh: string, en: string, petitionId?: string): AccessDenied =>
  new AccessDenied({ person, ...(petitionId === undefined ? {} : { petitionId }), message: `${zh}（${en}）` })

/**
 * A viewer's scope: the dispatch centre sees everything; a unit sees the petitions it is in the
 * chain of; a leader sees their jurisdiction (and the nodes they are linked to), plus — for
 * everyone — the petitions they own, watch or whose leader channel they are bound to.
 */
export const scopeOf = (viewer: Viewer, directory: Directory): Scope | AccessDenied => {
  const person = directory.person(viewer.person)
  if (person === undefined) {
    return denied(viewer.person, `查询人 ${viewer.person} 不在名录中`, `viewer ${viewer.person} is not in the directory`)
  }
  const all = person.unit === directory.dispatchCentre.id
  const leads = person.roles.some((r) => jurisdictionRoles.includes(r))
  const linked = directory.data.jurisdictions.filter((j) => j.leaders.includes(person.id)).map((j) => j.id)
  const own = person.jurisdiction ?? directory.unit(person.unit)?.jurisdiction
  // A query may hold many accusations against few units: each unit's parties are worked out once.
  const verdicts = new Map<string, boolean>()
  const accusedBy = (accusedUnit: string): boolean => {
    let verdict = verdicts.get(accusedUnit)
    if (verdict === undefined) {
      verdict = accusedParties(directory, accusedUnit).persons.has(person.id)
      verdicts.set(accusedUnit, verdict)
    }
    return verdict
  }
  return {
    person,
    all,
    units: [person.unit],
    jurisdictions: leads ? [...new Set([...(own === undefined ? [] : [own]), ...linked])] : [],
    accusedBy
  }
}

/** Can this scope see this petition at all? Never when it accuses the viewer, whatever else links them. */
export const canSee = (scope: Scope, s: PetitionSummary): boolean =>
  (s.accusedUnit === null || !scope.accusedBy(s.accusedUnit)) && (
  scope.all ||
  scope.units.some((u) => s.chainUnits.includes(u)) ||
  scope.jurisdictions.some((j) => s.jurisdictionPath.includes(j)) ||
  s.owner === scope.person.id ||
  s.leaderPerson === scope.person.id ||
  s.watchers.includes(scope.person.id))

/**
 * Can this scope see the petitioner's identity? Only with a role that allows it, only for a
 * petition it can see (which an accused party never can).
 */
export const canSeeIdentity = (scope: Scope, s: PetitionSummary, identityRoles: ReadonlyArray<Role>): boolean =>
  canSee(scope, s) &&
  scope.person.roles.some((r) => identityRoles.includes(r))
