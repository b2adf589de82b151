import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import type { CliIO, Lang } from "../src/index.js"
import { runCli } from "../src/index.js"
import { checkList, matches } from "../src/scenario/index.js"

const dir = mkdtempSync(join(tmpdir(), "minyi-scenario-"))
const write = (name: string, value: unknown): string => {
  writeFileSync(join(dir, name), JSON.stringify(value))
  return name
}
const run = async (args: ReadonlyArray<string>, lang: Lang = "zh-CN") => {
  const out: Array<string> = []
  const err: Array<string> = []
  const io: CliIO = { lang, out: (l) => out.push(l), err: (l) => err.push(l), readText: (p) => readFile(p, "utf8"), cwd: dir }
  return { code: await runCli(args, io), out, err }
}

const unit = (id: string) => ({ kind: "unit", id })
const submit = {
  _tag: "Submit", petitionId: "p-1", actor: { kind: "petitioner" }, petitioner: { anonymous: false },
  channel: "channel.district-secretary-online", category: "city-management.sanitation.refuse-odour",
  jurisdiction: "community.yuanling.hongli", title: "垃圾站异味", content: "垃圾站异味严重"
}
const resolveBy = (u: string) => ({
  _tag: "Resolve", petitionId: "p-1", actor: unit(u), unit: u, summary: "已处理",
  checklist: { problemSolved: true, explanationGiven: true, assistanceGiven: true, unlawfulConductDealtWith: true }
})
const scenario = (steps: ReadonlyArray<unknown>) => ({ rulePack: "futian-10-30-24", steps })
const first = { at: "2026-03-02T09:00:00+08:00", command: submit }

describe("the expect matcher", () => {
  it("matches objects by the fields the pattern names, arrays element by element, instants whatever their offset", () => {
    expect(matches({ rule: "r", params: { tier: 1 } }, { rule: "r", type: "escalate", params: { tier: 1, owner: "x" } })).toBe(true)
    expect(matches({ rule: "r", params: { tier: 2 } }, { rule: "r", params: { tier: 1 } })).toBe(false)
    expect(matches(["a", "b"], ["a", "b"])).toBe(true)
    expect(matches(["a"], ["a", "b"])).toBe(false)
    expect(matches("2026-03-02T01:10:00Z", "2026-03-02T09:10:00+08:00")).toBe(true)
    expect(matches("2026-03-02T09:10:00Z", "2026-03-02T09:10:00+08:00")).toBe(false)
    expect(matches(null, null)).toBe(true)
    expect(matches({ owner: null }, { owner: "x" })).toBe(false)
  })

  it("include, exclude and count name the failing pattern by its path", () => {
    const items = [{ type: "notify", rule: "a" }, { type: "escalate", rule: "b" }]
    expect(checkList("/x", [{ rule: "a" }], items)).toEqual([])
    expect(checkList("/x", [{ rule: "a" }, { rule: "c" }], items).map((m) => m.path)).toEqual(["/x/1"])
    expect(checkList("/x", { where: { type: "notify" }, count: 1 }, items)).toEqual([])
    expect(checkList("/x", { where: { type: "notify" }, include: [{ rule: "b" }] }, items).map((m) => m.path)).toEqual(["/x/include/0"])
    expect(checkList("/x", { include: [{ rule: "c" }], exclude: [{ type: "escalate" }], count: 3 }, items).map((m) => m.path)).toEqual([
      "/x/include/0",
      "/x/exclude/0",
      "/x/count"
    ])
  })
})

describe("minyi scenario test", () => {
  it("exits 0 with a short summary when every expect holds", async () => {
    const file = write("ok.json", scenario([{ ...first, expect: { status: "dispatched", lead: "dept.urban-management", clocks: { feedback: "running" } } }]))
    const zh = await run(["scenario", "test", file])
    expect(zh.code).toBe(0)
    expect(zh.out).toEqual(["ok.json: 通过 — 1 步，1 个 expect 全部相符；2 个规则动作，0 条通知"])
    const en = await run(["scenario", "test", file], "en")
    expect(en.out).toEqual(["ok.json: passed — 1 steps, all 1 expect blocks hold; 2 rule actions, 0 notifications"])
  })

  it("exits 1 printing each difference by its JSON path, expected and actual", async () => {
    const file = write("wrong.json", scenario([
      first,
      {
        at: "2026-03-02T09:30:00+08:00",
        command: { _tag: "Accept", petitionId: "p-1", actor: unit("dept.urban-management"), unit: "dept.urban-management" },
        expect: {
          status: "closed",
          tier: 0,
          clocks: { feedback: { state: "breached", breachedAt: "2026-03-02T09:11:00+08:00" }, contact: "met" },
          notifications: { template: "feedback-overdue", count: 1 },
          actions: [{ rule: "feedback-overdue", type: "escalate" }]
        }
      }
    ]))
    const r = await run(["scenario", "test", file], "en")
    expect(r.code).toBe(1)
    expect(r.out).toEqual([
      'wrong.json: /steps/1/expect/status: expected "closed", got "in_progress"',
      'wrong.json: /steps/1/expect/clocks/feedback: expected {"state":"breached","breachedAt":"2026-03-02T09:11:00+08:00"}, got {"state":"breached","breachedAt":"2026-03-02T09:10:00+08:00"}',
      'wrong.json: /steps/1/expect/clocks/contact: expected "met", got "breached"',
      expect.stringMatching(/^wrong\.json: \/steps\/1\/expect\/actions\/0: expected \{"rule":"feedback-overdue","type":"escalate"\}, got \[/),
      "wrong.json: /steps/1/expect/notifications/count: expected 1, got 2",
      "wrong.json: FAILED — 5 difference(s) (2 steps, 1 expect blocks)"
    ])
  })

  it("a refused command fails the test unless the step expects that refusal", async () => {
    const refused = { at: "2026-03-02T09:30:00+08:00", command: resolveBy("dept.ecology") }
    const unexpected = await run(["scenario", "test", write("refused.json", scenario([first, refused]))], "en")
    expect(unexpected.code).toBe(1)
    expect(unexpected.out[0]).toMatch(/^refused\.json: \/steps\/1\/command: expected "accepted", got \{"_tag":"\w+","message":".+"\}$/)
    const tag = /"_tag":"(\w+)"/.exec(unexpected.out[0]!)![1]!
    const expected = await run(["scenario", "test", write("expected.json", scenario([first, { ...refused, expect: { refused: tag, status: "dispatched" } }]))])
    expect(expected.code, expected.out.join("\n")).toBe(0)
    const other = await run(["scenario", "test", write("other.json", scenario([first, { ...refused, expect: { refused: "OnlyLeadMayResolve" } }]))], "en")
    expect(other.code).toBe(tag === "OnlyLeadMayResolve" ? 0 : 1)
    const accepted = await run(["scenario", "test", write("accepted.json", scenario([{ ...first, expect: { refused: "AlreadySubmitted" } }]))], "en")
    expect(accepted.out[0]).toBe('accepted.json: /steps/0/expect/refused: expected "AlreadySubmitted", got null')
  })

  it("refuses the engine's own records and the system actor in a scenario, naming the command", async () => {
    const at = "2026-03-02T09:10:00+08:00"
    const record = { at, command: { _tag: "LinkRepeat", petitionId: "p-1", actor: unit("dept.dispatch-centre"), of: "p-0" } }
    const asSystem = { at, command: { _tag: "Flag", petitionId: "p-1", actor: { kind: "system" }, flag: "urgent" } }
    for (const [name, step] of [["record.json", record], ["system.json", asSystem]] as const) {
      const refused = await run(["scenario", "test", write(name, scenario([first, step]))], "en")
      expect(refused.code).toBe(1)
      expect(refused.out[0]).toContain('"_tag":"EngineOnly"')
      expect(refused.out[0]).toContain(step.command._tag)
      const expected = await run(["scenario", "test", write(`expected-${name}`, scenario([first, { ...step, expect: { refused: "EngineOnly" } }]))])
      expect(expected.code, expected.out.join("\n")).toBe(0)
    }
  })

  it("asserts the accountable unit: the first handler until the lead accepts, then the lead", async () => {
    const accept = { at: "2026-03-02T09:05:00+08:00", command: { _tag: "Accept", petitionId: "p-1", actor: unit("dept.urban-management"), unit: "dept.urban-management" } }
    const ok = await run(["scenario", "test", write("accountable.json", scenario([
      { ...first, expect: { lead: "dept.urban-management", accountable: "unit.dispatch-centre" } },
      { ...accept, expect: { accountable: "dept.urban-management" } }
    ]))], "en")
    expect(ok.code, ok.out.join("\n")).toBe(0)
    const wrong = await run(["scenario", "test", write("accountable-wrong.json", scenario([{ ...first, expect: { accountable: "dept.urban-management" } }]))], "en")
    expect(wrong.out[0]).toBe('accountable-wrong.json: /steps/0/expect/accountable: expected "dept.urban-management", got "unit.dispatch-centre"')
  })

  it("a step without a command is a checkpoint: the clock runs to its instant and its expect is checked there", async () => {
    const at = (time: string, expect: unknown) => ({ at: `2026-03-02T${time}:00+08:00`, expect })
    const ok = await run(["scenario", "test", write("checkpoint.json", scenario([
      first,
      at("09:09", { petition: "p-1", clocks: { feedback: "running" }, notifications: { count: 0 } }),
      at("09:10", { petition: "p-1", clocks: { feedback: "breached" }, notifications: { template: "feedback-overdue", count: 2 } })
    ]))], "en")
    expect(ok.code, ok.out.join("\n")).toBe(0)
    const wrong = await run(["scenario", "test", write("checkpoint-wrong.json", scenario([first, at("09:09", { petition: "p-1", clocks: { feedback: "breached" } })]))], "en")
    expect(wrong.out[0]).toBe('checkpoint-wrong.json: /steps/1/expect/clocks/feedback: expected "breached", got "running"')
    const unnamed = await run(["scenario", "test", write("checkpoint-unnamed.json", scenario([first, at("09:09", { status: "dispatched" })]))], "en")
    expect(unnamed.code).toBe(1)
    expect(unnamed.err).toEqual(["checkpoint-unnamed.json: /steps/1/expect/petition: a step without a command must name the petition its expect block is about"])
  })

  it("bad scenarios exit 1 naming the JSON path; usage errors exit 2", async () => {
    const bad = await run(["scenario", "test", write("bad.json", { rulePack: "futian-10-30-24", steps: [{ at: "2026-03-02T09:00:00+08:00", command: submit, expect: { actions: { count: -1 } } }] })], "en")
    expect(bad.code).toBe(1)
    expect(bad.err).toContainEqual(expect.stringMatching(/^bad\.json: \/steps\/0\/expect\/actions/))
    expect((await run(["scenario", "test"])).code).toBe(2)
    expect((await run(["scenario", "run", "x.json"])).code).toBe(2)
    expect((await run(["scenario"])).code).toBe(2)
    const flag = await run(["scenario", "test", "x.json", "--until", "2026-03-02T09:00:00+08:00"], "en")
    expect(flag.code).toBe(2)
    expect(flag.err[0]).toMatch(/^scenario test has no option "--until" \(it takes: --plugin\)\./)
  })

  it("refuses an expect block nested deeper than 32 levels at the path where it crosses the limit, without a stack overflow", async () => {
    // Written as text: a hundred thousand levels is deeper than JSON.stringify can go.
    const levels = 100_000
    const pattern = '{"a":'.repeat(levels) + "1" + "}".repeat(levels)
    const step = `{"at":"2026-03-02T09:00:00+08:00","command":${JSON.stringify(submit)},"expect":{"events":[${pattern}]}}`
    writeFileSync(join(dir, "deep.json"), `{"rulePack":"futian-10-30-24","steps":[${step}]}`)
    const deep = await run(["scenario", "test", "deep.json"], "en")
    expect(deep.code).toBe(1)
    // expect (1) → events (2) → the list's first pattern (3) → 30 more "a"s reach level 33
    expect(deep.err).toEqual([`deep.json: /steps/0/expect/events/0${"/a".repeat(30)}: an expect block may nest at most 32 levels`])
  })
})

describe("expect: what policy staff check", () => {
  const at = (time: string) => `2026-03-02T${time}:00+08:00`
  const lead = "dept.urban-management"
  const accept = { at: at("09:05"), command: { _tag: "Accept", petitionId: "p-1", actor: unit(lead), unit: lead } }
  const check = async (name: string, steps: ReadonlyArray<unknown>, pack = "futian-10-30-24") => {
    const r = await run(["scenario", "test", write(name, { rulePack: pack, steps })], "en")
    const both = await run(["scenario", "test", name])
    return { code: r.code, out: r.out, zh: both.out }
  }

  it("repeats: a second petition by the same phone is linked as a repeat", async () => {
    const named = { ...submit, petitioner: { anonymous: false, name: "李女士", phone: "13800138000" } }
    const steps = (repeats: number) => [
      { ...first, command: named },
      { at: at("10:00"), command: { ...named, petitionId: "p-2" }, expect: { repeats } }
    ]
    expect((await check("repeats.json", steps(1))).code).toBe(0)
    const wrong = await check("repeats-wrong.json", steps(0))
    expect(wrong.out[0]).toBe("repeats-wrong.json: /steps/1/expect/repeats: expected 0, got 1")
    expect(wrong.zh[0]).toBe("repeats-wrong.json: /steps/1/expect/repeats: 期望 0，实际 1")
  })

  it("answeredWith and replayed: a Submit sent again under the same channel message is answered with the first petition", async () => {
    const once = { ...submit, channelMessageId: "msg-1" }
    const steps = (answeredWith: string) => [
      { ...first, command: once, expect: { answeredWith: "p-1", replayed: false } },
      { at: at("09:01"), command: { ...once, petitionId: "p-1b" }, expect: { petition: "p-1", answeredWith, replayed: true } }
    ]
    const ok = await check("replay.json", steps("p-1"))
    expect(ok.code, ok.out.join("\n")).toBe(0)
    const wrong = await check("replay-wrong.json", steps("p-1b"))
    expect(wrong.out[0]).toBe('replay-wrong.json: /steps/1/expect/answeredWith: expected "p-1b", got "p-1"')
  })

  it("refusalContains: the refusal's message contains each text, in either language", async () => {
    const refused = (contains: unknown) => ({ at: at("09:30"), command: resolveBy("dept.ecology"), expect: { refused: "NotAuthorised", refusalContains: contains } })
    const ok = await check("refusal.json", [first, accept, refused(["须为牵头单位", "the lead unit"])])
    expect(ok.code, ok.out.join("\n")).toBe(0)
    const wrong = await check("refusal-wrong.json", [first, accept, refused("受理期限")])
    expect(wrong.out[0]).toMatch(/^refusal-wrong\.json: \/steps\/2\/expect\/refusalContains: expected \{"contains":"受理期限"\}, got ".*lead.*"$/)
  })

  it("returns: counted per unit; a unit not named is not checked", async () => {
    const ret = (count: number) => ({
      at: at("09:20"),
      command: { _tag: "Return", petitionId: "p-1", actor: unit(lead), unit: lead, reason: "不属于本单位职责" },
      expect: { returns: { [lead]: count, "dept.ecology": 0 } }
    })
    const ok = await check("returns.json", [first, ret(1)])
    expect(ok.code, ok.out.join("\n")).toBe(0)
    const wrong = await check("returns-wrong.json", [first, ret(2)])
    expect(wrong.out[0]).toBe("returns-wrong.json: /steps/1/expect/returns/dept.urban-management: expected 2, got 1")
  })

  it("whistles: who was summoned, who reported and the share that reported", async () => {
    const street = "street-office.yuanling"
    const summoned = ["dept.housing", "dept.urban-management"]
    const blow = { at: at("09:10"), command: { _tag: "BlowWhistle", petitionId: "p-1", actor: unit(street), whistleId: "w-1", unit: street, summoned, deadline: at("11:10") } }
    const report = (want: unknown) => ({
      at: at("09:40"),
      command: { _tag: "ReportForDuty", petitionId: "p-1", actor: unit("dept.housing"), whistleId: "w-1", unit: "dept.housing" },
      expect: { whistles: { "w-1": want } }
    })
    const ok = await check("whistle.json", [first, accept, blow, report({ summoned: [...summoned].reverse(), reported: ["dept.housing"], rate: 0.5 })])
    expect(ok.code, ok.out.join("\n")).toBe(0)
    const wrong = await check("whistle-wrong.json", [first, accept, blow, report({ rate: 1 })])
    expect(wrong.out[0]).toBe("whistle-wrong.json: /steps/3/expect/whistles/w-1/rate: expected 1, got 0.5")
    const missing = await check("whistle-missing.json", [first, accept, blow, { ...report({}), expect: { whistles: { "w-2": { rate: 0 } } } }])
    expect(missing.out[0]).toBe('whistle-missing.json: /steps/3/expect/whistles/w-2: expected {"rate":0}, got null')
  })

  it("provisional: a deadline counted over a year without holiday data says so, and which years", async () => {
    const december = {
      at: "2026-12-21T10:00:00+08:00",
      command: { ...submit, channel: "channel.letter", category: "labour.unpaid-wages", jurisdiction: "community.meilin.meilin-yicun" }
    }
    const steps = (acceptance: unknown) => [{ ...december, expect: { clocks: { acceptance } } }]
    const pack = join(import.meta.dirname, "../../../examples/scenarios/packs/xinfang-working-days.json")
    const ok = await check("provisional.json", steps({ state: "running", provisional: { years: [2027] } }), pack)
    expect(ok.code, ok.out.join("\n")).toBe(0)
    const wrong = await check("provisional-wrong.json", steps({ provisional: false }), pack)
    expect(wrong.out[0]).toBe('provisional-wrong.json: /steps/0/expect/clocks/acceptance: expected {"provisional":false}, got {"provisional":true}')
  })
})

describe("a step that publishes holiday data", () => {
  it("names a bad release by its JSON path, and refuses a step that also has a command", async () => {
    const bad = await run(["scenario", "test", write("holidays-bad.json", scenario([first, { at: "2026-03-02T10:00:00+08:00", holidays: { version: "x", years: [{ year: 2027, notices: [], blocks: [] }] }, expect: { petition: "p-1" } }]))], "en")
    expect(bad.code).toBe(1)
    expect(bad.err).toContainEqual(expect.stringMatching(/^holidays-bad\.json: \/steps\/1\/holidays\/years\/0\/notices: .*list at least one notice/))
    const both = await run(["scenario", "test", write("holidays-both.json", scenario([{ ...first, holidays: "x.json" }]))], "en")
    expect(both.err).toEqual(["holidays-both.json: /steps/0/holidays: a step publishes holiday data or runs a command, not both"])
  })
})

describe("a scheduler that ticks late, and what-ifs over the story's histories", () => {
  const at = (hm: string) => `2026-03-02T${hm}:00+08:00`
  const lead = "dept.urban-management"
  const byLead = (tag: string, hm: string) => ({ at: at(hm), command: { _tag: tag, petitionId: "p-1", actor: unit(lead), unit: lead } })
  const feedbackBreaches = async (name: string, extra: Record<string, unknown>) => {
    const file = write(name, { ...scenario([first, { at: at("10:30"), expect: { petition: "p-1" } }]), ...extra })
    const r = await run(["simulate", file], "en")
    expect(r.code, r.err.join("\n")).toBe(0)
    const report = JSON.parse(r.out.join("\n")) as { petitions: ReadonlyArray<{ events: ReadonlyArray<{ type: string; clock?: string; at: string; dueAt?: string }> }> }
    return report.petitions[0]!.events.filter((e) => e.type === "ClockBreached" && e.clock === "feedback").map((e) => ({ at: e.at, dueAt: e.dueAt }))
  }

  it("tickEvery: timers fire at the next instant of the grid counted from the start, so the breach is recorded after its due instant", async () => {
    expect(await feedbackBreaches("exact.json", {})).toEqual([{ at: at("09:10"), dueAt: at("09:10") }])
    expect(await feedbackBreaches("hourly.json", { tickEvery: "PT1H" })).toEqual([{ at: at("10:00"), dueAt: at("09:10") }])
    expect(await feedbackBreaches("seven.json", { tickEvery: "PT7M" })).toEqual([{ at: at("09:14"), dueAt: at("09:10") }])
  })

  // Acknowledged at minute 12: breached under the 10-minute limit, met under a 15-minute one.
  const story = [first, byLead("Accept", "09:05"), byLead("Acknowledge", "09:12")]
  // Inline here: story 12's what-if pack, the preset with the feedback limit at PT15M.
  const widened: unknown = JSON.parse(readFileSync(join(import.meta.dirname, "../../../examples/scenarios/packs/futian-feedback-15.json"), "utf8"))

  it("whatIf: the same pack shows no differences over late-recorded breaches; a wider limit affects exactly the petition it moves", async () => {
    const whatIf = [{ rulePack: "futian-10-30-24", expect: { differences: 0 } }, { rulePack: widened, expect: { affected: ["p-1"] } }]
    const file = write("what-if.json", { ...scenario(story), tickEvery: "PT1H", whatIf })
    const r = await run(["scenario", "test", file], "en")
    expect(r.out).toEqual(["what-if.json: passed — 3 steps, all 2 expect blocks hold; 3 rule actions, 2 notifications"])
    expect(r.code).toBe(0)
    const simulated = await run(["simulate", file], "en")
    expect(simulated.code).toBe(0)
    const report = JSON.parse(simulated.out.join("\n")) as { whatIf: ReadonlyArray<{ affected: ReadonlyArray<string>; report: { clockedDifferently: number } }> }
    expect(report.whatIf.map((w) => w.affected)).toEqual([[], ["p-1"]])
    expect(report.whatIf[1]!.report.clockedDifferently).toBe(1)
    // The same summary `rules impact` prints, on stderr beside the JSON.
    expect(simulated.err).toContainEqual(expect.stringMatching(/^futian-10-30-24@2022\.1 → futian-10-30-24@2026\.1: replayed 1 petitions; routed differently 0, clocks differently 1/))
    expect(simulated.err).toContainEqual("No differences.")
  })

  it("whatIf: a wrong expectation fails the test at its JSON path, in both languages", async () => {
    const whatIf = [{ rulePack: "futian-10-30-24", expect: { differences: 1 } }, { rulePack: widened, expect: { affected: ["p-9"] } }]
    const file = write("what-if-wrong.json", { ...scenario(story), tickEvery: "PT1H", whatIf })
    const zh = await run(["scenario", "test", file])
    expect(zh.code).toBe(1)
    expect(zh.out.slice(0, 2)).toEqual([
      "what-if-wrong.json: /whatIf/0/expect/differences: 期望 1，实际 0",
      'what-if-wrong.json: /whatIf/1/expect/affected: 期望 ["p-9"]，实际 ["p-1"]'
    ])
    const en = await run(["scenario", "test", file], "en")
    expect(en.code).toBe(1)
    expect(en.out).toEqual([
      "what-if-wrong.json: /whatIf/0/expect/differences: expected 1, got 0",
      'what-if-wrong.json: /whatIf/1/expect/affected: expected ["p-9"], got ["p-1"]',
      "what-if-wrong.json: FAILED — 2 difference(s) (3 steps, 2 expect blocks)"
    ])
  })

  it("refuses a bad tickEvery and a bad what-if by their JSON paths", async () => {
    const bad = async (name: string, extra: Record<string, unknown>) => {
      const r = await run(["scenario", "test", write(name, { ...scenario([first]), ...extra })], "en")
      expect(r.code).toBe(1)
      return r.err
    }
    expect(await bad("tick-text.json", { tickEvery: "hourly" })).toEqual([expect.stringMatching(/^tick-text\.json: \/tickEvery: .*"hourly" is not an ISO 8601 duration/)])
    expect(await bad("tick-month.json", { tickEvery: "P1M" })).toEqual([expect.stringMatching(/^tick-month\.json: \/tickEvery: .*years, months or weeks/)])
    expect(await bad("tick-zero.json", { tickEvery: "PT0S" })).toEqual(["tick-zero.json: /tickEvery: the scheduler must wake at some interval: give a duration longer than zero, such as PT1H"])
    const zh = await run(["scenario", "test", "tick-zero.json"])
    expect(zh.err).toEqual(["tick-zero.json: /tickEvery: 调度间隔须大于零，例如 PT1H"])
    const whatIf = await bad("what-if-bad.json", { whatIf: [{ rulePack: "no-such-pack", expect: { affected: "p-1" } }] })
    expect(whatIf).toContainEqual(expect.stringMatching(/^what-if-bad\.json: \/whatIf\/0\/rulePack: "no-such-pack" is neither a preset/))
    expect(whatIf).toContainEqual(expect.stringMatching(/^what-if-bad\.json: \/whatIf\/0\/expect/))
  })
})
