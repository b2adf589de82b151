/**
 * An engine worker whose notifications go out as signed webhooks. One line per fact on stdout,
 * printed after the engine call returned:
 *
 *   ready                  the engine is built
 *   ticked                 the clocks were fired (after the submits)
 *   relay <delivered> <retrying> <dead>   one `engine.relay(at)` returned
 *   idle                   a relay found nothing to do; the worker exits
 */
import { Engine, engineLayer } from "@minyi/core"
import * as Webhook from "@minyi/notify-webhook"
import { Effect, Layer } from "effect"
import { storageLayer, submitOf } from "../durability/support.js"
import type { StoreSpec } from "../durability/support.js"
import { directory, futianPacks, SECRET } from "./support.js"

export interface RelayChildArgs {
  readonly store: StoreSpec
  readonly url: string
  readonly workerId: string
  readonly leaseMs: number
  readonly submit?: ReadonlyArray<string>
  readonly tickAt?: number
  readonly relayAt?: number
  /** Wall-clock epoch ms before which the relay does not start, so that workers start together. */
  readonly startAt?: number
}

const args = JSON.parse(process.argv[2] ?? "{}") as RelayChildArgs
const say = (line: string) => Effect.sync(() => void process.stdout.write(`${line}\n`))

const program = Effect.gen(function*() {
  const engine = yield* Engine
  yield* say("ready")
  yield* Effect.forEach(args.submit ?? [], (id) => engine.handle(submitOf(id)), { concurrency: 4, discard: true })
  if (args.tickAt !== undefined) {
    while ((yield* engine.tick(args.tickAt)).fired > 0) {}
    yield* say("ticked")
  }
  if (args.relayAt === undefined) return
  if (args.startAt !== undefined) yield* Effect.sleep(Math.max(0, args.startAt - Date.now()))
  while (true) {
    const report = yield* engine.relay(args.relayAt)
    yield* say(`relay ${report.delivered} ${report.retrying} ${report.deadLettered.length}`)
    if (report.delivered + report.retrying + report.deadLettered.length === 0) return yield* say("idle")
  }
})

const layer = engineLayer({ directory, packs: futianPacks(), workerId: args.workerId, leaseMs: args.leaseMs, batchSize: 16 }).pipe(
  Layer.provide(Layer.merge(storageLayer(args.store), Webhook.layer({ endpoints: { "*": args.url }, secret: SECRET, timeoutMs: 60_000 })))
)

Effect.runPromise(Effect.scoped(Effect.provide(program, layer))).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n${error instanceof Error ? (error.stack ?? "") : ""}\n`)
    process.exit(1)
  }
)
