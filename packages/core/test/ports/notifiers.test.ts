import { Notifier, Notifiers, SentNotifications } from "@minyi/core"
import { notifyFailed } from "@minyi/core/adapter"
import type { Notification } from "@minyi/core"
import { Effect } from "effect"
import { afterEach, describe, expect, it, vi } from "vitest"

const notification: Notification = {
  id: "m1",
  streamId: "p1",
  idempotencyKey: "notify:m1",
  channel: "sms",
  recipient: "13800000000",
  template: "feedback",
  payload: { text: "已受理" }
}

describe("recording notifier", () => {
  it("records what is sent and fails as scripted, with the failure's retryability", async () => {
    const program = Effect.gen(function* () {
      const notifier = yield* Notifier
      const sent = yield* SentNotifications
      yield* sent.failNext(notifyFailed("sms", true, "gateway timeout"), 2)
      const first = yield* Effect.flip(notifier.send(notification))
      const second = yield* Effect.flip(notifier.send(notification))
      yield* notifier.send({ ...notification, id: "m2" })
      return { first, second, all: yield* sent.all }
    })
    const { first, second, all } = await Effect.runPromise(Effect.provide(program, Notifiers.layerMemory))
    expect(first).toMatchObject({ _tag: "NotifyFailed", channel: "sms", retryable: true })
    expect(first.message).toContain("gateway timeout")
    expect(second._tag).toBe("NotifyFailed")
    expect(all.map((n) => n.id)).toEqual(["m2"])
  })
})

describe("console notifier", () => {
  afterEach(() => vi.restoreAllMocks())

  it("prints channel, recipient, template and payload", async () => {
    const lines: Array<string> = []
    vi.spyOn(console, "log").mockImplementation((...args: Array<unknown>) => void lines.push(args.join(" ")))
    await Effect.runPromise(Effect.provide(Notifier.use((n) => n.send(notification)), Notifiers.layerConsole))
    expect(lines).toEqual([`[通知 notification] sms → 13800000000 模板 template=feedback {"text":"已受理"}`])
  })
})

describe("notifiers by channel", () => {
  it("routes each notification to the notifier of its channel; an unserved channel fails for good", async () => {
    const seen: Array<string> = []
    const recorder = (name: string) => Notifier.of({ send: (n) => Effect.sync(() => void seen.push(`${name}:${n.id}`)) })
    const notifier = Notifiers.byChannel({ sms: recorder("sms"), email: recorder("email") })
    await Effect.runPromise(notifier.send(notification))
    await Effect.runPromise(notifier.send({ ...notification, id: "m2", channel: "email" }))
    const error = await Effect.runPromise(Effect.flip(notifier.send({ ...notification, id: "m3", channel: "fax" })))
    expect(seen).toEqual(["sms:m1", "email:m2"])
    expect(error).toMatchObject({ _tag: "NotifyFailed", channel: "fax", retryable: false })
    expect(error.message).toContain("sms, email")
    const viaLayer = await Effect.runPromise(
      Effect.provide(Effect.flip(Notifier.use((n) => n.send({ ...notification, channel: "constructor" }))), Notifiers.layerByChannel({}))
    )
    expect(viaLayer).toMatchObject({ _tag: "NotifyFailed", retryable: false })
  })
})
