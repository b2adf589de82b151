/**
 * Repeat petitions (重复件): an earlier petition from the same phone, in the same category
 * subtree and community, within the window the pack (or the engine's options) sets. Phones are
 * matched by a keyed hash (HMAC with the deployment's `identityKey`) in an index no query returns.
 */
import { Effect, Option } from "effect"
import type { CommandOf } from "../petition/index.js"
import type { Page, PetitionSummary, StoreError } from "../ports/index.js"
import type { RulePack } from "../rules/index.js"
import type { EngineContext } from "./context.js"
import { communityOf, repeatKey } from "./repeat-index.js"

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

  /**
   * Earlier petitions from the same phone (found through the keyed repeat index), in the same
   * community and category subtree, within the window, newest first.
   */
  const findRepeat = Effect.fnUntraced(function*(command: CommandOf<"Submit">, pack: RulePack) {
    const policy = repeatPolicy(pack)
    const key = options.identityKey === undefined ? null : repeatKey(options.identityKey, command.petitioner)
    const community = communityOf(directory, command.jurisdiction)
    if (key === null || community === undefined) return []
    const subtree = directory.categoryPath(command.category).slice(0, policy.categoryDepth).map((c) => c.id)
    const candidates = yield* queries.repeatCandidates(key, { from: command.at - policy.windowMs, to: command.at })
    const matches: Array<PetitionSummary> = []
    for (const c of candidates) {
      if (c.petitionId === command.petitionId || c.community !== community || !subtree.every((id, i) => c.categoryPath[i] === id)) continue
      // The status (merged or not) changes after intake, so it comes from the read model.
      const summary = yield* queries.get(c.petitionId)
      if (Option.isSome(summary)) matches.push(summary.value)
    }
    return matches
  })

  return { repeatPolicy, findRepeat }
}
