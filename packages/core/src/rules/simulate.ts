/**
 * What a new pack version would have done to past petitions: replay each history under both
 * versions and report where routing, clocks or escalation come out differently.
 */
import { Result } from "effect"
import { makeCalendars } from "../calendar/calendar.js"
import type { ClockEvaluation } from "../clocks/evaluate.js"
import { evaluateClocks } from "../clocks/evaluate.js"
import type { Directory } from "../directory/directory.js"
import type { PetitionEvent } from "../petition/schema.js"
import type { PetitionState } from "../petition/state.js"
import { evolve, initialState } from "../petition/state.js"
import type { Instant } from "../shared/instant.js"
import type { RuleAction } from "./actions-eval.js"
import { escalate, route } from "./actions-eval.js"
import type { RuleFacts, TriggerFacts } from "./facts.js"
import { clockFacts, clockSubject, petitionFacts, triggerFromEvent, triggerFromTimer } from "./facts.js"
import type { RulePack } from "./pack/load.js"

export interface SimulationInput {
  readonly before: RulePack
  readonly after: RulePack
  /** Past petitions, each its events in order (as stored). */
  readonly histories: ReadonlyArray<ReadonlyArray<PetitionEvent>>
  readonly directory: Directory
  /** When to read the clocks; by default each petition's last event. */
  readonly at?: Instant
}

export interface RouteSummary {
  readonly lead: string
  readonly coHandlers: ReadonlyArray<string>
  readonly whistle?: ReadonlyArray<string>
  readonly ruleId?: string
}

export interface ClockSummary {
  readonly state: string
  readonly dueAt?: Instant
  readonly breachedAt?: Instant
}

/** An action without its dedupe key: what it does and which rule asked for it. */
export interface ActionSummary {
  readonly ruleId: string
  readonly type: RuleAction["type"]
  readonly detail: string
}

export interface PetitionDifference {
  readonly petitionId: string
  readonly routing?: { readonly before: RouteSummary; readonly after: RouteSummary }
  readonly clocks: ReadonlyArray<{ readonly clock: string; readonly before?: ClockSummary; readonly after?: ClockSummary }>
  readonly escalation: ReadonlyArray<{
    readonly trigger: string
    readonly onlyBefore: ReadonlyArray<ActionSummary>
    readonly onlyAfter: ReadonlyArray<ActionSummary>
  }>
  /** Things that could not be evaluated (a clock whose calendar has no data for the year, an escalation with no owner…). */
  readonly problems: ReadonlyArray<string>
}

export interface SimulationReport {
  readonly petitions: number
  readonly routedDifferently: number
  readonly clockedDifferently: number
  readonly escalatedDifferently: number
  /** Only the petitions with some difference. */
  readonly differences: ReadonlyArray<PetitionDifference>
}

interface Side {
  readonly pack: RulePack
  readonly calendars: ReturnType<typeof makeCalendars>
}

const clocksAt = (side: Side, state: PetitionState, events: ReadonlyArray<PetitionEvent>, directory: Directory, now: Instant) =>
  evaluateClocks({ events, subject: clockSubject(state, directory), policies: side.pack.document.clocks, calendars: side.calendars, now })

const routeSummary = (side: Side, facts: RuleFacts, directory: Directory): RouteSummary => {
  const d = route(side.pack, facts, directory)
  return {
    lead: d.lead,
    coHandlers: d.coHandlers,
    ...(d.whistle === undefined ? {} : { whistle: d.whistle.summon }),
    ...(d.provenance === undefined ? {} : { ruleId: d.provenance.ruleId })
  }
}

const summarise = (a: RuleAction): ActionSummary => {
  const { key: _key, provenance, type, ...detail } = a
  return { ruleId: provenance.ruleId, type, detail: JSON.stringify(detail) }
}

const sameRoute = (a: RouteSummary, b: RouteSummary): boolean =>
  a.lead === b.lead && a.coHandlers.join() === b.coHandlers.join() && (a.whistle ?? []).join() === (b.whistle ?? []).join()

const clockSummary = (evaluation: ClockEvaluation): ReadonlyMap<string, ClockSummary> =>
  new Map(
    evaluation.clocks.map((c) => [
      c.key,
      { state: c.state, ...(c.dueAt === undefined ? {} : { dueAt: c.dueAt }), ...(c.breachedAt === undefined ? {} : { breachedAt: c.breachedAt }) }
    ])
  )

/** Compares by what the action does; which rule asked may differ when rules are renamed. */
const difference = (a: ReadonlyArray<ActionSummary>, b: ReadonlyArray<ActionSummary>): Array<ActionSummary> => {
  const remaining = b.map((x) => `${x.type}${x.detail}`)
  return a.filter((x) => {
    const i = remaining.indexOf(`${x.type}${x.detail}`)
    if (i === -1) return true
    remaining.splice(i, 1)
    return false
  })
}

/**
 * One trigger as a side judges it: the instant it fired and how much of the history it sees.
 * `upTo` is the index of the last event before the events the trigger caused, so a rule sees the
 * petition as the engine did when it evaluated that trigger, not after its own consequences.
 */
interface Judged {
  readonly trigger: TriggerFacts
  readonly at: Instant
  readonly upTo: number
}

/**
 * Clock warnings and breaches paired across the versions by kind, clock and threshold, in the order
 * they fell due: a new limit moves a breach's due instant, and so its key, but it is still the same
 * breach — its rules' actions compare with the old ones, not show up as removed and added.
 */
/** A clock trigger's key without its due instant: which clock, kind and threshold. */
const withoutDue = (key: string): string => key.replace(/;dueAt=[^;]*/, "")

const paired = (judged: ReadonlyMap<string, Judged>): Map<string, Judged> => {
  const out = new Map<string, Judged>()
  const seen = new Map<string, number>()
  for (const j of [...judged.values()].sort((x, y) => x.at - y.at)) {
    const base = withoutDue(j.trigger.key)
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    out.set(`${base}#${n}`, j)
  }
  return out
}

const simulateOne = (before: Side, after: Side, history: ReadonlyArray<PetitionEvent>, directory: Directory, at: Instant | undefined): PetitionDifference | undefined => {
  const first = history[0]
  if (first === undefined) return undefined
  const problems: Array<string> = []
  const states: Array<PetitionState> = []
  let state = initialState(first.petitionId)
  for (const e of history) states.push((state = evolve(state, e)))
  /** The index of the last event at or before the instant (-1 when none). */
  const indexAt = (instant: Instant): number => {
    let i = history.length - 1
    while (i >= 0 && history[i]!.at > instant) i--
    return i
  }
  const prefix = (upTo: number): [PetitionState, ReadonlyArray<PetitionEvent>] =>
    [upTo >= 0 ? states[upTo]! : initialState(first.petitionId), history.slice(0, upTo + 1)]
  const factsFor = (side: Side, judged: Judged): RuleFacts | undefined => {
    const [s, events] = prefix(judged.upTo)
    const clocks = clocksAt(side, s, events, directory, judged.at)
    if (Result.isFailure(clocks)) {
      problems.push(`${side.pack.id}@${side.pack.version}: ${clocks.failure.message}`)
      return undefined
    }
    return { petition: petitionFacts(s, directory, judged.at), clocks: clockFacts(clocks.success), trigger: judged.trigger, now: judged.at }
  }

  // Routing, as on submit: on the submitted petition, before it was dispatched.
  let routing: PetitionDifference["routing"]
  const submittedAt = history.findIndex((e) => e._tag === "Submitted")
  const submitted = history[submittedAt]
  if (submitted !== undefined) {
    const judged = { trigger: triggerFromEvent(submitted), at: submitted.at, upTo: submittedAt }
    const [fb, fa] = [factsFor(before, judged), factsFor(after, judged)]
    if (fb !== undefined && fa !== undefined) {
      const [rb, ra] = [routeSummary(before, fb, directory), routeSummary(after, fa, directory)]
      if (!sameRoute(rb, ra)) routing = { before: rb, after: ra }
    }
  }

  // Clocks, as of the end.
  const end = at ?? history[history.length - 1]!.at
  const [endState, endEvents] = prefix(indexAt(end))
  const evaluations = [before, after].map((side) => clocksAt(side, endState, endEvents, directory, end))
  const clocks: Array<{ clock: string; before?: ClockSummary; after?: ClockSummary }> = []
  // Escalation triggers per side: the events both share, and the clock warnings and breaches
  // each version times itself. A recorded one belongs to the version in force then (`before`);
  // the other version shares it when it times the same clock to the same due instant, and then
  // judges it where it was recorded: a scheduler records a breach after its due instant, and
  // judging one side at the due instant and the other at the recording would differ by the
  // events in between, the trigger's own consequences among them.
  const shared = new Map<string, Judged>()
  const recorded = new Map<string, Judged>()
  history.forEach((e, upTo) => {
    const judged = { trigger: triggerFromEvent(e), at: e.at, upTo }
    if (e._tag === "ClockBreached" || e._tag === "ClockWarned") recorded.set(judged.trigger.key, judged)
    else shared.set(judged.trigger.key, judged)
  })
  const recordedLike = new Map<string, Judged>()
  for (const [key, judged] of recorded) if (!recordedLike.has(withoutDue(key))) recordedLike.set(withoutDue(key), judged)
  const own = [new Map<string, Judged>(recorded), new Map<string, Judged>()] as const
  const [eb, ea] = evaluations
  if (eb !== undefined && ea !== undefined && Result.isSuccess(eb) && Result.isSuccess(ea)) {
    const [cb, ca] = [clockSummary(eb.success), clockSummary(ea.success)]
    for (const key of new Set([...cb.keys(), ...ca.keys()])) {
      const [b, a] = [cb.get(key), ca.get(key)]
      // The outcome counts (met or breached); a due instant that moved, while both versions met
      // it or both breached it, does not.
      if (b?.state !== a?.state) {
        clocks.push({ clock: key, ...(b === undefined ? {} : { before: b }), ...(a === undefined ? {} : { after: a }) })
      }
    }
    for (const [evaluation, mine] of [[eb.success, own[0]], [ea.success, own[1]]] as const) {
      for (const c of evaluation.clocks) {
        if (c.dueAt === undefined) continue
        const { dueAt, breachedAt } = c
        // Warnings and breaches are recorded under the policy name, with the unit beside it.
        const unit = c.unit === undefined ? {} : { unit: c.unit }
        const timed = c.warningsPassed.map((threshold) => triggerFromEvent({ _tag: "ClockWarned", at: dueAt, clock: c.name, ...unit, threshold, dueAt }))
        if (breachedAt !== undefined) timed.push(triggerFromTimer("ClockBreached", c.name, dueAt))
        for (const trigger of timed) {
          if (mine.has(trigger.key)) continue
          const seen = recorded.get(trigger.key)
          if (seen !== undefined) mine.set(trigger.key, seen)
          // A breach never recorded is judged where it fell due. A warning's instant is not in the
          // evaluation: one the other version recorded for the same clock and threshold is judged
          // where that was recorded; any other is left out.
          else if (trigger.type === "ClockBreached" && breachedAt !== undefined) mine.set(trigger.key, { trigger, at: breachedAt, upTo: indexAt(breachedAt) })
          else {
            const like = recordedLike.get(withoutDue(trigger.key))
            if (like !== undefined) mine.set(trigger.key, { ...like, trigger })
          }
        }
      }
    }
  } else {
    for (const e of evaluations) if (e !== undefined && Result.isFailure(e)) problems.push(e.failure.message)
  }

  const escalation: Array<{ trigger: string; onlyBefore: Array<ActionSummary>; onlyAfter: Array<ActionSummary> }> = []
  const actionsOn = (side: Side, t: Judged | undefined): Array<ActionSummary> => {
    if (t === undefined) return []
    const facts = factsFor(side, t)
    if (facts === undefined) return []
    const result = escalate(side.pack, facts, directory)
    // A rule that fires but cannot act (no owner at that tier) must say so, not look like a rule that did not fire.
    for (const p of result.problems) problems.push(`${side.pack.id}@${side.pack.version}: ${p.ruleId}: ${p.error.message}`)
    return result.actions.map(summarise)
  }
  const compare = (trigger: string, b: Judged | undefined, a: Judged | undefined) => {
    const [ab, aa] = [actionsOn(before, b), actionsOn(after, a)]
    const [onlyBefore, onlyAfter] = [difference(ab, aa), difference(aa, ab)]
    if (onlyBefore.length > 0 || onlyAfter.length > 0) escalation.push({ trigger, onlyBefore, onlyAfter })
  }
  for (const [key, judged] of shared) compare(key, judged, judged)
  const [pb, pa] = [paired(own[0]), paired(own[1])]
  for (const key of new Set([...pb.keys(), ...pa.keys()])) {
    const [b, a] = [pb.get(key), pa.get(key)]
    compare(b?.trigger.key ?? a?.trigger.key ?? key, b, a)
  }

  const unique = [...new Set(problems)]
  return routing === undefined && clocks.length === 0 && escalation.length === 0 && unique.length === 0
    ? undefined
    : { petitionId: first.petitionId, ...(routing === undefined ? {} : { routing }), clocks, escalation, problems: unique }
}

/** Replays past petitions under two pack versions and reports every petition that would have gone differently. */
export const simulatePacks = (input: SimulationInput): SimulationReport => {
  const side = (pack: RulePack): Side => ({ pack, calendars: makeCalendars(pack.document.calendars) })
  const [before, after] = [side(input.before), side(input.after)]
  const differences = input.histories.flatMap((h) => simulateOne(before, after, h, input.directory, input.at) ?? [])
  return {
    petitions: input.histories.length,
    routedDifferently: differences.filter((d) => d.routing !== undefined).length,
    clockedDifferently: differences.filter((d) => d.clocks.length > 0).length,
    escalatedDifferently: differences.filter((d) => d.escalation.length > 0).length,
    differences
  }
}
