/**
 * Checks across a whole pack rather than one rule: routing rules that may overlap, templates with
 * placeholders the engine cannot fill or that nothing sends, and shared conditions that refer back
 * to themselves.
 */
import type { Directory } from "../../directory/directory.js"
import type { Condition, Rule } from "../format.js"
import { conditionCase, isFactReference, ruleIdOf } from "../format.js"
import { parsePath } from "../path.js"
import { didYouMean } from "../suggest.js"
import type { Context } from "./context.js"
import { pointerKey, say } from "./messages.js"
import { keysOf, record } from "./raw.js"

/** Coarse "could both match" test for routing rules: what their top-level `all` pins the category and place to. */
const pinned = (rule: Rule, field: "category" | "jurisdiction"): ReadonlyArray<string> | undefined => {
  const top = conditionCase(rule.conditions)
  if (top.kind !== "all") return undefined
  const fields = field === "category" ? ["category", "categoryPath"] : ["jurisdiction", "jurisdictionPath", "street", "community"]
  for (const c of top.node.all) {
    const node = conditionCase(c)
    if (node.kind !== "fact") continue
    const f = node.node
    const key = f.path === undefined ? undefined : parsePath(f.path)
    if (f.fact !== "petition" || key?._tag !== "Keys" || !fields.includes(key.keys[0] ?? "")) continue
    if (["equal", "in", "categoryWithin", "jurisdictionWithin", "contains"].includes(f.operator) && !isFactReference(f.value)) {
      return (Array.isArray(f.value) ? f.value : [f.value]).filter((v): v is string => typeof v === "string")
    }
  }
  return undefined
}

const intersects = (
  a: ReadonlyArray<string> | undefined,
  b: ReadonlyArray<string> | undefined,
  related: (x: string, y: string) => boolean
): boolean => a === undefined || b === undefined || a.some((x) => b.some((y) => x === y || related(x, y) || related(y, x)))

/** Routing rules of the same priority that may both match: the one written first wins, which is seldom what was meant. */
export const overlapWarnings = (ctx: Context, rules: ReadonlyArray<Rule>, directory: Directory | undefined): void => {
  const category = (x: string, y: string) => directory?.isWithin(x, y) ?? false
  const place = (x: string, y: string) => directory?.isJurisdictionWithin(x, y) ?? false
  // Pinned once per rule: a catalogue-sized pack has thousands of routing rules.
  const pins = rules.map((r) => [pinned(r, "category"), pinned(r, "jurisdiction")] as const)
  // One warning per rule, naming the first earlier rule it may collide with.
  rules.forEach((b, j) => {
    const i = rules.findIndex((a, k) => k < j && (a.priority ?? 1) === (b.priority ?? 1) && intersects(pins[k]![0], pins[j]![0], category) && intersects(pins[k]![1], pins[j]![1], place))
    if (i === -1) return
    const a = rules[i]!
    ctx.warnings.push({
      path: `/routing/${j}`,
      ...say(
        `分拨规则 "${ruleIdOf(a, "routing", i)}" 与 "${ruleIdOf(b, "routing", j)}" 优先级相同（${a.priority ?? 1}）且可能同时满足；先写的一条生效——请提高其中一条的优先级`,
        `routing rules "${ruleIdOf(a, "routing", i)}" and "${ruleIdOf(b, "routing", j)}" have the same priority (${a.priority ?? 1}) and may both match; the one written first wins — give one a higher priority`
      )
    })
  })
}

/**
 * The placeholders the engine fills in a template. A misspelt one would otherwise reach the
 * recipient as literal text, so every `{name}` in a template must be one of these.
 */
export const templatePlaceholders: ReadonlyArray<string> = [
  "petitionId", "category", "jurisdiction", "street", "community", "channel", "lead", "firstHandler",
  "owner", "tier", "persons", "status", "priority", "trigger", "clock", "unit",
  "trackingCode", "title", "clockId", "limit", "dueAt", "remaining"
]

// The placeholders are more than didYouMean lists on its own, and a template writer needs the list.
const placeholderHint = (name: string, lang: "en" | "zh-CN"): string =>
  didYouMean(name, templatePlaceholders, lang) ||
  (lang === "zh-CN"
    ? `；应为以下之一：${templatePlaceholders.map((k) => `"${k}"`).join("、")}`
    : `; expected one of ${templatePlaceholders.map((k) => `"${k}"`).join(", ")}`)

export const checkTemplatePlaceholders = (ctx: Context, templates: unknown): void => {
  for (const id of keysOf(templates)) {
    for (const lang of ["zh-CN", "en"]) {
      for (const part of ["subject", "body"]) {
        const text = record(record(record(templates, id), lang), part)
        if (typeof text !== "string") continue
        // Wider than the names the engine fills, so that {petition_id} or {petition.id} is caught too.
        for (const [, name] of text.matchAll(/\{([A-Za-z_][\w.-]*)\}/g)) {
          if (templatePlaceholders.includes(name!)) continue
          ctx.problems.push({
            path: `/templates/${pointerKey(id)}/${lang}/${part}`,
            ...say(
              `模板中没有可填入的 "{${name}}"${placeholderHint(name!, "zh-CN")}`,
              `a template cannot fill "{${name}}"${placeholderHint(name!, "en")}`
            )
          })
        }
      }
    }
  }
}

/** Templates no notify rule names are never sent. */
export const unusedTemplateWarnings = (ctx: Context): void => {
  for (const id of ctx.templates) {
    if (!ctx.usedTemplates.has(id)) {
      ctx.warnings.push({ path: `/templates/${pointerKey(id)}`, ...say(`没有 notify 规则使用模板 "${id}"，它不会被发送`, `no notify rule uses template "${id}", so it is never sent`) })
    }
  }
}

/** The shared conditions a condition refers to. */
export const referencesOf = (c: Condition): Array<string> => {
  const node = conditionCase(c)
  switch (node.kind) {
    case "all": return node.node.all.flatMap(referencesOf)
    case "any": return node.node.any.flatMap(referencesOf)
    case "not": return referencesOf(node.node.not)
    case "condition": return [node.node.condition]
    case "fact": return []
  }
}

/** A shared condition that reaches itself through references would never finish evaluating. */
export const checkSharedCycles = (ctx: Context, shared: ReadonlyMap<string, Condition>): void => {
  const reaches = (from: string, target: string, seen: Set<string>): boolean => {
    if (seen.has(from)) return false
    seen.add(from)
    const c = shared.get(from)
    return c !== undefined && referencesOf(c).some((r) => r === target || reaches(r, target, seen))
  }
  for (const name of shared.keys()) {
    if (reaches(name, name, new Set())) ctx.problems.push({ path: `/conditions/${name}`, ...say(`共用条件 "${name}" 引用了自身`, `shared condition "${name}" refers back to itself`) })
  }
}
