import { Clock, Effect, Result } from "effect"
import { describe, expect, it } from "vitest"
import { Engine, rulePackPresets } from "../../src/index.js"
import { engineOnlyCommands } from "../../src/engine/authority.js"
import { memoryEngine, publishedPacks, sampleSubmit } from "./support.js"

const packs = publishedPacks(rulePackPresets["futian-10-30-24"])
const MINUTE = 60_000

/** Runs a program on a fresh in-memory engine (options as given) and returns its result, failure included. */
const attempt = <A, E>(program: Effect.Effect<A, E, Engine>, options: Parameters<typeof memoryEngine>[1] = {}) =>
  Effect.runPromise(Effect.result(program).pipe(Effect.provide(memoryEngine(packs, options))))

const failureOf = <A, E>(result: Result.Result<A, E>): E => {
  if (Result.isSuccess(result)) throw new Error("expected a refusal, got a success")
  return result.failure
}

describe("engine: what no caller may claim", () => {
  it.each(engineOnlyCommands)("refuses %s from a caller as engine-only, through handle and handleJson", async (tag) => {
    const result = await attempt(
      Effect.gen(function*() {
        const engine = yield* Engine
        const now = yield* Clock.currentTimeMillis
        yield* engine.handle(sampleSubmit("p-1", now))
        const json = { _tag: tag, petitionId: "p-1", at: new Date(now).toISOString(), actor: { kind: "person", id: "person.dispatcher.1" } }
        const viaJson = yield* Effect.flip(engine.handleJson(json))
        return viaJson
      })
    )
    // Refused by its tag before its fields are looked at: the caller may not send it at all.
    const error = Result.getOrThrow(result)
    expect(error._tag === "EngineOnly" ? [error.command, error.reason] : error._tag).toEqual([tag, "command"])
  })

  it("refuses a well-formed engine record, naming the command, and leaves the history as it was", async () => {
    const result = await attempt(
      Effect.gen(function*() {
        const engine = yield* Engine
        const now = yield* Clock.currentTimeMillis
        yield* engine.handle(sampleSubmit("p-1", now))
        const before = (yield* engine.history("p-1")).length
        const error = yield* Effect.flip(
          engine.handle({ _tag: "LinkRepeat", petitionId: "p-1", at: now, actor: { kind: "person", id: "person.dispatcher.1" }, of: "p-0" })
        )
        const after = (yield* engine.history("p-1")).length
        return { error, before, after }
      })
    )
    const { error, before, after } = Result.getOrThrow(result)
    expect(error._tag).toBe("EngineOnly")
    expect(error._tag === "EngineOnly" ? [error.command, error.reason] : []).toEqual(["LinkRepeat", "command"])
    expect(error.message).toContain("LinkRepeat")
    expect(after).toBe(before)
  })

  it("refuses the system actor from a caller, naming the command", async () => {
    const result = await attempt(
      Effect.gen(function*() {
        const engine = yield* Engine
        const now = yield* Clock.currentTimeMillis
        yield* engine.handle(sampleSubmit("p-1", now))
        return yield* Effect.flip(engine.handle({ _tag: "Flag", petitionId: "p-1", at: now, actor: { kind: "system" }, flag: "urgent" }))
      })
    )
    const error = Result.getOrThrow(result)
    expect(error._tag === "EngineOnly" ? [error.command, error.reason] : error._tag).toEqual(["Flag", "actor"])
  })

  it("refuses a rating deadline from the caller at /ratingDeadline", async () => {
    const result = await attempt(
      Effect.gen(function*() {
        const engine = yield* Engine
        const now = yield* Clock.currentTimeMillis
        yield* engine.handle(sampleSubmit("p-1", now))
        return yield* Effect.flip(
          engine.handle({ _tag: "Close", petitionId: "p-1", at: now, actor: { kind: "person", id: "person.dispatcher.1" }, reason: "结案", ratingDeadline: now - MINUTE })
        )
      })
    )
    const error = Result.getOrThrow(result)
    expect(error._tag === "InvalidInput" ? error.problems.map((p) => p.path) : error._tag).toEqual(["/ratingDeadline"])
  })

  it("refuses a time later than the engine's clock plus the skew at /at, and takes one within it", async () => {
    const program = (ahead: number) =>
      Effect.gen(function*() {
        const engine = yield* Engine
        const now = yield* Clock.currentTimeMillis
        return yield* engine.handle(sampleSubmit("p-1", now + ahead))
      })
    const far = failureOf(await attempt(program(3 * MINUTE)))
    expect(far._tag === "InvalidInput" ? far.problems.map((p) => p.path) : far._tag).toEqual(["/at"])
    expect(Result.isSuccess(await attempt(program(MINUTE)))).toBe(true)
    // The skew is the deployment's to set.
    expect(Result.isSuccess(await attempt(program(3 * MINUTE), { clockSkewMs: 5 * MINUTE }))).toBe(true)
    expect(Result.isFailure(await attempt(program(MINUTE), { clockSkewMs: 0 }))).toBe(true)
  })
})
