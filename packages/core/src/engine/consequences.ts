/**
 * What a rule pack says follows an event: routing on receipt, then escalation rules — as commands
 * that go through decide like any other, and notifications to enqueue. Pure: the step runs it.
 */
import { Result } from "effect"
import type { Duration } from "../calendar/index.js"
import type { PetitionCommand, PetitionEvent } from "../petition/index.js"
import type { OutboxMessage } from "../ports/index.js"
import { escalate, pluginEffects, route } from "../rules/actions-eval.js"
import type { RuleFacts } from "../rules/index.js"
import { accusedParties } from "../rules/ladder.js"
import type { Instant } from "../shared/instant.js"
import type { FiredAction, StepContext } from "./step-context.js"
import { renderTemplate } from "./templates.js"
import type { TemplatePetition } from "./templates.js"

const system = { kind: "system" } as const

/**
 * Deadlines that rules set (whistles) run in natural time — a summoned unit must be on site within
 * hours, nights and holidays included; the pack gives a whistle a duration, never a calendar.
 */
const addDuration = (context: StepContext, at: Instant, duration: Duration): Instant => {
  const calendar = context.calendars.get("natural")
  const result = calendar === undefined ? undefined : calendar.add(at, duration)
  return result !== undefined && Result.isSuccess(result) ? result.success : at
}

const fired = (at: Instant, petitionId: string, a: { readonly provenance: { readonly packId: string; readonly packVersion: string; readonly ruleId: string } }, type: FiredAction["type"], params: Record<string, unknown>): FiredAction => ({
  at,
  petitionId,
  rule: a.provenance.ruleId,
  packId: a.provenance.packId,
  packVersion: a.provenance.packVersion,
  type,
  params
})

/** What the pack says should follow an event: commands to run now, notifications to enqueue. */
export const consequences = (
  event: PetitionEvent,
  facts: RuleFacts,
  context: StepContext,
  notifications: Array<OutboxMessage>,
  petition: TemplatePetition
): Array<{ readonly command: PetitionCommand; readonly action: FiredAction }> => {
  const { directory, pack } = context
  const petitionId = event.petitionId
  const at = event.at
  const out: Array<{ command: PetitionCommand; action: FiredAction }> = []
  const base = (ruleRef: { readonly packId: string; readonly packVersion: string; readonly ruleId: string }) => ({
    petitionId,
    at,
    actor: system,
    rule: { packId: ruleRef.packId, packVersion: ruleRef.packVersion, ruleId: ruleRef.ruleId }
  })

  if (event._tag === "Submitted") {
    const decision = route(pack, facts, directory)
    const provenance = decision.provenance ?? { packId: pack.id, packVersion: pack.version, ruleId: "routing.default-dispatch-centre" }
    const routed = { provenance }
    // Under "suggest" the dispatch centre has the last word: routing's answer waits for its Dispatch.
    const suggest = pack.document.routingMode === "suggest"
    out.push({
      command: { _tag: suggest ? "SuggestRouting" : "Dispatch", ...base(provenance), lead: decision.lead, coHandlers: decision.coHandlers },
      action: fired(at, petitionId, routed, "route", { lead: decision.lead, coHandlers: decision.coHandlers, ...(suggest ? { suggested: true } : {}) })
    })
    const accused = accusedParties(directory, facts.petition.accusedUnit).persons
    for (const person of decision.watchers) {
      if (accused.has(person)) {
        const reason = `未将 ${person} 设为关注人：其为本信访件检举控告的对象（单位 ${facts.petition.accusedUnit}、其下属单位或其人员）。(${person} was not made a watcher: they belong to the accused unit ${facts.petition.accusedUnit} or one of its sub-units.)`
        out.push({
          command: { _tag: "RecordRuleProblem", ...base(provenance), reason },
          action: fired(at, petitionId, routed, "problem", { reason })
        })
        continue
      }
      out.push({
        command: { _tag: "AddWatcher", ...base(provenance), person },
        action: fired(at, petitionId, routed, "watch", { person })
      })
    }
    if (decision.whistle !== undefined) {
      const whistle = decision.whistle
      const deadline = addDuration(context, at, whistle.deadline)
      out.push({
        command: {
          _tag: "BlowWhistle",
          ...base(provenance),
          whistleId: `${provenance.ruleId}@${event.version}`,
          unit: decision.lead,
          summoned: whistle.summon,
          deadline
        },
        action: fired(at, petitionId, routed, "whistle", { summon: whistle.summon, deadline })
      })
    }
  }

  const escalation = escalate(pack, facts, directory)
  // A rule that matched but could not act (no owner at that tier, nobody to notify) leaves a trace
  // in the history, so that the gap in the directory or the ladder is seen and fixed.
  for (const problem of escalation.problems) {
    const provenance = { packId: pack.id, packVersion: pack.version, ruleId: problem.ruleId }
    out.push({
      command: { _tag: "RecordRuleProblem", ...base(provenance), reason: problem.error.message },
      action: { ...fired(at, petitionId, { provenance }, "problem", { reason: problem.error.message }) }
    })
  }
  for (const action of escalation.actions) {
    const b = base(action.provenance)
    switch (action.type) {
      case "notify": {
        const accused = accusedParties(directory, facts.petition.accusedUnit)
        const isAccused = (t: { readonly kind: "person" | "unit"; readonly id: string }) =>
          t.kind === "unit" ? accused.units.has(t.id) : accused.persons.has(t.id)
        // A notice to an accused party is not sent; the history says which rule wanted it and why not,
        // so that a pack naming the accused is seen and fixed rather than silently obeyed.
        const withheld = action.recipients.filter(isAccused)
        if (withheld.length > 0) {
          const names = withheld.map((t) => `${t.kind}:${t.id}`).join(", ")
          const reason = `通知 ${action.template} 未发送给 ${names}：其为本信访件检举控告的对象（单位 ${facts.petition.accusedUnit}、其下属单位或其人员）。(Notice ${action.template} was not sent to ${names}: they are the accused unit ${facts.petition.accusedUnit}, one of its sub-units or their people.)`
          out.push({
            command: { _tag: "RecordRuleProblem", ...b, reason },
            action: fired(at, petitionId, action, "problem", { reason })
          })
        }
        const allowed = action.recipients.filter((t) => !isAccused(t))
        if (allowed.length === 0) break
        const message = renderTemplate(pack, action.template, facts, directory, petition)
        for (const target of allowed) {
          const recipient = `${target.kind}:${target.id}`
          notifications.push({
            id: `${petitionId}/${event.version}/${action.provenance.ruleId}/${recipient}`,
            streamId: petitionId,
            idempotencyKey: `${action.key}|${recipient}`,
            channel: action.channel ?? "default",
            recipient,
            template: action.template,
            payload: {
              petitionId,
              rule: action.provenance.ruleId,
              packVersion: action.provenance.packVersion,
              // Notifiers refuse to deliver to the accused unit; they can only if they know it.
              ...(facts.petition.accusedUnit === undefined ? {} : { accusedUnit: facts.petition.accusedUnit }),
              message: { ...message }
            },
            createdAt: at
          })
        }
        const recipients = allowed.map((t) => `${t.kind}:${t.id}`)
        out.push({
          command: { _tag: "RecordNotification", ...b, template: action.template, recipients },
          action: fired(at, petitionId, action, "notify", { template: action.template, recipients })
        })
        break
      }
      case "escalate":
        out.push({
          command: { _tag: "Escalate", ...b, tier: action.tier, owner: action.owner, reason: action.reason ?? action.provenance.ruleId },
          action: fired(at, petitionId, action, "escalate", { tier: action.tier, owner: action.owner })
        })
        break
      case "whistle": {
        const deadline = addDuration(context, at, action.deadline)
        out.push({
          command: {
            _tag: "BlowWhistle",
            ...b,
            whistleId: `${action.provenance.ruleId}@${event.version}`,
            unit: facts.petition.lead ?? directory.dispatchCentre.id,
            summoned: action.summon,
            deadline
          },
          action: fired(at, petitionId, action, "whistle", { summon: action.summon, deadline })
        })
        break
      }
      case "flag":
        out.push({ command: { _tag: "Flag", ...b, flag: action.flag }, action: fired(at, petitionId, action, "flag", { flag: action.flag }) })
        break
      case "setPriority":
        out.push({
          command: { _tag: "SetPriority", ...b, priority: action.priority },
          action: fired(at, petitionId, action, "setPriority", { priority: action.priority })
        })
        break
      case "requireVisit":
        out.push({
          command: { _tag: "RequireVisit", ...b, reason: action.reason },
          action: fired(at, petitionId, action, "requireVisit", { reason: action.reason })
        })
        break
      case "plugin": {
        // A plugin's commands go through decide like the built-in actions'; its messages join the outbox.
        const effects = pluginEffects(action, b, event.version)
        notifications.push(...effects.notifications)
        for (const c of effects.commands) out.push({ command: c.command, action: fired(at, petitionId, action, "plugin", { ...c.params }) })
        break
      }
    }
  }
  return out
}
