/**
 * Evaluating a pack for one petition: routing on submit (the first matching rule), escalation
 * on events and timers (every matching rule). Pure and synchronous; actions are data.
 */
import { Result, Schema } from "effect"
import type { Duration } from "../calendar/duration.js"
import type { Directory } from "../directory/directory.js"
import type { PetitionCommand } from "../petition/schema.js"
import type { OutboxMessage } from "../ports/model.js"
import type { Instant } from "../shared/instant.js"
import type { ActionParams, Recipient } from "./actions.js"
import type { CompiledRule } from "./compile.js"
import { firstMatchingRule, matchingRules, matchingRulesGuarded } from "./compile.js"
import type { RuleFacts } from "./facts.js"
import type { OwnerNotFound } from "./ladder.js"
import { resolveOwner, resolveOwnerSpec } from "./ladder.js"
import type { RulePack } from "./pack/load.js"
import { EvaluationFacts, performAction } from "./plugin-eval.js"
import type { PluginOutput } from "./plugin-output.js"
import type { PluginFailed } from "./plugins.js"

/** Which rule of which pack version caused something; recorded on the resulting event. */
export interface Provenance {
  readonly packId: string
  readonly packVersion: string
  readonly ruleId: string
}

export interface WhistleOrder {
  readonly summon: ReadonlyArray<string>
  readonly deadline: Duration
  readonly reason?: string
}

export interface RoutingDecision {
  readonly lead: string
  readonly coHandlers: ReadonlyArray<string>
  readonly whistle?: WhistleOrder
  /** Leaders to add as watchers: the leader a leader channel (主官在线) is bound to. */
  readonly watchers: ReadonlyArray<string>
  /** Absent when no rule matched and the petition goes to the dispatch centre. */
  readonly provenance?: Provenance
}

export type NotificationTarget = { readonly kind: "person"; readonly id: string } | { readonly kind: "unit"; readonly id: string }

/** One thing a rule asks the engine to do. `key` is stable: the same rule, petition and trigger give the same key. */
export type RuleAction = {
  readonly key: string
  readonly provenance: Provenance
} & (
  | { readonly type: "notify"; readonly template: string; readonly recipients: ReadonlyArray<NotificationTarget>; readonly channel?: string }
  | { readonly type: "escalate"; readonly tier: 1 | 2 | 3; readonly owner: string; readonly reason?: string }
  | ({ readonly type: "whistle" } & WhistleOrder)
  | { readonly type: "flag"; readonly flag: string }
  | { readonly type: "setPriority"; readonly priority: ActionParams["setPriority"]["priority"] }
  | { readonly type: "requireVisit"; readonly reason: string; readonly kind?: "home" | "reception" }
  /** A plugin's action: the commands and outbox messages it asked for, checked against `PluginOutput`. */
  | { readonly type: "plugin"; readonly plugin: string; readonly action: string; readonly outputs: ReadonlyArray<PluginOutput> }
)

/** A notify whose recipients resolve to nobody for this petition (no lead unit yet, no leader linked to its place…). */
export class NoRecipients extends Schema.TaggedError<NoRecipients>()("NoRecipients", {
  petitionId: Schema.String,
  template: Schema.String,
  message: Schema.String
}) {}

export interface EscalationResult {
  readonly actions: ReadonlyArray<RuleAction>
  /** Rules that matched but whose action cannot be carried out (no owner at that tier, nobody to notify). */
  readonly problems: ReadonlyArray<{ readonly ruleId: string; readonly error: OwnerNotFound | NoRecipients | PluginFailed }>
}

const provenanceOf = (pack: RulePack, rule: CompiledRule): Provenance => ({ packId: pack.id, packVersion: pack.version, ruleId: rule.id })

const whistleOrder = (pack: RulePack, params: ActionParams["whistle"]): WhistleOrder => ({
  summon: params.summon,
  // validation guarantees one of the two exists
  deadline: (params.deadline ?? pack.document.whistle?.deadline)!,
  ...(params.reason === undefined ? {} : { reason: params.reason })
})

const leaderWatchers = (facts: RuleFacts, directory: Directory): ReadonlyArray<string> => {
  const channel = directory.channel(facts.petition.channel)
  const bound = channel?.kind === "leader_channel" ? channel.person : facts.petition.channelLeader
  return bound === undefined ? [] : [bound]
}

/** Whether the pack's rules may read plugin facts or call plugin code, which need the directory beside the facts. */
const usesPlugins = (pack: RulePack): boolean => pack.plugins.plugins.length > 0

/** The first routing rule that holds; with plugins, the rules whose plugin failed are skipped and reported. */
const firstRoute = (pack: RulePack, facts: RuleFacts, directory: Directory) => {
  if (!usesPlugins(pack)) return { rule: firstMatchingRule(pack.routing, facts), failures: [] }
  const { matched, failures } = matchingRulesGuarded(pack.routing, new EvaluationFacts(facts, directory), true)
  return { rule: matched[0], failures }
}

/** Routing on submit: the first matching rule by priority; none → the directory's dispatch centre. */
export const route = (pack: RulePack, facts: RuleFacts, directory: Directory): RoutingDecision => {
  const watchers = leaderWatchers(facts, directory)
  const { rule } = firstRoute(pack, facts, directory)
  if (rule === undefined) return { lead: directory.dispatchCentre.id, coHandlers: [], watchers }
  const params = rule.rule.event.params
  return {
    lead: params.lead,
    coHandlers: params.coHandlers ?? [],
    ...(params.whistle === undefined ? {} : { whistle: whistleOrder(pack, params.whistle) }),
    watchers,
    provenance: provenanceOf(pack, rule)
  }
}

const targets = (recipient: Recipient, facts: RuleFacts, directory: Directory): ReadonlyArray<NotificationTarget> => {
  const person = (id: string): NotificationTarget => ({ kind: "person", id })
  const p = facts.petition
  if (recipient === "linked-leader") return directory.linkedLeaders(p.jurisdiction).map((x) => person(x.id))
  if (recipient === "lead-unit") return p.lead === undefined ? [] : [{ kind: "unit", id: p.lead }]
  if (recipient === "owner") return p.owner === undefined ? [] : [person(p.owner)]
  if (recipient.role !== undefined) return directory.peopleWithRole(recipient.role, p.jurisdiction).map((x) => person(x.id))
  if (recipient.unit !== undefined) return [{ kind: "unit", id: recipient.unit }]
  if (recipient.person !== undefined) return [person(recipient.person)]
  const node = directory.jurisdictionPath(p.jurisdiction).find((j) => j.level === recipient.linkedLeader)
  return node === undefined ? [] : node.leaders.map(person)
}

const unique = (ts: ReadonlyArray<NotificationTarget>): ReadonlyArray<NotificationTarget> =>
  ts.filter((t, i) => ts.findIndex((u) => u.kind === t.kind && u.id === t.id) === i)

/**
 * Escalation on an event or timer: every matching rule fires once. Each action carries the key
 * (rule id, petition id, trigger key) the engine dedupes on, and the rule's provenance.
 */
export const escalate = (pack: RulePack, facts: RuleFacts, directory: Directory): EscalationResult => {
  const actions: Array<RuleAction> = []
  const problems: Array<EscalationResult["problems"][number]> = []
  const withPlugins = usesPlugins(pack) ? new EvaluationFacts(facts, directory) : undefined
  const { matched, failures } =
    withPlugins === undefined ? { matched: matchingRules(pack.escalation, facts), failures: [] } : matchingRulesGuarded(pack.escalation, withPlugins)
  problems.push(...failures)
  // Routing has no way to report a rule it skipped; the escalation that runs on the same
  // Submitted event reports it, so a failing plugin in a routing rule is recorded too.
  if (withPlugins !== undefined && facts.trigger.type === "Submitted") problems.push(...firstRoute(pack, facts, directory).failures)
  for (const rule of matched) {
    const common = { key: `${rule.id}|${facts.petition.id}|${facts.trigger.key}`, provenance: provenanceOf(pack, rule) }
    const event = rule.rule.event
    switch (event.type) {
      case "notify": {
        const p = event.params
        const recipients = unique(p.recipients.flatMap((r) => targets(r, facts, directory)))
        if (recipients.length === 0) {
          const id = facts.petition.id
          problems.push({
            ruleId: rule.id,
            error: new NoRecipients({
              petitionId: id,
              template: p.template,
              message: `规则 ${rule.id} 的通知（模板 ${p.template}）对信访件 ${id} 没有收件人。(Rule ${rule.id}'s notice (template ${p.template}) has no recipient for petition ${id}.)`
            })
          })
        }
        actions.push({ ...common, type: "notify", template: p.template, recipients, ...(p.channel === undefined ? {} : { channel: p.channel }) })
        break
      }
      case "escalate": {
        const p = event.params
        const owner = p.owner === undefined ? resolveOwner(pack, p.tier, facts.petition, directory) : resolveOwnerSpec(p.owner, p.tier, facts.petition, directory)
        if (Result.isFailure(owner)) problems.push({ ruleId: rule.id, error: owner.failure })
        else actions.push({ ...common, type: "escalate", tier: p.tier, owner: owner.success, ...(p.reason === undefined ? {} : { reason: p.reason }) })
        break
      }
      case "whistle":
        actions.push({ ...common, type: "whistle", ...whistleOrder(pack, event.params) })
        break
      case "flag":
        actions.push({ ...common, type: "flag", flag: event.params.flag })
        break
      case "setPriority":
        actions.push({ ...common, type: "setPriority", priority: event.params.priority })
        break
      case "requireVisit": {
        const p = event.params
        actions.push({ ...common, type: "requireVisit", reason: p.reason, ...(p.kind === undefined ? {} : { kind: p.kind }) })
        break
      }
      case "plugin": {
        const plugin = pack.plugins.actions.get(event.action)?.plugin
        // Only reachable for a pack not made by loadRulePack: its event names a plugin it does not carry.
        if (plugin === undefined) break
        const outputs = performAction(plugin, event.action, event.perform, withPlugins ?? new EvaluationFacts(facts, directory))
        if (Result.isFailure(outputs)) problems.push({ ruleId: rule.id, error: outputs.failure })
        else actions.push({ ...common, type: "plugin", plugin: plugin.name, action: event.action, outputs: outputs.success })
        break
      }
    }
  }
  return { actions, problems }
}

/** What the engine adds to every command a rule causes: the petition, the instant, the system actor and the rule. */
export interface RuleCommandBase {
  readonly petitionId: string
  readonly at: Instant
  readonly actor: { readonly kind: "system" }
  readonly rule: Provenance
}

/**
 * A plugin action turned into what the engine appends: its commands (run through `decide` in the
 * same step as built-in actions' commands) and its outbox messages, each recorded on the petition
 * as a `NotificationQueued` so the history shows what was sent, by which rule.
 */
export const pluginEffects = (
  action: Extract<RuleAction, { readonly type: "plugin" }>,
  base: RuleCommandBase,
  eventVersion: number
): {
  readonly commands: ReadonlyArray<{ readonly command: PetitionCommand; readonly params: Readonly<Record<string, unknown>> }>
  readonly notifications: ReadonlyArray<OutboxMessage>
} => {
  const commands: Array<{ readonly command: PetitionCommand; readonly params: Readonly<Record<string, unknown>> }> = []
  const notifications: Array<OutboxMessage> = []
  const named = { plugin: action.plugin, action: action.action }
  action.outputs.forEach((output, i) => {
    if (output._tag !== "Message") {
      const { _tag, ...params } = output
      commands.push({ command: { ...output, ...base }, params: { ...named, command: _tag, ...params } })
      return
    }
    const recipient = `${output.channel}:${output.recipient}`
    notifications.push({
      id: `${base.petitionId}/${eventVersion}/${base.rule.ruleId}/${i}/${recipient}`,
      streamId: base.petitionId,
      idempotencyKey: `${action.key}|${i}|${recipient}`,
      channel: output.channel,
      recipient: output.recipient,
      ...(output.template === undefined ? {} : { template: output.template }),
      payload: output.payload,
      createdAt: base.at
    })
    const template = output.template ?? `${action.plugin}.${action.action}`
    commands.push({
      command: { _tag: "RecordNotification", ...base, template, recipients: [recipient] },
      params: { ...named, channel: output.channel, recipient: output.recipient, template }
    })
  })
  return { commands, notifications }
}
