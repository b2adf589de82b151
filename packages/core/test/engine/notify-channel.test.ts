// A rule's notify action names the outbox channel, so a host's second notifier (SMS beside the
// default one) receives the notices of the rules that ask for it.
import { describe, expect, it } from "vitest"
import { createMinyi, sampleDirectory } from "../../src/index.js"
import type { NotifierMessage } from "../../src/index.js"
import futian from "../../src/presets/futian-10-30-24.json" with { type: "json" }
import { refuseOdourSubmit } from "./support.js"

const T0 = Date.parse("2026-03-02T09:00:00+08:00")
const breached = T0 + 11 * 60_000

/** The Futian pack with its feedback-overdue notice sent over `channel`. */
const packWithChannel = (channel: unknown) => ({
  ...futian,
  escalation: futian.escalation.map((rule) =>
    rule.id === "feedback-overdue" ? { ...rule, event: { ...rule.event, params: { ...rule.event.params, channel } } } : rule
  )
})

describe("a notify action's channel", () => {
  it("reaches the notifier of that channel, not the default one", async () => {
    const sent: Record<string, Array<NotifierMessage>> = { default: [], sms: [] }
    const minyi = createMinyi({
      directory: sampleDirectory(),
      rulePack: packWithChannel("sms"),
      notifiers: {
        default: async (m) => void sent.default!.push(m),
        sms: async (m) => void sent.sms!.push(m)
      }
    })
    try {
      await minyi.handle(refuseOdourSubmit("p-sms", "2026-03-02T09:00:00+08:00"))
      await minyi.tick(breached)
      const relay = await minyi.relay(breached)
      expect(relay.deadLettered).toEqual([])
      expect(sent.sms!.length).toBeGreaterThan(0)
      expect(sent.sms!.every((m) => m.channel === "sms")).toBe(true)
      expect(sent.sms![0]!.text["zh-CN"].subject).toBe("诉求 p-sms 超过10分钟未反馈")
      expect(sent.default!.filter((m) => m.idempotencyKey.startsWith("feedback-overdue|"))).toEqual([])
    } finally {
      await minyi.dispose()
    }
  })

  it("dead-letters, on the petition, the notices of a channel no notifier serves", async () => {
    const minyi = createMinyi({ directory: sampleDirectory(), rulePack: packWithChannel("fax"), notifiers: { default: async () => {} } })
    try {
      await minyi.handle(refuseOdourSubmit("p-fax", "2026-03-02T09:00:00+08:00"))
      await minyi.tick(breached)
      const relay = await minyi.relay(breached)
      expect(relay.deadLettered.length).toBeGreaterThan(0)
      expect(relay.deadLettered[0]!.reason).toContain("fax")
      const recorded = (await minyi.history("p-fax")).filter((e) => e._tag === "NotificationDeadLettered")
      expect(recorded).toHaveLength(relay.deadLettered.length)
    } finally {
      await minyi.dispose()
    }
  })

  it("must be a non-empty string: the pack is refused naming the channel's path", () => {
    expect(() => createMinyi({ directory: sampleDirectory(), rulePack: packWithChannel("") })).toThrow(
      expect.objectContaining({ _tag: "RulePackInvalid", problems: [expect.objectContaining({ path: "/escalation/0/event/params/channel" })] })
    )
  })
})
