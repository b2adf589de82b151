// A timer claimed before another instance appended a later command wakes the petition at an
// instant earlier than its newest event. The step then sees the clocks without that event; what it
// schedules and what it tells the next step must come from the whole history.
import { Effect, Result } from "effect"
import { describe, expect, it } from "vitest"
import type { EngineCommand } from "../../src/index.js"
import { Engine } from "../../src/index.js"
import { makeCalendars } from "../../src/calendar/index.js"
import { step } from "../../src/engine/step.js"
import { packFor } from "../../src/rules/index.js"
import futian from "../../src/presets/futian-10-30-24.json" with { type: "json" }
import { directory, memoryEngine, publishedPacks, sampleSubmit } from "./support.js"

const T0 = Date.parse("2026-03-02T09:00:00+08:00")
const min = 60_000
const unit = "dept.urban-management"
const byUnit = { actor: { kind: "unit" as const, id: unit }, unit }

// A 24-hour clock from receipt that warns at half time, and a one-hour clock from acceptance.
const packs = publishedPacks({
  ...futian,
  escalation: [],
  clocks: [
    { name: "clock-a", start: ["Submitted"], stop: ["Resolved"], limit: "PT24H", calendar: "futian-natural", warnings: [0.5] },
    { name: "clock-b", start: ["Accepted"], stop: ["Resolved"], limit: "PT1H", calendar: "futian-natural" }
  ]
})

const accepted = Effect.gen(function*() {
  const engine = yield* Engine
  yield* engine.handle(sampleSubmit("p-late", T0))
  yield* engine.handle({ _tag: "Accept", petitionId: "p-late", at: T0 + min, ...byUnit })
  return { history: yield* engine.history("p-late"), state: yield* engine.state("p-late") }
}).pipe(Effect.provide(memoryEngine(packs)))

describe("engine: a wake-up earlier than the petition's newest event", () => {
  it("schedules the next wake-up from the whole history and lets the next command record what fell due", async () => {
    const { history, state } = await Effect.runPromise(accepted)
    const pack = packFor(packs, T0)!
    const context = { directory, pack, calendars: makeCalendars(pack.document.calendars) }
    // Claimed at T0 + 30 s, before the Accept at T0 + 1 min was appended by another instance.
    const wake = Result.getOrThrow(step(history, state, { _tag: "Wake", now: T0 + 30_000 }, context))
    // Clock B, started by the Accept, breaches at T0 + 61 min — before clock A's warning at 12 h.
    expect(wake.nextWakeAt).toBe(T0 + 61 * min)
    expect(wake.quiet).toBeUndefined()
    const contact: EngineCommand = { _tag: "Contact", petitionId: "p-late", at: T0 + 180 * min, ...byUnit, method: "phone" }
    const next = Result.getOrThrow(step(history, state, { _tag: "Command", command: contact }, context, wake.clockFold, wake.quiet))
    expect(next.events.map((e) => (e._tag === "ClockBreached" ? `${e._tag}:${e.clock}` : e._tag))).toEqual(["ClockBreached:clock-b", "Contacted"])
  })
})
