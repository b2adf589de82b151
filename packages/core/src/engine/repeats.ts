/**
 * Repeat petitions (重复件): an earlier petition from the same phone, in the same category
 * subtree and community, within the window the pack (or the engine's options) sets.
 */
import { Effect } from "effect"
import type { CommandOf } from "../petition/index.js"
import type { Page, PetitionSummary, StoreError } from "../ports/index.js"
import type { RulePack } from "../rules/index.js"
import type { EngineContext } from "./context.js"
import { phoneHash } from "./summary.js"

/**
 * The first `limit` items of a paged source that `keep` accepts, following its cursors from
 * `after`: a filter applied to one page only would drop what matches on later pages.
 */
export const firstMatching = Effect.fnUntraced(function*(
  source: (after: string | undefined) => Effect.Effect<Page<PetitionSummary>, StoreError>,
  after: string | undefined,
  keep: (s: PetitionSummary) => boolean,
  limit: number
) {
  const out: Array<PetitionSummary> = []
  let cursor = after
  while (out.length < limit) {
    const page = yield* source(cursor)
    for (const s of page.items) if (out.length < limit && keep(s)) out.push(s)
    if (page.next === null) break
    cursor = page.next
  }
  return out
})

export const makeRepeats = (ctx: EngineContext) => {
  const { directory, options, queries } = ctx

  /** Repeat petitions (重复件): the same phone, category subtree and community, within the window. */
  const repeatPolicy = (pack: RulePack) => {
    const fromPack = pack.document.repeats
    return fromPack !== undefined
      ? { windowMs: fromPack.window.days * 86_400_000 + fromPack.window.ms, categoryDepth: fromPack.categoryDepth, merge: fromPack.merge }
      : (options.repeats ?? { windowMs: 30 * 86_400_000, categoryDepth: 2, merge: false })
  }

  const findRepeat = Effect.fnUntraced(function*(command: CommandOf<"Submit">, pack: RulePack) {
    const policy = repeatPolicy(pack)
    const hash = phoneHash(directory, command.petitioner)
    if (hash === null) return []
    const place = directory.jurisdictionPath(command.jurisdiction)
    const community = place.find((j) => j.level === "community") ?? place[place.length - 1]
    if (community === undefined) return []
    const subtree = directory.categoryPath(command.category).slice(0, policy.categoryDepth).map((c) => c.id)
    // Every page: a busy community holds more petitions than one page, in id order, not by age.
    const matches = yield* firstMatching(
      (after) => queries.byJurisdiction(community.id, { limit: 10_000, ...(after === undefined ? {} : { after }) }),
      undefined,
      (s) =>
        s.petitionId !== command.petitionId &&
        (s.data as { phoneHash?: unknown }).phoneHash === hash &&
        subtree.every((c, i) => s.categoryPath[i] === c) &&
        command.at - s.receivedAt <= policy.windowMs &&
        s.receivedAt <= command.at,
      Number.POSITIVE_INFINITY
    )
    return matches.sort((a, b) => b.receivedAt - a.receivedAt)
  })

  return { repeatPolicy, findRepeat }
}
