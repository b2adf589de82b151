/**
 * The json-rules-engine rule format, as plain types. A rule pack's routing and escalation
 * sections hold these; rules written for json-rules-engine elsewhere are valid as they are.
 */

/** `value: { fact, path }` compares against another fact instead of a constant. */
export interface FactReference {
  readonly fact: string
  readonly path?: string | undefined
  readonly params?: Readonly<Record<string, unknown>> | undefined
}

/** One comparison: the fact (at an optional path), an operator, the expected value. */
export interface FactCondition {
  readonly fact: string
  readonly operator: string
  readonly value: unknown
  readonly path?: string | undefined
  readonly params?: Readonly<Record<string, unknown>> | undefined
  readonly priority?: number | undefined
  readonly name?: string | undefined
}

export interface AllCondition {
  readonly all: ReadonlyArray<Condition>
  readonly priority?: number | undefined
  readonly name?: string | undefined
}
export interface AnyCondition {
  readonly any: ReadonlyArray<Condition>
  readonly priority?: number | undefined
  readonly name?: string | undefined
}
export interface NotCondition {
  readonly not: Condition
  readonly priority?: number | undefined
  readonly name?: string | undefined
}
/** A reference to a named condition in the pack's `conditions` section. */
export interface ConditionReference {
  readonly condition: string
  readonly priority?: number | undefined
  readonly name?: string | undefined
}

export type Condition = FactCondition | AllCondition | AnyCondition | NotCondition | ConditionReference
export type TopLevelCondition = AllCondition | AnyCondition | NotCondition | ConditionReference

export interface RuleEvent {
  readonly type: string
  readonly params?: Readonly<Record<string, unknown>> | undefined
}

/** A rule: json-rules-engine's shape plus minyi's optional `id` (see `ruleIdOf`). */
export interface Rule {
  readonly id?: string | undefined
  readonly name?: string | undefined
  readonly description?: string | undefined
  readonly priority?: number | undefined
  readonly conditions: TopLevelCondition
  readonly event: RuleEvent
}

const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k)

/** Which kind of condition this is, decided in json-rules-engine's order (any, all, not, reference, fact). */
export const conditionKind = (c: object): "any" | "all" | "not" | "condition" | "fact" =>
  has(c, "any") ? "any" : has(c, "all") ? "all" : has(c, "not") ? "not" : has(c, "condition") ? "condition" : "fact"

/** A condition with its kind beside it, so that a `switch` on `kind` sees the node's own type. */
export type ConditionCase =
  | { readonly kind: "any"; readonly node: AnyCondition }
  | { readonly kind: "all"; readonly node: AllCondition }
  | { readonly kind: "not"; readonly node: NotCondition }
  | { readonly kind: "condition"; readonly node: ConditionReference }
  | { readonly kind: "fact"; readonly node: FactCondition }

/**
 * The same order as `conditionKind`. `in` (not an own-key test) is what lets TypeScript narrow the
 * union; the two agree on decoded conditions, which are plain objects.
 */
export const conditionCase = (c: Condition): ConditionCase =>
  "any" in c
    ? { kind: "any", node: c }
    : "all" in c
      ? { kind: "all", node: c }
      : "not" in c
        ? { kind: "not", node: c }
        : "condition" in c
          ? { kind: "condition", node: c }
          : { kind: "fact", node: c }

export const isFactReference = (value: unknown): value is FactReference =>
  value !== null && typeof value === "object" && has(value, "fact")

/**
 * The rule's id, used as provenance on every action it causes: its `id`; failing that (a rule
 * written for json-rules-engine) its `name`; failing that its section and 1-based position,
 * e.g. `routing#3` — which changes when rules are reordered, so validation warns about it.
 */
export const ruleIdOf = (rule: { readonly id?: string | undefined; readonly name?: string | undefined }, section: string, index: number): string =>
  rule.id ?? (rule.name !== undefined && rule.name !== "" ? String(rule.name) : `${section}#${index + 1}`)
