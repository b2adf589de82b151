/**
 * Child process of the crash test: appends forever to the store at argv[2], printing
 * `ack <eventId>` after each append is committed. The parent kills it with SIGKILL at random.
 */
import { EventStore } from "@minyi/core"
import { layer } from "@minyi/store-sqlite"
import { batch, newEvent, outboxMessage, summary, T0, timerSpec } from "@minyi/testkit"
import { Effect } from "effect"

const [path, life] = process.argv.slice(2) as [string, string]

const program = Effect.gen(function* () {
  const store = yield* EventStore
  process.stdout.write("ready\n")
  for (let k = 0; ; k++) {
    const streamId = `${life}-s${k}`
    for (let v = 0; v < 3; v++) {
      const eventId = `${streamId}-e${v + 1}`
      yield* store.append(
        batch(streamId, v, [newEvent(eventId)], {
          outbox: [outboxMessage(`${eventId}-m`, streamId)],
          timers: { schedule: [timerSpec(streamId, "clock:a", T0 + v, { version: v + 1 })], cancel: [] },
          summary: summary(streamId, { data: { version: v + 1 } })
        })
      )
      process.stdout.write(`ack ${eventId}\n`)
    }
  }
})

Effect.runPromise(Effect.scoped(Effect.provide(program, layer({ path })))).catch((e) => {
  process.stderr.write(`${String(e)}\n`)
  process.exit(1)
})
