/** What the checks of one pack share: the raw document, the names it declares, and the problems found so far. */
import type { Directory } from "../../directory/directory.js"
import type { PluginSet } from "../plugin-set.js"
import { didYouMean } from "../suggest.js"
import type { PackProblem } from "./messages.js"
import { kindZh, say } from "./messages.js"

export type IdKind = "category" | "jurisdiction" | "unit" | "person" | "channel"

export interface Context {
  readonly root: unknown
  readonly problems: Array<PackProblem>
  readonly warnings: Array<PackProblem>
  readonly clockNames: ReadonlySet<string>
  readonly sharedNames: ReadonlySet<string>
  readonly templates: ReadonlySet<string>
  /** Templates some notify names, to warn about the ones nothing sends. */
  readonly usedTemplates: Set<string>
  readonly tiers: ReadonlySet<number>
  readonly hasWhistleDefault: boolean
  readonly ids: Readonly<Record<IdKind, ReadonlySet<string>>> | undefined
  /** The plugins the pack lists in "plugins" and was given: what its rules may use. */
  readonly plugins: PluginSet
  /** Every plugin given to the load, listed or not: to say which one provides an unknown name. */
  readonly given: PluginSet
  /** Plugins the pack lists that were not given, or not in a version its range allows. */
  readonly missingPlugins: ReadonlyArray<string>
}

export const idSets = (d: Directory): Readonly<Record<IdKind, ReadonlySet<string>>> => ({
  category: new Set(d.data.categories.nodes.map((x) => x.id)),
  jurisdiction: new Set(d.data.jurisdictions.map((x) => x.id)),
  unit: new Set(d.data.units.map((x) => x.id)),
  person: new Set(d.data.people.map((x) => x.id)),
  channel: new Set(d.data.channels.map((x) => x.id))
})

/** With a directory, an id the pack names must be in it. */
export const checkId = (ctx: Context, kind: IdKind, id: unknown, path: string): void => {
  if (ctx.ids === undefined || typeof id !== "string") return
  const known = ctx.ids[kind]
  if (!known.has(id)) ctx.problems.push({ path, ...say(`机构目录中没有${kindZh[kind]} "${id}"${didYouMean(id, known, "zh-CN")}`, `no ${kind} "${id}" in the directory${didYouMean(id, known)}`) })
}

export const checkIds = (ctx: Context, kind: IdKind, value: unknown, path: string): void => {
  if (Array.isArray(value)) value.forEach((v, i) => checkId(ctx, kind, v, `${path}/${i}`))
  else checkId(ctx, kind, value, path)
}
