import { Console, Context, Effect, Layer } from "effect"
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

/** The notifiers core ships: recording (tests, simulations) and console (demo, development). */
export const Notifiers = {
  byChannel,
  /** {@link byChannel} as a layer. */
  layerByChannel: (notifiers: Readonly<Record<string, Notifier["Service"]>>): Layer.Layer<Notifier> => Layer.succeed(Notifier, byChannel(notifiers)),
  /** Records what is sent, in memory; read it through {@link SentNotifications}. */
  layerMemory: Layer.effectContext(recording) as Layer.Layer<Notifier | SentNotifications>,
  /** Prints each notification on the console (through Effect's `Console`, so tests can capture it). */
  layerConsole: Layer.succeed(Notifier, consoleNotifier)
}
