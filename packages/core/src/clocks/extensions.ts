/** The extension rule of a clock policy: how many extensions, how long in total. */
import { Result } from "effect"
import type { Duration } from "../calendar/duration.js"
import { addDurations, durationExceeds, makeDuration, parseDuration } from "../calendar/duration.js"
import { ExtensionRefused } from "./errors.js"
import type { ClockStatus } from "./types.js"
import type { ClockPolicy } from "./policy.js"

const zero = makeDuration(0, 0)

/**
 * May this clock be extended by `amount`? Refuses clocks without an extension rule, clocks not
 * running, a count beyond `maxCount` and a total beyond `maxTotal`. Returns the totals after it.
 */
export const checkExtension = (
  clock: ClockStatus,
  policy: ClockPolicy,
  amount: Duration
): Result.Result<{ readonly count: number; readonly total: Duration }, ExtensionRefused> => {
  const refuse = (reason: ExtensionRefused["reason"], zh: string, en: string) =>
    Result.fail(new ExtensionRefused({ clock: clock.key, reason, message: `${zh} (${en})` }))
  const before = unwrapDuration(clock.extensions.total)
  const count = clock.extensions.count + 1
  const total = addDurations(before, amount)
  const refusal = extensionRefusal(policy, clock.extensions.count, before, amount)
  if (refusal === "notExtendable") {
    return refuse("notExtendable", `时限"${policy.name}"不允许延期。`, `Clock "${policy.name}" cannot be extended.`)
  }
  if (clock.state !== "running" && clock.state !== "paused") {
    return refuse("notRunning", `时限"${clock.key}"未在计时（${clock.state}），不能延期。`, `Clock "${clock.key}" is ${clock.state}, not running; it cannot be extended.`)
  }
  const maxCount = policy.extensions?.maxCount ?? 0
  if (refusal === "tooMany") {
    return refuse(
      "tooMany",
      `时限"${clock.key}"已延期 ${clock.extensions.count} 次，最多 ${maxCount} 次。`,
      `Clock "${clock.key}" has been extended ${clock.extensions.count} time(s); at most ${maxCount} allowed.`
    )
  }
  if (refusal === "tooLong") {
    const maxTotal = policy.extensions?.maxTotal.iso ?? "PT0S"
    return refuse("tooLong", `延期合计 ${total.iso} 超过上限 ${maxTotal}。`, `Extensions would total ${total.iso}, more than the ${maxTotal} allowed.`)
  }
  return Result.succeed({ count, total })
}

/** Why the policy does not allow one more extension by `amount` after `count` totalling `total`. */
export const extensionRefusal = (
  policy: ClockPolicy,
  count: number,
  total: Duration,
  amount: Duration
): "notExtendable" | "tooMany" | "tooLong" | undefined => {
  const rule = policy.extensions
  if (rule === undefined || rule.maxCount === 0) return "notExtendable"
  if (count + 1 > rule.maxCount) return "tooMany"
  if (durationExceeds(addDurations(total, amount), rule.maxTotal)) return "tooLong"
  return undefined
}

const unwrapDuration = (iso: string): Duration => Result.getOrElse(parseDuration(iso), () => zero)
