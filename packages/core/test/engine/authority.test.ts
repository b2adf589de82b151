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

describe("engine: the rating deadline comes from the pack", () => {
  const DAY = 86_400_000
  const T0 = Date.parse("2026-03-02T09:00:00+08:00")
  const checklist = { problemSolved: true, explanationGiven: true, assistanceGiven: true, unlawfulConductDealtWith: false }

  /** A hotline petition resolved at T0 + 1 day and never rated; what closing it at `closeAt` (by `actor`) does. */
  const closeUnrated = (closeAt: number, actor: { readonly kind: "unit" | "person"; readonly id: string } | "first") =>
    attempt(
      Effect.gen(function*() {
        const engine = yield* Engine
        yield* engine.handle(sampleSubmit("p-1", T0))
        if ((yield* engine.state("p-1")).lead === undefined) {
          const centre = { kind: "unit" as const, id: "unit.dispatch-centre" }
          yield* engine.handle({ _tag: "Dispatch", petitionId: "p-1", at: T0 + 1000, actor: centre, lead: "dept.urban-management", coHandlers: [] })
        }
        const routed = yield* engine.state("p-1")
        const lead = routed.lead!
        yield* engine.handle({ _tag: "Accept", petitionId: "p-1", at: T0 + MINUTE, actor: { kind: "unit", id: lead }, unit: lead })
        for (const co of routed.coHandlers) {
          yield* engine.handle({ _tag: "ReportPart", petitionId: "p-1", at: T0 + 2 * MINUTE, actor: { kind: "unit", id: co }, unit: co, summary: "已配合" })
        }
        yield* engine.handle({ _tag: "Resolve", petitionId: "p-1", at: T0 + DAY, actor: { kind: "unit", id: lead }, unit: lead, checklist, summary: "已处理" })
        const closer = actor === "first" ? { kind: "unit" as const, id: routed.firstHandler! } : actor
        return yield* engine.handle({ _tag: "Close", petitionId: "p-1", at: closeAt, actor: closer, reason: "回访期满未评价" })
      })
    )

  it("lets the first handler close an unrated petition once the pack's 7 days after resolving have passed, not before", async () => {
    const early = failureOf(await closeUnrated(T0 + DAY + 6 * DAY, "first"))
    expect(early._tag).toBe("NotRated")
    const late = Result.getOrThrow(await closeUnrated(T0 + DAY + 7 * DAY, "first"))
    expect(late.events.map((e) => e._tag)).toContain("Closed")
  })

  it("lets nobody but the first handler (or a case owner) close it, naming the relations needed", async () => {
    const byLead = failureOf(await closeUnrated(T0 + 9 * DAY, { kind: "unit", id: "dept.urban-management" }))
    expect(byLead).toMatchObject({ _tag: "NotAuthorised", command: "Close", needed: ["first_handler", "case_owner"] })
  })
})

describe("engine: merges and duplicate marks point at petitions that exist", () => {
  it("refuses a merge into, or a duplicate mark of, a petition the store does not have, at the field; takes an existing one", async () => {
    const centre = { kind: "unit" as const, id: "unit.dispatch-centre" }
    const result = await attempt(
      Effect.gen(function*() {
        const engine = yield* Engine
        const now = yield* Clock.currentTimeMillis
        yield* engine.handle(sampleSubmit("p-0", now))
        yield* engine.handle(sampleSubmit("p-1", now))
        const ghostMerge = yield* Effect.flip(engine.handle({ _tag: "Merge", petitionId: "p-1", at: now, actor: centre, into: "p-ghost" }))
        const ghostDuplicate = yield* Effect.flip(engine.handle({ _tag: "MarkDuplicate", petitionId: "p-1", at: now, actor: centre, of: "p-ghost" }))
        const merged = yield* engine.handle({ _tag: "Merge", petitionId: "p-1", at: now, actor: centre, into: "p-0" })
        return { ghostMerge, ghostDuplicate, merged }
      })
    )
    const { ghostMerge, ghostDuplicate, merged } = Result.getOrThrow(result)
    expect(ghostMerge._tag === "InvalidInput" ? ghostMerge.problems.map((p) => p.path) : ghostMerge._tag).toEqual(["/into"])
    expect(ghostDuplicate._tag === "InvalidInput" ? ghostDuplicate.problems.map((p) => p.path) : ghostDuplicate._tag).toEqual(["/of"])
    expect(ghostMerge.message).toContain("p-ghost")
    expect(merged.events.map((e) => e._tag)).toContain("Merged")
  })
})
