/**
 * An engine worker process. It runs its steps against the real engine on a real store and
 * reports on stdout, one line per fact, printed only after the engine call returned (a pipe write
 * is synchronous on Linux, so a printed line reaches the parent even if SIGKILL follows at once):
 *
 *   ready                          the engine is built
 *   ack <petitionId> <version>     `engine.handle(Submit)` returned (replays say `replayed`)
 *   action <petitionId> <rule> <type>   a rule action that a tick's committed append carried
 *   tick <fired> <events>          one `engine.tick(at)` returned
 *   relay <delivered>              one `engine.relay(at)` returned
 *   done <op>                      a step finished
 */
import { createInterface } from "node:readline"
import { Engine } from "@minyi/core"
import { Effect } from "effect"
import { engineOn, submitOf } from "./support.js"
import type { ChildArgs, Step } from "./support.js"

const args = JSON.parse(process.argv[2] ?? "{}") as ChildArgs
const say = (line: string) => Effect.sync(() => void process.stdout.write(`${line}\n`))

const goes: Array<() => void> = []
let early = 0
createInterface({ input: process.stdin }).on("line", () => {
  const next = goes.shift()
  if (next === undefined) early++
  else next()
})
const waitForGo = Effect.promise(
  () =>
    new Promise<void>((resolve) => {
      if (early > 0) {
        early--
        resolve()
      } else goes.push(resolve)
    })
)

const runStep = (engine: Engine["Service"], step: Step) => {
  switch (step.op) {
    case "wait":
      return say("waiting").pipe(Effect.andThen(waitForGo))
    case "submit":
      return Effect.forEach(
        step.ids,
        (id) =>
          engine.handle({ ...submitOf(id), petitionId: `${id}${step.petitionIdSuffix ?? ""}` }).pipe(
            Effect.flatMap((h) => say(`ack ${h.petitionId} ${h.version}${h.replayed ? " replayed" : ""}`))
          ),
        { concurrency: step.concurrency, discard: true }
      )
    case "tick":
      return Effect.gen(function*() {
        while (true) {
          const report = yield* engine.tick(step.at)
          for (const a of report.actions) yield* say(`action ${a.petitionId} ${a.rule} ${a.type}`)
          yield* say(`tick ${report.fired} ${report.events}`)
          if (report.fired > 0) continue
          if (step.forever !== true) return
          yield* Effect.sleep(20)
        }
      })
    case "relay":
      return Effect.gen(function*() {
        while (true) {
          const report = yield* engine.relay(step.at)
          yield* say(`relay ${report.delivered}`)
          if (report.delivered + report.retrying + report.deadLettered.length > 0) continue
          if (step.forever !== true) return
          yield* Effect.sleep(20)
        }
      })
  }
}

const program = Effect.gen(function*() {
  const engine = yield* Engine
  yield* say("ready")
  for (const step of args.steps) {
    yield* runStep(engine, step)
    yield* say(`done ${step.op}`)
  }
})

Effect.runPromise(Effect.scoped(Effect.provide(program, engineOn(args)))).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n${error instanceof Error ? (error.stack ?? "") : ""}\n`)
    process.exit(1)
  }
)
