import { describe, expect, it } from "vitest"
import { createMinyi, PermanentNotifyFailure, sampleDirectory } from "../../src/index.js"
import type { NotifierMessage } from "../../src/index.js"
import { refuseOdourSubmit } from "./support.js"

const T0 = Date.parse("2026-03-02T09:00:00+08:00")
const submit = refuseOdourSubmit("p-sms", "2026-03-02T09:00:00+08:00")

/** A minyi whose rule notifications go to an async function, as a portal without Effect writes it. */
const minyiWith = (send: (message: NotifierMessage) => Promise<void>) =>
  createMinyi({ directory: sampleDirectory(), rulePack: "futian-10-30-24", notifiers: { default: send } })

describe("Promise-shaped notifiers on the facade", () => {
  it("delivers through an async function, retrying what it throws with the outbox's backoff", async () => {
    const calls: Array<string> = []
    const delivered: Array<NotifierMessage> = []
    const minyi = minyiWith(async (message) => {
      calls.push(message.idempotencyKey)
      if (calls.length === 1) throw new Error("SMS gateway busy")
      delivered.push(message)
    })
    try {
      await minyi.handle(submit)
      await minyi.tick(T0 + 11 * 60_000)
      const first = await minyi.relay(T0 + 11 * 60_000)
      expect(first.retrying).toBeGreaterThan(0)
      // Too early: the backoff has not run out, nothing is tried.
      const early = await minyi.relay(T0 + 11 * 60_000 + 10)
      expect(early.delivered + early.retrying).toBe(0)
      const later = await minyi.relay(T0 + 30 * 60_000)
      expect(later.delivered).toBeGreaterThan(0)
      // The retried message reaches the gateway again with the key it had the first time.
      expect(delivered.map((m) => m.idempotencyKey)).toContain(calls[0])
      expect(delivered[0]!.text["zh-CN"].subject).toBe("诉求 p-sms 超过10分钟未反馈")
      expect(delivered[0]!.petitionId).toBe("p-sms")
    } finally {
      await minyi.dispose()
    }
  })

  it("turns a PermanentNotifyFailure into a dead letter recorded on the petition", async () => {
    const minyi = minyiWith(async () => {
      throw new PermanentNotifyFailure("号码不存在 number does not exist")
    })
    try {
      await minyi.handle(submit)
      await minyi.tick(T0 + 11 * 60_000)
      const relay = await minyi.relay(T0 + 11 * 60_000)
      expect(relay.deadLettered.length).toBeGreaterThan(0)
      expect(relay.deadLettered[0]!.reason).toContain("number does not exist")
      const recorded = (await minyi.history("p-sms")).filter((e) => e._tag === "NotificationDeadLettered")
      expect(recorded).toHaveLength(relay.deadLettered.length)
    } finally {
      await minyi.dispose()
    }
  })
})
