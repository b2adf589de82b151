import type { Handlers } from "../guards.js"
import { runChecks } from "../guards.js"

/** 派单、签收、不予受理、退单、转办: finding the unit that will own the petition. */
export const dispatch: Pick<Handlers, "Dispatch" | "Accept" | "Decline" | "Return" | "Transfer"> = {
  Dispatch: ({ command: cmd, base, guard }) =>
    runChecks(
      [
        guard.byDispatcher(),
        guard.unit(cmd.lead, "lead"),
        ...guard.units(cmd.coHandlers, "coHandlers"),
        guard.leadNotCo(cmd.lead, cmd.coHandlers),
        guard.notAccused([cmd.lead, ...cmd.coHandlers])
      ],
      () => [{ _tag: "Dispatched", ...base, lead: cmd.lead, coHandlers: cmd.coHandlers }]
    ),
  Accept: ({ command: cmd, base, guard }) =>
    runChecks([guard.unit(cmd.unit, "unit"), guard.isLead(cmd.unit)], () => [{ _tag: "Accepted", ...base, unit: cmd.unit }]),
  // Before dispatch the first handler may decline; after it, only the lead it was dispatched to.
  Decline: ({ state: s, command: cmd, base, guard }) =>
    runChecks(
      [
        guard.unit(cmd.unit, "unit"),
        s.status === "dispatched"
          ? guard.isLead(cmd.unit)
          : () =>
              cmd.unit === s.firstHandler
                ? undefined
                : { _tag: "NotFirstHandler", petitionId: s.id, command: cmd._tag, unit: cmd.unit, firstHandler: s.firstHandler ?? "—", actor: cmd.actor.id ?? cmd.actor.kind },
        guard.reason(cmd.reason)
      ],
      () => [{ _tag: "Declined", ...base, unit: cmd.unit, reason: cmd.reason }]
    ),
  Return: ({ state: s, command: cmd, base, guard }) =>
    runChecks(
      [
        guard.unit(cmd.unit, "unit"),
        () => (cmd.unit === s.lead || s.coHandlers.includes(cmd.unit) ? undefined : { _tag: "NotAssigned", petitionId: s.id, unit: cmd.unit }),
        guard.reason(cmd.reason)
      ],
      () => [{ _tag: "Returned", ...base, unit: cmd.unit, reason: cmd.reason }]
    ),
  Transfer: ({ state: s, command: cmd, base, guard }) =>
    runChecks(
      [
        guard.byDispatcher(),
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
