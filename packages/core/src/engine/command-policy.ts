/**
 * What the pack says of a command before the petition decides it, which the petition cannot know:
 * the rating deadline the engine sets on a Close, and whether an extension is one the clock's
 * policy allows. (The review windows are in review-window.ts.)
 */
import { Result } from "effect"
import type { InvalidDuration } from "../calendar/index.js"
import { lookupCalendar, parseDuration } from "../calendar/index.js"
import type { ClockError, ClockEvaluation } from "../clocks/index.js"
import { checkExtension, ExtensionRefused } from "../clocks/index.js"
import type { CommandOf, PetitionEvent, PetitionState } from "../petition/index.js"
import type { StepContext } from "./step-context.js"

/**
 * The rating deadline (回访期限) is the engine's to compute: the pack's rating window counted from the
 * latest resolution in the pack's calendar. Without a window, or before any resolution, the command
 * goes on as it came (callers cannot set a deadline: the entrance refuses one).
 */
export const withRatingDeadline = (
  history: ReadonlyArray<PetitionEvent>,
  context: StepContext,
  command: CommandOf<"Close">
): Result.Result<CommandOf<"Close">, ClockError> => {
  const rating = context.pack.document.rating
  const resolvedAt = [...history].reverse().find((e) => e._tag === "Resolved")?.at
  if (rating === undefined || resolvedAt === undefined) return Result.succeed(command)
  const calendar = lookupCalendar(context.calendars, rating.calendar)
  if (Result.isFailure(calendar)) return Result.fail(calendar.failure)
  const deadline = calendar.success.add(resolvedAt, rating.within)
  if (Result.isFailure(deadline)) return Result.fail(deadline.failure)
  return Result.succeed({ ...command, ratingDeadline: deadline.success })
}

/**
 * An extension must be one the clock's policy allows (at most so many, at most so long in total),
 * on a clock that is running — the petition itself cannot know the policy, so the engine asks.
 */
export const extensionRefusal = (
  state: PetitionState,
  context: StepContext,
  command: CommandOf<"Extend">,
  evaluation: Result.Result<ClockEvaluation, ClockError>
): ExtensionRefused | InvalidDuration | ClockError | undefined => {
  const amount = parseDuration(command.amount)
  if (Result.isFailure(amount)) return amount.failure
  if (Result.isFailure(evaluation)) return evaluation.failure
  const clock = evaluation.success.clocks.find((c) => c.key === command.clock) ??
    evaluation.success.clocks.find((c) => c.name === command.clock)
  const policy = clock === undefined ? undefined : context.pack.document.clocks.find((p) => p.name === clock.name)
  if (clock === undefined || policy === undefined) {
    const known = evaluation.success.clocks.map((c) => c.key).join(", ") || "—"
    return new ExtensionRefused({
      clock: command.clock,
      reason: "notExtendable",
      message: `信访件 ${state.id} 没有名为"${command.clock}"的时限（现有：${known}）。(Petition ${state.id} has no clock "${command.clock}"; it has: ${known}.)`
    })
  }
  const checked = checkExtension(clock, policy, amount.success)
  return Result.isFailure(checked) ? checked.failure : undefined
}
