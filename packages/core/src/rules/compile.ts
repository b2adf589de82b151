/**
 * Compiles json-rules-engine conditions once, when a pack is loaded, into plain predicates over
 * the facts. Two forms per rule: `test` (short-circuits, allocates nothing) for the hot path,
 * and `explain` (evaluates every condition and records what it saw) for staff.
 */
import type { Condition, FactCondition, Rule } from "./format.js"
import { conditionCase, isFactReference, ruleIdOf } from "./format.js"
import { durationMillis, operatorFor } from "./operators.js"
import { compilePath } from "./path.js"
import { pluginFactReader } from "./plugin-eval.js"
import type { PluginSet } from "./plugin-set.js"
import { PluginFailed } from "./plugins.js"

/** The facts a rule sees, by name (`petition`, `clocks`, `trigger`, `now` in minyi: see `RuleFacts`). */
export type FactsBag = object

export type Predicate = (facts: FactsBag) => boolean

/** What one condition saw and whether it held. */
export type ConditionTrace =
  | {
      readonly kind: "fact"
      readonly fact: string
      readonly path?: string
      readonly operator: string
      /** The value the condition compares with (a referenced fact already resolved). */
      readonly expected: unknown
      readonly factValue: unknown
      readonly held: boolean
      /** Why it could not be evaluated: a plugin failed (the condition then does not hold). */
      readonly failed?: string
    }
  | { readonly kind: "all" | "any"; readonly held: boolean; readonly children: ReadonlyArray<ConditionTrace> }
  | { readonly kind: "not"; readonly held: boolean; readonly child: ConditionTrace }
  | { readonly kind: "condition"; readonly reference: string; readonly held: boolean; readonly child?: ConditionTrace }

interface Compiled {
  readonly test: Predicate
  readonly explain: (facts: FactsBag) => ConditionTrace
}

const accessor = (fact: string, path: string | undefined, plugins?: PluginSet, params?: unknown): ((facts: FactsBag) => unknown) => {
  const at = compilePath(path)
  const fromPlugin = plugins?.facts.get(fact)
  if (fromPlugin !== undefined) {
    const read = pluginFactReader(fact, fromPlugin.plugin, fromPlugin.fact, params)
    return at === undefined ? read : (facts) => at(read(facts))
  }
  // FactsBag is `object` so that RuleFacts (an interface, no index signature) can be passed; the
  // cast only reads it by name, on the hot path, where Reflect.get would cost a call per condition.
  return at === undefined ? (facts) => (facts as Record<string, unknown>)[fact] : (facts) => at((facts as Record<string, unknown>)[fact])
}

const compileFact = (c: FactCondition, plugins: PluginSet | undefined): Compiled => {
  const definition = operatorFor(c.operator, plugins)
  const left = accessor(c.fact, c.path, plugins, c.params)
  const pathPart = c.path === undefined ? {} : { path: c.path }
  // Only reachable when compileRules is called on rules that were not validated: an unknown operator never holds.
  if (definition === undefined) {
    return {
      test: () => false,
      explain: (facts) => ({ kind: "fact", fact: c.fact, ...pathPart, operator: c.operator, expected: c.value, factValue: left(facts), held: false })
    }
  }
  const test = definition.test
  const reference = isFactReference(c.value) ? c.value : undefined
  // An ISO duration written in the pack is parsed once here rather than on every evaluation.
  const constant =
    definition.value === "duration" && typeof c.value === "string" ? (durationMillis(c.value) ?? c.value) : c.value
  const right: (facts: FactsBag) => unknown =
    reference === undefined ? () => constant : accessor(reference.fact, reference.path, plugins, reference.params)
  return {
    test: reference === undefined ? (facts) => test(left(facts), constant) : (facts) => test(left(facts), right(facts)),
    explain: (facts) => {
      const trace = { kind: "fact", fact: c.fact, ...pathPart, operator: c.operator } as const
      let [factValue, expected]: [unknown, unknown] = [undefined, undefined]
      try {
        factValue = left(facts)
        expected = right(facts)
        return { ...trace, expected, factValue, held: test(factValue, expected) }
      } catch (failure) {
        // A plugin that fails is shown where it failed; anything else is a bug and not hidden.
        if (!(failure instanceof PluginFailed)) throw failure
        return { ...trace, expected, factValue, held: false, failed: failure.message }
      }
    }
  }
}

const priorityOf = (c: { readonly priority?: number | undefined }): number => {
  const p = c.priority
  return typeof p === "number" && p > 0 ? Math.trunc(p) : 1
}

/** Higher condition priority is evaluated first (json-rules-engine's order); ties keep their order. */
const byPriority = (conditions: ReadonlyArray<Condition>): ReadonlyArray<Condition> =>
  conditions
    .map((c, i) => [c, i] as const)
    .sort((a, b) => priorityOf(b[0]) - priorityOf(a[0]) || a[1] - b[1])
    .map(([c]) => c)

export type SharedConditions = Readonly<Record<string, Condition>>

const compileCondition = (c: Condition, shared: SharedConditions, visiting: ReadonlySet<string>, plugins: PluginSet | undefined): Compiled => {
  const node = conditionCase(c)
  switch (node.kind) {
    case "all":
    case "any": {
      const kind = node.kind
      const written = node.kind === "all" ? node.node.all : node.node.any
      const children = written.map((x) => compileCondition(x, shared, visiting, plugins))
      const ordered = byPriority(written).map((x) => children[written.indexOf(x)]!.test)
      const n = ordered.length
      // json-rules-engine: an empty `any` holds, like an empty `all`.
      const test: Predicate =
        n === 0
          ? () => true
          : kind === "all"
            ? (facts) => {
                for (let i = 0; i < n; i++) if (!ordered[i]!(facts)) return false
                return true
              }
            : (facts) => {
                for (let i = 0; i < n; i++) if (ordered[i]!(facts)) return true
                return false
              }
      return {
        test,
        explain: (facts) => {
          const traces = children.map((x) => x.explain(facts))
          const held = n === 0 || (kind === "all" ? traces.every((t) => t.held) : traces.some((t) => t.held))
          return { kind, held, children: traces }
        }
      }
    }
    case "not": {
      const inner = compileCondition(node.node.not, shared, visiting, plugins)
      return {
        test: (facts) => !inner.test(facts),
        explain: (facts) => {
          const child = inner.explain(facts)
          return { kind: "not", held: !child.held, child }
        }
      }
    }
    case "condition": {
      const reference = node.node.condition
      const target = Object.hasOwn(shared, reference) ? shared[reference] : undefined
      if (target === undefined || visiting.has(reference)) {
        return { test: () => false, explain: () => ({ kind: "condition", reference, held: false }) }
      }
      const inner = compileCondition(target, shared, new Set([...visiting, reference]), plugins)
      return {
        test: inner.test,
        explain: (facts) => {
          const child = inner.explain(facts)
          return { kind: "condition", reference, held: child.held, child }
        }
      }
    }
    case "fact":
      return compileFact(node.node, plugins)
  }
}

/** A rule ready to evaluate. */
export interface CompiledRule<R extends Rule = Rule> {
  readonly id: string
  readonly rule: R
  readonly priority: number
  /** Position in its section; breaks ties between equal priorities. */
  readonly index: number
  readonly test: Predicate
  readonly explain: (facts: FactsBag) => ConditionTrace
}

/**
 * Compiles a section of rules, ordered as json-rules-engine runs them: higher rule priority
 * first (default 1), ties in the order written.
 */
export const compileRules = <R extends Rule>(
  rules: ReadonlyArray<R>,
  options: { readonly section: string; readonly shared?: SharedConditions; readonly plugins?: PluginSet }
): ReadonlyArray<CompiledRule<R>> =>
  rules
    .map((rule, index): CompiledRule<R> => {
      const compiled = compileCondition(rule.conditions, options.shared ?? {}, new Set(), options.plugins)
      return {
        id: ruleIdOf(rule, options.section, index),
        rule,
        priority: priorityOf(rule),
        index,
        test: compiled.test,
        explain: compiled.explain
      }
    })
    .sort((a, b) => b.priority - a.priority || a.index - b.index)

/** The rules that hold for these facts, in evaluation order. */
export const matchingRules = <R extends Rule>(rules: ReadonlyArray<CompiledRule<R>>, facts: FactsBag): Array<CompiledRule<R>> => {
  const out: Array<CompiledRule<R>> = []
  for (let i = 0; i < rules.length; i++) if (rules[i]!.test(facts)) out.push(rules[i]!)
  return out
}

/** The first rule that holds, or undefined. */
export const firstMatchingRule = <R extends Rule>(rules: ReadonlyArray<CompiledRule<R>>, facts: FactsBag): CompiledRule<R> | undefined => {
  for (let i = 0; i < rules.length; i++) if (rules[i]!.test(facts)) return rules[i]
  return undefined
}

/** A rule that could not be evaluated because a plugin failed. */
export interface RuleFailure {
  readonly ruleId: string
  readonly error: PluginFailed
}

/**
 * `matchingRules` for rules that use plugins: a rule whose plugin fails does not hold, and the
 * failure is reported with the rule, so the others still act and the tick goes on.
 */
export const matchingRulesGuarded = <R extends Rule>(
  rules: ReadonlyArray<CompiledRule<R>>,
  facts: FactsBag,
  first = false
): { readonly matched: Array<CompiledRule<R>>; readonly failures: Array<RuleFailure> } => {
  const matched: Array<CompiledRule<R>> = []
  const failures: Array<RuleFailure> = []
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!
    try {
      if (!rule.test(facts)) continue
    } catch (failure) {
      if (!(failure instanceof PluginFailed)) throw failure
      failures.push({ ruleId: rule.id, error: failure })
      continue
    }
    matched.push(rule)
    if (first) break
  }
  return { matched, failures }
}
