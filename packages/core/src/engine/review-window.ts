/**
 * The petitioner's windows for review (复查, art. 35) and re-review (复核, art. 36): 30 days from
 * RECEIVING the written reply, or the review opinion — the delivery the handling unit records
 * (`DeliverReply`), never the instant the reply was written. Pure: the step and the read model use it.
 */
import { DateTime } from "luxon"
import { Result, Schema } from "effect"
import type { ClockError } from "../clocks/index.js"
import { lookupCalendar } from "../calendar/index.js"
import type { CommandOf, PetitionCommand, PetitionState } from "../petition/index.js"
import type { Instant } from "../shared/instant.js"
import type { StepContext } from "./step-context.js"

/** A review request whose window the pack may set (`reviews`); without a window it must. */
export type ReviewRequestInput<T extends "RequestReview" | "RequestReReview"> = Omit<CommandOf<T>, "windowEndsAt"> & {
  readonly windowEndsAt?: Instant
}

/** The review window is not set by the pack and the request does not give one. */
export class ReviewWindowUnknown extends Schema.TaggedError<ReviewWindowUnknown>()("ReviewWindowUnknown", {
  petitionId: Schema.String,
  message: Schema.String
}) {}

/**
 * The window a petitioner may request the next look in, as the portal shows it. `startsAt` is
 * the recorded delivery; without one the window has not started (`state: "not_started"`) and no
 * request can be late. `endsAt` and `length` are known when the pack has a `reviews` section.
 */
export interface ReviewWindow {
  readonly stage: "review" | "re_review"
  readonly state: "not_started" | "started"
  readonly startsAt?: Instant
  readonly endsAt?: Instant
  /** The pack's window as an ISO duration, e.g. `P30D`. */
  readonly length?: string
}

/** Which look the petitioner may ask for next, and the delivery its window runs from. */
const nextLook = (state: PetitionState): { readonly stage: "review" | "re_review"; readonly from: Instant | undefined } | undefined => {
  if (state.review.stage === "review_decided") return { stage: "re_review", from: state.deliveries.reviewOpinion?.at }
  if (state.review.stage !== "none" || state.repliedAt === undefined) return undefined
  return { stage: "review", from: state.deliveries.writtenReply?.at }
}

/**
 * The end of a window of `length` from `from`: the first day is not counted and the last day ends
 * at 24:00 in the calendar's zone (the counting of 民法典 arts. 201 and 203, which the 条例 leaves
 * open) — so the end is the midnight after the day `length` reaches. docs/calendars-and-clocks.md
 * states the choice.
 */
export const windowEnd = (context: StepContext, from: Instant): Result.Result<Instant | undefined, ClockError> => {
  const reviews = context.pack.document.reviews
  if (reviews === undefined) return Result.succeed(undefined)
  const calendar = lookupCalendar(context.calendars, reviews.calendar)
  if (Result.isFailure(calendar)) return Result.fail(calendar.failure)
  const reached = calendar.success.add(from, reviews.requestWithin)
  if (Result.isFailure(reached)) return Result.fail(reached.failure)
  return Result.succeed(DateTime.fromMillis(reached.success, { zone: calendar.success.timeZone }).startOf("day").plus({ days: 1 }).toMillis())
}

/** The window the petitioner is in now, if a review or re-review may be requested next. */
export const reviewWindowOf = (state: PetitionState, context: StepContext): ReviewWindow | undefined => {
  const look = nextLook(state)
  if (look === undefined) return undefined
  const length = context.pack.document.reviews?.requestWithin.iso
  const base = { stage: look.stage, ...(length === undefined ? {} : { length }) }
  if (look.from === undefined) return { ...base, state: "not_started" }
  const end = windowEnd(context, look.from)
  // A calendar the pack cannot find is reported where the window is enforced (the request); the
  // read model still shows when the window started.
  const endsAt = Result.isSuccess(end) ? end.success : undefined
  return { ...base, state: "started", startsAt: look.from, ...(endsAt === undefined ? {} : { endsAt }) }
}

/** The request without a window length: only the pack's `reviews` may state one, or a caller could make the refusal quote any. */
const withoutLength = <C extends { readonly windowLength?: string }>(command: C): Omit<C, "windowLength"> => {
  const { windowLength: _ignored, ...rest } = command
  return rest
}

/**
 * Fills in a review request's window. With a `reviews` section in the pack the law's window,
 * counted from the recorded delivery in the pack's calendar, applies whatever the caller says; a
 * request before any delivery is recorded is in time (the window has not started). Without the
 * section the caller's `windowEndsAt` stands, and must be given.
 */
export const withReviewWindow = (
  state: PetitionState,
  context: StepContext,
  command: ReviewRequestInput<"RequestReview"> | ReviewRequestInput<"RequestReReview">
): Result.Result<PetitionCommand, ReviewWindowUnknown | ClockError> => {
  const reviews = context.pack.document.reviews
  const given = command.windowEndsAt
  if (reviews === undefined) {
    return given === undefined
      ? Result.fail(
          new ReviewWindowUnknown({
            petitionId: state.id,
            message: `规则包 ${context.pack.id}@${context.pack.version} 未规定复查/复核申请期限（reviews），请在命令中给出 windowEndsAt。(The rule pack sets no review window ("reviews"); give windowEndsAt in the command.)`
          })
        )
      : Result.succeed({ ...withoutLength(command), windowEndsAt: given })
  }
  const look = nextLook(state)
  const windowLength = reviews.requestWithin.iso
  // Nothing to review at this stage (decide refuses the request on the petition's state before it
  // looks at the window), or no delivery recorded yet: the request cannot be late.
  const from = look !== undefined && look.stage === (command._tag === "RequestReview" ? "review" : "re_review") ? look.from : undefined
  if (from === undefined) return Result.succeed({ ...command, windowEndsAt: command.at, windowLength })
  const end = windowEnd(context, from)
  if (Result.isFailure(end)) return Result.fail(end.failure)
  return Result.succeed({ ...command, windowEndsAt: end.success ?? command.at, windowLength })
}
