import type { ClockEvaluation, ClockSubject } from "../clocks/index.js"
import type { Directory } from "../directory/index.js"
import type { PetitionState } from "../petition/index.js"
import type { ClockFacts, PetitionFacts } from "../rules/index.js"
import type { Instant } from "../shared/instant.js"

/** Ids of a directory path, root first. */
const ids = (nodes: ReadonlyArray<{ readonly id: string }>): ReadonlyArray<string> => nodes.map((n) => n.id)

/** What the clock policies' `appliesWhen` can see of a petition. */
export const clockSubject = (state: PetitionState, directory: Directory): ClockSubject => {
  const channel = state.channel === undefined ? undefined : directory.channel(state.channel)
  return {
    ...(state.channel === undefined ? {} : { channel: state.channel }),
    ...(channel === undefined ? {} : { channelKind: channel.kind }),
    categoryPath: state.category === undefined ? [] : ids(directory.categoryPath(state.category)),
    flags: state.flags,
    persons: state.persons,
    priority: state.priority
  }
}

/** The petition as rules see it (the `petition` fact). */
export const petitionFacts = (state: PetitionState, directory: Directory, now: Instant): PetitionFacts => {
  const channel = state.channel === undefined ? undefined : directory.channel(state.channel)
  const place = state.jurisdiction === undefined ? [] : directory.jurisdictionPath(state.jurisdiction)
  const street = place.find((j) => j.level === "street")?.id
  const community = place.find((j) => j.level === "community")?.id
  const receivedAt = state.receivedAt ?? now
  return {
    id: state.id,
    category: state.category ?? "",
    categoryPath: state.category === undefined ? [] : ids(directory.categoryPath(state.category)),
    channel: state.channel ?? "",
    channelKind: channel?.kind ?? "",
    ...(channel?.kind === "leader_channel" ? { channelLeader: channel.person } : {}),
    jurisdiction: state.jurisdiction ?? "",
    jurisdictionPath: ids(place),
    ...(street === undefined ? {} : { street }),
    ...(community === undefined ? {} : { community }),
    persons: state.persons,
    flags: state.flags,
    tier: state.tier,
    status: state.status,
    priority: state.priority,
    returnCount: state.counters.returns,
    transferCount: state.counters.transfers,
    declineCount: state.counters.declines,
    repeatCount: state.counters.repeats,
    receivedAt,
    age: Math.max(0, now - receivedAt),
    ...(state.firstHandler === undefined ? {} : { firstHandler: state.firstHandler }),
    ...(state.lead === undefined ? {} : { lead: state.lead }),
    coHandlers: state.coHandlers,
    ...(state.accusedUnit === undefined ? {} : { accusedUnit: state.accusedUnit }),
    ...(state.owner === undefined ? {} : { owner: state.owner })
  }
}

/**
 * The clocks as rules see them, by policy name. Where a policy runs one clock per unit (co-handler
 * reports, whistles), the name holds the instance nearest its deadline — the one rules care about.
 */
export const clockFacts = (evaluation: ClockEvaluation): Readonly<Record<string, ClockFacts>> => {
  const byName: Record<string, ClockFacts> = {}
  for (const c of evaluation.clocks) {
    const facts: ClockFacts = {
      state: c.state,
      remaining: c.remainingMs ?? 0,
      elapsed: c.elapsedMs,
      elapsedFraction: c.elapsedFraction,
      ...(c.dueAt === undefined ? {} : { dueAt: c.dueAt }),
      ...(c.breachedAt === undefined ? {} : { breachedAt: c.breachedAt })
    }
    const seen = byName[c.name]
    if (seen === undefined || (facts.dueAt ?? Infinity) < (seen.dueAt ?? Infinity)) byName[c.name] = facts
    if (c.key !== c.name) byName[c.key] = facts
  }
  return byName
}
