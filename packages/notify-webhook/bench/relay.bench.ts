// The relay against a loopback webhook receiver: deliveries per second with 1 and with 8
// concurrent deliveries, beside the raw HTTP client (fetch, the same body) in the same run, so the
// relay's own cost (claim, sign, ack) shows as the gap between the two. 64 deliveries per iteration.
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { EventStore, Engine, engineLayer, emptyRegistry, loadRulePack, publish, rulePackPresets, sampleDirectory, Storage } from "@minyi/core"
import { sampleNotification } from "@minyi/testkit"
import { Effect, Layer, ManagedRuntime, Result } from "effect"
import { afterAll, bench, describe } from "vitest"
import * as Webhook from "../src/index.js"

const PER_ITERATION = 64
const server = createServer((req, res) => {
  req.resume()
  req.on("end", () => res.writeHead(204).end())
})
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` // a TCP listener always has an AddressInfo
afterAll(() => {
  server.closeAllConnections()
  server.close()
})

const directory = sampleDirectory()
const packs = Result.getOrThrow(
  publish(emptyRegistry, Result.getOrThrow(loadRulePack(rulePackPresets["futian-10-30-24"], { directory })), { directory })
)
const T0 = Date.parse("2026-03-02T09:00:00+08:00")

const runtimeWith = (batchSize: number) =>
  ManagedRuntime.make(
    engineLayer({ directory, packs, batchSize }).pipe(
      Layer.provideMerge(Layer.merge(Storage.layerMemory(), Webhook.layer({ endpoints: { "*": url }, secret: "bench" })))
    )
  )

let stream = 0
/** Puts PER_ITERATION notifications in the outbox of a new stream (one append). */
const enqueue = Effect.gen(function*() {
  const store = yield* EventStore
  const streamId = `bench-${stream++}`
  const outbox = Array.from({ length: PER_ITERATION }, (_, i) => {
    const n = sampleNotification("unit:dept.housing", { idempotencyKey: `${streamId}|${i}` })
    return { ...n, id: `${streamId}/${i}`, streamId, createdAt: T0 }
  })
  yield* store.append({
    streamId,
    expectedVersion: 0,
    events: [{ eventId: `${streamId}/e`, type: "Noted", at: T0, data: { note: "bench" } }],
    outbox,
    timers: { schedule: [], cancel: [] }
  })
})

/** Relays with `lanes` relay calls at once until the iteration's notifications are delivered. */
const deliver = (lanes: number) =>
  Effect.gen(function*() {
    const engine = yield* Engine
    yield* enqueue
    let delivered = 0
    while (delivered < PER_ITERATION) {
      const reports = yield* Effect.all(Array.from({ length: lanes }, () => engine.relay(T0 + 1)), { concurrency: lanes })
      delivered += reports.reduce((sum, r) => sum + r.delivered, 0)
    }
  })

const one = runtimeWith(PER_ITERATION)
const eight = runtimeWith(PER_ITERATION / 8)
const body = JSON.stringify(sampleNotification("unit:dept.housing"))
const post = () => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body }).then((r) => r.arrayBuffer())
const lane = async (count: number) => {
  for (let i = 0; i < count; i++) await post()
}

describe(`webhook deliveries, ${PER_ITERATION} per iteration`, () => {
  bench("raw HTTP client (fetch), 1 at a time", () => lane(PER_ITERATION))
  bench("relay → webhook notifier, 1 at a time", () => one.runPromise(deliver(1)))
  bench("raw HTTP client (fetch), 8 concurrent", async () => {
    await Promise.all(Array.from({ length: 8 }, () => lane(PER_ITERATION / 8)))
  })
  bench("relay → webhook notifier, 8 concurrent", () => eight.runPromise(deliver(8)))
})
