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
      () => (cmd.at <= cmd.windowEndsAt ? undefined : { _tag: "ReviewWindowClosed", petitionId: s.id, stage, windowEndsAt: cmd.windowEndsAt })
    ],
    () => [{ _tag: stage === "review" ? "ReviewRequested" : "ReReviewRequested", ...base, reason: cmd.reason }]
  )

/** 回访、结案、重新办理、复查复核: how a petition ends, and the statutory second looks. */
export const closure: Pick<Handlers, "RateSatisfaction" | "Close" | "Reopen" | "RequestReview" | "RequestReReview" | "DecideReview"> = {
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
            : guard.invalid(cmd.stage === "review" ? "no_review_pending" : "no_re_review_pending")
      ],
      () => [{ _tag: "ReviewDecided", ...base, stage: cmd.stage, outcome: cmd.outcome }]
    )
}
