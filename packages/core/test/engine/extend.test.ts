import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Engine, rulePackPresets } from "../../src/index.js"
import { publishedPacks, runOn } from "./support.js"

const run = runOn(publishedPacks(rulePackPresets["xinfang-statutory"]))
const T0 = Date.parse("2026-03-02T09:00:00+08:00")
const day = 86_400_000

const extend = (clock: string, amount: string, at: number) => ({
  _tag: "Extend" as const,
  petitionId: "x-1",
  at,
  actor: { kind: "person" as const, id: "person.head.dispatch-centre" },
  clock,
  amount,
  reason: "需要补充调查",
  approver: "person.head.dispatch-centre"
})

describe("engine: extensions follow the clock's policy", () => {
  it("allows the one extension the statutory handling clock has, and refuses what goes beyond it", async () => {
    const out = await run(
      Effect.gen(function*() {
        const engine = yield* Engine
        yield* engine.handle({
          _tag: "Submit", petitionId: "x-1", at: T0, actor: { kind: "petitioner" }, petitioner: { anonymous: true },
          channel: "channel.letter", category: "housing.property-management", jurisdiction: "community.futian.gangxia",
          title: "物业纠纷", content: "物业长期不维修电梯"
        })
        const lead = (yield* engine.state("x-1")).lead!
        yield* engine.handle({ _tag: "Accept", petitionId: "x-1", at: T0 + day, actor: { kind: "unit", id: lead }, unit: lead })
        const before = (yield* engine.clocks("x-1", T0 + 2 * day)).clocks.find((c) => c.name === "handling")!.dueAt!
        const tooLong = yield* Effect.flip(engine.handle(extend("handling", "P31D", T0 + 10 * day)))
        yield* engine.handle(extend("handling", "P30D", T0 + 10 * day))
        const after = (yield* engine.clocks("x-1", T0 + 11 * day)).clocks.find((c) => c.name === "handling")!.dueAt!
        const tooMany = yield* Effect.flip(engine.handle(extend("handling", "P1D", T0 + 11 * day)))
        const notExtendable = yield* Effect.flip(engine.handle(extend("acceptance", "P1D", T0 + 11 * day)))
        const unknown = yield* Effect.flip(engine.handle(extend("handlin", "P1D", T0 + 11 * day)))
        const badAmount = yield* Effect.flip(engine.handle(extend("handling", "P1M", T0 + 11 * day)))
        const extensions = (yield* engine.history("x-1")).filter((e) => e._tag === "Extended")
        return { before, after, tooLong, tooMany, notExtendable, unknown, badAmount, extensions }
      })
    )
    expect(out.after - out.before).toBe(30 * day)
    expect(out.extensions).toHaveLength(1)
    expect(out.tooLong).toMatchObject({ _tag: "ExtensionRefused", reason: "tooLong" })
    expect(out.tooMany).toMatchObject({ _tag: "ExtensionRefused", reason: "tooMany" })
    expect(out.notExtendable).toMatchObject({ _tag: "ExtensionRefused", reason: "notExtendable" })
    expect(out.unknown).toMatchObject({ _tag: "ExtensionRefused", clock: "handlin" })
    expect(out.unknown.message).toContain("handling")
    expect(out.badAmount._tag).toBe("InvalidDuration")
  })
})
