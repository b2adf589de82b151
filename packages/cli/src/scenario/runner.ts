/**
 * Runs a scenario on a virtual clock over in-memory storage. Between steps every timer fires at
 * its own due instant (not at the next step's) — or, with `tickEvery`, when a polling scheduler
 * would next wake — and the outbox is relayed at each instant, so what the output shows is what a
 * scheduler running in real time would have done. After the story, its what-ifs replay the
 * recorded histories under other packs.
 */
import { Clock, Effect, Layer, Option, Redacted, Result, Schema } from "effect"
import type { FiredAction, Instant, Notification, PetitionEvent, PetitionState, RulePack } from "@minyi/core"
import { encodeEvent, Engine, engineLayer, Notifiers, SentNotifications, Storage, Petition, Rules } from "@minyi/core"
import type { Mismatch, Observed } from "./expect.js"
import { checkExpect } from "./expect.js"
import type { Scenario, ScenarioStep, WhatIfCase } from "./load.js"

export interface ClockReport {
  readonly name: string
  readonly key: string
  readonly unit: string | null
  readonly state: string
  readonly startedAt: string | null
  readonly dueAt: string | null
  readonly stoppedAt: string | null
  readonly breachedAt: string | null
  /** What the due instant assumed when it was counted over a year without holiday data. */
  readonly provisional: {
    readonly years: ReadonlyArray<number>
    readonly basis: string
    readonly daysOff: ReadonlyArray<{ readonly date: string; readonly name: string; readonly nameEn: string }>
  } | null
}

export interface WhistleReport {
  readonly whistleId: string
  readonly unit: string
  readonly summoned: ReadonlyArray<string>
  readonly reported: ReadonlyArray<string>
  /** Share of the summoned units that reported. */
  readonly rate: number
  readonly deadline: string
}

export interface EventReport {
  readonly version: number
  readonly at: string
  readonly type: string
  readonly label: string
  readonly labelEn: string
  readonly [field: string]: unknown
}

export interface PetitionReport {
  readonly id: string
  readonly status: string
  readonly statusLabel: string
  readonly tier: number
  readonly owner: string | null
  readonly priority: string
  readonly responsibility: {
    readonly firstHandler: string | null
    readonly lead: string | null
    readonly coHandlers: ReadonlyArray<string>
    readonly handler: string | null
    readonly accountable: string | null
  }
  readonly clocks: ReadonlyArray<ClockReport>
  /** Earlier petitions this one is linked to as a repeat. */
  readonly repeatOf: ReadonlyArray<string>
  readonly repeats: number
  readonly returnsByUnit: Readonly<Record<string, number>>
  readonly whistles: ReadonlyArray<WhistleReport>
  readonly events: ReadonlyArray<EventReport>
}

export interface ActionReport {
  readonly at: string
  readonly petitionId: string
  readonly rule: string
  readonly type: string
  readonly params: Readonly<Record<string, unknown>>
  readonly refused?: string
}

export interface NotificationReport {
  readonly at: string
  readonly petitionId: string
  readonly to: string
  readonly template: string | null
  readonly channel: string
  readonly rule: string | null
  readonly subject: string | null
}

export interface StepReport {
  readonly step: number
  readonly at: string
  /** The command's tag; null for a checkpoint. */
  readonly command: string | null
  readonly petitionId: string
  readonly note?: string
  readonly outcome: "ok" | "failed"
  /** Why the command failed: the refusal's (or error's) tag and readable message. */
  readonly failure?: { readonly _tag: string; readonly message: string }
  /** The petition the command was answered with, and whether that was a replay of an earlier Submit. */
  readonly answered?: { readonly petitionId: string; readonly replayed: boolean }
  /** Holiday data the step published: its version and the deadlines it moved. */
  readonly holidays?: { readonly version: string; readonly recomputed: number }
  /** What differed from the step's `expect` block (absent when the step has none). */
  readonly mismatches?: ReadonlyArray<Mismatch>
}

export interface SimulationReport {
  readonly scenario: string
  readonly description: string | null
  readonly rulePack: { readonly id: string; readonly version: string }
  /** The instant the simulation ran to: `--until`, the scenario's `until`, or the last step. */
  readonly until: string
  readonly petitions: ReadonlyArray<PetitionReport>
  readonly actions: ReadonlyArray<ActionReport>
  readonly notifications: ReadonlyArray<NotificationReport>
  readonly steps: ReadonlyArray<StepReport>
  /** The scenario's what-ifs, when it has any, in its order. */
  readonly whatIf?: ReadonlyArray<WhatIfReport>
}

export interface WhatIfReport {
  /** 0-based, as in the JSON path `/whatIf/<index>`. */
  readonly index: number
  readonly note?: string
  readonly before: { readonly id: string; readonly version: string }
  readonly after: { readonly id: string; readonly version: string }
  /** The petitions with some difference, in the order they were submitted. */
  readonly affected: ReadonlyArray<string>
  readonly report: Rules.SimulationReport
  /** What differed from the what-if's `expect`. */
  readonly mismatches: ReadonlyArray<Mismatch>
}

/**
 * A timer firing failed, so the story cannot go on — typically rules of the pack that trigger each
 * other without end (`RuleLoop`) or a clock the pack's calendar cannot compute.
 */
export class SimulationFailed extends Schema.TaggedError<SimulationFailed>()("SimulationFailed", {
  at: Schema.String,
  cause: Schema.Struct({ _tag: Schema.String, message: Schema.String }),
  message: Schema.String
}) {}

/** The virtual clock stopped moving: a timer kept coming due at the same instant without effect. */
export class SimulationStuck extends Schema.TaggedError<SimulationStuck>()("SimulationStuck", {
  at: Schema.String,
  message: Schema.String
}) {}

const system = ["_tag", "petitionId", "at", "version", "prevHash", "hash", "petitioner"]

const text = (value: unknown, format: (at: Instant) => string): unknown => {
  if (typeof value === "string") {
    const ms = Date.parse(value)
    return /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(ms) ? format(ms) : value
  }
  if (Array.isArray(value)) return value.map((v) => text(v, format))
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, text(v, format)]))
  }
  return value
}

const eventReport = (e: PetitionEvent, format: (at: Instant) => string): EventReport => {
  const encoded = encodeEvent(e) as Record<string, unknown>
  const payload = Object.fromEntries(Object.entries(encoded).filter(([k]) => !system.includes(k)))
  const label = Petition.eventLabels[e._tag]
  return { version: e.version, at: format(e.at), type: e._tag, label: label.zh, labelEn: label.en, ...(text(payload, format) as object) }
}

const actionReport = (a: FiredAction, format: (at: Instant) => string): ActionReport => ({
  at: format(a.at),
  petitionId: a.petitionId,
  rule: a.rule,
  type: a.type,
  params: a.params,
  ...(a.refused === undefined ? {} : { refused: a.refused })
})

const notificationReport = (n: Notification, at: Instant, format: (at: Instant) => string): NotificationReport => {
  const payload = (typeof n.payload === "object" && n.payload !== null ? n.payload : {}) as {
    rule?: unknown
    message?: { "zh-CN"?: { subject?: unknown } }
  }
  const subject = payload.message?.["zh-CN"]?.subject
  return {
    at: format(at),
    petitionId: n.streamId,
    to: n.recipient,
    template: n.template ?? null,
    channel: n.channel,
    rule: typeof payload.rule === "string" ? payload.rule : null,
    subject: typeof subject === "string" ? subject : null
  }
}

// Reads of the clock give the instant the story has reached; waiting (retry back-off) still takes real time.
const storyClock = (live: Clock.Clock, now: () => Instant): Clock.Clock => ({
  currentTimeMillisUnsafe: now,
  currentTimeMillis: Effect.sync(now),
  currentTimeNanosUnsafe: () => BigInt(now()) * 1_000_000n,
  currentTimeNanos: Effect.sync(() => BigInt(now()) * 1_000_000n),
  monotonicTimeNanosUnsafe: () => live.monotonicTimeNanosUnsafe(),
  monotonicTimeNanos: live.monotonicTimeNanos,
  sleep: (duration) => live.sleep(duration)
})

const scenarioIdentityKey = Redacted.make("minyi-scenario-identity-key")

const storage = Layer.merge(Storage.layerMemory(), Notifiers.layerMemory)

/**
 * Runs every step (and the timers between them) up to `until`, checking `expect` blocks as it goes.
 * Rejects with {@link SimulationFailed} when a timer firing fails and with {@link SimulationStuck}
 * when the clock stops moving.
 */
export const runScenario = (scenario: Scenario, options: { readonly until?: Instant } = {}): Promise<SimulationReport> => {
  const { format } = scenario
  // The story's own time: what the engine reads as "now" (its guard against future command times included).
  let now: Instant = scenario.start ?? scenario.steps[0]?.at ?? 0
  const origin = now
  const every = scenario.tickEvery
  /** When the scheduler first wakes at or after `due`: the instant itself, or the next grid instant. */
  const wakeAt = (due: Instant): Instant => (every === undefined || due <= origin ? due : origin + Math.ceil((due - origin) / every) * every)
  const program = Effect.gen(function*() {
    const engine = yield* Engine
    const sent = yield* SentNotifications
    const actions: Array<FiredAction> = []
    const notes: Array<NotificationReport> = []
    const petitionIds: Array<string> = []
    const steps: Array<StepReport> = []

    const relay = (at: Instant) =>
      Effect.gen(function*() {
        yield* engine.relay(at)
        const all = yield* sent.all
        for (const n of all.slice(notes.length)) notes.push(notificationReport(n, at, format))
      })

    /**
     * Fires each timer at its own due instant — or, with `tickEvery`, at the first grid instant
     * not before it, together with everything else due by then — up to and including `to`,
     * relaying as it goes.
     */
    const advance = (to: Instant) =>
      Effect.gen(function*() {
        let last: Instant | undefined
        let same = 0
        while (true) {
          const next = yield* engine.nextDueAt
          if (Option.isNone(next)) return
          const due = wakeAt(next.value)
          if (due > to) return
          same = due === last ? same + 1 : 0
          if (same > 100) return yield* new SimulationStuck({ at: format(due), message: `定时器在 ${format(due)} 反复到期却无进展（a timer keeps coming due at ${format(due)} without effect）` })
          last = due
          now = due
          const failedAt = (e: unknown) => {
            const cause = { _tag: tagOf(e), message: messageOf(e) }
            return new SimulationFailed({
              at: format(due),
              cause,
              message: `${format(due)} 定时器触发失败，情景无法继续：${cause._tag}：${cause.message}（a timer firing at ${format(due)} failed; the scenario cannot go on）`
            })
          }
          const report = yield* engine.tick(due).pipe(Effect.mapError(failedAt))
          // The engine goes on past a failed firing; a story cannot, since the petition is stuck.
          const failure = report.failed[0]
          if (failure !== undefined) return yield* failedAt(failure.error)
          actions.push(...report.actions)
          yield* relay(due)
        }
      })

    const petitionReport = (id: string, at: Instant) =>
      Effect.gen(function*() {
        const state: PetitionState = yield* engine.state(id)
        const history = yield* engine.history(id)
        const evaluation = yield* Effect.result(engine.clocks(id, at))
        const clocks = Result.isSuccess(evaluation) ? evaluation.success.clocks : []
        const iso = (t: Instant | undefined) => (t === undefined ? null : format(t))
        const report: PetitionReport = {
          id,
          status: state.status,
          statusLabel: Petition.statusLabels[state.status].zh,
          tier: state.tier,
          owner: state.owner ?? null,
          priority: state.priority,
          responsibility: {
            firstHandler: state.firstHandler ?? null,
            lead: state.lead ?? null,
            coHandlers: state.coHandlers,
            handler: state.handler ?? null,
            accountable: state.accountable ?? null
          },
          clocks: clocks.map((c) => ({
            name: c.name,
            key: c.key,
            unit: c.unit ?? null,
            state: c.state,
            startedAt: iso(c.startedAt),
            dueAt: iso(c.dueAt),
            stoppedAt: iso(c.stoppedAt),
            breachedAt: iso(c.breachedAt),
            provisional: c.provisional === undefined
              ? null
              : { years: c.provisional.years, basis: c.provisional.basis, daysOff: c.provisional.daysOff }
          })),
          repeatOf: state.repeatOf,
          repeats: state.counters.repeats,
          returnsByUnit: state.counters.returnsByUnit,
          whistles: Object.entries(state.whistles).map(([whistleId, w]) => ({
            whistleId,
            unit: w.unit,
            summoned: w.summoned,
            reported: w.reported,
            rate: w.summoned.length === 0 ? 0 : w.reported.length / w.summoned.length,
            deadline: format(w.deadline)
          })),
          events: history.map((e) => eventReport(e, format))
        }
        return report
      })

    const check = (step: ScenarioStep, failure: StepReport["failure"], answered: StepReport["answered"]) =>
      Effect.gen(function*() {
        const expect = step.expect
        if (expect === undefined) return failure === undefined ? undefined : [unexpected(step, failure)]
        const path = `/steps/${step.index}/expect`
        const out: Array<Mismatch> = []
        if (expect.refused !== undefined && failure?._tag !== expect.refused) {
          out.push({ path: `${path}/refused`, expected: expect.refused, actual: failure ?? null })
        } else if (expect.refused === undefined && failure !== undefined) out.push(unexpected(step, failure))
        const id = expect.petition ?? step.command?.petitionId ?? ""
        const found = yield* Effect.result(petitionReport(id, step.at))
        if (Result.isFailure(found)) {
          const rest = Object.keys(expect).filter((k) => k !== "refused" && k !== "petition")
          if (rest.length > 0) out.push({ path: `${path}/petition`, expected: id, actual: null })
          return out
        }
        const observed: Observed = {
          petition: found.success as unknown as Observed["petition"],
          actions: actions.filter((a) => a.petitionId === id).map((a) => actionReport(a, format)),
          notifications: notes.filter((n) => n.petitionId === id),
          failure: failure ?? null,
          answered: answered ?? null
        }
        out.push(...checkExpect(path, expect, observed, format))
        return out
      })

    if (scenario.start !== undefined) yield* advance(scenario.start)
    for (const step of scenario.steps) {
      // Timers due at the step's own instant fire first: a command's append reschedules the clock
      // timer past its own instant, so a wake-up left for later would be recorded late or not at all.
      yield* advance(step.at)
      const command = step.command
      const id = command?.petitionId ?? step.expect?.petition ?? ""
      if (command?._tag === "Submit" && !petitionIds.includes(id)) petitionIds.push(id)
      now = step.at
      const handled = command === undefined ? undefined : yield* Effect.result(engine.handle(command))
      const published = step.holidays === undefined ? undefined : yield* Effect.result(engine.publishHolidays(step.holidays, step.at))
      const failed = handled !== undefined && Result.isFailure(handled) ? handled.failure : published !== undefined && Result.isFailure(published) ? published.failure : undefined
      const failure = failed === undefined ? undefined : { _tag: tagOf(failed), message: messageOf(failed) }
      const answered = handled !== undefined && Result.isSuccess(handled)
        ? { petitionId: handled.success.petitionId, replayed: handled.success.replayed }
        : undefined
      const holidays = published !== undefined && Result.isSuccess(published)
        ? { version: published.success.version, recomputed: published.success.recomputed.reduce((n, r) => n + r.events.length, 0) }
        : undefined
      if (handled !== undefined && Result.isSuccess(handled)) actions.push(...handled.success.actions)
      yield* relay(step.at)
      const mismatches = yield* check(step, failure, answered)
      steps.push({
        step: step.index,
        at: format(step.at),
        command: command?._tag ?? null,
        petitionId: id,
        ...(step.note === undefined ? {} : { note: step.note }),
        outcome: failure === undefined ? "ok" : "failed",
        ...(failure === undefined ? {} : { failure }),
        ...(answered === undefined ? {} : { answered }),
        ...(holidays === undefined ? {} : { holidays }),
        ...(mismatches === undefined ? {} : { mismatches })
      })
    }
    const lastStep = scenario.steps[scenario.steps.length - 1]?.at
    // The clock only moves forward: an `until` before the last step leaves the end at that step.
    const end = Math.max(options.until ?? scenario.until ?? 0, lastStep ?? scenario.start ?? 0)
    yield* advance(end)
    yield* relay(end)
    const petitions: Array<PetitionReport> = []
    const histories: Array<ReadonlyArray<PetitionEvent>> = []
    for (const id of petitionIds) {
      const found = yield* Effect.result(petitionReport(id, end))
      if (Result.isSuccess(found)) petitions.push(found.success)
      const history = yield* Effect.result(engine.history(id))
      if (Result.isSuccess(history) && history.success.length > 0) histories.push(history.success)
    }
    const whatIf = scenario.whatIf.map((w) => whatIfReport(w, scenario.pack, Rules.simulatePacks({ before: scenario.pack, after: w.pack, histories, directory: scenario.directory, at: end })))
    return {
      scenario: scenario.file,
      description: scenario.description ?? null,
      rulePack: { id: scenario.pack.id, version: scenario.pack.version },
      until: format(end),
      petitions,
      actions: actions.map((a) => actionReport(a, format)),
      notifications: notes,
      steps,
      ...(whatIf.length === 0 ? {} : { whatIf })
    } satisfies SimulationReport
  })
  // A story's petitions are invented, so a fixed key serves: with it repeats are found as in a deployment.
  const layer = engineLayer({ directory: scenario.directory, packs: scenario.packs, identityKey: scenarioIdentityKey }).pipe(Layer.provideMerge(storage))
  // A story that cannot go on rejects with SimulationFailed or SimulationStuck; anything else is a defect.
  const onStoryTime = Effect.gen(function*() {
    const live = yield* Clock.Clock
    return yield* program.pipe(Effect.provideService(Clock.Clock, storyClock(live, () => now)))
  })
  const typed = onStoryTime.pipe(
    Effect.catch((e) => (e instanceof SimulationFailed || e instanceof SimulationStuck ? Effect.fail(e) : Effect.die(e)))
  )
  return Effect.runPromise(typed.pipe(Effect.provide(layer)) as Effect.Effect<SimulationReport, SimulationFailed | SimulationStuck>)
}

const whatIfReport = (w: WhatIfCase, before: RulePack, report: Rules.SimulationReport): WhatIfReport => {
  const affected = report.differences.map((d) => d.petitionId)
  const path = `/whatIf/${w.index}/expect`
  const expect = w.expect
  const mismatches: Array<Mismatch> = "differences" in expect
    ? expect.differences === affected.length ? [] : [{ path: `${path}/differences`, expected: expect.differences, actual: affected.length }]
    : sameMembers(expect.affected, affected) ? [] : [{ path: `${path}/affected`, expected: expect.affected, actual: affected }]
  return {
    index: w.index,
    ...(w.note === undefined ? {} : { note: w.note }),
    before: { id: before.id, version: before.version },
    after: { id: w.pack.id, version: w.pack.version },
    affected,
    report,
    mismatches
  }
}

const sameMembers = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean =>
  JSON.stringify([...new Set(a)].sort()) === JSON.stringify([...new Set(b)].sort())

const tagOf = (e: unknown): string =>
  typeof e === "object" && e !== null && typeof (e as { _tag?: unknown })._tag === "string" ? (e as { _tag: string })._tag : "Error"

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e))

const unexpected = (step: ScenarioStep, failure: { readonly _tag: string; readonly message: string }): Mismatch => ({
  path: `/steps/${step.index}/command`,
  expected: "accepted",
  actual: failure
})
