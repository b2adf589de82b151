/**
 * The engine's pure transition: given a petition's history and what just happened (a command,
 * or a clock wake-up), everything that follows from it — the sealed events (including those rules
 * cause), the notifications to enqueue, the rule actions that fired, and when to wake up next.
 * The shell (engine.ts) loads, calls this, and appends the outcome atomically.
 */
import { Result, Schema } from "effect"
import type { ClockEvaluation, ClockFold, ClockStatus } from "../clocks/index.js"
import { deadlineChanges, ExtensionRefused } from "../clocks/index.js"
import type { ClockError } from "../clocks/index.js"
import type { InvalidDuration } from "../calendar/index.js"
import type { CommandOf, PetitionCommand, PetitionEvent, PetitionRefusal, PetitionState } from "../petition/index.js"
import { decide, evolve } from "../petition/index.js"
import type { AuthorityPolicy } from "../petition/authority-policy.js"
import { resolveAuthorityPolicy } from "../petition/authority-policy.js"
import type { OutboxMessage } from "../ports/index.js"
import type { RuleFacts } from "../rules/index.js"
import { triggerFromEvent } from "../rules/index.js"
import type { Instant } from "../shared/instant.js"
import { clockFacts, petitionFacts } from "../rules/facts.js"
import { clocksAt, foldUsable } from "./clocks.js"
import { consequences } from "./consequences.js"
import { extensionRefusal, withRatingDeadline } from "./command-policy.js"

export type { FiredAction, StepContext } from "./step-context.js"
import type { FiredAction, StepContext } from "./step-context.js"

import type { ReviewRequestInput } from "./review-window.js"
import { ReviewWindowUnknown, withReviewWindow } from "./review-window.js"
export type { ReviewRequestInput } from "./review-window.js"
export { ReviewWindowUnknown } from "./review-window.js"

/** A command as the step takes it: a review request may leave its window to the pack. */
export type StepCommand =
  | Exclude<PetitionCommand, CommandOf<"RequestReview" | "RequestReReview">>
  | ReviewRequestInput<"RequestReview">
  | ReviewRequestInput<"RequestReReview">

export type StepCause =
  | { readonly _tag: "Command"; readonly command: StepCommand }
  | { readonly _tag: "Wake"; readonly now: Instant }
  /**
   * Holiday data was added: `before` is the petition's clocks at `now` as counted without it; the
   * step's own calendars have it. Each provisional deadline that moved (or is no longer provisional)
   * is recorded, once per data version.
   */
  | { readonly _tag: "Recount"; readonly now: Instant; readonly before: ClockEvaluation; readonly calendarVersion: string }

export interface StepOutcome {
  readonly events: ReadonlyArray<PetitionEvent>
  readonly state: PetitionState
  readonly actions: ReadonlyArray<FiredAction>
  readonly notifications: ReadonlyArray<OutboxMessage>
  /** The clocks as of the step's instant, after the new events. */
  readonly clocks: ClockEvaluation
  /** The earliest instant at which a clock warns or breaches; undefined when nothing is pending. */
  readonly nextWakeAt: Instant | undefined
  /** The clocks folded over the history and the new events: the next step starts from here. */
  readonly clockFold: ClockFold
  /** Until when no clock record falls due on the petition as this step leaves it (see {@link ClocksQuiet}). */
  readonly quiet: ClocksQuiet | undefined
}

/**
 * No warning or breach is due, and none is left unrecorded, on the petition as `fold` has it, before
 * `before`: a command before then needs no clock records, so the step does not evaluate the clocks
 * ahead of it. Valid only with that very fold, over a history no longer than when it was made.
 */
export interface ClocksQuiet {
  readonly fold: ClockFold
  readonly before: Instant
}

/** Rules fed each other more follow-ups than allowed in one step; the pack needs fixing. */
export class RuleLoop extends Schema.TaggedError<RuleLoop>()("RuleLoop", {
  petitionId: Schema.String,
  limit: Schema.Number,
  message: Schema.String
}) {}

export type StepError = PetitionRefusal | ClockError | RuleLoop | ExtensionRefused | InvalidDuration | ReviewWindowUnknown

const system = { kind: "system" } as const

const bookkeeping: ReadonlySet<PetitionEvent["_tag"]> = new Set(["NotificationQueued", "RuleActionFailed", "IdentityRead"])

/**
 * Is `e` about the clock instance `c`? A per-unit instance (its key is not the bare name) is told
 * apart by its unit; a petition-wide clock's unit is only whom it is charged to, which may change
 * at the very instant it falls due — the instance is still the same one, recorded once.
 */
const sameInstance = (e: { readonly clock: string; readonly unit?: string | undefined; readonly dueAt: Instant }, c: ClockStatus): boolean =>
  e.clock === c.name && e.dueAt === c.dueAt && (c.key === c.name || e.unit === c.unit)

const sameBreach = (e: PetitionEvent, c: ClockStatus): boolean => e._tag === "ClockBreached" && sameInstance(e, c)

/**
 * The due instants a clock instance has had: its own, and those holiday data moved it from
 * (`DeadlineRecomputed`). A warning recorded against an earlier one still counts: the threshold
 * was passed and told, and a recount must not tell it again.
 */
const duesOf = (moves: ReadonlyArray<DeadlineMove>, c: ClockStatus & { readonly dueAt: Instant }): ReadonlyArray<Instant> => {
  const dues = [c.dueAt]
  for (let i = moves.length - 1; i >= 0; i--) {
    const m = moves[i]!
    if (m.clock === c.name && (c.key === c.name || m.unit === c.unit) && dues.includes(m.dueAt)) dues.push(m.previousDueAt)
  }
  return dues
}

/** A deadline moved by holiday data: recorded (`DeadlineRecomputed`) or being recorded in this step. */
interface DeadlineMove {
  readonly clock: string
  readonly unit?: string | undefined
  readonly previousDueAt: Instant
  readonly dueAt: Instant
}

const movesIn = (history: ReadonlyArray<PetitionEvent>): Array<DeadlineMove> =>
  history.flatMap((e) => (e._tag === "DeadlineRecomputed" ? [e] : []))

const sameWarning = (e: PetitionEvent, c: ClockStatus, threshold: string, dues: ReadonlyArray<Instant>): boolean =>
  e._tag === "ClockWarned" && e.threshold === threshold && dues.includes(e.dueAt) && sameInstance({ ...e, dueAt: c.dueAt ?? e.dueAt }, c)

/**
 * The clock records a wake-up at `now` calls for: a breach for every clock past due whose breach is
 * not recorded yet, a warning for every threshold passed and not recorded (skipped once breached).
 * Recording is what makes a wake-up idempotent: a second worker waking for the same instant finds
 * the records and does nothing.
 */
const clockRecords = (
  state: PetitionState,
  history: ReadonlyArray<PetitionEvent>,
  evaluation: ClockEvaluation,
  now: Instant,
  /** Deadlines this step moves before these records are appended. */
  moving: ReadonlyArray<DeadlineMove> = []
): Array<PetitionCommand> => {
  const commands: Array<PetitionCommand> = []
  for (const c of evaluation.clocks) {
    if (c.dueAt === undefined) continue
    if (c.state === "breached") {
      if (!history.some((e) => sameBreach(e, c))) {
        commands.push({
          _tag: "RecordClockBreach",
          petitionId: state.id,
          at: now,
          actor: system,
          clock: c.name,
          dueAt: c.dueAt,
          ...(c.unit === undefined ? {} : { unit: c.unit })
        })
      }
    } else if (c.state === "running") {
      const dues = c.warningsPassed.length === 0 ? [] : duesOf([...movesIn(history), ...moving], { ...c, dueAt: c.dueAt })
      for (const threshold of c.warningsPassed) {
        if (!history.some((e) => sameWarning(e, c, threshold, dues))) {
          commands.push({
            _tag: "RecordClockWarning",
            petitionId: state.id,
            at: now,
            actor: system,
            clock: c.name,
            threshold,
            dueAt: c.dueAt,
            ...(c.unit === undefined ? {} : { unit: c.unit })
          })
        }
      }
    }
  }
  return commands
}

/** The deadlines new holiday data moved, each not yet recorded for this data version. */
const recountRecords = (
  state: PetitionState,
  history: ReadonlyArray<PetitionEvent>,
  before: ClockEvaluation,
  after: ClockEvaluation,
  calendarVersion: string,
  now: Instant
): Array<CommandOf<"RecordDeadlineRecomputed">> =>
  deadlineChanges(before, after)
    .filter((c) =>
      !history.some((e) =>
        e._tag === "DeadlineRecomputed" && e.clock === c.clock && e.unit === c.unit && e.calendarVersion === calendarVersion &&
        e.previousDueAt === c.previousDueAt
      )
    )
    .map((c) => ({
      _tag: "RecordDeadlineRecomputed" as const,
      petitionId: state.id,
      at: now,
      actor: system,
      clock: c.clock,
      ...(c.unit === undefined ? {} : { unit: c.unit }),
      calendar: c.calendar,
      calendarVersion,
      previousDueAt: c.previousDueAt,
      dueAt: c.dueAt
    }))

/**
 * Everything that follows from one cause. Rule-caused commands run in the same step, so the
 * events, their follow-ups and the notifications are appended together or not at all.
 */
export const step = (
  history: ReadonlyArray<PetitionEvent>,
  state0: PetitionState,
  cause: StepCause,
  context: StepContext,
  /** The clocks folded over `history` (or a prefix of it), when the caller kept them. */
  clockFold?: ClockFold,
  /** What the step that left the petition as it is found knew of its clocks. */
  quiet?: ClocksQuiet
): Result.Result<StepOutcome, StepError> => {
  const { directory, pack } = context
  const now = cause._tag === "Command" ? cause.command.at : cause.now
  const limit = context.maxFollowUps ?? 64
  let state = state0
  const all: Array<PetitionEvent> = [...history]
  let fold = clockFold
  // The clocks are a function of the state, the history and the instant: asked again for the same
  // three (the step's last event and its end, an extension checked at the command's instant), the
  // answer is the one already given.
  let last: {
    readonly state: PetitionState
    readonly count: number
    readonly at: Instant
    readonly answer: { readonly evaluation: ClockEvaluation; readonly fold: ClockFold }
  } | undefined
  const clocksNow = (at: Instant): Result.Result<{ readonly evaluation: ClockEvaluation; readonly fold: ClockFold }, ClockError> => {
    if (last !== undefined && last.state === state && last.count === all.length && last.at === at) return Result.succeed(last.answer)
    const answered = clocksAt(fold, state, all, context, at)
    if (Result.isFailure(answered)) return answered
    fold = answered.success.fold
    last = { state, count: all.length, at, answer: answered.success }
    return answered
  }
  const evaluate = (at: Instant): Result.Result<ClockEvaluation, ClockError> => Result.map(clocksNow(at), (answer) => answer.evaluation)
  const produced: Array<PetitionEvent> = []
  const actions: Array<FiredAction> = []
  const notifications: Array<OutboxMessage> = []
  const queue: Array<{ readonly command: PetitionCommand; readonly action?: FiredAction; readonly primary?: boolean }> = []

  // Whatever warned or breached before this instant and is not recorded yet is recorded first —
  // a command that arrives after a deadline, before any timer fired, must not hide the breach.
  const known = cause._tag === "Command" && quiet !== undefined && clockFold !== undefined && quiet.fold === clockFold &&
    clockFold.count === history.length && clockFold.latestAt <= now && now < quiet.before && foldUsable(clockFold, state, context)
  if (state.version > 0 && !known) {
    const evaluation = evaluate(now)
    if (Result.isFailure(evaluation)) return Result.fail(evaluation.failure)
    const recounted = cause._tag === "Recount"
      ? recountRecords(state, all, cause.before, evaluation.success, cause.calendarVersion, now)
      : []
    for (const command of clockRecords(state, all, evaluation.success, now, recounted)) queue.push({ command })
    for (const command of recounted) queue.push({ command })
  }
  if (cause._tag === "Command") {
    const given = cause.command
    let command: PetitionCommand
    if (given._tag === "RequestReview" || given._tag === "RequestReReview") {
      const windowed = withReviewWindow(state, context, given)
      if (Result.isFailure(windowed)) return Result.fail(windowed.failure)
      command = windowed.success
    } else if (given._tag === "Close") {
      const deadline = withRatingDeadline(all, context, given)
      if (Result.isFailure(deadline)) return Result.fail(deadline.failure)
      command = deadline.success
    } else {
      command = given
    }
    if (command._tag === "Extend") {
      const refused = extensionRefusal(state, context, command, evaluate(command.at))
      if (refused !== undefined) return Result.fail(refused)
    }
    queue.push({ command, primary: true })
  }

  const authority = authorityOf(pack)
  let followUps = 0
  while (queue.length > 0) {
    const { command, action, primary } = queue.shift()!
    const decided = decide(state, command, { directory, authority })
    if (Result.isFailure(decided)) {
      // The caller's own command is refused outright; a rule's follow-up that the petition refuses
      // (say, an escalation below the current tier) is reported, not fatal.
      if (primary === true) return Result.fail(decided.failure)
      if (action !== undefined) actions.push({ ...action, refused: decided.failure.message })
      continue
    }
    if (action !== undefined) actions.push(action)
    for (const event of decided.success) {
      state = evolve(state, event)
      all.push(event)
      produced.push(event)
    }
    for (const event of decided.success) {
      // Records of what rules did (and who read what) are bookkeeping: rules do not run on them,
      // or a rule without a trigger condition would feed on its own notices.
      if (bookkeeping.has(event._tag)) continue
      // The clocks are evaluated only if a rule or template reads them: most rules test the
      // trigger first and stop there. Consequences run synchronously, before the state moves on.
      let clockFailure: ClockError | undefined
      const facts = lazyFacts(state, event, directory, () => {
        const evaluation = evaluate(event.at)
        if (Result.isSuccess(evaluation)) return clockFacts(evaluation.success)
        clockFailure = evaluation.failure
        return {}
      })
      const next = consequences(event, facts, context, notifications, { title: state.title })
      if (clockFailure !== undefined) return Result.fail(clockFailure)
      followUps += next.length
      if (followUps > limit) {
        return Result.fail(
          new RuleLoop({
            petitionId: state.id,
            limit,
            message: `规则包 ${pack.id}@${pack.version} 的规则相互触发超过 ${limit} 次，已停止。(Rules of pack ${pack.id}@${pack.version} triggered each other more than ${limit} times on petition ${state.id}; stopped.)`
          })
        )
      }
      queue.push(...next)
    }
  }

  const clocks = clocksNow(now)
  if (Result.isFailure(clocks)) return Result.fail(clocks.failure)
  const { evaluation, fold: clockFoldAfter } = clocks.success
  const earliest = (e: ClockEvaluation) =>
    e.nextWakeups.reduce<Instant | undefined>((min, w) => (min === undefined || w.at < min ? w.at : min), undefined)
  // A step earlier than the petition's newest event (a timer claimed before another instance
  // appended a later command) sees the clocks without that event: its wake-up is taken from the
  // whole history instead, at once if something is already due there, or the timer it schedules
  // would replace the one the later append set. Such a step also knows nothing of quiet.
  if (now < clockFoldAfter.latestAt) {
    const whole = clocksNow(clockFoldAfter.latestAt)
    if (Result.isFailure(whole)) return Result.fail(whole.failure)
    const due = clockRecords(state, all, whole.success.evaluation, clockFoldAfter.latestAt).length > 0
    const nextWakeAt = due ? clockFoldAfter.latestAt : earliest(whole.success.evaluation)
    return Result.succeed({ events: produced, state, actions, notifications, clocks: evaluation, nextWakeAt, clockFold: whole.success.fold, quiet: undefined })
  }
  const nextWakeAt = earliest(evaluation)
  // Until the next wake-up nothing more falls due; a record due now but not made is left to the next step.
  const quietAfter = clockRecords(state, all, evaluation, now).length === 0
    ? { fold: clockFoldAfter, before: nextWakeAt ?? Number.POSITIVE_INFINITY }
    : undefined
  return Result.succeed({ events: produced, state, actions, notifications, clocks: evaluation, nextWakeAt, clockFold: clockFoldAfter, quiet: quietAfter })
}

/** The facts rules see after `event`, each part computed when first read and then kept. */
const lazyFacts = (
  state: PetitionState,
  event: PetitionEvent,
  directory: StepContext["directory"],
  clocks: () => RuleFacts["clocks"]
): RuleFacts => {
  let petition: RuleFacts["petition"] | undefined
  let clockValues: RuleFacts["clocks"] | undefined
  return {
    get petition() {
      return (petition ??= petitionFacts(state, directory, event.at))
    },
    get clocks() {
      return (clockValues ??= clocks())
    },
    trigger: triggerFromEvent(event),
    now: event.at
  }
}

// A pack never changes once loaded: its policy is resolved once, not on every step.
const authorities = new WeakMap<StepContext["pack"], AuthorityPolicy>()
const authorityOf = (pack: StepContext["pack"]): AuthorityPolicy => {
  const known = authorities.get(pack)
  if (known !== undefined) return known
  const resolved = resolveAuthorityPolicy(pack.document.authority, pack.document.ladder)
  authorities.set(pack, resolved)
  return resolved
}
