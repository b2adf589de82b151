import { Effect, Result } from "effect"
import fc from "fast-check"
import { DateTime } from "luxon"
import { describe, expect, it } from "vitest"
import { Engine, rulePackPresets, SentNotifications } from "../../src/index.js"
import { notificationPayload } from "../../src/ports/index.js"
import { makeDuration } from "../../src/calendar/index.js"
import { formatInstant, formatLimit, formatSpan } from "../../src/engine/templates.js"
import { publishedPacks, refuseOdourSubmit, runOn } from "./support.js"

const submit = refuseOdourSubmit("p-t", "2026-03-02T09:00:00+08:00")

/** The futian pack with the feedback clock's limit changed, as a policy officer would change it. */
const futianWithFeedback = (limit: string) => {
  const json = structuredClone(rulePackPresets["futian-10-30-24"]) as { clocks: Array<{ name: string; limit: string }> }
  json.clocks.find((c) => c.name === "feedback")!.limit = limit
  return json
}

/** Submits at 09:00, fires the clocks at `tickAt`, and returns the text of the feedback-overdue notices. */
const overdueNotice = (pack: unknown, tickAt: string) =>
  runOn(publishedPacks(pack))(
    Effect.gen(function*() {
      const engine = yield* Engine
      yield* engine.handleJson(submit)
      yield* engine.tick(Date.parse(tickAt))
      yield* engine.relay(Date.parse(tickAt))
      const sent = yield* (yield* SentNotifications).all
      return sent.filter((n) => n.template === "feedback-overdue").map((n) => Result.getOrThrow(notificationPayload(n)).message)
    })
  )

describe("notification templates", () => {
  it("quote the clock's limit, due time, label and the petition's title from the pack, not from the text", async () => {
    const [message] = await overdueNotice(rulePackPresets["futian-10-30-24"], "2026-03-02T09:11:00+08:00")
    expect(message!["zh-CN"].subject).toBe("诉求 p-t 超过10分钟未反馈")
    expect(message!["zh-CN"].body).toContain("「垃圾站异味」")
    expect(message!["zh-CN"].body).toContain("10分钟内未签收反馈，时限已于 3月2日 09:10 届满")
    expect(message!["zh-CN"].body).not.toContain("feedback")
    expect(message!.en.subject).toBe("Petition p-t: no feedback within 10 minutes")
    expect(message!.en.body).toContain("ran out at 2 Mar 09:10")
  })

  it("follow a changed limit: 15 minutes leaves no '10分钟' behind", async () => {
    const [message] = await overdueNotice(futianWithFeedback("PT15M"), "2026-03-02T09:16:00+08:00")
    expect(message!["zh-CN"].subject).toBe("诉求 p-t 超过15分钟未反馈")
    expect(message!["zh-CN"].body).toContain("3月2日 09:15")
    expect(JSON.stringify(message)).not.toMatch(/10分钟|10 minutes/)
  })

  it("format spans, limits and instants for people", () => {
    expect(formatSpan(10 * 60_000, "zh-CN")).toBe("10分钟")
    expect(formatSpan(90 * 60_000, "zh-CN")).toBe("1小时30分钟")
    expect(formatSpan(26 * 3_600_000, "en")).toBe("1 day 2 hours")
    expect(formatSpan(30_000, "en")).toBe("1 minute")
    expect(formatSpan(-5, "zh-CN")).toBe("0分钟")
    expect(formatLimit(makeDuration(15, 0), true, "zh-CN")).toBe("15个工作日")
    expect(formatLimit(makeDuration(1, 0), false, "en")).toBe("1 day")
    expect(formatLimit(makeDuration(0, 24 * 3_600_000), false, "zh-CN")).toBe("1天")
    expect(formatInstant(Date.parse("2026-03-02T01:10:00Z"), "Asia/Shanghai", "zh-CN")).toBe("3月2日 09:10")
    expect(formatInstant(Date.parse("2026-03-02T01:10:00Z"), "Asia/Shanghai", "en")).toBe("2 Mar 09:10")
  })

  it("formats instants exactly as luxon's M月d日 HH:mm and en-GB d LLL HH:mm, in any zone, any month", () => {
    // September is "Sept" in en-GB: the month names come from the same locale data.
    expect(formatInstant(Date.parse("2026-09-30T16:05:00Z"), "Asia/Shanghai", "en")).toBe("1 Oct 00:05")
    expect(formatInstant(Date.parse("2026-09-03T01:05:00Z"), "Asia/Shanghai", "en")).toBe(
      DateTime.fromMillis(Date.parse("2026-09-03T01:05:00Z"), { zone: "Asia/Shanghai" }).setLocale("en-GB").toFormat("d LLL HH:mm")
    )
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse("2000-01-01T00:00:00Z"), max: Date.parse("2100-01-01T00:00:00Z") }),
        fc.constantFrom("Asia/Shanghai", "Asia/Urumqi", "Europe/London", "America/New_York", "UTC"),
        (at, zone) => {
          const local = DateTime.fromMillis(at, { zone })
          expect(formatInstant(at, zone, "zh-CN")).toBe(local.toFormat("M月d日 HH:mm"))
          expect(formatInstant(at, zone, "en")).toBe(local.setLocale("en-GB").toFormat("d LLL HH:mm"))
        }
      ),
      { numRuns: 500 }
    )
  })
})

