// The engine keeps each petition's history, state and folded clocks between commands; these
// tests hold that path to the whole-history answers: `evaluateClocks` over the full history (the
// oracle) for the clocks, and an engine that keeps nothing for the histories it writes.
import { Effect, Layer, Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { EngineCommand, RulePackRegistry } from "../../src/index.js"
import { Engine, Notifiers, Storage } from "../../src/index.js"
import { evaluateClocks } from "../../src/clocks/index.js"
import { makeCalendars } from "../../src/calendar/index.js"
import { makeEngine } from "../../src/engine/engine.js"
import { packFor } from "../../src/rules/index.js"
import { clockSubject } from "../../src/rules/facts.js"
import futian from "../../src/presets/futian-10-30-24.json" with { type: "json" }
import statutory from "../../src/presets/xinfang-statutory.json" with { type: "json" }
import { directory, memoryEngine, publishedPacks, sampleSubmit } from "./support.js"

const T0 = Date.parse("2026-03-02T09:00:00+08:00")
const min = 60_000
const unit = "dept.urban-management"

// Futian's clocks plus two whose rules depend on the petition as it changes: a limit that an
// urgent priority shortens, a clock that applies only to flagged petitions, and one per co-handler.
const changing = {
  ...futian,
  clocks: [
    ...futian.clocks,
    {
      name: "urgent-aware",
      start: ["Submitted"],
      stop: ["Resolved"],
      limit: "PT4H",
      overrides: [{ priorities: ["urgent"], limit: "PT30M" }],
      calendar: "futian-natural",
      warnings: [0.5]
    },
    { name: "flagged", appliesWhen: { flags: ["media"] }, start: ["Accepted"], stop: ["Resolved"], limit: "PT2H", calendar: "futian-natural" },
    { name: "co-part", per: "coHandler", start: ["Dispatched"], stop: ["PartReported"], limit: "PT3H", calendar: "futian-natural" }
  ]
}

const packsByName: Record<string, RulePackRegistry> = {
  futian: publishedPacks(futian),
  statutory: publishedPacks(statutory),
  changing: publishedPacks(changing)
}

const submit = (id: string) => sampleSubmit(id, T0)

type Move = { readonly kind: string; readonly gap: number }

const byUnit = { actor: { kind: "unit" as const, id: unit }, unit }
const commandOf = (move: Move, id: string, at: number): EngineCommand | "tick" => {
  const base = { petitionId: id, at }
  switch (move.kind) {
    case "accept": return { _tag: "Accept", ...base, ...byUnit }
    case "acknowledge": return { _tag: "Acknowledge", ...base, ...byUnit }
    case "contact": return { _tag: "Contact", ...base, ...byUnit, method: "phone" }
    case "suspend": return { _tag: "Suspend", ...base, actor: byUnit.actor, reason: "等待信访人补充材料" }
    case "resume": return { _tag: "Resume", ...base, actor: byUnit.actor, reason: "材料已补充" }
    case "extend": return { _tag: "Extend", ...base, actor: byUnit.actor, clock: "handling", amount: "P10D", reason: "情况复杂", approver: "person.head.urban-management" }
    case "urgent": return { _tag: "SetPriority", ...base, actor: { kind: "system" }, priority: "urgent" }
    case "flag": return { _tag: "Flag", ...base, actor: { kind: "system" }, flag: "media" }
    case "part": return { _tag: "ReportPart", ...base, actor: { kind: "unit", id: "dept.ecology" }, unit: "dept.ecology", summary: "已配合" }
    case "resolve":
      return {
        _tag: "Resolve",
        ...base,
        ...byUnit,
        summary: "已清运",
        checklist: { problemSolved: true, explanationGiven: true, assistanceGiven: true, unlawfulConductDealtWith: false }
      }
    default: return "tick"
  }
}

const moves = fc.array(
  fc.record({
    kind: fc.constantFrom("accept", "acknowledge", "contact", "suspend", "resume", "extend", "urgent", "flag", "part", "resolve", "tick"),
    // Minutes to days apart, so that warnings and breaches fall between commands.
    gap: fc.oneof(fc.integer({ min: 0, max: 20 * min }), fc.integer({ min: 1, max: 40 }).map((h) => h * 60 * min))
  }),
  { minLength: 1, maxLength: 14 }
)

/** Runs the moves; after each, the engine's clocks at a few instants and the oracle's, side by side. */
const play = (packs: RulePackRegistry, script: ReadonlyArray<Move>, petitionCache?: number) =>
  Effect.gen(function*() {
    const engine = yield* Engine
    const id = "p-inc"
    yield* engine.handle(submit(id))
    const outcomes: Array<string> = []
    const comparisons: Array<{ readonly engine: unknown; readonly oracle: unknown }> = []
    let at = T0
    for (const move of script) {
      at += move.gap
      const command = commandOf(move, id, at)
      const done = yield* Effect.result(command === "tick" ? engine.tick(at).pipe(Effect.asVoid) : engine.handle(command).pipe(Effect.asVoid))
      outcomes.push(Result.isSuccess(done) ? "ok" : done.failure._tag)
      const [history, state] = [yield* engine.history(id), yield* engine.state(id)]
      const pack = packFor(packs, T0)!
      const latest = Math.max(...history.map((e) => e.at))
      for (const now of [latest, latest + 7 * min, latest + 30 * 60 * min, T0 + 5 * min]) {
        const oracle = evaluateClocks({
          events: history,
          subject: clockSubject(state, directory),
          policies: pack.document.clocks,
          calendars: makeCalendars(pack.document.calendars),
          now
        })
        comparisons.push({ engine: yield* Effect.result(engine.clocks(id, now)), oracle })
      }
    }
    return { outcomes, comparisons, history: yield* engine.history(id) }
  }).pipe(Effect.provide(memoryEngine(packs, petitionCache === undefined ? {} : { petitionCache })))

describe("engine: the kept petition and its folded clocks answer as the whole history does", () => {
  for (const name of Object.keys(packsByName)) {
    it(`${name}: clocks equal evaluateClocks over the full history, and histories equal an engine that keeps nothing`, async () => {
      const packs = packsByName[name]!
      await fc.assert(
        fc.asyncProperty(moves, async (script) => {
          const kept = await Effect.runPromise(play(packs, script))
          const fresh = await Effect.runPromise(play(packs, script, 0))
          for (const { engine, oracle } of kept.comparisons) expect(engine).toEqual(oracle)
          expect(kept.outcomes).toEqual(fresh.outcomes)
          expect(kept.history).toEqual(fresh.history)
        }),
        { numRuns: 25 }
      )
      // 25 scripts, each played twice through a whole engine: more than the default 30 s on a busy machine
    }, 180_000)
  }

  it("sees what another engine instance appended to a petition it keeps", async () => {
    const packs = packsByName["futian"]!
    // Two engines over one store, as two processes over one database.
    const program = Effect.gen(function*() {
      const a = yield* makeEngine({ directory, packs, workerId: "a" })
      const b = yield* makeEngine({ directory, packs, workerId: "b" })
      yield* a.handle(submit("p-shared"))
      yield* a.state("p-shared")
      yield* b.handle({ _tag: "Accept", petitionId: "p-shared", at: T0 + min, ...byUnit })
      // `a` kept the petition at its own last version; it must see b's Accept and build on it.
      yield* a.handle({ _tag: "Acknowledge", petitionId: "p-shared", at: T0 + 2 * min, ...byUnit })
      return { a: yield* a.history("p-shared"), b: yield* b.history("p-shared"), state: yield* a.state("p-shared") }
    }).pipe(Effect.provide(Layer.merge(Storage.layerMemory(), Notifiers.layerMemory)))
    const { a, b, state } = await Effect.runPromise(program)
    expect(a.map((e) => e._tag)).toContain("Accepted")
    expect(a.map((e) => e._tag)).toContain("Acknowledged")
    expect(a).toEqual(b)
    expect(state.version).toBe(a.length)
  })
})
