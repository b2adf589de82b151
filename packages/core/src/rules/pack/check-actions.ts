/**
 * Checking a rule's `event`: the action type must be one its section may use; its params are
 * decoded by that action's schema into a typed event; what they name (units, people, templates,
 * ladder tiers, a whistle's deadline) must exist.
 */
import { Result } from "effect"
import type { InvalidInput } from "../../shared/validation.js"
import { decodeInput } from "../../shared/validation.js"
import type { ActionEvent, ActionType, PluginActionEvent } from "../actions.js"
import {
  EscalateEvent,
  escalationActionTypes,
  FlagEvent,
  isActionType,
  NotifyEvent,
  RequireVisitEvent,
  RouteEvent,
  routingActionTypes,
  SetPriorityEvent,
  WhistleEvent
} from "../actions.js"
import { didYouMean } from "../suggest.js"
import type { Context } from "./context.js"
import { checkId, checkIds } from "./context.js"
import { checkDurations } from "./limits.js"
import { join, pluginHint, reword, say } from "./messages.js"
import { record } from "./raw.js"

/** Every field name an action's params may have, for "did you mean" on a misspelt one. */
const paramKeys = [
  "lead", "coHandlers", "whistle", "summon", "deadline", "reason", "recipients", "template", "tier", "owner",
  "flag", "priority", "kind", "role", "unit", "person", "linkedLeader", "level"
]

const decodeEvent: { readonly [K in ActionType]: (u: unknown) => Result.Result<ActionEvent, InvalidInput> } = {
  route: decodeInput(RouteEvent, "route params"),
  notify: decodeInput(NotifyEvent, "notify params"),
  escalate: decodeInput(EscalateEvent, "escalate params"),
  whistle: decodeInput(WhistleEvent, "whistle params"),
  flag: decodeInput(FlagEvent, "flag params"),
  setPriority: decodeInput(SetPriorityEvent, "setPriority params"),
  requireVisit: decodeInput(RequireVisitEvent, "requireVisit params")
}

/** Checks an action; the event with its params decoded (durations parsed) when it is valid. */
export const checkAction = (
  ctx: Context,
  section: "routing" | "escalation",
  event: { readonly type: string; readonly params?: unknown },
  at: string
): ActionEvent | PluginActionEvent | undefined => {
  const type = event.type
  const plugin = isActionType(type) ? undefined : ctx.plugins.actions.get(type)
  if (plugin !== undefined && section === "escalation") {
    const prepared = plugin.action.prepare(event.params ?? {})
    if (Result.isFailure(prepared)) {
      for (const p of prepared.failure.problems) ctx.problems.push({ path: join(`${at}/params`, p.path), message: p.message })
      return undefined
    }
    const written = event.params
    const params = written !== null && typeof written === "object" && !Array.isArray(written) ? { ...written } : {}
    return { type: "plugin", action: type, plugin: plugin.plugin.name, params, perform: prepared.success }
  }
  const allowed: ReadonlyArray<string> = section === "routing" ? routingActionTypes : [...escalationActionTypes, ...ctx.plugins.actions.keys()]
  if (!isActionType(type) || !allowed.includes(type)) {
    const other = section === "routing" ? "escalation" : "routing"
    const hint = pluginHint(ctx.given.actions.get(type)?.plugin.name, ctx.missingPlugins)
    const [zh, en] = isActionType(type) || plugin !== undefined
      ? [`；"${type}" 应写在 ${other} 部分`, `; "${type}" belongs in the ${other} section`]
      : hint !== undefined && section === "escalation"
        ? [hint.zh, hint.en]
        : [didYouMean(type, allowed, "zh-CN"), didYouMean(type, allowed)]
    ctx.problems.push({ path: `${at}/type`, ...say(`${section} 规则不能执行 "${type}"${zh}`, `${section === "routing" ? "a routing" : "an escalation"} rule cannot do "${type}"${en}`) })
    return undefined
  }
  const raw = event.params ?? {}
  // References are checked on the raw params, so that a mistake elsewhere in the same action does not hide them.
  checkReferences(ctx, type, raw, `${at}/params`)
  const decoded = decodeEvent[type]({ type, params: raw })
  if (Result.isFailure(decoded)) {
    for (const p of decoded.failure.problems) ctx.problems.push(reword(ctx.root, { path: join(at, p.path), message: p.message }, paramKeys))
    return undefined
  }
  checkDurations(ctx, decoded.success.params, `${at}/params`)
  return decoded.success
}

/** What an action's params name: units and people in the directory, templates, ladder tiers, a whistle's deadline. */
const checkReferences = (ctx: Context, type: ActionType, params: unknown, p: string): void => {
  switch (type) {
    case "route": {
      checkId(ctx, "unit", record(params, "lead"), `${p}/lead`)
      const coHandlers = record(params, "coHandlers")
      if (Array.isArray(coHandlers)) checkIds(ctx, "unit", coHandlers, `${p}/coHandlers`)
      const whistle = record(params, "whistle")
      if (whistle !== undefined) checkWhistle(ctx, whistle, `${p}/whistle`)
      break
    }
    case "whistle":
      checkWhistle(ctx, params, p)
      break
    case "notify": {
      const template = record(params, "template")
      if (typeof template === "string") ctx.usedTemplates.add(template)
      if (typeof template === "string" && !ctx.templates.has(template)) {
        ctx.problems.push({
          path: `${p}/template`,
          ...say(
            `"templates" 中没有模板 "${template}"${didYouMean(template, ctx.templates, "zh-CN")}`,
            `no template "${template}" in "templates"${didYouMean(template, ctx.templates)}`
          )
        })
      }
      const recipients = record(params, "recipients")
      if (Array.isArray(recipients)) {
        recipients.forEach((r: unknown, i: number) => {
          checkId(ctx, "unit", record(r, "unit"), `${p}/recipients/${i}/unit`)
          checkId(ctx, "person", record(r, "person"), `${p}/recipients/${i}/person`)
        })
      }
      break
    }
    case "escalate": {
      const owner = record(params, "owner")
      const tier = record(params, "tier")
      if (owner !== undefined) checkOwner(ctx, owner, `${p}/owner`)
      else if ((tier === 1 || tier === 2 || tier === 3) && !ctx.tiers.has(tier)) {
        ctx.problems.push({ path: `${p}/tier`, ...say(`提级阶梯中没有第 ${tier} 级；请在 "ladder" 中补上，或在此写明 "owner"`, `the ladder has no tier ${tier}; add it to "ladder" or name an "owner"`) })
      }
      break
    }
    default:
      break
  }
}

const checkWhistle = (ctx: Context, whistle: unknown, at: string): void => {
  if (whistle === null || typeof whistle !== "object" || Array.isArray(whistle)) return
  const summon = record(whistle, "summon")
  if (Array.isArray(summon)) checkIds(ctx, "unit", summon, `${at}/summon`)
  if (record(whistle, "deadline") === undefined && !ctx.hasWhistleDefault) {
    ctx.problems.push({
      path: `${at}/deadline`,
      ...say('规则包没有默认的 "whistle": { "deadline" } 时，吹哨须写明 "deadline"（如 PT2H）', 'a whistle needs a "deadline" (such as PT2H) when the pack has no "whistle": { "deadline" } default')
    })
  }
}

/** A ladder rung's or an escalate action's owner: a named unit must be in the directory. */
export const checkOwner = (ctx: Context, owner: unknown, at: string): void => {
  if (record(owner, "kind") === "unitLeader") checkId(ctx, "unit", record(owner, "unit"), `${at}/unit`)
}
