import type { Directory } from "./directory.js"

/**
 * Who stands accused when a petition accuses `accusedUnit`: the unit, every unit below it, and
 * the people of those units (their leaders among them). None of them may see, own or be told
 * about the petition — an accuser's complaint must never reach the accused.
 */
export interface AccusedParties {
  readonly units: ReadonlySet<string>
  readonly persons: ReadonlySet<string>
}

export const noAccusedParties: AccusedParties = { units: new Set(), persons: new Set() }

export const accusedParties = (directory: Directory, accusedUnit: string | undefined): AccusedParties => {
  if (accusedUnit === undefined) return noAccusedParties
  const units = new Set<string>([accusedUnit])
  // Parents are acyclic (the directory refuses cycles), so growing the set to a fixpoint ends.
  for (let grew = true; grew;) {
    grew = false
    for (const u of directory.data.units) {
      if (u.parent !== undefined && units.has(u.parent) && !units.has(u.id)) {
        units.add(u.id)
        grew = true
      }
    }
  }
  const persons = new Set<string>()
  for (const u of directory.data.units) if (units.has(u.id)) persons.add(u.leader)
  for (const p of directory.data.people) if (units.has(p.unit)) persons.add(p.id)
  return { units, persons }
}
