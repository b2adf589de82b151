import type { Handlers } from "../guards.js"
import { runChecks } from "../guards.js"

/** 派单、签收、不予受理、退单、转办: finding the unit that will own the petition. */
export const dispatch: Pick<Handlers, "Dispatch" | "Accept" | "Decline" | "Return" | "Transfer"> = {
  Dispatch: ({ command: cmd, base, guard }) =>
    runChecks(
      [
        guard.unit(cmd.lead, "lead"),
        ...guard.units(cmd.coHandlers, "coHandlers"),
        guard.leadNotCo(cmd.lead, cmd.coHandlers),
        guard.notAccused([cmd.lead, ...cmd.coHandlers])
      ],
      () => [{ _tag: "Dispatched", ...base, lead: cmd.lead, coHandlers: cmd.coHandlers }]
    ),
  Accept: ({ command: cmd, base, guard }) =>
    runChecks([guard.unit(cmd.unit, "unit")], () => [{ _tag: "Accepted", ...base, unit: cmd.unit }]),
  // Who may decline (the first handler before dispatch, the lead after it) is the authority policy's.
  Decline: ({ command: cmd, base, guard }) =>
    runChecks(
      [guard.unit(cmd.unit, "unit"), guard.reason(cmd.reason)],
      () => [{ _tag: "Declined", ...base, unit: cmd.unit, reason: cmd.reason }]
    ),
  Return: ({ command: cmd, base, guard }) =>
    runChecks(
      [guard.unit(cmd.unit, "unit"), guard.reason(cmd.reason)],
      () => [{ _tag: "Returned", ...base, unit: cmd.unit, reason: cmd.reason }]
    ),
  Transfer: ({ state: s, command: cmd, base, guard }) =>
    runChecks(
      [
        guard.reason(cmd.reason),
        guard.unit(cmd.lead, "lead"),
        ...guard.units(cmd.coHandlers, "coHandlers"),
        () => (cmd.lead !== s.lead ? undefined : { _tag: "SameLead", petitionId: s.id, unit: cmd.lead }),
        guard.leadNotCo(cmd.lead, cmd.coHandlers),
        guard.notAccused([cmd.lead, ...cmd.coHandlers])
      ],
      () => [{ _tag: "Transferred", ...base, from: s.lead ?? "", lead: cmd.lead, coHandlers: cmd.coHandlers, reason: cmd.reason }]
    )
}
