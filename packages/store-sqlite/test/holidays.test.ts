/**
 * Holiday data published at run time, on SQLite: the recount's events, the moved timer and the
 * read-model row are durable, and a fresh engine given the release sees the same deadlines.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Calendar, Engine, engineLayer, loadRulePack, Notifiers, Queries, Rules, sampleDirectory, Timers } from "@minyi/core"
import { CLOCK_TIMER } from "@minyi/core/adapter"
import { layer } from "@minyi/store-sqlite"
import { Effect, Layer, Option, Result } from "effect"
import { afterAll, describe, expect, it } from "vitest"

const dir = mkdtempSync(join(tmpdir(), "minyi-sqlite-holidays-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const examples = join(import.meta.dirname, "../../../examples/scenarios")
const directory = sampleDirectory()
const pack = Result.getOrThrow(loadRulePack(JSON.parse(readFileSync(join(examples, "packs/xinfang-working-days.json"), "utf8")), { directory }))
const packs = Result.getOrThrow(Rules.publish(Rules.emptyRegistry, pack, { directory }))
const release = JSON.parse(readFileSync(join(examples, "holidays/2027-example.json"), "utf8"))

const at = (iso: string) => Date.parse(iso)
const unit = (id: string) => ({ kind: "unit" as const, id })
// The story is dated ahead of the machine's clock; the engine's guard against future command times is widened for it.
const engineOn = (path: string, holidays: ReadonlyArray<unknown> = []) =>
  engineLayer({ directory, packs, clockSkewMs: 10 * 365 * 86_400_000, holidays: holidays.map((h) => Result.getOrThrow(Calendar.decodeHolidayRelease(h))) }).pipe(
    Layer.provideMerge(Layer.merge(layer({ path }), Notifiers.layerMemory))
  )

describe("SQLite: holiday data published at run time", () => {
  it("records the recount, moves the stored timer, clears the row's flag, and a restarted engine agrees", async () => {
    const path = join(dir, "holidays.sqlite")
    const first = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function*() {
          const engine = yield* Engine
          const timers = yield* Timers
          const queries = yield* Queries
          yield* engine.handle({
            _tag: "Submit", petitionId: "p-dec", at: at("2026-12-21T10:00:00+08:00"), actor: { kind: "petitioner" },
            petitioner: { anonymous: true }, channel: "channel.letter", category: "labour.unpaid-wages",
            jurisdiction: "community.meilin.meilin-yicun", title: "年底拖欠工资", content: "工地年底拖欠两个月工资"
          })
          yield* engine.handle({
            _tag: "Transfer", petitionId: "p-dec", at: at("2026-12-21T11:00:00+08:00"), actor: unit("unit.dispatch-centre"),
            lead: "dept.human-resources", coHandlers: [], reason: "劳动报酬争议由人力资源局办理"
          })
          yield* engine.handle({ _tag: "Accept", petitionId: "p-dec", at: at("2026-12-23T10:00:00+08:00"), actor: unit("dept.human-resources"), unit: "dept.human-resources" })
          // Past the supervision breach and the handling clock's half-way warning: next is its 0.8 warning.
          yield* engine.tick(at("2027-02-05T09:00:00+08:00"))
          const timerBefore = yield* timers.get({ streamId: "p-dec", key: CLOCK_TIMER })
          const rowBefore = yield* queries.get("p-dec")
          const published = yield* engine.publishHolidays(release, at("2027-02-05T09:00:00+08:00"))
          const timerAfter = yield* timers.get({ streamId: "p-dec", key: CLOCK_TIMER })
          const rowAfter = yield* queries.get("p-dec")
          const clocks = yield* engine.clocks("p-dec", at("2027-02-05T09:00:00+08:00"))
          const history = yield* engine.history("p-dec")
          return { timerBefore, rowBefore, published, timerAfter, rowAfter, clocks, history }
        }).pipe(Effect.provide(engineOn(path)))
      )
    )
    expect(Option.getOrThrow(first.rowBefore).data).toHaveProperty("provisionalDeadlines")
    expect(first.published.recomputed.flatMap((r) => r.events)).toEqual([
      expect.objectContaining({ _tag: "DeadlineRecomputed", clock: "handling", calendarVersion: "2027-example", dueAt: at("2027-03-24T10:00:00+08:00") })
    ])
    expect(Option.getOrThrow(first.rowAfter).data).not.toHaveProperty("provisionalDeadlines")
    // The half-way warning was told before the recount; the moved deadline does not tell it again.
    expect(first.history.filter((e) => e._tag === "ClockWarned" && e.clock === "handling" && e.threshold === "0.5")).toHaveLength(1)
    // The stored timer is the new count's next wake-up, no longer the provisional one.
    const next = first.clocks.nextWakeups[0]!.at
    expect(Option.getOrThrow(first.timerAfter).dueAt).toBe(next)
    expect(Option.getOrThrow(first.timerBefore).dueAt).not.toBe(next)

    const restarted = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function*() {
          const engine = yield* Engine
          const history = yield* engine.history("p-dec")
          const clocks = yield* engine.clocks("p-dec", at("2027-02-05T09:00:00+08:00"))
          return { history, clocks }
        }).pipe(Effect.provide(engineOn(path, [release])))
      )
    )
    expect(restarted.history.filter((e) => e._tag === "DeadlineRecomputed")).toHaveLength(1)
    expect(restarted.clocks.clocks.find((c) => c.name === "handling")).toMatchObject({ dueAt: at("2027-03-24T10:00:00+08:00") })
    expect(restarted.clocks.clocks.find((c) => c.name === "handling")).not.toHaveProperty("provisional")
  })
})
