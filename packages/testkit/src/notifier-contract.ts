import type { Notification } from "@minyi/core"
import type { NotificationPayload } from "@minyi/core/adapter"
import { Notifier, NotifyFailed } from "@minyi/core"
import { Effect, Exit, Option } from "effect"
import type { Layer } from "effect"
import { createServer } from "node:net"
import type { AddressInfo } from "node:net"
import { afterEach, describe, expect, it } from "vitest"

/** How the receiver behind a notifier under test behaves. */
export type ReceiverBehaviour =
  /** Takes every message. */
  | "accept"
  /** Refuses for good (HTTP 410, SMTP 550 on the recipient, an SMS gateway's "no such number"). */
  | "reject"
  /** Cannot be reached or is overloaded (connection refused, 503, SMTP 421). */
  | "unavailable"

/** One message as the receiver got it. */
export interface ReceivedMessage {
  /** The idempotency key as the receiver saw it (a header, a mail header, a field). */
  readonly idempotencyKey: string
  /** Everything the receiver got as text (body, subject), to look for the rendered template in. */
  readonly text: string
}

/** A notifier wired to a receiver, for one test. */
export interface NotifierUnderTest {
  readonly notifier: Layer.Layer<Notifier, unknown>
  /** A recipient the notifier is configured to reach, e.g. `unit:dept.housing`. */
  readonly recipient: string
  /** What the receiver got so far. */
  readonly received: () => Promise<ReadonlyArray<ReceivedMessage>>
  readonly close: () => Promise<void>
}

/** How the suite reaches an adapter. */
export interface NotifierHarness {
  readonly name: string
  /** Starts a receiver that behaves as asked, and a notifier pointed at it. */
  readonly start: (behaviour: ReceiverBehaviour) => Promise<NotifierUnderTest>
}

const zhSubject = "诉求 P-2026-0001 超过15分钟未反馈"
const enSubject = "Petition P-2026-0001: no feedback within 15 minutes"

/** A loopback port nothing listens on (connecting is refused): the receiver that is down. */
export const closedLoopbackPort = async (): Promise<number> => {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo // a TCP listener always has an AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** A rule notification as the engine writes it to the outbox (see `NotificationPayload` in core). */
export const sampleNotification = (recipient: string, overrides: { readonly accusedUnit?: string; readonly idempotencyKey?: string } = {}): Notification => {
  const payload = {
    petitionId: "P-2026-0001",
    rule: "feedback-breach",
    packVersion: "2026.1",
    ...(overrides.accusedUnit === undefined ? {} : { accusedUnit: overrides.accusedUnit }),
    message: {
      "zh-CN": { subject: zhSubject, body: "诉求 P-2026-0001（噪音扰民，福田街道）已超过反馈时限（首次反馈，15分钟）。" },
      en: { subject: enSubject, body: "Petition P-2026-0001 (noise, Futian street) has breached its first feedback clock (15 minutes)." }
    }
  } satisfies NotificationPayload
  return {
    id: `P-2026-0001/7/feedback-breach/${recipient}`,
    streamId: "P-2026-0001",
    idempotencyKey: overrides.idempotencyKey ?? `feedback-breach|P-2026-0001|ClockBreached:first-feedback|${recipient}`,
    channel: "default",
    recipient,
    template: "feedback-overdue",
    payload
  }
}

/** Sends one notification through a notifier layer; the exit says how it went (a layer that cannot be built fails too). */
export const sendThrough = <E>(notifier: Layer.Layer<Notifier, E>, notification: Notification): Promise<Exit.Exit<void, NotifyFailed | E>> =>
  Effect.runPromise(Effect.exit(Notifier.use((n) => n.send(notification)).pipe(Effect.provide(notifier))))

/**
 * The notifier contract: what the relay relies on. Every notifier package runs it in one line,
 * `notifierContract({ name, start })`, against a real receiver.
 */
export const notifierContract = (harness: NotifierHarness): void => {
  const open: Array<NotifierUnderTest> = []
  const start = async (behaviour: ReceiverBehaviour) => {
    const under = await harness.start(behaviour)
    open.push(under)
    return under
  }
  const send = (under: NotifierUnderTest, notification: Notification) => sendThrough(under.notifier, notification)
  const failureOf = (exit: Exit.Exit<void, unknown>): NotifyFailed => {
    if (Exit.isSuccess(exit)) throw new Error("expected the send to fail, but it was delivered")
    const error = Option.getOrUndefined(Exit.findErrorOption(exit))
    if (error instanceof NotifyFailed) return error
    throw new Error(`expected a NotifyFailed, got ${String(exit.cause)}`)
  }

  describe(`${harness.name}: notifier contract`, () => {
    afterEach(async () => {
      for (const under of open.splice(0)) await under.close()
    })

    it("delivers the rendered text, Chinese first, with the idempotency key", async () => {
      const under = await start("accept")
      const notification = sampleNotification(under.recipient)
      expect(Exit.isSuccess(await send(under, notification))).toBe(true)
      const received = await under.received()
      expect(received).toHaveLength(1)
      expect(received[0]!.idempotencyKey).toBe(notification.idempotencyKey)
      expect(received[0]!.text).toContain(zhSubject)
      expect(received[0]!.text.indexOf(zhSubject)).toBeLessThan(received[0]!.text.indexOf(enSubject))
    })

    it("sends a retried notification with the same idempotency key, so the receiver can drop the duplicate", async () => {
      const under = await start("accept")
      const notification = sampleNotification(under.recipient)
      await send(under, notification)
      await send(under, notification)
      await send(under, sampleNotification(under.recipient, { idempotencyKey: "another-key" }))
      const keys = (await under.received()).map((r) => r.idempotencyKey)
      expect(keys).toEqual([notification.idempotencyKey, notification.idempotencyKey, "another-key"])
    })

    it("reports a refusal as a permanent failure (a dead letter, never retried)", async () => {
      const under = await start("reject")
      const failure = failureOf(await send(under, sampleNotification(under.recipient)))
      expect(failure._tag).toBe("NotifyFailed")
      expect(failure.retryable).toBe(false)
      expect(failure.reason.length).toBeGreaterThan(0)
    })

    it("reports an unreachable or overloaded receiver as retryable", async () => {
      const under = await start("unavailable")
      const failure = failureOf(await send(under, sampleNotification(under.recipient)))
      expect(failure._tag).toBe("NotifyFailed")
      expect(failure.retryable).toBe(true)
    })

    it("never delivers to the accused unit: a permanent failure and nothing received", async () => {
      const under = await start("accept")
      const accused = under.recipient.startsWith("unit:") ? under.recipient.slice("unit:".length) : "dept.accused"
      const recipient = `unit:${accused}`
      const failure = failureOf(await send(under, sampleNotification(recipient, { accusedUnit: accused })))
      expect(failure.retryable).toBe(false)
      expect(failure.reason).toContain(accused)
      expect(await under.received()).toHaveLength(0)
    })

    it("refuses a payload that is not a rule notification's, naming what is missing", async () => {
      const under = await start("accept")
      const failure = failureOf(await send(under, { ...sampleNotification(under.recipient), payload: { petitionId: "P-1" } }))
      expect(failure.retryable).toBe(false)
      expect(failure.reason).toContain("/message")
      expect(await under.received()).toHaveLength(0)
    })
  })
}
