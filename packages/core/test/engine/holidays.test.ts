import { readFileSync } from "node:fs"
import { join } from "node:path"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { createMinyi, Engine, Notifiers, Queries } from "../../src/index.js"
import { directory, memoryEngine, publishedPacks } from "./support.js"

const examples = join(import.meta.dirname, "../../../../examples/scenarios")
const pack = publishedPacks(JSON.parse(readFileSync(join(examples, "packs/xinfang-working-days.json"), "utf8")))
/** An illustrative 2027 notice (invented): 1–3 January off; Spring Festival 6–12 February off, Sunday 14 February worked. */
const release2027 = JSON.parse(readFileSync(join(examples, "holidays/2027-example.json"), "utf8"))

const at = (iso: string) => Date.parse(iso)
const unit = (id: string) => ({ kind: "unit" as const, id })

/** A December letter, transferred and accepted: its 60 working days run into 2027. */
const decemberPetition = (id: string) =>
  Effect.gen(function*() {
    const engine = yield* Engine
    yield* engine.handle({
      _tag: "Submit", petitionId: id, at: at("2026-12-21T10:00:00+08:00"), actor: { kind: "petitioner" },
      petitioner: { anonymous: true }, channel: "channel.letter", category: "labour.unpaid-wages",
      jurisdiction: "community.meilin.meilin-yicun", title: "年底拖欠工资", content: "工地年底拖欠两个月工资"
    })
    yield* engine.handle({
      _tag: "Transfer", petitionId: id, at: at("2026-12-21T11:00:00+08:00"), actor: unit("unit.dispatch-centre"),
      lead: "dept.human-resources", coHandlers: [], reason: "劳动报酬争议由人力资源局办理"
    })
    yield* engine.handle({ _tag: "Accept", petitionId: id, at: at("2026-12-23T10:00:00+08:00"), actor: unit("dept.human-resources"), unit: "dept.human-resources" })
  })

const clock = (clocks: { readonly clocks: ReadonlyArray<{ readonly name: string }> }, name: string) =>
  clocks.clocks.find((c) => c.name === name)

describe("engine: holiday data published at run time", () => {
  it("flags a deadline counted over a year without data, records its recount when the year's data comes, and moves the timer", async () => {
    const out = await Effect.runPromise(
      Effect.gen(function*() {
        const engine = yield* Engine
        const queries = yield* Queries
        yield* decemberPetition("p-dec")
        const before = yield* engine.clocks("p-dec", at("2026-12-24T09:00:00+08:00"))
        const rowBefore = yield* queries.get("p-dec")
        const published = yield* engine.publishHolidays(release2027, at("2026-12-24T09:00:00+08:00"))
        const after = yield* engine.clocks("p-dec", at("2026-12-24T09:00:00+08:00"))
        const rowAfter = yield* queries.get("p-dec")
        const again = yield* engine.publishHolidays(release2027, at("2026-12-24T10:00:00+08:00"))
        // The provisional due instant passes without a breach: the deadline is no longer there.
        yield* engine.tick(at("2027-03-19T09:00:00+08:00"))
        const history = yield* engine.history("p-dec")
        const bad = yield* Effect.flip(engine.publishHolidays({ version: "x", years: [{ year: 2027, notices: [], blocks: [] }] }))
        return { before, rowBefore, published, after, rowAfter, again, history, bad }
      }).pipe(Effect.provide(memoryEngine(pack, { clockSkewMs: 10 * 365 * 86_400_000 })))
    )
    const handlingBefore = clock(out.before, "handling")
    expect(handlingBefore).toMatchObject({ state: "running", dueAt: at("2027-03-18T10:00:00+08:00") })
    expect(handlingBefore).toHaveProperty("provisional.years", [2027])
    expect(handlingBefore).toHaveProperty("provisional.basis", "provisional")
    expect(handlingBefore).toHaveProperty("provisional.daysOff", [{ date: "2027-01-01", name: "元旦", nameEn: "New Year's Day" }])
    // The natural-day clock is never provisional.
    expect(clock(out.before, "supervision")).not.toHaveProperty("provisional")
    expect(out.rowBefore._tag === "Some" && out.rowBefore.value.data).toMatchObject({
      provisionalDeadlines: [{ clock: "handling", dueAt: at("2027-03-18T10:00:00+08:00"), years: [2027] }]
    })

    // 2–3 January were weekend days anyway; 8–12 February are five working days off and 14
    // February one worked: four working days later, Wednesday 24 March.
    const recomputed = out.published.recomputed.flatMap((r) => r.events)
    expect(out.published).toMatchObject({ version: "2027-example", years: [2027], checked: 1, failed: [] })
    expect(recomputed).toEqual([
      expect.objectContaining({
        _tag: "DeadlineRecomputed", clock: "handling", calendar: "statutory-days", calendarVersion: "2027-example",
        previousDueAt: at("2027-03-18T10:00:00+08:00"), dueAt: at("2027-03-24T10:00:00+08:00"), actor: { kind: "system" }
      })
    ])
    const handlingAfter = clock(out.after, "handling")
    expect(handlingAfter).toMatchObject({ state: "running", dueAt: at("2027-03-24T10:00:00+08:00") })
    expect(handlingAfter).not.toHaveProperty("provisional")
    expect(out.rowAfter._tag === "Some" && out.rowAfter.value.data).not.toHaveProperty("provisionalDeadlines")

    expect(out.again).toMatchObject({ checked: 0, recomputed: [] })
    expect(out.history.filter((e) => e._tag === "DeadlineRecomputed")).toHaveLength(1)
    expect(out.history.filter((e) => e._tag === "ClockBreached" && e.clock === "handling")).toEqual([])

    expect(out.bad._tag).toBe("InvalidInput")
    expect(out.bad.message).toContain("/years/0/notices")
  })

  it("is on the Promise facade too", async () => {
    const minyi = createMinyi({ directory, rulePack: pack, notifier: Notifiers.layerMemory, engine: { clockSkewMs: 10 * 365 * 86_400_000 } })
    try {
      await minyi.handle({
        _tag: "Submit", petitionId: "p-f", at: at("2026-12-21T10:00:00+08:00"), actor: { kind: "petitioner" }, petitioner: { anonymous: true },
        channel: "channel.letter", category: "labour.unpaid-wages", jurisdiction: "community.meilin.meilin-yicun", title: "欠薪", content: "欠薪"
      })
      await minyi.handle({
        _tag: "Transfer", petitionId: "p-f", at: at("2026-12-21T11:00:00+08:00"), actor: unit("unit.dispatch-centre"),
        lead: "dept.human-resources", coHandlers: [], reason: "转交"
      })
      await minyi.handle({ _tag: "Accept", petitionId: "p-f", at: at("2026-12-23T10:00:00+08:00"), actor: unit("dept.human-resources"), unit: "dept.human-resources" })
      const published = await minyi.publishHolidays(release2027, at("2026-12-24T09:00:00+08:00"))
      expect(published.recomputed.flatMap((r) => r.events.map((e) => e._tag === "DeadlineRecomputed" ? e.dueAt : 0))).toEqual([at("2027-03-24T10:00:00+08:00")])
      await expect(minyi.publishHolidays({ version: "" })).rejects.toMatchObject({ _tag: "InvalidInput" })
    } finally {
      await minyi.dispose()
    }
  })
})
