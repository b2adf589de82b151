/**
 * Handling a command: load the petition, run the pure step for every cause, append the outcome —
 * events, notifications, the next clock timer and the read-model row — in one atomic append. A
 * concurrent write (a version conflict) is retried from a fresh load on a jittered exponential
 * schedule; Submit is idempotent per channel message id.
 */
import { Clock, Effect, Option, Result, Schedule } from "effect"
import type { CommandOf, PetitionEvent } from "../petition/index.js"
import { encodeEvent } from "../petition/index.js"
import type { AppendBatch, AppendResult, MetricDelta, RepeatEntry, VersionConflict } from "../ports/index.js"
import type { RulePack } from "../rules/index.js"
import { packFor } from "../rules/index.js"
import type { Instant } from "../shared/instant.js"
import { formatInstant } from "../shared/instant.js"
import { invalidInput } from "../shared/validation.js"
import type { EngineCommand, Handled, HandleError } from "./api.js"
import { CLOCK_TIMER, NoRulePack, notFound, TooMuchContention } from "./api.js"
import { decodeEngineCommand } from "./command.js"
import { checkEntrance, checkTag, DEFAULT_CLOCK_SKEW_MS } from "./authority.js"
import type { SubmitInput } from "./api.js"
import { idempotencyKeyReused, submitDifferences, submitKey } from "./idempotency.js"
import { repeatEntryOf } from "./repeat-index.js"
import type { EngineContext } from "./context.js"
import { makeRepeats } from "./repeats.js"
import type { FiredAction, StepCause, StepOutcome } from "./step.js"
import { step } from "./step.js"
import { metricStep } from "../reports/deltas.js"
import { reviewWindowOf } from "./review-window.js"
import { toSummary } from "./summary.js"

/** What one attempt did, with what the timers need besides the `Handled` report. */
export interface Attempted extends Handled {
  /** The last step's outcome (undefined when there was nothing to step). */
  readonly outcome: StepOutcome | undefined
  readonly pack: RulePack
}

/**
 * Waits between attempts after a version conflict: exponential from 1 ms, at most 50 ms, jittered
 * so that writers who collided do not collide again in step.
 */
const contention = (maxAttempts: number) =>
  Schedule.max([
    Schedule.min([Schedule.exponential("1 millis"), Schedule.spaced("50 millis")]).pipe(Schedule.jittered),
    Schedule.recurs(Math.max(0, maxAttempts - 1))
  ])

const report = (done: Handled): Handled => ({
  petitionId: done.petitionId,
  version: done.version,
  events: done.events,
  actions: done.actions,
  notifications: done.notifications,
  replayed: done.replayed
})

export const makeHandle = (ctx: EngineContext) => {
  const { directory, store } = ctx
  const { findRepeat, repeatPolicy } = makeRepeats(ctx)

  /** The append for a step: events, notifications, the clock timer, the read-model row. */
  const batchOf = (
    petitionId: string,
    expectedVersion: number,
    outcome: StepOutcome,
    pack: RulePack,
    now: Instant,
    idempotencyKey: string | undefined,
    /** The report counters' changes: the difference the append makes (see `metricStep`). */
    metrics: ReadonlyArray<MetricDelta>
  ): AppendBatch => ({
    streamId: petitionId,
    expectedVersion,
    events: outcome.events.map((e) => ({
      eventId: `${petitionId}@${e.version}`,
      type: e._tag,
      at: e.at,
      data: encodeEvent(e)
    })),
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    outbox: [...outcome.notifications],
    timers:
      outcome.nextWakeAt === undefined
        ? { schedule: [], cancel: [{ streamId: petitionId, key: CLOCK_TIMER }] }
        : {
            schedule: [{ streamId: petitionId, key: CLOCK_TIMER, dueAt: outcome.nextWakeAt, payload: { pack: `${pack.id}@${pack.version}` } }],
            cancel: []
          },
    summary: toSummary(outcome.state, outcome.clocks, directory, now, reviewWindowOf(outcome.state, ctx.stepContext(pack))),
    ...repeatEntryFor(outcome.events),
    metrics,
    head: ctx.anchorFor(petitionId, { version: outcome.state.version, hash: outcome.state.lastHash })
  })

  /** The Submit's entry in the keyed repeat index (none without a deployment key). */
  const repeatEntryFor = (events: ReadonlyArray<PetitionEvent>): { readonly repeatEntry?: RepeatEntry } => {
    const submitted = events.find((e) => e._tag === "Submitted")
    const entry =
      submitted === undefined || ctx.options.identityKey === undefined ? undefined : repeatEntryOf(ctx.options.identityKey, directory, submitted)
    return entry === undefined ? {} : { repeatEntry: entry }
  }

  /**
   * One attempt: load, step through every cause, append. A version conflict means someone else
   * wrote meanwhile; the caller retries from a fresh load.
   */
  const attempt = Effect.fnUntraced(function*(
    petitionId: string,
    causes: ReadonlyArray<StepCause>,
    idempotencyKey: string | undefined,
    now: Instant,
    mustExist: boolean
  ) {
    const loaded = yield* ctx.load(petitionId)
    const { events: history, state } = loaded
    if (mustExist && state.version === 0) return yield* notFound(petitionId)
    // A petition stays with the pack in force when it was received; a new one takes today's.
    const pack = yield* Effect.fromResult(ctx.packOf(state, state.receivedAt ?? now))
    const context = ctx.stepContext(pack)
    let all: ReadonlyArray<PetitionEvent> = history
    let current = state
    let clockFold = loaded.clockFold
    let quiet = loaded.quiet
    const events: Array<PetitionEvent> = []
    const actions: Array<FiredAction> = []
    const notifications: StepOutcome["notifications"][number][] = []
    let last: StepOutcome | undefined
    for (const cause of causes) {
      const outcome = yield* Effect.fromResult(step(all, current, cause, context, clockFold, quiet))
      all = all.concat(outcome.events)
      events.push(...outcome.events)
      actions.push(...outcome.actions)
      notifications.push(...outcome.notifications)
      current = outcome.state
      clockFold = outcome.clockFold
      quiet = outcome.quiet
      last = outcome
    }
    if (last === undefined || events.length === 0) {
      // Nothing to write, but the clocks folded on the way are worth keeping for the next command.
      if (state.version > 0) ctx.remember(petitionId, { events: history, state, clockFold, quiet, metricFold: loaded.metricFold, anchor: loaded.anchor })
      return { petitionId, version: state.version, events: [], actions, notifications: 0, replayed: false, outcome: last, pack } satisfies Attempted
    }
    const merged: StepOutcome = { ...last, events, actions, notifications }
    const metrics = metricStep(loaded.metricFold, history, events, { directory })
    const batch = batchOf(petitionId, state.version, merged, pack, now, idempotencyKey, metrics.deltas)
    const result = yield* store.append(batch)
    if (!result.replayed && result.version === current.version) ctx.remember(petitionId, { events: all, state: current, clockFold, quiet, metricFold: metrics.fold, anchor: batch.head })
    return {
      petitionId: result.streamId,
      version: result.version,
      events: result.replayed ? [] : events,
      actions: result.replayed ? [] : actions,
      notifications: result.replayed ? 0 : notifications.length,
      replayed: result.replayed,
      outcome: last,
      pack
    } satisfies Attempted
  })

  /** Runs `run` again from a fresh load while it meets concurrent writes, up to `maxAttempts` times. */
  const schedule = contention(ctx.maxAttempts)
  const withRetry = <A>(petitionId: string, run: Effect.Effect<A, HandleError | VersionConflict>): Effect.Effect<A, HandleError> =>
    run.pipe(
      Effect.retry({ schedule, while: (error) => error._tag === "VersionConflict" }),
      Effect.catchTag("VersionConflict", () =>
        Effect.fail(
          new TooMuchContention({
            petitionId,
            attempts: ctx.maxAttempts,
            message: `信访件 ${petitionId} 同时被多方修改，重试 ${ctx.maxAttempts} 次仍未成功（petition ${petitionId} kept changing under ${ctx.maxAttempts} attempts）`
          })
        )
      )
    )

  /** Loads, steps and appends `causes` on a petition, retrying on concurrent writes. */
  const run = (
    petitionId: string,
    causes: ReadonlyArray<StepCause>,
    now: Instant,
    options: { readonly idempotencyKey?: string | undefined; readonly mustExist: boolean }
  ): Effect.Effect<Attempted, HandleError> =>
    withRetry(petitionId, attempt(petitionId, causes, options.idempotencyKey, now, options.mustExist))

  /**
   * Answers a Submit whose key was used before with the first petition — if it is the same
   * submission; a different complaint under the same message id is refused, not lost.
   */
  const replayOf = Effect.fnUntraced(function*(key: string, earlier: { readonly petitionId: string; readonly version: number }, command: SubmitInput) {
    const { events } = yield* ctx.load(earlier.petitionId)
    const first = events.find((e) => e._tag === "Submitted")
    const differences = first === undefined ? [] : submitDifferences(first, command)
    if (differences.length > 0) return yield* idempotencyKeyReused(key, earlier.petitionId, differences)
    return { petitionId: earlier.petitionId, version: earlier.version, events: [], actions: [], notifications: 0, replayed: true } satisfies Handled
  })

  const replayed = (earlier: AppendResult): Handled => ({
    petitionId: earlier.streamId,
    version: earlier.version,
    events: [],
    actions: [],
    notifications: 0,
    replayed: true
  })

  const handleDecoded = Effect.fnUntraced(function*(input: EngineCommand) {
    const now = input.at
    if (input._tag === "Submit") {
      const key = submitKey(input)
      if (key !== undefined) {
        const earlier = yield* store.findByIdempotencyKey(key)
        if (Option.isSome(earlier)) return yield* replayOf(key, replayed(earlier.value), input)
      }
      const pack = packFor(ctx.packs(), input.at)
      if (pack === undefined) {
        return yield* new NoRulePack({ at: formatInstant(input.at), message: `${formatInstant(input.at)} 没有生效的规则包（no rule pack is in force at ${formatInstant(input.at)}）` })
      }
      const command: CommandOf<"Submit"> = { ...input, rulePack: { id: pack.id, version: pack.version } }
      // Linked to every earlier petition in the window, newest first, so the count says how often
      // the matter was raised before; merged (when the policy says so) into the newest not itself merged.
      const repeatOf = yield* findRepeat(command, pack)
      const causes: Array<StepCause> = [{ _tag: "Command", command }]
      const system = { petitionId: command.petitionId, at: command.at, actor: { kind: "system" as const } }
      for (const earlier of repeatOf) causes.push({ _tag: "Command", command: { _tag: "LinkRepeat", ...system, of: earlier.petitionId } })
      const into = repeatOf.find((earlier) => earlier.status !== "merged")
      if (into !== undefined && repeatPolicy(pack).merge) causes.push({ _tag: "Command", command: { _tag: "Merge", ...system, into: into.petitionId } })
      // A copy of this Submit racing in another fiber or process can commit between the lookup
      // above and the append: the store then answers with the key's earlier result, or (when the
      // copy had the same petition id and was loaded after it committed) the petition exists.
      const done = yield* run(command.petitionId, causes, now, { idempotencyKey: key, mustExist: false }).pipe(
        Effect.map(report),
        Effect.catchTag("AlreadySubmitted", (refused) =>
          key === undefined
            ? Effect.fail(refused)
            : Effect.flatMap(store.findByIdempotencyKey(key), (earlier) =>
                Option.isSome(earlier) ? Effect.succeed(replayed(earlier.value)) : Effect.fail(refused)
              )
        )
      )
      return key !== undefined && done.replayed ? yield* replayOf(key, done, input) : done
    }
    // A review request without a window leaves it to the pack (step fills it in, or refuses).
    const done = yield* run(input.petitionId, [{ _tag: "Command", command: input }], now, { mustExist: true })
    return report(done)
  })

  /**
   * A caller's command. Its type is checked again at run time (limits, finite instants in range,
   * known tags): callers from JavaScript or through casts are not held by the compiler, and nothing
   * the schema refuses may reach the store.
   */
  const skewMs = ctx.options.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS
  /** What no caller may claim (engine-only commands, the system actor, future times): see authority.ts. */
  const entrance = Effect.fnUntraced(function*(command: EngineCommand) {
    const now = yield* Clock.currentTimeMillis
    const checked = yield* Effect.fromResult(checkEntrance(command, now, skewMs))
    // A merge or duplicate mark points at another petition, which `decide` (one petition at a time)
    // cannot see: a caller may point only at one that exists, or the petition would vanish into nothing.
    const target = checked._tag === "Merge" ? { path: "/into", id: checked.into } : checked._tag === "MarkDuplicate" ? { path: "/of", id: checked.of } : undefined
    if (target !== undefined && target.id !== checked.petitionId && (yield* ctx.load(target.id)).state.version === 0) {
      return yield* invalidInput("command", [
        { path: target.path, message: `没有信访件 ${target.id}，只能合并入或标记为已有信访件的重复件（expected an existing petition; there is no petition ${target.id}）` }
      ])
    }
    return checked
  })

  const handle = Effect.fn("Engine.handle")(
    function*(command: EngineCommand): Effect.fn.Return<Handled, HandleError> {
      const checked = yield* Effect.fromResult(Result.flatMap(checkTag(command), (input) => decodeEngineCommand(input, "typed")))
      return yield* handleDecoded(yield* entrance(checked))
    },
    (effect, command) => Effect.annotateLogs(effect, { petitionId: command.petitionId, command: command._tag })
  )

  const handleJson = Effect.fn("Engine.handleJson")(function*(input: unknown): Effect.fn.Return<Handled, HandleError> {
    const command = yield* Effect.fromResult(Result.flatMap(checkTag(input), (tagged) => decodeEngineCommand(tagged, "json")))
    return yield* handleDecoded(yield* entrance(command))
  })

  /** The engine's own records (identity reads, dead letters): built here, so neither decoded again nor held at the entrance. */
  const record = Effect.fn("Engine.record")(function*(command: EngineCommand): Effect.fn.Return<Handled, HandleError> {
    return yield* handleDecoded(command)
  })

  return { handle, handleJson, record, run }
}

