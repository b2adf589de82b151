/**
 * The scopes a petition's report counters are kept under (everything, its places, its units, its
 * channel, its categories, the viewer signatures that see it), and the scopes one `MetricsScope`
 * reads. Shared by the writer (`deltas.ts`) and the reader (`read-model.ts`).
 */
import type { Directory } from "../directory/index.js"
import { scopeOf } from "../engine/viewer.js"
import type { PetitionState } from "../petition/index.js"
import type { MetricsScope } from "./figures.js"

const chainOf = (s: PetitionState): ReadonlyArray<string> => [
  ...new Set([
    ...(s.firstHandler === undefined ? [] : [s.firstHandler]),
    ...(s.lead === undefined ? [] : [s.lead]),
    ...s.coHandlers,
    ...Object.values(s.whistles).flatMap((w) => w.summoned)
  ])
]

/**
 * A viewer's scope without the person: the counters of everyone with the same unit and
 * jurisdictions are the same, so they are kept once per signature rather than once per person.
 */
interface Signature {
  readonly key: string
  readonly unit: string
  readonly jurisdictions: ReadonlyArray<string>
}

const signatureKey = (unit: string, jurisdictions: ReadonlyArray<string>): string => `v:${unit}|${[...jurisdictions].sort().join(",")}`

interface Signatures {
  readonly byPerson: ReadonlyMap<string, Signature | "all">
  /** The signatures whose unit is this one, and those whose jurisdictions include this node: a petition's are found from its chain and place. */
  readonly byUnit: ReadonlyMap<string, ReadonlyArray<Signature>>
  readonly byJurisdiction: ReadonlyMap<string, ReadonlyArray<Signature>>
}

const signatureCache = new WeakMap<Directory, Signatures>()

const push = <A>(map: Map<string, Array<A>>, key: string, value: A): void => {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
}

const signaturesOf = (directory: Directory): Signatures => {
  let cached = signatureCache.get(directory)
  if (cached === undefined) {
    const byPerson = new Map<string, Signature | "all">()
    const all = new Map<string, Signature>()
    const byUnit = new Map<string, Array<Signature>>()
    const byJurisdiction = new Map<string, Array<Signature>>()
    for (const p of directory.data.people) {
      const scope = scopeOf({ person: p.id }, directory)
      if (!("all" in scope)) continue
      if (scope.all) {
        byPerson.set(p.id, "all")
        continue
      }
      const key = signatureKey(p.unit, scope.jurisdictions)
      const signature = all.get(key) ?? { key, unit: p.unit, jurisdictions: scope.jurisdictions }
      all.set(key, signature)
      byPerson.set(p.id, signature)
    }
    for (const sig of all.values()) {
      push(byUnit, sig.unit, sig)
      for (const j of sig.jurisdictions) push(byJurisdiction, j, sig)
    }
    cached = { byPerson, byUnit, byJurisdiction }
    signatureCache.set(directory, cached)
  }
  return cached
}

/**
 * The scopes a petition's counters are kept under, as it stands: everything, each jurisdiction
 * node above it, each unit in its chain, its channel, each category node above it, each viewer
 * signature that sees it, and — for people who see it only because they own, watch or lead its
 * channel — `x:<person>`, kept apart so a viewer's figures are the sum of two disjoint scopes.
 */
export const scopesOf = (s: PetitionState, directory: Directory): ReadonlyArray<string> => {
  const place = s.jurisdiction === undefined ? [] : directory.jurisdictionPath(s.jurisdiction).map((j) => j.id)
  const chain = chainOf(s)
  const covers = (sig: Signature) => chain.includes(sig.unit) || sig.jurisdictions.some((j) => place.includes(j))
  const signatures = signaturesOf(directory)
  const out = ["all", ...place.map((j) => `j:${j}`), ...chain.map((u) => `u:${u}`)]
  if (s.channel !== undefined) out.push(`c:${s.channel}`)
  if (s.category !== undefined) for (const c of directory.categoryPath(s.category)) out.push(`k:${c.id}`)
  const seen = new Set<string>()
  for (const id of chain) for (const sig of signatures.byUnit.get(id) ?? []) seen.add(sig.key)
  for (const id of place) for (const sig of signatures.byJurisdiction.get(id) ?? []) seen.add(sig.key)
  out.push(...seen)
  const channel = s.channel === undefined ? undefined : directory.channel(s.channel)
  const linked = new Set([
    ...(s.owner === undefined ? [] : [s.owner]),
    ...(channel?.kind === "leader_channel" ? [channel.person] : []),
    ...s.watchers
  ])
  for (const person of linked) {
    const sig = signatures.byPerson.get(person)
    if (sig !== "all" && (sig === undefined || !covers(sig))) out.push(`x:${person}`)
  }
  return out
}

/**
 * The scopes whose counters make up one `MetricsScope`; disjoint, so their sums add up.
 * Undefined for a viewer not in the directory (who sees nothing).
 */
export const metricScopeKeys = (scope: MetricsScope, directory: Directory): ReadonlyArray<string> | undefined => {
  switch (scope._tag) {
    case "All":
      return ["all"]
    case "Jurisdiction":
      return [`j:${scope.id}`]
    case "Unit":
      return [`u:${scope.id}`]
    case "Channel":
      return [`c:${scope.id}`]
    case "Category":
      return [`k:${scope.id}`]
    case "Viewer": {
      const sig = signaturesOf(directory).byPerson.get(scope.person)
      if (sig === undefined) return directory.person(scope.person) === undefined ? undefined : [`x:${scope.person}`]
      return sig === "all" ? ["all"] : [sig.key, `x:${scope.person}`]
    }
  }
}
