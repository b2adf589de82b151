/**
 * Operators. The ten standard ones reproduce json-rules-engine 7.3 exactly (including its
 * quirks: numeric operators first check that the fact value parses as a number, `contains`
 * only looks inside lists). minyi adds subtree and duration comparisons.
 */

import type { Schema } from "effect"
import { Result } from "effect"
import { parseDuration } from "../calendar/duration.js"

/** Milliseconds in an ISO 8601 duration, a day counting 24 hours (facts such as `age` are elapsed time). */
export const durationMillis = (text: string): number | undefined => {
  const parsed = parseDuration(text)
  return Result.isSuccess(parsed) ? parsed.success.days * 86_400_000 + parsed.success.ms : undefined
}

const isNumeric = (factValue: unknown): boolean => Number.parseFloat(String(factValue)).toString() !== "NaN"

const indexOfIn = (container: unknown, item: unknown): number =>
  typeof container === "string" ? container.indexOf(String(item)) : Array.isArray(container) ? container.indexOf(item) : Number.NaN

const within = (factValue: unknown, expected: unknown): boolean => {
  const wanted = Array.isArray(expected) ? expected : [expected]
  if (Array.isArray(factValue)) return wanted.some((w) => factValue.indexOf(w) > -1)
  return wanted.indexOf(factValue) > -1
}

const durationOf = (value: unknown): number | undefined =>
  typeof value === "number" ? value : typeof value === "string" ? durationMillis(value) : undefined

/** What an operator expects as its value, for validation messages and the JSON Schema. */
export type ValueKind = "any" | "list" | "number" | "duration" | "ids"

export interface OperatorDefinition {
  readonly name: string
  readonly test: (factValue: unknown, expected: unknown) => boolean
  readonly value: ValueKind
  readonly standard: boolean
  readonly zh: string
  readonly en: string
  /** The plugin that adds it; absent for minyi's own. */
  readonly plugin?: string
  /** What a plugin operator's `value` must be, checked when the pack loads. */
  readonly valueSchema?: Schema.Codec<unknown, unknown>
}

/**
 * Operators and decorators besides minyi's own (a pack's plugins), with the decorated names
 * already built for them. `PluginSet` is one.
 */
export interface OperatorTable {
  readonly operators: ReadonlyMap<string, { readonly definition: OperatorDefinition }>
  readonly decorators: ReadonlyMap<string, { readonly zh: string; readonly en: string; readonly wrap: (next: Test) => Test }>
  readonly decorated: Map<string, OperatorDefinition>
}

const op = (
  name: string,
  value: ValueKind,
  standard: boolean,
  zh: string,
  en: string,
  // `any`: json-rules-engine compares with JavaScript's own <, <= and === whatever the operands'
  // types (a string fact against a number), and reproducing it means doing exactly the same.
  // oxlint-disable-next-line typescript/no-explicit-any
  test: (factValue: any, expected: any) => boolean
): OperatorDefinition => ({ name, test, value, standard, zh, en })

export const operators: Readonly<Record<string, OperatorDefinition>> = Object.freeze(
  Object.fromEntries(
    [
      op("equal", "any", true, "等于", "equals", (a, b) => a === b),
      op("notEqual", "any", true, "不等于", "does not equal", (a, b) => a !== b),
      // json-rules-engine throws when the list is not a list; minyi treats that as "does not hold".
      op("in", "list", true, "属于", "is one of", (a, b) => indexOfIn(b, a) > -1),
      op("notIn", "list", true, "不属于", "is none of", (a, b) => indexOfIn(b, a) === -1),
      op("contains", "any", true, "包含", "contains", (a, b) => Array.isArray(a) && a.indexOf(b) > -1),
      op("doesNotContain", "any", true, "不包含", "does not contain", (a, b) => Array.isArray(a) && a.indexOf(b) === -1),
      op("lessThan", "number", true, "小于", "is less than", (a, b) => isNumeric(a) && a < b),
      op("lessThanInclusive", "number", true, "小于或等于", "is at most", (a, b) => isNumeric(a) && a <= b),
      op("greaterThan", "number", true, "大于", "is greater than", (a, b) => isNumeric(a) && a > b),
      op("greaterThanInclusive", "number", true, "大于或等于", "is at least", (a, b) => isNumeric(a) && a >= b),
      op("categoryWithin", "ids", false, "属于分类（含下级）", "is within the category subtree of", within),
      op("jurisdictionWithin", "ids", false, "属于辖区（含下级）", "is within the jurisdiction subtree of", within),
      op("durationAtLeast", "duration", false, "时长至少", "lasts at least", (a, b) => {
        const limit = durationOf(b)
        return typeof a === "number" && limit !== undefined && a >= limit
      }),
      op("durationAtMost", "duration", false, "时长至多", "lasts at most", (a, b) => {
        const limit = durationOf(b)
        return typeof a === "number" && limit !== undefined && a <= limit
      })
    ].map((o) => [o.name, o])
  )
)

export const operatorNames: ReadonlyArray<string> = Object.keys(operators)

type Test = OperatorDefinition["test"]

/**
 * json-rules-engine 7 registers these operator decorators by default, so rules written for it may
 * say `not:equal`, `someFact:in` or `not:everyValue:lessThan`. Each wraps the operator after it,
 * with json-rules-engine's semantics (a "fact" decorator needs a list fact); where json-rules-engine
 * throws (someValue over a value that is not a list) the condition does not hold.
 */
const decorators: Readonly<Record<string, { readonly wrap: (next: Test) => Test; readonly value?: ValueKind; readonly zh: string; readonly en: string }>> = {
  someFact: { wrap: (next) => (a, b) => Array.isArray(a) && a.some((x) => next(x, b)), zh: "有一项", en: "has an item that" },
  someValue: { wrap: (next) => (a, b) => Array.isArray(b) && b.some((y) => next(a, y)), value: "list", zh: "对其中一个", en: "for some of the values" },
  everyFact: { wrap: (next) => (a, b) => Array.isArray(a) && a.every((x) => next(x, b)), zh: "每一项都", en: "has only items that" },
  everyValue: { wrap: (next) => (a, b) => Array.isArray(b) && b.every((y) => next(a, y)), value: "list", zh: "对其中每一个", en: "for each of the values" },
  swap: { wrap: (next) => (a, b) => next(b, a), value: "any", zh: "（左右互换）", en: "(swapped)" },
  not: { wrap: (next) => (a, b) => !next(a, b), zh: "并非", en: "not" }
}
export const decoratorNames: ReadonlyArray<string> = Object.keys(decorators)

const decorated = new Map<string, OperatorDefinition>()

const hasOwn = Object.prototype.hasOwnProperty

/**
 * The operator a condition names: a plain one, or one behind json-rules-engine decorators, from
 * minyi's own or the table's (a pack's plugins). Only own entries count: `constructor`, `toString`
 * or `__proto__` is found on every object's prototype and is no operator (it would pass validation
 * and then fail on every evaluation).
 */
export const operatorFor = (name: string, table?: OperatorTable): OperatorDefinition | undefined => {
  const plain = hasOwn.call(operators, name) ? operators[name] : table?.operators.get(name)?.definition
  if (plain !== undefined) return plain
  const colon = name.indexOf(":")
  if (colon <= 0) return undefined
  const prefix = name.slice(0, colon)
  const decorator = hasOwn.call(decorators, prefix) ? decorators[prefix] : table?.decorators.get(prefix)
  const inner = decorator === undefined ? undefined : operatorFor(name.slice(colon + 1), table)
  if (decorator === undefined || inner === undefined) return undefined
  // Names that involve no plugin are the same whatever the table, and built once for all packs.
  const cache = table === undefined || (inner.plugin === undefined && hasOwn.call(decorators, prefix)) ? decorated : table.decorated
  const known = cache.get(name)
  if (known !== undefined) return known
  const value = (hasOwn.call(decorators, prefix) ? decorators[prefix]?.value : undefined) ?? inner.value
  const definition: OperatorDefinition = {
    ...op(name, value, inner.standard, `${decorator.zh}${inner.zh}`, `${decorator.en} ${inner.en}`, decorator.wrap(inner.test)),
    ...(inner.plugin === undefined ? {} : { plugin: inner.plugin }),
    // A decorator that reads the value as a list (someValue…) or swaps it no longer takes the inner operator's value.
    ...(inner.valueSchema === undefined || value !== inner.value ? {} : { valueSchema: inner.valueSchema })
  }
  cache.set(name, definition)
  return definition
}
