/** Why rules fired or not, condition by condition, in words staff read. */
import type { CompiledRule, ConditionTrace } from "./compile.js"
import type { RuleFacts } from "./facts.js"
import type { OperatorTable } from "./operators.js"
import { operatorFor } from "./operators.js"
import type { Directory } from "../directory/directory.js"
import type { EscalationRule, RoutingRule, RulePack } from "./pack/load.js"
import { EvaluationFacts } from "./plugin-eval.js"

export interface RuleExplanation {
  readonly ruleId: string
  readonly priority: number
  readonly description?: string
  readonly fired: boolean
  readonly action: { readonly type: string; readonly params?: unknown }
  readonly trace: ConditionTrace
}

export interface Explanation {
  readonly packId: string
  readonly packVersion: string
  /** Every routing rule in evaluation order; the first that fired routes the petition. */
  readonly routing: ReadonlyArray<RuleExplanation>
  /** The routing rule that decides, or undefined (the dispatch centre takes it). */
  readonly routedBy: string | undefined
  /** Every escalation rule; all that fired act. */
  readonly escalation: ReadonlyArray<RuleExplanation>
}

/**
 * Evaluates every rule of the pack on these facts, recording each condition's value and verdict.
 * With the directory, plugin facts are computed as the engine computes them; without it they are
 * read from the facts as given.
 */
export const explain = (pack: RulePack, facts: RuleFacts, directory?: Directory): Explanation => {
  const bag = directory === undefined || pack.plugins.plugins.length === 0 ? facts : new EvaluationFacts(facts, directory)
  const run = <R extends RoutingRule | EscalationRule>(rules: ReadonlyArray<CompiledRule<R>>) =>
    rules.map((r): RuleExplanation => {
      const trace = r.explain(bag)
      const event = r.rule.event
      return {
        ruleId: r.id,
        priority: r.priority,
        ...(r.rule.description === undefined ? {} : { description: r.rule.description }),
        fired: trace.held,
        // A plugin's action shows as written: its name and params.
        action: event.type === "plugin" ? { type: event.action, params: event.params } : { type: event.type, params: event.params },
        trace
      }
    })
  const routing = run(pack.routing)
  return { packId: pack.id, packVersion: pack.version, routing, routedBy: routing.find((r) => r.fired)?.ruleId, escalation: run(pack.escalation) }
}

/** Durations print as written (`PT24H`), not as their parsed parts. */
const asWritten = (_key: string, v: unknown): unknown =>
  v !== null && typeof v === "object" && "iso" in v && "ms" in v && "days" in v ? v.iso : v

const show = (value: unknown): string => (value === undefined ? "(none)" : JSON.stringify(value, asWritten))

/** One line per condition, indented by nesting: `✓ petition $.returnCount = 3, is at least 2`. */
export const describeTrace = (trace: ConditionTrace, lang: "zh-CN" | "en", indent = "", plugins?: OperatorTable): Array<string> => {
  const mark = trace.held ? "✓" : "✗"
  const zh = lang === "zh-CN"
  switch (trace.kind) {
    case "fact": {
      const op = operatorFor(trace.operator, plugins)
      const verb = op === undefined ? trace.operator : zh ? op.zh : op.en
      const where = `${trace.fact}${trace.path === undefined ? "" : ` ${trace.path}`}`
      const failed = trace.failed === undefined ? "" : zh ? `（插件出错：${trace.failed}）` : ` (plugin failed: ${trace.failed})`
      return [zh ? `${indent}${mark} ${where} = ${show(trace.factValue)}，${verb} ${show(trace.expected)}${failed}` : `${indent}${mark} ${where} = ${show(trace.factValue)}, ${verb} ${show(trace.expected)}${failed}`]
    }
    case "all":
    case "any": {
      const head = trace.kind === "all" ? (zh ? "全部满足" : "all of") : zh ? "任一满足" : "any of"
      return [`${indent}${mark} ${head}`, ...trace.children.flatMap((c) => describeTrace(c, lang, indent + "  ", plugins))]
    }
    case "not":
      return [`${indent}${mark} ${zh ? "并非" : "not"}`, ...describeTrace(trace.child, lang, indent + "  ", plugins)]
    case "condition":
      return [
        `${indent}${mark} ${zh ? "共用条件" : "shared condition"} "${trace.reference}"`,
        ...(trace.child === undefined ? [] : describeTrace(trace.child, lang, indent + "  ", plugins))
      ]
  }
}

/** The whole explanation as text lines. */
export const describeExplanation = (e: Explanation, lang: "zh-CN" | "en", plugins?: OperatorTable): Array<string> => {
  const zh = lang === "zh-CN"
  const rule = (r: RuleExplanation, decides: boolean): Array<string> => [
    `${r.fired ? (zh ? "触发" : "FIRES") : zh ? "未触发" : "no"}  ${r.ruleId} (${zh ? "优先级" : "priority"} ${r.priority}) → ${r.action.type} ${JSON.stringify(r.action.params ?? {}, asWritten)}${decides ? (zh ? "  ← 据此分拨" : "  ← routes the petition") : ""}`,
    ...describeTrace(r.trace, lang, "    ", plugins)
  ]
  return [
    `${zh ? "规则包" : "Rule pack"} ${e.packId}@${e.packVersion}`,
    zh ? "分拨规则（按优先级，第一条触发的规则决定）：" : "Routing (by priority; the first that fires decides):",
    ...e.routing.flatMap((r) => rule(r, r.ruleId === e.routedBy)),
    ...(e.routedBy === undefined ? [zh ? "  没有分拨规则触发：交区统一分拨中心。" : "  No routing rule fires: the dispatch centre takes it."] : []),
    zh ? "升级规则（触发的全部执行）：" : "Escalation (every rule that fires acts):",
    ...e.escalation.flatMap((r) => rule(r, false))
  ]
}
