// A command that meets a concurrent write is tried again from a fresh load; when the other writers
// keep winning, the caller gets the typed TooMuchContention, never the store's VersionConflict.
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { Engine, engineLayer, EventStore, Notifiers, Storage, VersionConflict } from "../../src/index.js"
import futian from "../../src/presets/futian-10-30-24.json" with { type: "json" }
import { directory, publishedPacks, sampleSubmit } from "./support.js"

const packs = publishedPacks(futian)
const T0 = Date.parse("2026-03-02T09:00:00+08:00")

const submit = sampleSubmit("p-race", T0)

/** An engine whose store loses the race for the first `losses` appends (another writer got there first). */
const racing = (losses: number, maxAttempts: number) => {
  const ports = Layer.merge(Storage.layerMemory(), Notifiers.layerMemory)
  let appends = 0
  const contended = Layer.effect(
    EventStore,
    Effect.gen(function*() {
      const real = yield* EventStore
      return EventStore.of({
        ...real,
        append: (batch) =>
          ++appends <= losses
            ? Effect.fail(
                new VersionConflict({ streamId: batch.streamId, expectedVersion: batch.expectedVersion, actualVersion: batch.expectedVersion + 1, message: "another writer was first" })
              )
            : real.append(batch)
      })
    })
  )
  const layer = engineLayer({ directory, packs, maxAttempts }).pipe(Layer.provide(contended), Layer.provideMerge(ports))
  return { layer, appends: () => appends }
}

describe("engine: concurrent writes", () => {
  it("tries again from a fresh load until the append goes through", async () => {
    const race = racing(3, 5)
    const handled = await Effect.runPromise(Engine.use((e) => e.handle(submit)).pipe(Effect.provide(race.layer)))
    expect(handled.events.length).toBeGreaterThan(0)
    expect(race.appends()).toBe(4)
  })

  it("gives up with TooMuchContention after the attempts run out", async () => {
    const race = racing(Number.POSITIVE_INFINITY, 4)
    const error = await Effect.runPromise(Engine.use((e) => Effect.flip(e.handle(submit))).pipe(Effect.provide(race.layer)))
    expect(error._tag).toBe("TooMuchContention")
    expect(error).toMatchObject({ petitionId: "p-race", attempts: 4 })
    expect(error.message).toContain("p-race")
    expect(race.appends()).toBe(4)
  })
})
