/**
 * Every story in examples/scenarios/ (issues 5 and 11, the escalation ladder, the what-if): run through the
 * real `minyi` process (scenario test, simulate, rules validate) and through the runner in process.
 */
import { execFile } from "node:child_process"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { promisify } from "node:util"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { parseInstant, Calendar } from "@minyi/core"
import type { PetitionReport, Scenario, SimulationReport } from "../../packages/cli/src/scenario/index.js"
import { loadScenarioFile, runScenario } from "../../packages/cli/src/scenario/index.js"

const root = resolve(import.meta.dirname, "../..")
const scenarios = join(root, "examples/scenarios")
const bin = ["--conditions=@minyi/source", "--import", "tsx", join(root, "packages/cli/src/bin.ts")]
const exec = promisify(execFile)

/** Runs the real CLI; resolves with the exit code and output, whatever the code. */
const minyi = (...args: Array<string>) =>
  exec("node", [...bin, ...args], { cwd: root }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr })
  )

const stories = {
  futian: "01-futian-10-30-24.json",
  feedback: "02-feedback-overdue.json",
  whistle: "03-whistle-no-show.json",
  group: "04-group-petition.json",
  returned: "05-returned-twice.json",
  festival: "06-spring-festival-suspension.json",
  ladder: "07-escalation-ladder.json",
  warning: "09-warning-before-acceptance.json",
  replyDelivery: "10-reply-delivery.json",
  dispatcherOverride: "11-dispatcher-override.json",
  lateTick: "12-late-tick-what-if.json"
} as const

const load = async (name: string): Promise<Scenario> =>
  Result.getOrThrow(await loadScenarioFile({ file: join(scenarios, name), readText: (p) => readFile(p, "utf8") }))

const simulate = async (name: string, until?: string): Promise<SimulationReport> => {
  const scenario = await load(name)
  const report = await runScenario(scenario, until === undefined ? {} : { until: parseInstant(until)! })
  // Every story's own expect blocks hold, and no step was refused unless it said so.
  expect(report.steps.flatMap((s) => s.mismatches ?? [])).toEqual([])
  expect((report.whatIf ?? []).flatMap((w) => w.mismatches)).toEqual([])
  return report
}

const petition = (report: SimulationReport, id: string): PetitionReport => {
  const p = report.petitions.find((x) => x.id === id)
  if (p === undefined) throw new Error(`no petition ${id} in the report`)
  return p
}
const clock = (p: PetitionReport, key: string) => p.clocks.find((c) => c.key === key)
const events = (p: PetitionReport, type: string) => p.events.filter((e) => e.type === type)

describe("the stories through the real CLI", () => {
  it("minyi scenario test passes every example scenario, with a summary per file", async () => {
    const files = Object.values(stories).map((f) => join("examples/scenarios", f))
    const r = await minyi("scenario", "test", ...files)
    expect(r.code, r.stdout + r.stderr).toBe(0)
    const lines = r.stdout.trim().split("\n")
    expect(lines).toHaveLength(files.length)
    for (const [i, f] of files.entries()) expect(lines[i]).toMatch(new RegExp(`^${f.replace(/\./g, "\\.")}: 通过 — \\d+ 步，\\d+ 个 expect 全部相符`))
  }, 60_000)

  it("minyi scenario test exits 1 and names the expectation when a story no longer holds", async () => {
    const story = JSON.parse(readFileSync(join(scenarios, stories.returned), "utf8"))
    story.steps[3].expect.owner = "person.district-head"
    const dir = mkdtempSync(join(tmpdir(), "minyi-e2e-"))
    const changed = join(dir, "changed.json")
    writeFileSync(changed, JSON.stringify(story))
    const r = await minyi("--lang", "en", "scenario", "test", changed)
    expect(r.code, r.stderr).toBe(1)
    expect(r.stdout).toContain(`${changed}: /steps/3/expect/owner: expected "person.district-head", got "person.head.dispatch-centre"`)
  }, 60_000)

  it("minyi simulate prints the Futian story as JSON; the scenario packs pass minyi rules validate", async () => {
    const r = await minyi("simulate", join("examples/scenarios", stories.futian), "--until", "2026-03-03T10:00:00+08:00")
    expect(r.code, r.stderr).toBe(0)
    const report = JSON.parse(r.stdout) as SimulationReport
    const p = petition(report, "p-1")
    expect(p.clocks.map((c) => `${c.name}=${c.state}`)).toEqual(["feedback=met", "contact=met", "handler-named=met", "first-round=met"])
    expect(report.until).toBe("2026-03-03T10:00:00+08:00")
    const packs = ["examples/scenarios/packs/futian-whistle.json", "examples/scenarios/packs/xinfang-working-days.json", "examples/scenarios/packs/xinfang-suggest.json", "examples/scenarios/packs/futian-feedback-15.json"]
    const validated = await minyi("rules", "validate", ...packs)
    expect(validated.code, validated.stdout).toBe(0)
    expect(validated.stdout.trim().split("\n")).toEqual(packs.map((p) => `${p}: ok`))
    // Not even a warning: a scenario pack that drifted from its preset (a template no rule sends) shows here.
    expect(validated.stderr).toBe("")
  }, 60_000)
})

describe("the stories through the runner, in process", () => {
  it("1. Futian: phoned at minute 8, on site within 30 minutes, first round the same day — all 10-30-24 clocks met", async () => {
    const report = await simulate(stories.futian, "2026-03-03T12:00:00+08:00")
    const p = petition(report, "p-1")
    expect(p.responsibility).toMatchObject({ firstHandler: "unit.dispatch-centre", lead: "dept.urban-management", coHandlers: ["dept.ecology"] })
    expect(clock(p, "contact")).toMatchObject({ state: "met", stoppedAt: "2026-03-02T09:08:00+08:00", dueAt: "2026-03-02T09:30:00+08:00" })
    expect(clock(p, "first-round")).toMatchObject({ state: "met", stoppedAt: "2026-03-02T15:00:00+08:00", breachedAt: null })
    // Run on past every deadline: nothing breaches, nothing escalates, nobody is notified.
    expect(events(p, "ClockBreached")).toEqual([])
    expect(report.actions.map((a) => a.type)).toEqual(["route", "watch"])
    expect(report.notifications).toEqual([])
  })

  it("2. Feedback overdue: the street's linked leader is notified once, although timers keep firing", async () => {
    const report = await simulate(stories.feedback, "2026-03-05T12:00:00+08:00")
    const p = petition(report, "p-2")
    expect(events(p, "ClockBreached").filter((e) => e["clock"] === "feedback")).toHaveLength(1)
    // Later timers did fire (the contact and 24-hour clocks breached, the first round escalated)...
    expect(events(p, "ClockBreached").map((e) => e["clock"])).toEqual(["feedback", "contact", "handler-named", "first-round"])
    // ...yet the leader heard about the feedback breach exactly once, at its own minute.
    const toLeader = report.notifications.filter((n) => n.to === "person:person.deputy-head.1" && n.template === "feedback-overdue")
    expect(toLeader).toEqual([expect.objectContaining({ at: "2026-03-02T09:10:00+08:00", rule: "feedback-overdue" })])
    expect(report.actions.filter((a) => a.rule === "feedback-overdue")).toHaveLength(1)
  })

  it("3. Whistle: the unit that did not report in time carries the breach, and the breach is escalated", async () => {
    const report = await simulate(stories.whistle)
    const p = petition(report, "p-3")
    const breaches = events(p, "ClockBreached").filter((e) => e["clock"] === "whistle-report")
    expect(breaches.map((e) => [e["unit"], e.at])).toEqual([["dept.transport", "2026-03-04T12:20:00+08:00"]])
    expect(clock(p, "whistle-report:w-1:dept.transport")).toMatchObject({ state: "breached", stoppedAt: "2026-03-04T13:00:00+08:00" })
    expect(clock(p, "whistle-report:w-1:dept.public-security")?.state).toBe("met")
    const escalated = events(p, "Escalated")
    expect(escalated).toHaveLength(1)
    expect(escalated[0]).toMatchObject({ tier: 2, owner: "person.deputy-head.1", at: "2026-03-04T12:20:00+08:00", rule: { ruleId: "whistle-no-show" } })
    expect(p).toMatchObject({ tier: 2, owner: "person.deputy-head.1" })
  })

  it("4. Group petition: tier 3 with the district head as owner, two home visits, checklist, rating, closure", async () => {
    const report = await simulate(stories.group)
    const p = petition(report, "p-4")
    expect(p).toMatchObject({ status: "closed", tier: 3, owner: "person.district-head" })
    expect(events(p, "Escalated")).toEqual([expect.objectContaining({ tier: 3, owner: "person.district-head", at: "2026-03-09T09:30:00+08:00" })])
    expect(events(p, "VisitRecorded").map((e) => [e["kind"], e["leader"], e.at])).toEqual([
      ["home", "person.district-head", "2026-03-09T15:00:00+08:00"],
      ["home", "person.district-head", "2026-03-16T15:00:00+08:00"]
    ])
    expect(events(p, "Resolved")[0]?.["checklist"]).toEqual({ problemSolved: true, explanationGiven: true, assistanceGiven: true, unlawfulConductDealtWith: true })
    const order = p.events.map((e) => e.type).filter((t) => ["Resolved", "SatisfactionRated", "Closed"].includes(t))
    expect(order).toEqual(["Resolved", "SatisfactionRated", "Closed"])
    // Closing before the rating was refused, in words a clerk understands, and the story expected it.
    const early = report.steps.find((s) => s.outcome === "failed")
    expect(early).toMatchObject({ command: "Close", failure: { _tag: "NotRated" } })
    expect(early?.failure?.message).toMatch(/评价|rat/)
  })

  it("5. Returned twice by two units: escalated by rule to the dispatch centre's leader", async () => {
    const report = await simulate(stories.returned)
    const p = petition(report, "p-5")
    expect(events(p, "Returned").map((e) => e["unit"])).toEqual(["dept.transport", "dept.urban-management"])
    const escalations = report.actions.filter((a) => a.type === "escalate")
    expect(escalations).toEqual([
      expect.objectContaining({ rule: "returned-twice", at: "2026-03-05T15:00:00+08:00", params: expect.objectContaining({ tier: 1, owner: "person.head.dispatch-centre" }) })
    ])
    expect(p).toMatchObject({ tier: 1, owner: "person.head.dispatch-centre" })
  })

  it("6. Spring Festival: the handling clock pauses while suspended; its due instant moves by exactly the suspended working time; a clock without a pause does not", async () => {
    const scenario = await load(stories.festival)
    const beforeSuspension = await runScenario({ ...scenario, steps: scenario.steps.slice(0, 3) })
    const report = await simulate(stories.festival)
    const dueBefore = clock(petition(beforeSuspension, "p-6"), "handling")!.dueAt!
    const after = petition(report, "p-6")
    const dueAfter = clock(after, "handling")!.dueAt!
    expect([dueBefore, dueAfter]).toEqual(["2026-05-15T10:00:00+08:00", "2026-05-27T10:00:00+08:00"])
    const calendar = Calendar.makeCalendars(scenario.pack.document.calendars).get("statutory-days")!
    const at = (s: string) => parseInstant(s)!
    const suspended = Result.getOrThrow(calendar.between(at("2026-02-12T10:00:00+08:00"), at("2026-03-02T10:00:00+08:00")))
    // 12 Feb 6 h, 13 Feb 7 h, make-up Saturday 14 Feb 7 h, 15–23 Feb holiday, 24–27 Feb 28 h, make-up 28 Feb 7 h, 2 Mar 1 h.
    expect(suspended).toBe(56 * 3600_000)
    expect(Result.getOrThrow(calendar.between(at(dueBefore), at(dueAfter)))).toBe(suspended)
    // A clock without a pause runs on through the suspension: its due instant does not move.
    expect(clock(petition(beforeSuspension, "p-6"), "supervision")).toMatchObject({ state: "running", dueAt: "2026-03-13T10:00:00+08:00" })
    expect(clock(after, "supervision")).toMatchObject({ state: "running", dueAt: "2026-03-13T10:00:00+08:00", stoppedAt: null })
    // The acceptance clock had stopped before the suspension and did not move.
    expect(clock(after, "acceptance")).toMatchObject({ state: "met", stoppedAt: "2026-02-11T10:00:00+08:00" })
    expect(events(after, "Suspended")[0]?.at).toBe("2026-02-12T10:00:00+08:00")
    expect(events(after, "Resumed")[0]?.at).toBe("2026-03-02T10:00:00+08:00")
  })

  it("7. The escalation ladder: one petition climbs from tier 1 (the lead unit's head) to tier 2 (the deputy linked to its street)", async () => {
    const report = await simulate(stories.ladder)
    const p = petition(report, "p-7")
    expect(events(p, "Escalated").map((e) => [e.at, e["tier"], e["owner"]])).toEqual([
      ["2026-03-10T09:00:00+08:00", 1, "person.head.urban-management"],
      ["2026-03-10T12:00:00+08:00", 2, "person.deputy-head.1"]
    ])
    expect(p).toMatchObject({ tier: 2, owner: "person.deputy-head.1" })
    expect(report.actions.filter((a) => a.type === "escalate").map((a) => a.rule)).toEqual(["first-round-overdue", "whistle-no-show"])
    // Each new owner is told, at the instant they take the case over.
    expect(report.notifications.filter((n) => n.template === "escalated").map((n) => [n.at, n.to])).toEqual([
      ["2026-03-10T09:00:00+08:00", "person:person.head.urban-management"],
      ["2026-03-10T12:00:00+08:00", "person:person.deputy-head.1"]
    ])
  })

  it("10. Reply delivery: the review window runs from the written reply's delivery; a late request is refused, saying the window and its end", async () => {
    const report = await simulate(stories.replyDelivery)
    const late = report.steps.find((s) => s.petitionId === "p-10" && s.command === "RequestReview")
    expect(late?.failure?._tag).toBe("ReviewWindowClosed")
    expect(late?.failure?.message).toContain("复查申请期限为收到书面答复之日起30日，已于 2026-09-02 24:00 届满")
    expect(late?.failure?.message).toContain("the window to request a review is 30 days from receiving the written reply; it ended at 2026-09-02 24:00")
    expect(events(petition(report, "p-10b"), "ReviewRequested")[0]?.at).toBe("2026-09-02T23:00:00+08:00")
  })

  it("11. Dispatcher override: a suggest pack waits for the dispatch centre, which confirms or changes; a re-dispatch before acceptance restarts the notice clock", async () => {
    const report = await simulate(stories.dispatcherOverride)
    const p = petition(report, "p-11")
    expect(events(p, "Dispatched").map((e) => [e.at, e["lead"], e["from"] ?? null])).toEqual([
      ["2026-03-02T09:30:00+08:00", "dept.human-resources", null],
      ["2026-03-04T09:05:00+08:00", "street-office.meilin", "dept.human-resources"]
    ])
    expect(events(petition(report, "p-11b"), "RoutingSuggested").map((e) => e["lead"])).toEqual(["dept.human-resources"])
    expect(petition(report, "p-11b").responsibility).toMatchObject({ lead: "street-office.meilin" })
  })

  it("12. Late tick: on an hourly scheduler breaches are recorded after their due instants; the same pack replays with no differences, a 15-minute feedback limit affects only p-2", async () => {
    const report = await simulate(stories.lateTick)
    const breaches = (id: string) => events(petition(report, id), "ClockBreached").filter((e) => e["clock"] === "feedback").map((e) => [e.at, e["dueAt"]])
    expect(breaches("p-4")).toEqual([["2026-03-02T10:00:00+08:00", "2026-03-02T09:35:00+08:00"]])
    // Without the cadence the same story records p-4's breach at its due instant.
    const exact = await runScenario({ ...(await load(stories.lateTick)), tickEvery: undefined })
    expect(events(petition(exact, "p-4"), "ClockBreached").filter((e) => e["clock"] === "feedback").map((e) => e.at)).toEqual(["2026-03-02T09:35:00+08:00"])
    expect(report.whatIf?.map((w) => [w.after.version, w.affected])).toEqual([["2022.1", []], ["2026.1", ["p-2"]]])
  })
})
