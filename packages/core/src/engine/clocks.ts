/**
 * A petition's clocks during a step, folded event by event instead of re-evaluated over the whole
 * history each time. The fold is kept with the petition between commands, so a command's clock
 * work does not grow with the history. Whenever the fold cannot answer exactly as the whole-history
 * evaluation would — the petition's subject changed (a flag, a priority), another pack, an instant
 * before the latest event — it is rebuilt, or the whole history is evaluated.
 */
import { Result } from "effect"
import type { ClockError, ClockEvaluation, ClockFold, ClockSubject } from "../clocks/index.js"
import { clocksOfFold, evaluateClocks, foldClockEvents, startClockFold } from "../clocks/index.js"
import type { PetitionEvent, PetitionState } from "../petition/index.js"
import type { Instant } from "../shared/instant.js"
import { clockSubject } from "../rules/facts.js"
import type { StepContext } from "./step-context.js"

const sameList = (a: ReadonlyArray<string> | undefined, b: ReadonlyArray<string> | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]))

const sameSubject = (a: ClockSubject, b: ClockSubject): boolean =>
  a.channel === b.channel && a.channelKind === b.channelKind && a.persons === b.persons && a.priority === b.priority &&
  sameList(a.categoryPath, b.categoryPath) && sameList(a.flags, b.flags)

/** Clock evaluation over a whole history, as of `now`: the oracle the folds must agree with. */
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

/** Whether `fold` was folded for this petition's subject under this pack and these calendars. */
export const foldUsable = (fold: ClockFold, state: PetitionState, context: StepContext): boolean =>
  fold.policies === context.pack.document.clocks && fold.calendars === context.calendars &&
  sameSubject(fold.subject, clockSubject(state, context.directory))

/**
 * The fold over all of `history` for the petition as `state` has it: `fold` carried forward when
 * it was built for the same subject and pack over a prefix of `history`, else built anew.
 */
export const foldFor = (
  fold: ClockFold | undefined,
  state: PetitionState,
  history: ReadonlyArray<PetitionEvent>,
  context: StepContext
): Result.Result<ClockFold, ClockError> => {
  const usable = fold !== undefined && fold.count <= history.length && foldUsable(fold, state, context)
  const base = usable
    ? Result.succeed(fold)
    : startClockFold({ subject: clockSubject(state, context.directory), policies: context.pack.document.clocks, calendars: context.calendars })
  return Result.flatMap(base, (b) => foldClockEvents(b, b.count === 0 ? history : history.slice(b.count)))
}

/** The clocks as of `now`, and the fold over all of `history` to carry on with. */
export const clocksAt = (
  fold: ClockFold | undefined,
  state: PetitionState,
  history: ReadonlyArray<PetitionEvent>,
  context: StepContext,
  now: Instant
): Result.Result<{ readonly evaluation: ClockEvaluation; readonly fold: ClockFold }, ClockError> => {
  const folded = foldFor(fold, state, history, context)
  if (Result.isFailure(folded)) return Result.fail(folded.failure)
  // Before the latest event the whole-history evaluation stops early; only it can answer.
  if (now < folded.success.latestAt) {
    return Result.map(evaluateAt(state, history, context, now), (evaluation) => ({ evaluation, fold: folded.success }))
  }
  return Result.map(clocksOfFold(folded.success, now), (evaluation) => ({ evaluation, fold: folded.success }))
}
