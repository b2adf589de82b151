/** Why rules fired or not, condition by condition, in words staff read. */
import type { CompiledRule, ConditionTrace } from "./compile.js"
import type { RuleFacts } from "./facts.js"
import { operatorFor } from "./operators.js"
import type { RulePack } from "./pack/load.js"

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

/** Evaluates every rule of the pack on these facts, recording each condition's value and verdict. */
export const explain = (pack: RulePack, facts: RuleFacts): Explanation => {
  const run = (rules: ReadonlyArray<CompiledRule>) =>
    rules.map((r): RuleExplanation => {
      const trace = r.explain(facts)
      return {
        ruleId: r.id,
        priority: r.priority,
        ...(r.rule.description === undefined ? {} : { description: r.rule.description }),
        fired: trace.held,
        action: r.rule.event,
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
export const describeTrace = (trace: ConditionTrace, lang: "zh-CN" | "en", indent = ""): Array<string> => {
  const mark = trace.held ? "✓" : "✗"
  const zh = lang === "zh-CN"
  switch (trace.kind) {
    case "fact": {
      const op = operatorFor(trace.operator)
      const verb = op === undefined ? trace.operator : zh ? op.zh : op.en
      const where = `${trace.fact}${trace.path === undefined ? "" : ` ${trace.path}`}`
      return [zh ? `${indent}${mark} ${where} = ${show(trace.factValue)}，${verb} ${show(trace.expected)}` : `${indent}${mark} ${where} = ${show(trace.factValue)}, ${verb} ${show(trace.expected)}`]
    }
    case "all":
    case "any": {
      const head = trace.kind === "all" ? (zh ? "全部满足" : "all of") : zh ? "任一满足" : "any of"
      return [`${indent}${mark} ${head}`, ...trace.children.flatMap((c) => describeTrace(c, lang, indent + "  "))]
    }
    case "not":
      return [`${indent}${mark} ${zh ? "并非" : "not"}`, ...describeTrace(trace.child, lang, indent + "  ")]
    case "condition":
      return [
        `${indent}${mark} ${zh ? "共用条件" : "shared condition"} "${trace.reference}"`,
        ...(trace.child === undefined ? [] : describeTrace(trace.child, lang, indent + "  "))
      ]
  }
}

/** The whole explanation as text lines. */
export const describeExplanation = (e: Explanation, lang: "zh-CN" | "en"): Array<string> => {
  const zh = lang === "zh-CN"
  const rule = (r: RuleExplanation, decides: boolean): Array<string> => [
    `${r.fired ? (zh ? "触发" : "FIRES") : zh ? "未触发" : "no"}  ${r.ruleId} (${zh ? "优先级" : "priority"} ${r.priority}) → ${r.action.type} ${JSON.stringify(r.action.params ?? {}, asWritten)}${decides ? (zh ? "  ← 据此分拨" : "  ← routes the petition") : ""}`,
    ...describeTrace(r.trace, lang, "    ")
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
