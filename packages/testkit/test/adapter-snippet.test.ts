import { EventStore, Storage } from "@minyi/core"
import type { OpenError, RetryPolicy } from "@minyi/core"
import { storeContract } from "@minyi/testkit"
import { Context, Effect, Layer } from "effect"
import type { Scope } from "effect"

// An adapter is a layer that provides the four storage ports: EventStore, Timers, Outbox and
// Queries. This one wraps the in-memory store and counts appends; put your database here.
export interface MyStoreConfig {
  readonly location: string
  readonly retry?: RetryPolicy
}

export const make = (config: MyStoreConfig): Effect.Effect<Context.Context<Storage>, OpenError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => ({ ports: Storage.makeMemory(config.retry === undefined ? {} : { retry: config.retry }), appends: 0 })),
    (opened) => Effect.logDebug(`closing ${config.location} after ${opened.appends} appends`)
  ).pipe(
    Effect.map((opened) => {
      const inner = Context.get(opened.ports, EventStore)
      const counting = EventStore.of({
        ...inner,
        append: (batch) =>
          Effect.map(inner.append(batch), (result) => {
            opened.appends++
            return result
          })
      })
      return Context.add(opened.ports, EventStore, counting)
    })
  )

export const layer = (config: MyStoreConfig): Layer.Layer<Storage, OpenError> => Layer.effectContext(make(config))

// The definition of done: the whole contract suite, in one call.
let n = 0
storeContract({
  name: "my store",
  capabilities: { durable: false, concurrentWriters: false, multiProcess: false },
  newLocation: () => `my-store-${++n}`,
  open: (location, { retry }) => layer({ location, retry })
})
