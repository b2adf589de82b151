import { decodeEngineCommand, emptyRegistry, Engine, engineLayer, EventStore, InvalidInput, loadRulePack, Notifiers, publish, rulePackPresets, sampleDirectory, Petition } from "@minyi/core"
import type { Storage } from "@minyi/core"
import { Effect, Exit, Layer, Option, Redacted, Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { T0 } from "./fixtures.js"
import type { StoreHarness } from "./store-contract.js"
import { contractRetryPolicy } from "./store-contract.js"

const directory = sampleDirectory()
const packs = Result.getOrThrow(publish(emptyRegistry, Result.getOrThrow(loadRulePack(rulePackPresets["futian-10-30-24"], { directory })), { directory }))

/** A Submit as a portal sends it in JSON: instants as ISO 8601 strings. */
const submitJson = (petitionId: string): Record<string, unknown> => ({
  _tag: "Submit",
  petitionId,
  at: "2026-01-05T09:00:00+08:00",
  actor: { kind: "petitioner" },
  petitioner: { anonymous: false, name: "张三", phone: "13800138000" },
  channel: "channel.district-secretary-online",
  channelMessageId: `msg-${petitionId}`,
  category: "city-management.sanitation.refuse-odour",
  jurisdiction: "community.yuanling.hongli",
  title: "垃圾站异味",
  content: "小区门口垃圾站异味严重"
})

/** The same Submit in the typed form (instants as epoch ms, identities `Redacted`), as the Promise facade takes it. */
const submitTyped = (petitionId: string): Record<string, unknown> => ({
  ...submitJson(petitionId),
  at: T0,
  petitioner: { anonymous: false, name: Redacted.make("张三"), phone: Redacted.make("13800138000") }
})

const set = (input: Record<string, unknown>, path: ReadonlyArray<string>, value: unknown): Record<string, unknown> => {
  const [head, ...rest] = path
  if (head === undefined) throw new Error("empty path")
  const inner = input[head]
  return {
    ...input,
    [head]: rest.length === 0 ? value : set(typeof inner === "object" && inner !== null && !Array.isArray(inner) ? { ...inner } : {}, rest, value)
  }
}

// Bad Submits in the JSON form, each with the one field its problem must name.
const badJson: ReadonlyArray<readonly [string, string, Record<string, unknown>]> = [
  ["a NUL in the title", "/title", set(submitJson("p-bad"), ["title"], "垃圾站\u0000异味")],
  ["a NUL in the content", "/content", set(submitJson("p-bad"), ["content"], "\u0000")],
  ["a NUL in the name", "/petitioner/name", set(submitJson("p-bad"), ["petitioner", "name"], "张\u0000三")],
  ["a NUL in the channel message id", "/channelMessageId", set(submitJson("p-bad"), ["channelMessageId"], "msg\u0000")],
  ["a NUL in the petition id", "/petitionId", set(submitJson("p-bad"), ["petitionId"], "p-\u0000")],
  ["a lone surrogate in the content", "/content", set(submitJson("p-bad"), ["content"], "异味\ud83d")],
  ["a control character in the title", "/title", set(submitJson("p-bad"), ["title"], "垃圾站\u001b[31m")],
  ["a title too long", "/title", set(submitJson("p-bad"), ["title"], "臭".repeat(Petition.inputLimits.title + 1))],
  ["a blank title", "/title", set(submitJson("p-bad"), ["title"], " \u3000 ")],
  ["a category id outside the safe characters", "/category", set(submitJson("p-bad"), ["category"], "city management")],
  ["an impossible date", "/at", set(submitJson("p-bad"), ["at"], "2026-02-30T09:00:00+08:00")],
  ["24:00 as a time of day", "/at", set(submitJson("p-bad"), ["at"], "2026-01-05T24:00:00+08:00")],
  ["an anonymous petitioner with a name and a phone", "/petitioner", set(submitJson("p-bad"), ["petitioner"], { anonymous: true, name: "张三", phone: "13800138000" })]
]

// Bad Submits in the typed form.
const badTyped: ReadonlyArray<readonly [string, string, Record<string, unknown>]> = [
  ["at NaN", "/at", set(submitTyped("p-bad"), ["at"], Number.NaN)],
  ["at Infinity", "/at", set(submitTyped("p-bad"), ["at"], Number.POSITIVE_INFINITY)],
  ["at in seconds instead of milliseconds", "/at", set(submitTyped("p-bad"), ["at"], Math.floor(T0 / 1000))],
  ["a NUL in the title", "/title", set(submitTyped("p-bad"), ["title"], "\u0000")],
  ["an anonymous petitioner with a name", "/petitioner", set(submitTyped("p-bad"), ["petitioner"], { anonymous: true, name: Redacted.make("张三") })]
]

const freeTextPaths: ReadonlyArray<ReadonlyArray<string>> = [["title"], ["content"], ["petitioner", "name"]]

/**
 * Bad input through the engine on an adapter: every bad Submit is `InvalidInput` naming its field
 * before the store sees it, the same on every store (PostgreSQL would otherwise refuse a NUL
 * itself, as a store failure). One line per adapter: `inputContract(harness)`, with the harness
 * of {@link storeContract}.
 */
export const inputContract = (harness: StoreHarness): void => {
  const open = (location: string) => harness.open(location, { retry: contractRetryPolicy })
  /** Runs a program with an engine over a fresh location of the adapter. */
  const withEngine = async <A>(program: Effect.Effect<A, unknown, Engine | Storage>): Promise<A> => {
    const location = await harness.newLocation()
    const layer = engineLayer({ directory, packs, identityKey: Redacted.make("input-contract-key") }).pipe(
      Layer.provideMerge(Layer.merge(open(location), Notifiers.layerMemory))
    )
    return Effect.runPromise(Effect.scoped(Effect.provide(program, layer)) as Effect.Effect<A, unknown>)
  }
  /** The problems of an InvalidInput; fails the test on success or any other error. */
  const invalidInputOf = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.map(Effect.exit(effect), (exit): InvalidInput => {
      if (Exit.isSuccess(exit)) throw new Error(`expected InvalidInput, got ${JSON.stringify(exit.value)}`)
      const error = Option.getOrUndefined(Exit.findErrorOption(exit))
      if (!(error instanceof InvalidInput)) throw new Error(`expected InvalidInput, got ${String(exit.cause)}`)
      return error
    })
  /** Nothing at all was written: no stream, no event anywhere. */
  const storeIsEmpty = Effect.gen(function* () {
    const store = yield* EventStore
    expect(yield* store.readAll(0, 100)).toEqual([])
  })

  describe(`${harness.name}: bad input stops before the store`, () => {
    it("a Submit at the limits is stored and read back unchanged", () =>
      withEngine(
        Effect.gen(function* () {
          const engine = yield* Engine
          const title = "垃圾站\t异味🚮".padEnd(Petition.inputLimits.title, "臭")
          const content = "第一行\n第二行 𠀀".padEnd(Petition.inputLimits.content, "味")
          yield* engine.handleJson({ ...submitJson("p-limits"), title, content, channelMessageId: "a".repeat(Petition.inputLimits.messageId) })
          const [submitted] = yield* engine.history("p-limits")
          expect(submitted).toMatchObject({ _tag: "Submitted", title, content })
        })
      ))

    for (const [what, path, input] of badJson) {
      it(`JSON: ${what} is InvalidInput at ${path}, and nothing is written`, () =>
        withEngine(
          Effect.gen(function* () {
            const engine = yield* Engine
            const error = yield* invalidInputOf(engine.handleJson(input))
            expect(error.problems.map((p) => p.path)).toEqual([path])
            yield* storeIsEmpty
          })
        ))
    }

    for (const [what, path, input] of badTyped) {
      it(`typed: ${what} is InvalidInput at ${path}, and nothing is written`, () =>
        withEngine(
          Effect.gen(function* () {
            const engine = yield* Engine
            // What the Promise facade does with a command whose instants are numbers.
            const error = yield* invalidInputOf(Effect.flatMap(Effect.fromResult(decodeEngineCommand(input, "typed")), engine.handle))
            expect(error.problems.map((p) => p.path)).toEqual([path])
            yield* storeIsEmpty
          })
        ))
    }

    it("a command on a stored petition with a NUL in its reason leaves the petition as it was, and the store working", () =>
      withEngine(
        Effect.gen(function* () {
          const engine = yield* Engine
          yield* engine.handleJson(submitJson("p-1"))
          const before = yield* engine.history("p-1")
          const decline = { _tag: "Decline", petitionId: "p-1", at: "2026-01-05T10:00:00+08:00", actor: { kind: "unit", id: "dept.urban-management" }, unit: "dept.urban-management", reason: "不属于\u0000本单位" }
          const error = yield* invalidInputOf(engine.handleJson(decline))
          expect(error.problems.map((p) => p.path)).toEqual(["/reason"])
          expect(yield* engine.history("p-1")).toEqual(before)
          yield* engine.handleJson(submitJson("p-2"))
          expect((yield* engine.history("p-2"))[0]).toMatchObject({ _tag: "Submitted", petitionId: "p-2" })
        })
      ))

    it("property: a control character or lone surrogate in any free-text field is refused at its path, never thrown, never stored", () =>
      withEngine(
        Effect.gen(function* () {
          const engine = yield* Engine
          const samples = fc.sample(
            fc.tuple(
              fc.constantFrom(...freeTextPaths),
              fc.string({ unit: "grapheme", maxLength: 10 }),
              fc.oneof(
                fc.integer({ min: 0, max: 0x1f }).filter((c) => c !== 0x0a && c !== 0x09),
                fc.integer({ min: 0x7f, max: 0x9f }),
                fc.integer({ min: 0xd800, max: 0xdfff })
              ),
              fc.string({ unit: "grapheme", maxLength: 10 })
            ),
            { numRuns: 30 }
          )
          for (const [path, before, code, after] of samples) {
            const input = set(submitJson("p-prop"), path, `${before}${String.fromCharCode(code)}${after}`)
            const error = yield* invalidInputOf(engine.handleJson(input))
            expect(error.problems.map((p) => p.path)).toContain(`/${path.join("/")}`)
          }
          yield* storeIsEmpty
        })
      ))
  })
}
