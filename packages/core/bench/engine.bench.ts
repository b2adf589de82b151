// The engine with in-memory ports: commands per second end to end (load, decide, rules, clocks,
// append), and what a tick costs when 1M petitions are open and nothing — or 10k — is due.
// A tick must not scan the open petitions: compare it with a scan over the same 1M timers.
import { Effect, Result } from "effect"
import { bench, describe } from "vitest"
import { Engine, engineLayerMemory, emptyRegistry, loadRulePack, publish, rulePackPresets, sampleDirectory, Timers } from "../src/index.js"
import { CLOCK_TIMER } from "../src/engine/index.js"
import { sampleSubmit } from "../test/engine/support.js"

const directory = sampleDirectory()
const packs = Result.getOrThrow(
  publish(emptyRegistry, Result.getOrThrow(loadRulePack(rulePackPresets["futian-10-30-24"], { directory })), { directory })
)
const T0 = Date.parse("2026-03-02T09:00:00+08:00")
const layer = engineLayerMemory({ directory, packs, batchSize: 1000 })

const submit = sampleSubmit

// One runtime per benchmark group, built once; each bench iteration runs one program on it.
const runtimeOf = async () => {
  const { ManagedRuntime } = await import("effect")
  return ManagedRuntime.make(layer)
}

describe("engine: commands through in-memory ports", async () => {
  const rt = await runtimeOf()
  let n = 0
  bench("Submit (routing, watchers, clocks, append)", async () => {
    const id = `b-${n++}`
    await rt.runPromise(Engine.use((e) => e.handle(submit(id, T0 + n))))
  }, { time: 3000 })
  let m = 0
  bench("Submit + Accept + Acknowledge + Contact (4 commands)", async () => {
    const id = `c-${m++}`
    const unit = "dept.urban-management"
    await rt.runPromise(
      Engine.use((e) =>
        Effect.gen(function*() {
          yield* e.handle(submit(id, T0))
          yield* e.handle({ _tag: "Accept", petitionId: id, at: T0 + 60_000, actor: { kind: "unit", id: unit }, unit })
          yield* e.handle({ _tag: "Acknowledge", petitionId: id, at: T0 + 120_000, actor: { kind: "unit", id: unit }, unit })
          yield* e.handle({ _tag: "Contact", petitionId: id, at: T0 + 180_000, actor: { kind: "unit", id: unit }, unit, method: "phone" })
        })
      )
    )
  }, { time: 3000 })
})

describe("tick with 1M open petitions and nothing due", async () => {
  const rt = await runtimeOf()
  const OPEN = 1_000_000
  const far = T0 + 365 * 24 * 3600_000
  const dueAts = new Float64Array(OPEN)
  await rt.runPromise(
    Timers.use((t) =>
      Effect.gen(function*() {
        const specs = []
        for (let i = 0; i < OPEN; i++) {
          dueAts[i] = far + i * 1000
          specs.push({ streamId: `open-${i}`, key: CLOCK_TIMER, dueAt: dueAts[i]!, payload: {} })
          if (specs.length === 10_000) yield* t.schedule(specs.splice(0))
        }
      })
    )
  )
  bench("engine.tick (indexed due queue)", async () => {
    await rt.runPromise(Engine.use((e) => e.tick(T0)))
  }, { time: 2000 })
  let sink = 0
  bench("baseline: scan 1M open timers for due ones", () => {
    let due = 0
    for (let i = 0; i < OPEN; i++) if (dueAts[i]! <= T0) due++
    sink += due
  }, { time: 2000 })
})

describe("tick with 10k petitions due", () => {
  const DUE = 10_000
  let rt: Awaited<ReturnType<typeof runtimeOf>> | undefined
  // The 10k Submits are setup, not part of the measured tick; tinybench calls setup before the
  // measured run (and before its warm-up, which is skipped here: one run is all 10k breaches).
  bench("engine.tick: 10k feedback breaches recorded (rules, notifications, append)", async () => {
    const report = await rt!.runPromise(Engine.use((e) => e.tick(T0 + 11 * 60_000)))
    if (report.fired !== DUE) throw new Error(`fired ${report.fired}, expected ${DUE}`)
  }, {
    iterations: 1,
    warmupIterations: 0,
    warmupTime: 0,
    time: 0,
    setup: async (_task, mode) => {
      if (mode === "warmup") return
      rt = await runtimeOf()
      await rt.runPromise(
        Engine.use((e) => Effect.forEach(Array.from({ length: DUE }, (_, i) => i), (i) => e.handle(submit(`d-${i}`, T0)), { discard: true }))
      )
    },
    teardown: async (_task, mode) => {
      if (mode === "warmup") return
      await rt?.dispose()
      rt = undefined
    }
  })
})
