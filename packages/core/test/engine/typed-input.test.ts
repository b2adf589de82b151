// Engine.handle (the Effect API) checks a typed command at run time as the facade does: a caller
// from JavaScript, or through a cast, is not held by the compiler, and nothing the command schema
// refuses may reach the store.
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { EngineCommand } from "../../src/index.js"
import { Engine, Queries, rulePackPresets } from "../../src/index.js"
import { memoryEngine, publishedPacks, sampleSubmit } from "./support.js"

const packs = publishedPacks(rulePackPresets["futian-10-30-24"])
const T0 = Date.parse("2026-03-02T09:00:00+08:00")

const refusedPaths = (command: EngineCommand) =>
  Effect.runPromise(
    Effect.gen(function*() {
      const engine = yield* Engine
      const failure = yield* Effect.flip(engine.handle(command))
      const queries = yield* Queries
      const stored = yield* queries.get(command.petitionId)
      return { tag: failure._tag, paths: failure._tag === "InvalidInput" ? failure.problems.map((p) => p.path) : [], stored: stored._tag }
    }).pipe(Effect.provide(memoryEngine(packs)))
  )

const submit = sampleSubmit("P-typed", T0)
if (submit._tag !== "Submit") throw new Error("sampleSubmit is a Submit")

describe("Engine.handle with a typed command the schema refuses", () => {
  it("is InvalidInput at the field's path, and nothing is written", async () => {
    for (const at of [Number.NaN, Number.POSITIVE_INFINITY, 0, 1e20]) {
      const result = await refusedPaths({ ...submit, at })
      expect(result, String(at)).toEqual({ tag: "InvalidInput", paths: ["/at"], stored: "None" })
    }
    const nul = await refusedPaths({ ...submit, title: "垃圾\u0000站" })
    expect(nul).toEqual({ tag: "InvalidInput", paths: ["/title"], stored: "None" })
  })
})
