import { Deferred, Effect, Exit, Option } from "effect"
import { describe, expect, it } from "vitest"
import { makeGroupCommit } from "../../src/ports/group-commit.js"

/** A committer over a recording commit: each group is logged; item -1 is refused on its own; a group holding 99 fails as a whole. */
const recording = (options: { readonly maxInFlight: number; readonly maxGroup: number; readonly gather?: Effect.Effect<void>; readonly hold?: Deferred.Deferred<void> }) => {
  const groups: Array<ReadonlyArray<number>> = []
  const committer = makeGroupCommit<number, number, string>({
    ...options,
    commit: (group) =>
      Effect.gen(function*() {
        groups.push(group)
        if (options.hold !== undefined && groups.length === 1) yield* Deferred.await(options.hold)
        if (group.includes(99)) return yield* Effect.fail("group failed")
        return group.map((n) => (n < 0 ? Effect.fail(`refused ${n}`) : Effect.succeed(n * 10)))
      })
  })
  return { groups, submit: committer.submit }
}

describe("group commit", () => {
  it("gathers what arrives before the gather ends into one group, and answers each item with its own outcome", async () => {
    const { groups, submit } = recording({ maxInFlight: 1, maxGroup: 100, gather: Effect.yieldNow })
    const exits = await Effect.runPromise(Effect.all([1, -1, 3].map((n) => Effect.exit(submit(n))), { concurrency: "unbounded" }))
    expect(groups).toEqual([[1, -1, 3]])
    expect(exits.map((e) => (Exit.isSuccess(e) ? e.value : Option.getOrUndefined(Exit.findErrorOption(e))))).toEqual([10, "refused -1", 30])
  })

  it("without a gather sends the first item at once and groups what arrives while it is in flight, at most maxGroup each", async () => {
    const hold = Effect.runSync(Deferred.make<void>())
    const { groups, submit } = recording({ maxInFlight: 1, maxGroup: 2, hold })
    const all = Effect.runPromise(Effect.all([1, 2, 3, 4, 5].map(submit), { concurrency: "unbounded" }))
    await Effect.runPromise(Effect.yieldNow)
    expect(groups).toEqual([[1]])
    await Effect.runPromise(Deferred.succeed(hold, undefined))
    expect(await all).toEqual([10, 20, 30, 40, 50])
    expect(groups).toEqual([[1], [2, 3], [4, 5]])
  })

  it("answers every item of a group that failed as a whole with its failure, and goes on with the next group", async () => {
    const { groups, submit } = recording({ maxInFlight: 1, maxGroup: 2, gather: Effect.yieldNow })
    const exits = await Effect.runPromise(Effect.all([7, 99, 8].map((n) => Effect.exit(submit(n))), { concurrency: "unbounded" }))
    expect(groups).toEqual([[7, 99], [8]])
    expect(exits.map((e) => (Exit.isSuccess(e) ? e.value : Option.getOrUndefined(Exit.findErrorOption(e))))).toEqual(["group failed", "group failed", 80])
  })
})
