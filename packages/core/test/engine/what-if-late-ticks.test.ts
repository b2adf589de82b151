/**
 * What-if over histories a real engine recorded, with a scheduler that ticks late (minutes after
 * each due instant, as a real one does): the same pack on both sides finds nothing, and a changed
 * limit finds exactly the petitions it changes.
 */
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Engine, rulePackPresets } from "../../src/index.js"
import { simulatePacks } from "../../src/rules/simulate.js"
import { directory, publishedPacks, runOn } from "./support.js"
import { loaded, presetJson } from "../rules/fixtures.js"

const T0 = Date.parse("2026-03-02T09:00:00+08:00")
const MIN = 60_000
const unit = (id: string) => ({ kind: "unit" as const, id })

const recorded = Effect.gen(function*() {
  const engine = yield* Engine
  const submit = (petitionId: string, at: number, category: string) =>
    engine.handle({
      _tag: "Submit", petitionId, at, actor: { kind: "petitioner" }, petitioner: { anonymous: true }, channel: "channel.hotline",
      category, jurisdiction: "community.yuanling.hongli", title: "诉求", content: "内容"
    })
  // Never acknowledged: its 10-minute feedback breach is recorded at a tick seven minutes late,
  // its 24-hour first round at a tick half an hour late (an escalation, and its notice).
  yield* submit("late", T0, "city-management.sanitation.refuse-odour")
  // Acknowledged in four minutes: nothing is due under 10 minutes or under 15.
  yield* submit("prompt", T0 + MIN, "education.admission")
  yield* engine.handle({ _tag: "Acknowledge", petitionId: "prompt", at: T0 + 5 * MIN, actor: unit("dept.education"), unit: "dept.education" })
  // Acknowledged after twelve minutes, before any tick: the breach is recorded with the command.
  yield* submit("twelve", T0 + 2 * MIN, "housing.property-management")
  yield* engine.handle({ _tag: "Acknowledge", petitionId: "twelve", at: T0 + 14 * MIN, actor: unit("dept.housing"), unit: "dept.housing" })
  yield* engine.tick(T0 + 17 * MIN)
  yield* engine.tick(T0 + 24 * 60 * MIN + 30 * MIN)
  return yield* Effect.forEach(["late", "prompt", "twelve"], (id) => engine.history(id))
})

describe("what-if over histories a late-ticking engine recorded", () => {
  it("the same pack on both sides finds no difference; a longer feedback limit finds only the petition it saves", async () => {
    const pack = loaded(rulePackPresets["futian-10-30-24"])
    const histories = await runOn(publishedPacks(rulePackPresets["futian-10-30-24"]))(recorded)
    // The scheduler really was late: the breaches sit after their due instants.
    const late = histories[0]!.filter((e) => e._tag === "ClockBreached")
    expect(late.length).toBeGreaterThanOrEqual(2)
    for (const e of late) expect(e._tag === "ClockBreached" && e.at > e.dueAt).toBe(true)

    const same = simulatePacks({ before: pack, after: pack, histories, directory })
    expect(same.differences).toEqual([])

    const longer = presetJson("futian-10-30-24")
    longer.version = "2026.9"
    longer.clocks.find((c: { name: string }) => c.name === "feedback").limit = "PT15M"
    const changed = simulatePacks({ before: pack, after: loaded(longer), histories, directory })
    expect(changed.differences.filter((d) => d.escalation.length > 0).map((d) => d.petitionId)).toEqual(["twelve"])
  })
})
