import type { Handlers } from "../guards.js"
import { runChecks } from "../guards.js"

/** 明确责任人、协办报送、首轮办结、挂起、延期、办结: the work on the petition itself. */
export const handling: Pick<Handlers, "AssignHandler" | "ReportPart" | "CompleteFirstRound" | "Suspend" | "Resume" | "Extend" | "Resolve"> = {
  AssignHandler: ({ state: s, command: cmd, directory: dir, base, guard }) =>
    runChecks(
      [
        guard.unit(cmd.unit, "unit"),
        guard.person(cmd.person, "person"),
        () => (dir.person(cmd.person)?.unit === cmd.unit ? undefined : { _tag: "PersonNotInUnit", petitionId: s.id, person: cmd.person, unit: cmd.unit })
      ],
      () => [{ _tag: "HandlerAssigned", ...base, unit: cmd.unit, person: cmd.person }]
    ),
  ReportPart: ({ command: cmd, base, guard }) =>
    runChecks(
      [guard.unit(cmd.unit, "unit")],
      () => [{ _tag: "PartReported", ...base, unit: cmd.unit, summary: cmd.summary }]
    ),
  CompleteFirstRound: ({ state: s, command: cmd, base, guard }) =>
    runChecks(
      [guard.unit(cmd.unit, "unit"), () => (s.firstRoundCompletedAt === undefined ? undefined : guard.invalid("first_round_completed"))],
      () => [{ _tag: "FirstRoundCompleted", ...base, unit: cmd.unit, summary: cmd.summary }]
    ),
  // After closing, a suspension records a hearing (听证) in re-review: art. 36 leaves its time out of the limit.
  Suspend: ({ state: s, command: cmd, base, guard }) =>
    runChecks(
      [
        () =>
          s.status !== "closed" ? undefined
          : s.hearing ? guard.invalid("hearing_running")
          : s.review.stage === "re_review_requested" ? undefined
          : guard.invalid("no_re_review_for_hearing"),
        guard.reason(cmd.reason)
      ],
      () => [{ _tag: "Suspended", ...base, reason: cmd.reason }]
    ),
  Resume: ({ state: s, command: cmd, base, guard }) =>
    runChecks(
      [() => (s.status !== "closed" || s.hearing ? undefined : guard.invalid("no_hearing")), guard.reason(cmd.reason)],
      () => [{ _tag: "Resumed", ...base, reason: cmd.reason }]
    ),
  Extend: ({ command: cmd, base, guard }) =>
    runChecks([guard.person(cmd.approver, "approver"), guard.reason(cmd.reason)], () => [
      { _tag: "Extended", ...base, clock: cmd.clock, amount: cmd.amount, reason: cmd.reason, approver: cmd.approver }
    ]),
  Resolve: ({ state: s, command: cmd, base, guard }) => {
    const outstanding = s.coHandlers.filter((u) => !s.partsReported.includes(u))
    return runChecks(
      [
        guard.unit(cmd.unit, "unit"),
        () => (cmd.checklist.explanationGiven ? undefined : { _tag: "ChecklistIncomplete", petitionId: s.id }),
        () => (outstanding.length === 0 ? undefined : { _tag: "PartsOutstanding", petitionId: s.id, units: outstanding })
      ],
      () => [{ _tag: "Resolved", ...base, unit: cmd.unit, checklist: cmd.checklist, summary: cmd.summary }]
    )
  }
}
