import { Console, Context, Effect, Layer, Result, Schema } from "effect"
import { decodeInput } from "../shared/validation.js"
import type { InvalidInput } from "../shared/validation.js"
import { notifyFailed } from "./errors.js"
import type { NotifyFailed } from "./errors.js"
import type { Notification } from "./model.js"
import { Notifier } from "./services.js"

/** What the recording notifier has been asked to send; tests read it and script failures. */
export class SentNotifications extends Context.Service<SentNotifications, {
  /** Every notification delivered so far, in order (failed sends are not included). */
  readonly all: Effect.Effect<ReadonlyArray<Notification>>
  /** Makes the next `count` sends fail with `error` (retryable or not, as the error says). */
  failNext(error: NotifyFailed, count?: number): Effect.Effect<void>
}>()("@minyi/core/ports/SentNotifications") {}

const recording = Effect.sync(() => {
  const sent: Array<Notification> = []
  const failures: Array<NotifyFailed> = []
  const notifier = Notifier.of({
    send: (notification) =>
      Effect.suspend(() => {
        const failure = failures.shift()
        if (failure !== undefined) return Effect.fail(failure)
        sent.push(notification)
        return Effect.void
      })
  })
  const log = SentNotifications.of({
    all: Effect.sync(() => [...sent]),
    failNext: (error, count = 1) =>
      Effect.sync(() => {
        for (let i = 0; i < count; i++) failures.push(error)
      })
  })
  return Context.make(Notifier, notifier).pipe(Context.add(SentNotifications, log))
})

const consoleNotifier = Notifier.of({
  send: (n) =>
    Console.log(
      `[通知 notification] ${n.channel} → ${n.recipient}${n.template === undefined ? "" : ` 模板 template=${n.template}`} ${JSON.stringify(n.payload)}`
    )
})

/**
 * One notifier that hands each notification to the notifier of its `channel`. A channel nobody
 * serves is a permanent failure (not retryable): retrying cannot make it deliverable.
 */
const byChannel = (notifiers: Readonly<Record<string, Notifier["Service"]>>): Notifier["Service"] =>
  Notifier.of({
    send: (n) =>
      Object.hasOwn(notifiers, n.channel)
        ? notifiers[n.channel]!.send(n)
        : Effect.fail(notifyFailed(n.channel, false, `no notifier serves channel "${n.channel}" (served: ${Object.keys(notifiers).join(", ") || "none"})`))
  })

const Text = Schema.Struct({ subject: Schema.String, body: Schema.String })

/**
 * The payload the engine writes for a rule's notification: the petition, the rule that sent it,
 * the text in both languages (rendered from the pack's template, no personal data) and the
 * accused unit, which a notifier must never deliver to.
 */
export const NotificationPayload = Schema.Struct({
  petitionId: Schema.String,
  rule: Schema.optionalKey(Schema.String),
  packVersion: Schema.optionalKey(Schema.Union([Schema.Number, Schema.String])),
  accusedUnit: Schema.optionalKey(Schema.String),
  message: Schema.Struct({ "zh-CN": Text, en: Text })
})
export type NotificationPayload = typeof NotificationPayload.Type

const decodePayload = decodeInput(NotificationPayload, "通知内容 notification payload")

/** The rule notification's payload, decoded; an `InvalidInput` names what is missing. */
export const notificationPayload = (notification: Notification): Result.Result<NotificationPayload, InvalidInput> =>
  decodePayload(notification.payload)

/**
 * Refuses what no notifier may deliver: a payload that is not a rule notification's, and any
 * notification addressed to the unit the petition accuses (an accusation must not reach the
 * accused, not even as a reminder). Both are permanent: retrying cannot change them.
 */
export const deliverable = (notification: Notification): Result.Result<NotificationPayload, NotifyFailed> => {
  const decoded = notificationPayload(notification)
  if (Result.isFailure(decoded)) return Result.fail(notifyFailed(notification.channel, false, decoded.failure.message))
  const payload = decoded.success
  if (payload.accusedUnit !== undefined && notification.recipient === `unit:${payload.accusedUnit}`) {
    return Result.fail(notifyFailed(notification.channel, false, `收件单位 ${payload.accusedUnit} 是被检举控告的单位，不得向其发送 (the recipient unit ${payload.accusedUnit} is the accused unit and must not be notified)`))
  }
  return Result.succeed(payload)
}

/** What a Promise-shaped notifier receives: the notification and its decoded text. */
export interface NotifierMessage extends Notification {
  readonly text: NotificationPayload["message"]
  readonly petitionId: string
}

/**
 * A notifier written with Promises, for portals that do not use Effect: resolve when delivered,
 * throw to fail. A thrown value with `retryable: false` (see {@link PermanentNotifyFailure}) is a
 * permanent failure (a dead letter); anything else thrown is retried with the outbox's backoff.
 */
export type PromiseNotifier = (message: NotifierMessage) => Promise<void>

/** An error a {@link PromiseNotifier} throws when retrying cannot help (e.g. the number does not exist). */
export class PermanentNotifyFailure extends Error {
  readonly retryable = false
}

const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : String(e))

const fromPromise = (channel: string, send: PromiseNotifier): Notifier["Service"] =>
  Notifier.of({
    send: (n) =>
      Result.match(deliverable(n), {
        onFailure: Effect.fail,
        onSuccess: (payload) =>
          Effect.tryPromise({
            try: () => send({ ...n, text: payload.message, petitionId: payload.petitionId }),
            catch: (e) =>
              notifyFailed(channel, !(typeof e === "object" && e !== null && "retryable" in e && e.retryable === false), reasonOf(e))
          })
      })
  })

/** The notifiers core ships: recording (tests, simulations) and console (demo, development). */
export const Notifiers = {
  byChannel,
  /** A Promise-shaped notifier as a notifier service, with the same retry and dead-letter semantics. */
  fromPromise,
  /** {@link byChannel} as a layer. */
  layerByChannel: (notifiers: Readonly<Record<string, Notifier["Service"]>>): Layer.Layer<Notifier> => Layer.succeed(Notifier, byChannel(notifiers)),
  /** Records what is sent, in memory; read it through {@link SentNotifications}. */
  layerMemory: Layer.effectContext(recording) as Layer.Layer<Notifier | SentNotifications>,
  /** Prints each notification on the console (through Effect's `Console`, so tests can capture it). */
  layerConsole: Layer.succeed(Notifier, consoleNotifier)
}
