/**
 * The limits a pack must keep within, so that a pack that loads can always be evaluated: how deep
 * conditions may nest (evaluation and explain recurse through them) and how long a duration may be
 * (a clock or window decades long is a typo, and calendars are computed day by day).
 */
import type { Duration } from "../../calendar/duration.js"
import type { Condition } from "../format.js"
import { conditionCase } from "../format.js"
import type { Context } from "./context.js"
import { referencesOf } from "./lints.js"
import { pointerKey, say } from "./messages.js"
import { record } from "./raw.js"

/** Levels a rule's conditions may nest, counting the levels of the shared conditions they refer to. */
export const conditionDepthLimit = 32
/** The longest duration a pack may write: ten years of days. */
export const durationLimitDays = 3653
const durationLimitMs = durationLimitDays * 86_400_000

export const tooDeep = () =>
  say(
    `条件嵌套超过 ${conditionDepthLimit} 层（含所引用的共用条件）；请拆分或简化`,
    `conditions nest more than ${conditionDepthLimit} levels deep (counting the shared conditions they refer to); split or simplify them`
  )

/** How deeply a JSON value nests, counted without recursion and only up to `limit + 1`. */
export const nestsDeeperThan = (value: unknown, limit: number): boolean => {
  let level: ReadonlyArray<unknown> = [value]
  for (let depth = 0; level.length > 0; depth++) {
    if (depth > limit) return true
    level = level.flatMap((v) => (v !== null && typeof v === "object" ? Object.values(v) : []))
  }
  return false
}

const levels = (c: Condition, heights: ReadonlyMap<string, number>): number => {
  const node = conditionCase(c)
  const deepest = (cs: ReadonlyArray<Condition>) => cs.reduce((m, x) => Math.max(m, levels(x, heights)), 0)
  switch (node.kind) {
    case "all": return 1 + deepest(node.node.all)
    case "any": return 1 + deepest(node.node.any)
    case "not": return 1 + levels(node.node.not, heights)
    case "condition": return 1 + (heights.get(node.node.condition) ?? 0)
    case "fact": return 1
  }
}

/**
 * Refuses conditions that nest too deeply once shared conditions are counted in. Each written
 * condition is already within the limit on its own (decodeCondition stops there); the levels of
 * shared conditions are worked out in dependency order, without recursing along a chain of
 * references (those in a cycle are left out: the cycle is reported on its own).
 */
export const checkConditionDepth = (
  ctx: Context,
  shared: ReadonlyMap<string, Condition>,
  rules: ReadonlyArray<{ readonly at: string; readonly conditions: Condition }>
): void => {
  const heights = new Map<string, number>()
  const pending = new Map([...shared].map(([name, c]) => [name, referencesOf(c).filter((r) => shared.has(r))] as const))
  for (let progress = true; progress; ) {
    progress = false
    for (const [name, needs] of pending) {
      if (!needs.every((n) => heights.has(n))) continue
      heights.set(name, levels(shared.get(name)!, heights))
      pending.delete(name)
      progress = true
    }
  }
  for (const [name, height] of heights) {
    if (height > conditionDepthLimit) ctx.problems.push({ path: `/conditions/${pointerKey(name)}`, ...tooDeep() })
  }
  for (const rule of rules) {
    if (levels(rule.conditions, heights) > conditionDepthLimit) ctx.problems.push({ path: `${rule.at}/conditions`, ...tooDeep() })
  }
}

const isDuration = (x: unknown): x is Duration =>
  typeof record(x, "iso") === "string" && typeof record(x, "days") === "number" && typeof record(x, "ms") === "number"

const longerThanLimit = (written: string) =>
  say(
    `时长 ${written} 超过上限 P${durationLimitDays}D（十年）`,
    `the duration ${written} is longer than the maximum of P${durationLimitDays}D (ten years)`
  )

/** A duration in milliseconds (a number in a condition) or as written (ISO 8601) over the limit. */
export const checkDurationLimit = (ctx: Context, value: Duration | number, at: string): void => {
  const ms = typeof value === "number" ? value : value.days * 86_400_000 + value.ms
  if (ms > durationLimitMs) ctx.problems.push({ path: at, ...longerThanLimit(typeof value === "number" ? `${value} ms` : value.iso) })
}

/**
 * Every decoded duration in a decoded value (the pack's sections, an action's params): the
 * decoded keys are the written ones, so the path found is the path in the pack.
 */
export const checkDurations = (ctx: Context, value: unknown, at: string): void => {
  if (isDuration(value)) checkDurationLimit(ctx, value, at)
  else if (Array.isArray(value)) value.forEach((v: unknown, i) => checkDurations(ctx, v, `${at}/${i}`))
  else if (value !== null && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) checkDurations(ctx, v, `${at}/${pointerKey(key)}`)
  }
}
