import type { Handlers } from "../guards.js"
import { runChecks } from "../guards.js"
import { accusedParties } from "../../directory/accused.js"

/** 登记、告知、联系: a petition comes in and the petitioner hears back. */
export const intake: Pick<Handlers, "Submit" | "Acknowledge" | "Contact"> = {
  Submit: ({ state: s, command: cmd, directory: dir, base, guard }) => {
    const channel = dir.channel(cmd.channel)
    // A channel run by the accused unit or one below it (a walk-in at the accused street's own
    // hall) must not make it the first handler, nor turn the accuser away: the dispatch centre takes it.
    const channelUnit = channel?.unit === undefined ? undefined : accusedParties(dir, cmd.accusedUnit).units.has(channel.unit) ? dir.dispatchCentre.id : channel.unit
    const firstHandler = cmd.firstHandler ?? channelUnit ?? ""
    const reference = (kind: "channel" | "category" | "jurisdiction", id: string, known: boolean) => () =>
      known ? undefined : { _tag: "UnknownReference" as const, petitionId: s.id, kind, id, field: kind }
    return runChecks(
      [
        reference("channel", cmd.channel, channel !== undefined),
        reference("category", cmd.category, dir.category(cmd.category) !== undefined),
        reference("jurisdiction", cmd.jurisdiction, dir.jurisdiction(cmd.jurisdiction) !== undefined),
        guard.unit(firstHandler, "firstHandler"),
        // A proactive case (未诉先办) is opened by staff — or on a grid channel by a grid member — in person.
        () => {
          if (channel?.kind !== "proactive" || cmd.actor.kind === "system") return undefined
          const opener = cmd.actor.kind === "person" ? dir.person(cmd.actor.id ?? "") : undefined
          if (opener !== undefined && (channel.by === "staff" || opener.roles.includes("grid_member"))) return undefined
          return { _tag: "ProactiveNeedsStaff", petitionId: s.id, channel: channel.id, by: channel.by === "grid_member" ? "grid_member" : "staff" }
        },
        guard.unit(cmd.accusedUnit, "accusedUnit"),
        guard.notAccused([firstHandler], cmd.accusedUnit)
      ],
      () => [
        {
          _tag: "Submitted",
          ...base,
          petitioner: cmd.petitioner,
          channel: cmd.channel,
          category: cmd.category,
          jurisdiction: cmd.jurisdiction,
          title: cmd.title,
          content: cmd.content,
          persons: cmd.persons ?? 1,
          flags: cmd.flags ?? [],
          priority: cmd.priority ?? "normal",
          firstHandler,
          ...(cmd.channelMessageId === undefined ? {} : { channelMessageId: cmd.channelMessageId }),
          ...(cmd.accusedUnit === undefined ? {} : { accusedUnit: cmd.accusedUnit }),
          rulePack: cmd.rulePack
        }
      ]
    )
  },
  Acknowledge: ({ command: cmd, base, guard }) =>
    runChecks([guard.unit(cmd.unit, "unit")], () => [{ _tag: "Acknowledged", ...base, unit: cmd.unit }]),
  Contact: ({ command: cmd, base, guard }) =>
    runChecks([guard.unit(cmd.unit, "unit")], () => [{ _tag: "Contacted", ...base, unit: cmd.unit, method: cmd.method }])
}
