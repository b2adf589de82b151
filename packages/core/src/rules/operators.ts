/**
 * Operators. The ten standard ones reproduce json-rules-engine 7.3 exactly (including its
 * quirks: numeric operators first check that the fact value parses as a number, `contains`
 * only looks inside lists). minyi adds subtree and duration comparisons.
 */

import { Result } from "effect"
import { parseDuration } from "../calendar/duration.js"

/** Milliseconds in an ISO 8601 duration, a day counting 24 hours (facts such as `age` are elapsed time). */
export const durationMillis = (text: string): number | undefined => {
  const parsed = parseDuration(text)
  return Result.isSuccess(parsed) ? parsed.success.days * 86_400_000 + parsed.success.ms : undefined
}

const isNumeric = (factValue: unknown): boolean => Number.parseFloat(factValue as string).toString() !== "NaN"

const indexOfIn = (container: unknown, item: unknown): number =>
  typeof container === "string" || Array.isArray(container) ? (container as any).indexOf(item) : Number.NaN

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
}

const op = (
  name: string,
  value: ValueKind,
  standard: boolean,
  zh: string,
  en: string,
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
