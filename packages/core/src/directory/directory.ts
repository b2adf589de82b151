import { Result } from "effect"
import type { InputProblem, InvalidInput } from "../shared/validation.js"
import { decodeInput, invalidInput } from "../shared/validation.js"
import type { Category, Channel, DirectoryData, Jurisdiction, Person, Role, Unit } from "./schema.js"
import { DirectoryData as DirectoryDataSchema } from "./schema.js"

/** A validated directory with the lookups the other modules need. */
export interface Directory {
  readonly data: DirectoryData
  readonly unit: (id: string) => Unit | undefined
  readonly person: (id: string) => Person | undefined
  /**
   * People holding `role`. With a `scope` (a jurisdiction id), only those whose jurisdiction
   * covers it — the node itself or one of its ancestors — i.e. who answers for that place.
   */
  readonly peopleWithRole: (role: Role, scope?: string) => ReadonlyArray<Person>
  readonly jurisdiction: (id: string) => Jurisdiction | undefined
  /** The node and its ancestors, root first: district → street → community → grid. Empty if unknown. */
  readonly jurisdictionPath: (id: string) => ReadonlyArray<Jurisdiction>
  /** Leaders linked to the node, walking up to the nearest ancestor that names some. */
  readonly linkedLeaders: (jurisdictionId: string) => ReadonlyArray<Person>
  readonly isJurisdictionWithin: (id: string, ancestorId: string) => boolean
  readonly category: (id: string) => Category | undefined
  /** The category and its ancestors, root first. Empty if unknown. */
  readonly categoryPath: (id: string) => ReadonlyArray<Category>
  readonly isWithin: (categoryId: string, ancestorId: string) => boolean
  readonly channel: (id: string) => Channel | undefined
  /** The unit of kind `dispatch_centre` (统一分拨). */
  readonly dispatchCentre: Unit
}

const indexBy = <A extends { readonly id: string }>(items: ReadonlyArray<A>): ReadonlyMap<string, A> =>
  new Map(items.map((a) => [a.id, a]))

const pathOf = <A extends { readonly id: string; readonly parent?: string }>(
  index: ReadonlyMap<string, A>,
  id: string
): ReadonlyArray<A> => {
  const path: Array<A> = []
  const seen = new Set<string>()
  let node = index.get(id)
  while (node !== undefined && !seen.has(node.id)) {
    seen.add(node.id)
    path.unshift(node)
    node = node.parent === undefined ? undefined : index.get(node.parent)
  }
  return path
}

const levelRank = { district: 0, street: 1, community: 2, grid: 3 } as const
const servesLevel: Partial<Record<Unit["kind"], Jurisdiction["level"]>> = { street_office: "street", community: "community" }

/** Referential checks the schema cannot express: duplicates, dangling references, cycles, tree shape. */
const referentialProblems = (d: DirectoryData): Array<InputProblem> => {
  const problems: Array<InputProblem> = []
  const ids = (collection: string, items: ReadonlyArray<{ readonly id: string }>): ReadonlySet<string> => {
    const first = new Map<string, number>()
    items.forEach((item, i) => {
      const at = first.get(item.id)
      if (at === undefined) first.set(item.id, i)
      else problems.push({ path: `/${collection}/${i}/id`, message: `duplicate id "${item.id}" (first used at /${collection}/${at})` })
    })
    return new Set(first.keys())
  }
  const units = ids("units", d.units)
  const people = ids("people", d.people)
  const jurisdictions = ids("jurisdictions", d.jurisdictions)
  const categories = ids("categories/nodes", d.categories.nodes)
  ids("channels", d.channels)

  const ref = (path: string, id: string | undefined, known: ReadonlySet<string>, what: string) => {
    if (id !== undefined && !known.has(id)) problems.push({ path, message: `dangling reference: no ${what} with id "${id}"` })
  }
  const pIndex = indexBy(d.people)
  const jIndex = indexBy(d.jurisdictions)
  d.units.forEach((u, i) => {
    // A street office answers for a street, a community workstation for a community: scopes and
    // linked leaders are looked up from there.
    const level = servesLevel[u.kind]
    const served = jIndex.get(u.jurisdiction)
    if (level !== undefined && served !== undefined && served.level !== level) {
      problems.push({ path: `/units/${i}/jurisdiction`, message: `a ${u.kind} serves a ${level}, but "${served.id}" is a ${served.level}` })
    }
    ref(`/units/${i}/leader`, u.leader, people, "person")
    // Escalation's first rung is the lead unit's leader: one from elsewhere would own the wrong cases.
    const leader = pIndex.get(u.leader)
    if (leader !== undefined && leader.unit !== u.id) {
      problems.push({ path: `/units/${i}/leader`, message: `the leader "${leader.id}" works in unit "${leader.unit}", not in "${u.id}"` })
    }
    ref(`/units/${i}/jurisdiction`, u.jurisdiction, jurisdictions, "jurisdiction")
    ref(`/units/${i}/parent`, u.parent, units, "unit")
  })
  d.people.forEach((p, i) => {
    ref(`/people/${i}/unit`, p.unit, units, "unit")
    ref(`/people/${i}/jurisdiction`, p.jurisdiction, jurisdictions, "jurisdiction")
  })
  d.jurisdictions.forEach((j, i) => {
    ref(`/jurisdictions/${i}/parent`, j.parent, jurisdictions, "jurisdiction")
    j.leaders.forEach((l, k) => ref(`/jurisdictions/${i}/leaders/${k}`, l, people, "person"))
    if (j.parent === undefined) {
      if (j.level !== "district") problems.push({ path: `/jurisdictions/${i}/parent`, message: `a ${j.level} needs a parent jurisdiction (only a district is a root)` })
    } else {
      const parent = jIndex.get(j.parent)
      if (parent !== undefined && levelRank[parent.level] + 1 !== levelRank[j.level]) {
        problems.push({ path: `/jurisdictions/${i}/parent`, message: `a ${j.level} must sit directly under the level above it, not under the ${parent.level} "${parent.id}"` })
      }
    }
  })
  d.categories.nodes.forEach((c, i) => ref(`/categories/nodes/${i}/parent`, c.parent, categories, "category"))
  d.channels.forEach((c, i) => {
    ref(`/channels/${i}/unit`, c.unit, units, "unit")
    if (c.kind === "leader_channel") ref(`/channels/${i}/person`, c.person, people, "person")
  })

  const cycles = (collection: string, items: ReadonlyArray<{ readonly id: string; readonly parent?: string }>) => {
    const index = indexBy(items)
    const reported = new Set<string>()
    items.forEach((item, i) => {
      const chain: Array<string> = [item.id]
      let next = item.parent
      while (next !== undefined && index.has(next)) {
        if (next === item.id) {
          if (!chain.some((id) => reported.has(id))) {
            chain.forEach((id) => reported.add(id))
            problems.push({ path: `/${collection}/${i}/parent`, message: `cycle in parents: ${[...chain, next].join(" → ")}` })
          }
          return
        }
        if (chain.includes(next)) return
        chain.push(next)
        next = index.get(next)?.parent
      }
    })
  }
  cycles("units", d.units)
  cycles("jurisdictions", d.jurisdictions)
  cycles("categories/nodes", d.categories.nodes)

  // One district is the root every path, scope and linked-leader walk ends at.
  const districts = d.jurisdictions.flatMap((j, i) => (j.level === "district" ? [i] : []))
  if (districts.length === 0) problems.push({ path: "/jurisdictions", message: "expected exactly one jurisdiction of level \"district\" (the root), found none" })
  districts.slice(1).forEach((i) =>
    problems.push({ path: `/jurisdictions/${i}/level`, message: `expected exactly one jurisdiction of level "district" (the root; first at /jurisdictions/${districts[0]})` })
  )

  const centres = d.units.flatMap((u, i) => (u.kind === "dispatch_centre" ? [i] : []))
  if (centres.length === 0) problems.push({ path: "/units", message: "expected exactly one unit of kind \"dispatch_centre\", found none" })
  centres.slice(1).forEach((i) =>
    problems.push({ path: `/units/${i}/kind`, message: `expected exactly one unit of kind "dispatch_centre" (first at /units/${centres[0]})` })
  )
  return problems
}

const makeDirectory = (data: DirectoryData, dispatchCentre: Unit): Directory => {
  const units = indexBy(data.units)
  const people = indexBy(data.people)
  const jurisdictions = indexBy(data.jurisdictions)
  const categories = indexBy(data.categories.nodes)
  const channels = indexBy(data.channels)
  const jurisdictionPath = (id: string) => pathOf(jurisdictions, id)
  const categoryPath = (id: string) => pathOf(categories, id)
  const isJurisdictionWithin = (id: string, ancestorId: string) => jurisdictionPath(id).some((j) => j.id === ancestorId)
  const scopeOf = (p: Person) => p.jurisdiction ?? units.get(p.unit)?.jurisdiction
  return {
    data,
    unit: (id) => units.get(id),
    person: (id) => people.get(id),
    peopleWithRole: (role, scope) =>
      data.people.filter((p) => {
        if (!p.roles.includes(role)) return false
        if (scope === undefined) return true
        const own = scopeOf(p)
        return own !== undefined && isJurisdictionWithin(scope, own)
      }),
    jurisdiction: (id) => jurisdictions.get(id),
    jurisdictionPath,
    linkedLeaders: (id) => {
      const path = jurisdictionPath(id)
      for (let i = path.length - 1; i >= 0; i--) {
        const leaders = path[i]!.leaders.flatMap((l) => people.get(l) ?? [])
        if (leaders.length > 0) return leaders
      }
      return []
    },
    isJurisdictionWithin,
    category: (id) => categories.get(id),
    categoryPath,
    isWithin: (categoryId, ancestorId) => categoryPath(categoryId).some((c) => c.id === ancestorId),
    channel: (id) => channels.get(id),
    dispatchCentre
  }
}

const decodeDirectory = decodeInput(DirectoryDataSchema, "directory")

/**
 * Loads a directory from JSON-shaped input. Shape errors and referential problems (dangling
 * reference, cycle, duplicate id, misplaced tree level, not exactly one district, a unit led from
 * another unit, missing dispatch centre) are all reported at once, each with its JSON path.
 */
export const loadDirectory = (input: unknown): Result.Result<Directory, InvalidInput> =>
  Result.flatMap(decodeDirectory(input), (data) => {
    const problems = referentialProblems(data)
    const centre = data.units.find((u) => u.kind === "dispatch_centre")
    return problems.length > 0 || centre === undefined
      ? Result.fail(invalidInput("directory", problems))
      : Result.succeed(makeDirectory(data, centre))
  })
