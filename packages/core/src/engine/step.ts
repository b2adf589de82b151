/**
 * The engine's pure transition: given a petition's history and what just happened (a command,
 * or a clock wake-up), everything that follows from it — the sealed events (including those rules
 * cause), the notifications to enqueue, the rule actions that fired, and when to wake up next.
 * The shell (engine.ts) loads, calls this, and appends the outcome atomically.
 */
import { Result, Schema } from "effect"
import type { Calendars } from "../calendar/index.js"
import type { ClockEvaluation, ClockStatus } from "../clocks/index.js"
import { checkExtension, evaluateClocks, ExtensionRefused } from "../clocks/index.js"
import type { ClockError } from "../clocks/index.js"
import type { InvalidDuration } from "../calendar/index.js"
import { lookupCalendar, parseDuration } from "../calendar/index.js"
import type { Directory } from "../directory/index.js"
import type { CommandOf, PetitionCommand, PetitionEvent, PetitionRefusal, PetitionState } from "../petition/index.js"
import { decide, evolve } from "../petition/index.js"
import type { OutboxMessage } from "../ports/index.js"
import type { RuleAction } from "../rules/actions-eval.js"
import { escalate, pluginEffects, route } from "../rules/actions-eval.js"
import type { RuleFacts, RulePack } from "../rules/index.js"
import { triggerFromEvent } from "../rules/index.js"
import type { Instant } from "../shared/instant.js"
import { clockFacts, clockSubject, petitionFacts } from "../rules/facts.js"
import { renderTemplate } from "./templates.js"
import type { Duration } from "../calendar/index.js"

/** What the engine consults besides the petition: the directory and the petition's pinned pack. */
export interface StepContext {
  readonly directory: Directory
  readonly pack: RulePack
  readonly calendars: Calendars
  /** Follow-up commands caused by rules, at most, per step — a guard against rules that feed each other. */
  readonly maxFollowUps?: number
}

/** A rule action as it is reported (and printed by `minyi simulate`). */
export interface FiredAction {
  readonly at: Instant
  readonly petitionId: string
  readonly rule: string
  readonly packId: string
  readonly packVersion: string
  readonly type: RuleAction["type"] | "route" | "watch" | "problem"
  readonly params: Readonly<Record<string, unknown>>
  /** Why the action was not carried out, when it was refused (e.g. an escalation to a lower tier). */
  readonly refused?: string
}

export type StepCause =
  | { readonly _tag: "Command"; readonly command: PetitionCommand }
  | { readonly _tag: "Wake"; readonly now: Instant }

export interface StepOutcome {
  readonly events: ReadonlyArray<PetitionEvent>
  readonly state: PetitionState
  readonly actions: ReadonlyArray<FiredAction>
  readonly notifications: ReadonlyArray<OutboxMessage>
  /** The clocks as of the step's instant, after the new events. */
  readonly clocks: ClockEvaluation
  /** The earliest instant at which a clock warns or breaches; undefined when nothing is pending. */
  readonly nextWakeAt: Instant | undefined
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

/** Clock evaluation over a history, as of `now`. */
export const evaluateAt = (
  state: PetitionState,
  history: ReadonlyArray<PetitionEvent>,
  context: StepContext,
  now: Instant
): Result.Result<ClockEvaluation, ClockError> =>
  evaluateClocks({
    events: history,
    subject: clockSubject(state, context.directory),
    policies: context.pack.document.clocks,
    calendars: context.calendars,
    now
  })

const sameBreach = (e: PetitionEvent, c: ClockStatus): boolean =>
  e._tag === "ClockBreached" && e.clock === c.name && e.unit === c.unit && e.dueAt === c.dueAt

const sameWarning = (e: PetitionEvent, c: ClockStatus, threshold: string): boolean =>
  e._tag === "ClockWarned" && e.clock === (c.unit === undefined ? c.name : `${c.name}:${c.unit}`) &&
  e.threshold === threshold && e.dueAt === c.dueAt

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
  now: Instant
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
      for (const threshold of c.warningsPassed) {
        if (!history.some((e) => sameWarning(e, c, threshold))) {
          commands.push({
            _tag: "RecordClockWarning",
            petitionId: state.id,
            at: now,
            actor: system,
            clock: c.unit === undefined ? c.name : `${c.name}:${c.unit}`,
            threshold,
            dueAt: c.dueAt
          })
        }
      }
    }
  }
  return commands
}

/**
 * Everything that follows from one cause. Rule-caused commands run in the same step, so the
 * events, their follow-ups and the notifications are appended together or not at all.
 */
export const step = (
  history: ReadonlyArray<PetitionEvent>,
  state0: PetitionState,
  cause: StepCause,
  context: StepContext
): Result.Result<StepOutcome, StepError> => {
  const { directory, pack } = context
  const now = cause._tag === "Command" ? cause.command.at : cause.now
  const limit = context.maxFollowUps ?? 64
  let state = state0
  const all: Array<PetitionEvent> = [...history]
  const produced: Array<PetitionEvent> = []
  const actions: Array<FiredAction> = []
  const notifications: Array<OutboxMessage> = []
  const queue: Array<{ readonly command: PetitionCommand; readonly action?: FiredAction; readonly primary?: boolean }> = []

  // Whatever warned or breached before this instant and is not recorded yet is recorded first —
  // a command that arrives after a deadline, before any timer fired, must not hide the breach.
  if (state.version > 0) {
    const evaluation = evaluateAt(state, all, context, now)
    if (Result.isFailure(evaluation)) return Result.fail(evaluation.failure)
    for (const command of clockRecords(state, all, evaluation.success, now)) queue.push({ command })
  }
  if (cause._tag === "Command") {
    if (cause.command._tag === "RequestReview" || cause.command._tag === "RequestReReview") {
      const windowed = withReviewWindow(state, all, context, cause.command)
      if (Result.isFailure(windowed)) return Result.fail(windowed.failure)
      cause = { _tag: "Command", command: windowed.success }
    }
    if (cause.command._tag === "Extend") {
      const refused = extensionRefusal(state, all, context, cause.command)
      if (refused !== undefined) return Result.fail(refused)
    }
    queue.push({ command: cause.command, primary: true })
  }

  let followUps = 0
  while (queue.length > 0) {
    const { command, action, primary } = queue.shift()!
    const decided = decide(state, command, { directory })
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
      const evaluation = evaluateAt(state, all, context, event.at)
      if (Result.isFailure(evaluation)) return Result.fail(evaluation.failure)
      const facts: RuleFacts = {
        petition: petitionFacts(state, directory, event.at),
        clocks: clockFacts(evaluation.success),
        trigger: triggerFromEvent(event),
        now: event.at
      }
      const next = consequences(event, facts, context, notifications)
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

  const clocks = evaluateAt(state, all, context, now)
  if (Result.isFailure(clocks)) return Result.fail(clocks.failure)
  const nextWakeAt = clocks.success.nextWakeups.reduce<Instant | undefined>(
    (min, w) => (min === undefined || w.at < min ? w.at : min),
    undefined
  )
  return Result.succeed({ events: produced, state, actions, notifications, clocks: clocks.success, nextWakeAt })
}

/** The review window is not set by the pack and the request does not give one. */
export class ReviewWindowUnknown extends Schema.TaggedError<ReviewWindowUnknown>()("ReviewWindowUnknown", {
  petitionId: Schema.String,
  message: Schema.String
}) {}

/** A request that leaves its window to the engine carries this instant (the epoch) as `windowEndsAt`. */
export const WINDOW_FROM_PACK = 0

/**
 * The window a petitioner has to request a review (from the written reply: the resolution, or the
 * closure of a petition declined without one) or a re-review (from the review decision). When the
 * pack has a `reviews` section the law's window, counted in its calendar, is the one that applies,
 * whatever the caller says; otherwise the caller's `windowEndsAt` stands.
 */
const withReviewWindow = (
  state: PetitionState,
  history: ReadonlyArray<PetitionEvent>,
  context: StepContext,
  command: CommandOf<"RequestReview"> | CommandOf<"RequestReReview">
): Result.Result<PetitionCommand, ReviewWindowUnknown | ClockError> => {
  const reviews = context.pack.document.reviews
  if (reviews === undefined) {
    return command.windowEndsAt === WINDOW_FROM_PACK
      ? Result.fail(
          new ReviewWindowUnknown({
            petitionId: state.id,
            message: `规则包 ${context.pack.id}@${context.pack.version} 未规定复查/复核申请期限（reviews），请在命令中给出 windowEndsAt。(The rule pack sets no review window ("reviews"); give windowEndsAt in the command.)`
          })
        )
      : Result.succeed(command)
  }
  const last = (tag: PetitionEvent["_tag"], ok: (e: PetitionEvent) => boolean = () => true) =>
    [...history].reverse().find((e) => e._tag === tag && ok(e))?.at
  const from = command._tag === "RequestReview"
    ? (last("Resolved") ?? last("Closed"))
    : last("ReviewDecided", (e) => e._tag === "ReviewDecided" && e.stage === "review")
  if (from === undefined) return Result.succeed(command) // decide refuses it: nothing to review yet
  const calendar = lookupCalendar(context.calendars, reviews.calendar)
  if (Result.isFailure(calendar)) return Result.fail(calendar.failure)
  const ends = calendar.success.add(from, reviews.requestWithin)
  if (Result.isFailure(ends)) return Result.fail(ends.failure)
  return Result.succeed({ ...command, windowEndsAt: ends.success })
}

/**
 * An extension must be one the clock's policy allows (at most so many, at most so long in total),
 * on a clock that is running — the petition itself cannot know the policy, so the engine asks.
 */
const extensionRefusal = (
  state: PetitionState,
  history: ReadonlyArray<PetitionEvent>,
  context: StepContext,
  command: CommandOf<"Extend">
): ExtensionRefused | InvalidDuration | ClockError | undefined => {
  const amount = parseDuration(command.amount)
  if (Result.isFailure(amount)) return amount.failure
  const evaluation = evaluateAt(state, history, context, command.at)
  if (Result.isFailure(evaluation)) return evaluation.failure
  const clock = evaluation.success.clocks.find((c) => c.key === command.clock) ??
    evaluation.success.clocks.find((c) => c.name === command.clock)
  const policy = clock === undefined ? undefined : context.pack.document.clocks.find((p) => p.name === clock.name)
  if (clock === undefined || policy === undefined) {
    const known = evaluation.success.clocks.map((c) => c.key).join(", ") || "—"
    return new ExtensionRefused({
      clock: command.clock,
      reason: "notExtendable",
      message: `诉求 ${state.id} 没有名为"${command.clock}"的时限（现有：${known}）。(Petition ${state.id} has no clock "${command.clock}"; it has: ${known}.)`
    })
  }
  const checked = checkExtension(clock, policy, amount.success)
  return Result.isFailure(checked) ? checked.failure : undefined
}

/**
 * Deadlines that rules set (whistles) run in natural time — a summoned unit must be on site within
 * hours, nights and holidays included; the pack gives a whistle a duration, never a calendar.
 */
const addDuration = (context: StepContext, at: Instant, duration: Duration): Instant => {
  const calendar = context.calendars.get("natural")
  const result = calendar === undefined ? undefined : calendar.add(at, duration)
  return result !== undefined && Result.isSuccess(result) ? result.success : at
}

const fired = (at: Instant, petitionId: string, a: { readonly provenance: { readonly packId: string; readonly packVersion: string; readonly ruleId: string } }, type: FiredAction["type"], params: Record<string, unknown>): FiredAction => ({
  at,
  petitionId,
  rule: a.provenance.ruleId,
  packId: a.provenance.packId,
  packVersion: a.provenance.packVersion,
  type,
  params
})

/** What the pack says should follow an event: commands to run now, notifications to enqueue. */
const consequences = (
  event: PetitionEvent,
  facts: RuleFacts,
  context: StepContext,
  notifications: Array<OutboxMessage>
): Array<{ readonly command: PetitionCommand; readonly action: FiredAction }> => {
  const { directory, pack } = context
  const petitionId = event.petitionId
  const at = event.at
  const out: Array<{ command: PetitionCommand; action: FiredAction }> = []
  const base = (ruleRef: { readonly packId: string; readonly packVersion: string; readonly ruleId: string }) => ({
    petitionId,
    at,
    actor: system,
    rule: { packId: ruleRef.packId, packVersion: ruleRef.packVersion, ruleId: ruleRef.ruleId }
  })

  if (event._tag === "Submitted") {
    const decision = route(pack, facts, directory)
    const provenance = decision.provenance ?? { packId: pack.id, packVersion: pack.version, ruleId: "routing.default-dispatch-centre" }
    const routed = { provenance }
    out.push({
      command: { _tag: "Dispatch", ...base(provenance), lead: decision.lead, coHandlers: decision.coHandlers },
      action: fired(at, petitionId, routed, "route", { lead: decision.lead, coHandlers: decision.coHandlers })
    })
    for (const person of decision.watchers) {
      out.push({
        command: { _tag: "AddWatcher", ...base(provenance), person },
        action: fired(at, petitionId, routed, "watch", { person })
      })
    }
    if (decision.whistle !== undefined) {
      const whistle = decision.whistle
      const deadline = addDuration(context, at, whistle.deadline)
      out.push({
        command: {
          _tag: "BlowWhistle",
          ...base(provenance),
          whistleId: `${provenance.ruleId}@${event.version}`,
          unit: decision.lead,
          summoned: whistle.summon,
          deadline
        },
        action: fired(at, petitionId, routed, "whistle", { summon: whistle.summon, deadline })
      })
    }
  }

  const escalation = escalate(pack, facts, directory)
  // A rule that matched but could not act (no owner at that tier, nobody to notify) leaves a trace
  // in the history, so that the gap in the directory or the ladder is seen and fixed.
  for (const problem of escalation.problems) {
    const provenance = { packId: pack.id, packVersion: pack.version, ruleId: problem.ruleId }
    out.push({
      command: { _tag: "RecordRuleProblem", ...base(provenance), reason: problem.error.message },
      action: { ...fired(at, petitionId, { provenance }, "problem", { reason: problem.error.message }) }
    })
  }
  for (const action of escalation.actions) {
    const b = base(action.provenance)
    switch (action.type) {
      case "notify": {
        const message = renderTemplate(pack, action.template, facts, directory)
        for (const target of action.recipients) {
          const recipient = `${target.kind}:${target.id}`
          notifications.push({
            id: `${petitionId}/${event.version}/${action.provenance.ruleId}/${recipient}`,
            streamId: petitionId,
            idempotencyKey: `${action.key}|${recipient}`,
            channel: "default",
            recipient,
            template: action.template,
            payload: { petitionId, rule: action.provenance.ruleId, packVersion: action.provenance.packVersion, message: { ...message } },
            createdAt: at
          })
        }
        const recipients = action.recipients.map((t) => `${t.kind}:${t.id}`)
        out.push({
          command: { _tag: "RecordNotification", ...b, template: action.template, recipients },
          action: fired(at, petitionId, action, "notify", { template: action.template, recipients })
        })
        break
      }
      case "escalate":
        out.push({
          command: { _tag: "Escalate", ...b, tier: action.tier, owner: action.owner, reason: action.reason ?? action.provenance.ruleId },
          action: fired(at, petitionId, action, "escalate", { tier: action.tier, owner: action.owner })
        })
        break
      case "whistle": {
        const deadline = addDuration(context, at, action.deadline)
        out.push({
          command: {
            _tag: "BlowWhistle",
            ...b,
            whistleId: `${action.provenance.ruleId}@${event.version}`,
            unit: facts.petition.lead ?? directory.dispatchCentre.id,
            summoned: action.summon,
            deadline
          },
          action: fired(at, petitionId, action, "whistle", { summon: action.summon, deadline })
        })
        break
      }
      case "flag":
        out.push({ command: { _tag: "Flag", ...b, flag: action.flag }, action: fired(at, petitionId, action, "flag", { flag: action.flag }) })
        break
      case "setPriority":
        out.push({
          command: { _tag: "SetPriority", ...b, priority: action.priority },
          action: fired(at, petitionId, action, "setPriority", { priority: action.priority })
        })
        break
      case "requireVisit":
        out.push({
          command: { _tag: "RequireVisit", ...b, reason: action.reason },
          action: fired(at, petitionId, action, "requireVisit", { reason: action.reason })
        })
        break
      case "plugin": {
        // A plugin's commands go through decide like the built-in actions'; its messages join the outbox.
        const effects = pluginEffects(action, b, event.version)
        notifications.push(...effects.notifications)
        for (const c of effects.commands) out.push({ command: c.command, action: fired(at, petitionId, action, "plugin", { ...c.params }) })
        break
      }
    }
  }
  return out
}
