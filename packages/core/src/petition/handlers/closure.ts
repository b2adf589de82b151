import type { Decision, HandlerInput, Handlers } from "../guards.js"
import { runChecks } from "../guards.js"
import type { CommandOf } from "../schema.js"

// A review (复查) follows the closing, a re-review (复核) a decided review; each inside its window.
const requestReview = (
  { state: s, command: cmd, base, guard }: Omit<HandlerInput<"RequestReview">, "command"> & { readonly command: CommandOf<"RequestReview" | "RequestReReview"> },
  stage: "review" | "re_review"
): Decision =>
  runChecks(
    [
      () =>
        stage === "review"
          ? s.review.stage === "none" ? undefined : guard.invalid("review_already_requested")
          : s.review.stage === "review_decided" ? undefined : guard.invalid("review_not_decided"),
      guard.reason(cmd.reason),
      () =>
        cmd.at <= cmd.windowEndsAt
          ? undefined
          : {
            _tag: "ReviewWindowClosed",
            petitionId: s.id,
            stage,
            windowEndsAt: cmd.windowEndsAt,
            ...(cmd.windowLength === undefined ? {} : { windowLength: cmd.windowLength })
          }
    ],
    () => [{ _tag: stage === "review" ? "ReviewRequested" : "ReReviewRequested", ...base, reason: cmd.reason }]
  )

/** 回访、结案、重新办理、书面答复送达、复查复核: how a petition ends, and the statutory second looks. */
export const closure: Pick<Handlers, "RateSatisfaction" | "Close" | "Reopen" | "RequestReview" | "RequestReReview" | "DecideReview" | "DeliverReply"> = {
  // Who rates (the petitioner, or the dispatch centre's callback on their behalf) is the policy's.
  RateSatisfaction: ({ state: s, command: cmd, base, guard }) =>
    runChecks([() => (s.rating === undefined ? undefined : guard.invalid("already_rated"))], () => [{ _tag: "SatisfactionRated", ...base, rating: cmd.rating }]),
  Close: ({ state: s, command: cmd, base, guard }) =>
    runChecks(
      [
        guard.reason(cmd.reason),
        () =>
          s.status === "declined" ||
          s.rating === "satisfied" ||
          s.rating === "basically_satisfied" ||
          (cmd.ratingDeadline !== undefined && cmd.at >= cmd.ratingDeadline)
            ? undefined
            : { _tag: "NotRated", petitionId: s.id }
      ],
      () => [{ _tag: "Closed", ...base, reason: cmd.reason }]
    ),
  Reopen: ({ state: s, command: cmd, base, guard }) =>
    runChecks(
      [
        () => (s.status === "closed" && s.review.outcome !== "overturned" ? { _tag: "PetitionClosed", petitionId: s.id, command: cmd._tag } : undefined),
        guard.reason(cmd.reason)
      ],
      () => [{ _tag: "Reopened", ...base, reason: cmd.reason }]
    ),
  RequestReview: (input) => requestReview(input, "review"),
  RequestReReview: (input) => requestReview(input, "re_review"),
  DecideReview: ({ state: s, command: cmd, base, guard }) =>
    runChecks(
      [
        () =>
          s.review.stage === (cmd.stage === "review" ? "review_requested" : "re_review_requested")
            ? undefined
            : guard.invalid(cmd.stage === "review" ? "no_review_pending" : "no_re_review_pending"),
        // The re-review is decided on what the hearing found: it must be over first.
        () => (s.hearing ? guard.invalid("hearing_running") : undefined)
      ],
      () => [{ _tag: "ReviewDecided", ...base, stage: cmd.stage, outcome: cmd.outcome }]
    ),
  // Who may record a delivery (a unit that handled the petition, or the reviewing organ) is the
  // authority policy's; the actor belongs to the unit it names (decide's acting-unit check).
  DeliverReply: ({ state: s, command: cmd, base, guard }) => {
    const written = cmd.reply === "written_reply"
    const given = written ? s.repliedAt : s.review.stage === "none" || s.review.stage === "review_requested" ? undefined : s.reviewOpinionAt
    return runChecks(
      [
        () => (given !== undefined ? undefined : guard.invalid(written ? "no_written_reply" : "no_review_opinion")),
        () => ((written ? s.deliveries.writtenReply : s.deliveries.reviewOpinion) === undefined ? undefined : guard.invalid("reply_already_delivered")),
        guard.unit(cmd.unit, "unit"),
        () =>
          given === undefined || (cmd.deliveredAt >= given && cmd.deliveredAt <= cmd.at)
            ? undefined
            : { _tag: "DeliveryTimeImpossible", petitionId: s.id, reply: cmd.reply, deliveredAt: cmd.deliveredAt, earliest: given, recordedAt: cmd.at }
      ],
      () => [{ _tag: "ReplyDelivered", ...base, reply: cmd.reply, unit: cmd.unit, method: cmd.method, deliveredAt: cmd.deliveredAt }]
    )
  }
}
