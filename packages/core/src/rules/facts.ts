/**
 * The facts minyi gives every rule: `petition`, `clocks`, `trigger` and `now` — what they are,
 * which names and fields a rule may use, and how they are built from a petition's state and its
 * clock evaluation (the engine and the simulator both build them here). Rules read them with
 * `fact` + `path`.
 */
import { Schema } from "effect"
import type { ClockEvaluation, ClockState, ClockSubject } from "../clocks/evaluate.js"
import type { Directory } from "../directory/directory.js"
import type { ChannelKind } from "../directory/schema.js"
import { Priority } from "../petition/schema.js"
import type { PetitionState, PetitionStatus } from "../petition/state.js"
import type { Instant } from "../shared/instant.js"
import { InstantFromString } from "../shared/instant.js"

/** What rules can know about a petition. Durations are milliseconds, instants epoch milliseconds. */
export interface PetitionFacts {
  readonly id: string
  readonly category: string
  /** The category and its ancestors, root first — what `categoryWithin` looks in. */
  readonly categoryPath: ReadonlyArray<string>
  readonly channel: string
  /** hotline, web, wechat, letter, walk_in, field_stall, leader… */
  readonly channelKind: string
  /** The leader a leader channel is bound to (主官在线), if any. */
  readonly channelLeader?: string
  readonly jurisdiction: string
  /** The jurisdiction and its ancestors, root first — what `jurisdictionWithin` looks in. */
  readonly jurisdictionPath: ReadonlyArray<string>
  readonly street?: string
  readonly community?: string
  readonly persons: number
  readonly flags: ReadonlyArray<string>
  /** 0 while not escalated, else the escalation tier (1–3). */
  readonly tier: number
  readonly status: string
  readonly priority: string
  readonly returnCount: number
  readonly transferCount: number
  readonly declineCount: number
  readonly repeatCount: number
  readonly receivedAt: Instant
  /** Time since it was received, in milliseconds. */
  readonly age: number
  readonly firstHandler?: string
  readonly lead?: string
  readonly coHandlers: ReadonlyArray<string>
  readonly accusedUnit?: string
  readonly owner?: string
}

/** One SLA clock as rules see it. */
export interface ClockFacts {
  /** pending, running, paused, met or breached (as the clocks module reports it) */
  readonly state: string
  readonly remaining: number
  readonly elapsed: number
  /** elapsed / allowed; 1 means the deadline is reached. */
  readonly elapsedFraction: number
  readonly dueAt?: Instant
  readonly breachedAt?: Instant
  /** The unit the clock runs against or is charged to. */
  readonly unit?: string
}

/**
 * What caused this evaluation: a petition event (`type` is its `_tag`, with its payload) or a
 * timer (`ClockWarned`/`ClockBreached` with `clock`). `key` identifies this occurrence so that
 * an action fires at most once per (rule, petition, trigger).
 */
export interface TriggerFacts {
  readonly type: string
  readonly key: string
  readonly [field: string]: unknown
}

export interface RuleFacts {
  readonly petition: PetitionFacts
  readonly clocks: Readonly<Record<string, ClockFacts>>
  readonly trigger: TriggerFacts
  readonly now: Instant
}

/** The fact names a rule may use, and the fields under each, for validation and completion. */
export const factCatalogue: Readonly<Record<string, ReadonlyArray<string> | "clocks" | "scalar">> = {
  petition: [
    "id", "category", "categoryPath", "channel", "channelKind", "channelLeader", "jurisdiction", "jurisdictionPath",
    "street", "community", "persons", "flags", "tier", "status", "priority", "returnCount", "transferCount",
    "declineCount", "repeatCount", "receivedAt", "age", "firstHandler", "lead", "coHandlers", "accusedUnit", "owner"
  ],
  clocks: "clocks",
  trigger: "scalar",
  now: "scalar"
}

export const clockFields: ReadonlyArray<string> = ["state", "remaining", "elapsed", "elapsedFraction", "dueAt", "breachedAt", "unit"]

// Records keyed by the union, so that a value added to it must be added here too.
const statuses: Record<PetitionStatus, true> = {
  received: true, dispatched: true, in_progress: true, suspended: true, resolved: true, closed: true, declined: true, merged: true
}
const clockStates: Record<ClockState, true> = { pending: true, running: true, paused: true, met: true, breached: true }
const channelKinds: Record<ChannelKind, true> = {
  hotline: true, web: true, wechat_qr: true, letter: true, walk_in: true, field_stall: true, leader_channel: true, proactive: true
}

/**
 * The values a fact field can take where they are a fixed set: a comparison with any other value
 * could never hold, so validation names the mistake. Keyed by fact, then field.
 */
export const fixedValues: Readonly<Record<"petition" | "clocks", Readonly<Record<string, ReadonlyArray<string>>>>> = {
  petition: { status: Object.keys(statuses), priority: Priority.literals, channelKind: Object.keys(channelKinds) },
  clocks: { state: Object.keys(clockStates) }
}
// The cast: the lists are the keys of the records above, never empty, which a ReadonlyArray cannot say.
const oneOf = (values: ReadonlyArray<string>) => Schema.Literals(values as [string, ...Array<string>])

/**
 * The trigger for a petition event (`{ _tag, petitionId, at, ... }`). Its key tells occurrences
 * apart: a clock warning or breach by clock, threshold and due instant (so the timer firing and
 * the recorded event agree, see `triggerFromTimer`); any other event by its stream version, or
 * its instant when it is not sealed yet.
 */
export const triggerFromEvent = (event: { readonly _tag: string; readonly at: Instant; readonly [k: string]: unknown }): TriggerFacts => {
  const { _tag, petitionId: _p, actor: _a, rule: _r, prevHash: _ph, hash: _h, ...payload } = event
  const key =
    _tag === "ClockWarned" || _tag === "ClockBreached"
      ? clockKey(_tag, String(payload["clock"]), payload["dueAt"], payload["threshold"])
      : `${_tag};${payload["version"] !== undefined ? `version=${String(payload["version"])}` : `at=${event.at}`}`
  return { ...payload, type: _tag, key }
}

const clockKey = (kind: string, clock: string, dueAt: unknown, threshold: unknown): string =>
  `${kind};clock=${clock};dueAt=${String(dueAt)}` + (threshold === undefined ? "" : `;threshold=${String(threshold)}`)

/** A timer firing for a clock, before the engine has recorded it as an event. */
export const triggerFromTimer = (
  kind: "ClockWarned" | "ClockBreached",
  clock: string,
  dueAt: Instant,
  threshold?: number
): TriggerFacts => ({
  type: kind,
  clock,
  dueAt,
  ...(threshold === undefined ? {} : { threshold }),
  key: clockKey(kind, clock, dueAt, threshold)
})

const Ids = Schema.Array(Schema.String)
const Count = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

/** Petition facts as JSON (instants as ISO 8601 with an offset), e.g. for `minyi rules explain`. */
export const PetitionFactsJson = Schema.Struct({
  id: Schema.String,
  category: Schema.String,
  categoryPath: Ids,
  channel: Schema.String,
  channelKind: oneOf(fixedValues.petition.channelKind!),
  channelLeader: Schema.optionalKey(Schema.String),
  jurisdiction: Schema.String,
  jurisdictionPath: Ids,
  street: Schema.optionalKey(Schema.String),
  community: Schema.optionalKey(Schema.String),
  persons: Count,
  flags: Ids,
  tier: Count,
  status: oneOf(fixedValues.petition.status!),
  priority: Priority,
  returnCount: Count,
  transferCount: Count,
  declineCount: Count,
  repeatCount: Count,
  receivedAt: InstantFromString,
  age: Schema.Number,
  firstHandler: Schema.optionalKey(Schema.String),
  lead: Schema.optionalKey(Schema.String),
  coHandlers: Ids,
  accusedUnit: Schema.optionalKey(Schema.String),
  owner: Schema.optionalKey(Schema.String)
})

export const ClockFactsJson = Schema.Struct({
  state: oneOf(fixedValues.clocks.state!),
  remaining: Schema.Number,
  elapsed: Schema.Number,
  elapsedFraction: Schema.Number,
  dueAt: Schema.optionalKey(InstantFromString),
  breachedAt: Schema.optionalKey(InstantFromString),
  unit: Schema.optionalKey(Schema.String)
})

/** All the facts of one evaluation as JSON: `{ petition, clocks, trigger, now }`. */
export const RuleFactsJson = Schema.Struct({
  petition: PetitionFactsJson,
  clocks: Schema.Record(Schema.String, ClockFactsJson),
  trigger: Schema.StructWithRest(Schema.Struct({ type: Schema.String, key: Schema.String }), [Schema.Record(Schema.String, Schema.Unknown)]),
  now: InstantFromString
})

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
 * reports, whistles), the name holds the instance nearest its deadline — the one rules care about —
 * with its `unit`; a rule written against the name matches every unit's instance.
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
      ...(c.breachedAt === undefined ? {} : { breachedAt: c.breachedAt }),
      ...(c.unit === undefined ? {} : { unit: c.unit })
    }
    const seen = byName[c.name]
    if (seen === undefined || (facts.dueAt ?? Infinity) < (seen.dueAt ?? Infinity)) byName[c.name] = facts
  }
  return byName
}
