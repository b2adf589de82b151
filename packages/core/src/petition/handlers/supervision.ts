import type { Handlers } from "../guards.js"
import { runChecks } from "../guards.js"

/** 提级包案、家访接访、吹哨报到、督查建议: leaders and supervision taking hold of hard cases. */
export const supervision: Pick<Handlers, "Escalate" | "RecordVisit" | "RequireVisit" | "BlowWhistle" | "ReportForDuty" | "IssueRecommendation"> = {
  Escalate: ({ state: s, command: cmd, base, guard }) =>
    runChecks(
      [
        guard.person(cmd.owner, "owner"),
        () => (cmd.tier > s.tier ? undefined : { _tag: "TierNotHigher", petitionId: s.id, tier: cmd.tier, current: s.tier }),
        guard.reason(cmd.reason)
      ],
      () => [{ _tag: "Escalated", ...base, tier: cmd.tier, owner: cmd.owner, reason: cmd.reason }]
    ),
  RecordVisit: ({ command: cmd, base, guard }) =>
    runChecks([guard.person(cmd.leader, "leader")], () => [
      { _tag: "VisitRecorded", ...base, kind: cmd.kind, ...(cmd.leader === undefined ? {} : { leader: cmd.leader }), batches: cmd.batches, persons: cmd.persons }
    ]),
  RequireVisit: ({ command: cmd, base, guard }) => runChecks([guard.reason(cmd.reason)], () => [{ _tag: "VisitRequired", ...base, reason: cmd.reason }]),
  BlowWhistle: ({ state: s, command: cmd, directory: dir, base, guard }) =>
    runChecks(
      [
        guard.unit(cmd.unit, "unit"),
        () => {
          const kind = dir.unit(cmd.unit)?.kind
          return kind === "street_office" || kind === "community" ? undefined : { _tag: "WhistleNotAllowed", petitionId: s.id, unit: cmd.unit }
        },
        () => (cmd.deadline > cmd.at ? undefined : { _tag: "DeadlineNotAfter", petitionId: s.id, deadline: cmd.deadline, at: cmd.at }),
        ...guard.units(cmd.summoned, "summoned"),
        () => (!cmd.summoned.includes(cmd.unit) ? undefined : { _tag: "SelfReference", petitionId: s.id, field: "summoned" }),
        () => (s.whistles[cmd.whistleId] === undefined ? undefined : { _tag: "DuplicateWhistle", petitionId: s.id, whistleId: cmd.whistleId })
      ],
      () => [{ _tag: "WhistleBlown", ...base, whistleId: cmd.whistleId, unit: cmd.unit, summoned: cmd.summoned, deadline: cmd.deadline }]
    ),
  ReportForDuty: ({ state: s, command: cmd, base, guard }) => {
    const whistle = s.whistles[cmd.whistleId]
    const { whistleId, unit } = cmd
    return runChecks(
      [
        guard.unit(unit, "unit"),
        () => (whistle !== undefined ? undefined : { _tag: "UnknownWhistle", petitionId: s.id, whistleId }),
        () => (whistle === undefined || whistle.summoned.includes(unit) ? undefined : { _tag: "NotSummoned", petitionId: s.id, whistleId, unit }),
        () => (whistle === undefined || !whistle.reported.includes(unit) ? undefined : { _tag: "AlreadyReported", petitionId: s.id, whistleId, unit })
      ],
      () => [{ _tag: "ReportedForDuty", ...base, whistleId, unit }]
    )
  },
  // Supervision's three rights (督查建议) belong to supervisors: the authority policy checks who issues them.
  IssueRecommendation: ({ command: cmd, base, guard }) =>
    runChecks([guard.unit(cmd.to, "to")], () => [{ _tag: "RecommendationIssued", ...base, kind: cmd.kind, to: cmd.to, text: cmd.text }])
}
