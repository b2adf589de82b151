import type { Check, Guards, Handlers } from "../guards.js"
import { runChecks } from "../guards.js"

/** The units a dispatch or a routing suggestion names: known, the lead not also a co-handler, none of them accused. */
const unitsNamed = (guard: Guards, cmd: { readonly lead: string; readonly coHandlers: ReadonlyArray<string> }): ReadonlyArray<Check> => [
  guard.unit(cmd.lead, "lead"),
  ...guard.units(cmd.coHandlers, "coHandlers"),
  guard.leadNotCo(cmd.lead, cmd.coHandlers),
  guard.notAccused([cmd.lead, ...cmd.coHandlers])
]

/** 派单、签收、不予受理、退单、转办: finding the unit that will own the petition. */
export const dispatch: Pick<Handlers, "Dispatch" | "SuggestRouting" | "Accept" | "Decline" | "Return" | "Transfer"> = {
  // A dispatch not yet accepted may be corrected: the offered lead never took the petition on, so
  // this is a re-dispatch (with its reason on record), not a transfer.
  Dispatch: ({ state: s, command: cmd, base, guard }) => {
    const again = s.status === "dispatched"
    return runChecks(
      [
        ...(again ? [guard.reason(cmd.reason ?? ""), () => (cmd.lead !== s.lead ? undefined : guard.invalid("same_dispatch"))] : []),
        ...unitsNamed(guard, cmd)
      ],
      () => [{
        _tag: "Dispatched",
        ...base,
        lead: cmd.lead,
        coHandlers: cmd.coHandlers,
        ...(again && s.lead !== undefined ? { from: s.lead } : {}),
        ...(cmd.reason === undefined ? {} : { reason: cmd.reason })
      }]
    )
  },
  SuggestRouting: ({ command: cmd, base, guard }) =>
    runChecks(
      [
        ...unitsNamed(guard, cmd)
      ],
      () => [{ _tag: "RoutingSuggested", ...base, lead: cmd.lead, coHandlers: cmd.coHandlers }]
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
