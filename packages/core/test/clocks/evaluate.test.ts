import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { decodeInput } from "../../src/index.js"
import { checkExtension, ClockPolicy, evaluateClocks } from "../../src/clocks/index.js"
import { makeCalendars, parseDuration } from "../../src/calendar/index.js"
import type { ClockEvent, ClockPolicyJson, ClockStatus, ClockSubject } from "../../src/clocks/index.js"

const decodePolicy = decodeInput(ClockPolicy, "clock policy")
const policy = (json: ClockPolicyJson) => Result.getOrThrow(decodePolicy(json))
const calendars = makeCalendars({})
const T = Date.parse("2026-03-02T10:00:00+08:00") // a Monday
const MIN = 60_000
const HOUR = 60 * MIN
const ev = (_tag: string, at: number, payload: Record<string, unknown> = {}): ClockEvent => ({ _tag, at, ...payload })
const subject: ClockSubject = { categoryPath: ["urban", "urban.noise"], priority: "normal", channelKind: "hotline", flags: [], persons: 1 }
const submitted = ev("Submitted", T, { firstHandler: "centre" })

const run = (policies: ReadonlyArray<ClockPolicy>, events: ReadonlyArray<ClockEvent>, now: number, s: ClockSubject = subject) =>
  Result.getOrThrow(evaluateClocks({ events, subject: s, policies, calendars, now }))
const clock = (r: { clocks: ReadonlyArray<ClockStatus> }, key: string) => r.clocks.find((c) => c.key === key)!

const feedback = policy({
  name: "feedback",
  start: ["Submitted"],
  stop: ["Acknowledged"],
  limit: "PT10M",
  calendar: "natural",
  warnings: [0.5, "PT2M"]
})

describe("a natural-time clock (feedback in 10 minutes)", () => {
  it("is pending before its start event", () => {
    expect(clock(run([feedback], [], T), "feedback").state).toBe("pending")
  })

  it("runs, reports remaining time and the next wake-ups", () => {
    const r = run([feedback], [submitted], T + 3 * MIN)
    expect(clock(r, "feedback")).toMatchObject({
      state: "running",
      startedAt: T,
      dueAt: T + 10 * MIN,
      elapsedMs: 3 * MIN,
      remainingMs: 7 * MIN,
      warningsPassed: [],
      unit: "centre"
    })
    expect(r.nextWakeups).toEqual([
      { at: T + 5 * MIN, key: "feedback", kind: "warning", threshold: "0.5" },
      { at: T + 8 * MIN, key: "feedback", kind: "warning", threshold: "PT2M" },
      { at: T + 10 * MIN, key: "feedback", kind: "breach" }
    ])
  })

  it("passes warnings as time goes by", () => {
    const r = run([feedback], [submitted], T + 9 * MIN)
    expect(clock(r, "feedback").warningsPassed).toEqual(["0.5", "PT2M"])
    expect(r.nextWakeups).toEqual([{ at: T + 10 * MIN, key: "feedback", kind: "breach" }])
  })

  it("is met when stopped in time", () => {
    const r = run([feedback], [submitted, ev("Acknowledged", T + 7 * MIN)], T + 60 * MIN)
    expect(clock(r, "feedback")).toMatchObject({ state: "met", stoppedAt: T + 7 * MIN, elapsedMs: 7 * MIN, remainingMs: 3 * MIN })
    expect(r.nextWakeups).toEqual([])
  })

  it("breaches at the due instant, against the unit responsible then", () => {
    const at = run([feedback], [submitted], T + 10 * MIN)
    expect(clock(at, "feedback")).toMatchObject({ state: "breached", breachedAt: T + 10 * MIN, unit: "centre" })
    const late = run([feedback], [submitted, ev("Dispatched", T + 20 * MIN, { lead: "dept.a", coHandlers: [] }), ev("Acknowledged", T + 30 * MIN)], T + 40 * MIN)
    expect(clock(late, "feedback")).toMatchObject({ state: "breached", breachedAt: T + 10 * MIN, stoppedAt: T + 30 * MIN, unit: "centre" })
  })

  it("ignores events after now", () => {
    const r = run([feedback], [submitted, ev("Acknowledged", T + 7 * MIN)], T + 5 * MIN)
    expect(clock(r, "feedback").state).toBe("running")
  })
})

describe("a working-day clock with pauses and extensions (handling in 60 days)", () => {
  const handling = policy({
    name: "handling",
    start: ["Accepted"],
    stop: ["Resolved"],
    pause: ["Suspended"],
    resume: ["Resumed"],
    limit: "P3D",
    calendar: "china",
    extensions: { maxCount: 1, maxTotal: "P2D" }
  })
  const accepted = ev("Accepted", T, { unit: "dept.a" })

  it("is due the same time three working days later", () => {
    const r = run([handling], [accepted], T)
    expect(clock(r, "handling").dueAt).toBe(Date.parse("2026-03-05T10:00:00+08:00"))
    expect(clock(r, "handling").remainingMs).toBe(21 * HOUR)
  })

  it("pauses: the time suspended does not count", () => {
    const events = [accepted, ev("Suspended", Date.parse("2026-03-03T10:00:00+08:00")), ev("Resumed", Date.parse("2026-03-09T10:00:00+08:00"))]
    const paused = run([handling], events.slice(0, 2), Date.parse("2026-03-06T10:00:00+08:00"))
    expect(clock(paused, "handling")).toMatchObject({ state: "paused", elapsedMs: 7 * HOUR, remainingMs: 14 * HOUR })
    expect(paused.nextWakeups).toEqual([])
    const resumed = run([handling], events, Date.parse("2026-03-09T11:00:00+08:00"))
    expect(clock(resumed, "handling")).toMatchObject({
      state: "running",
      dueAt: Date.parse("2026-03-11T10:00:00+08:00"),
      elapsedMs: 8 * HOUR
    })
  })

  it("an Extended event naming the clock moves the due instant in its calendar", () => {
    const r = run([handling], [accepted, ev("Extended", T + HOUR, { clock: "handling", amount: "P2D" })], T + 2 * HOUR)
    expect(clock(r, "handling")).toMatchObject({ dueAt: Date.parse("2026-03-09T10:00:00+08:00"), extensions: { count: 1, total: "P2D" } })
    expect(clock(r, "handling").remainingMs).toBe(33 * HOUR)
  })

  it("an Extended event the policy does not allow never moves the due instant", () => {
    const extended = (amount: string) => ev("Extended", T + HOUR, { clock: "handling", amount })
    const dueAfter = (p: ClockPolicy, events: ReadonlyArray<ClockEvent>) => clock(run([p], [accepted, ...events], T + 2 * HOUR), "handling")
    const threeDays = Date.parse("2026-03-05T10:00:00+08:00")
    // Over the total (P2D), a second one (maxCount 1), and any on a clock without an extension rule.
    expect(dueAfter(handling, [extended("P3D")])).toMatchObject({ dueAt: threeDays, extensions: { count: 0, total: "PT0S" } })
    expect(dueAfter(handling, [extended("P1D"), extended("P1D")])).toMatchObject({
      dueAt: Date.parse("2026-03-06T10:00:00+08:00"),
      extensions: { count: 1, total: "P1D" }
    })
    const { extensions: _, ...rest } = handling
    expect(dueAfter(rest, [extended("P1D")]).dueAt).toBe(threeDays)
    // An amount in months (which the Extend command's schema lets through) cannot be counted: ignored.
    expect(dueAfter(handling, [extended("P1M")])).toMatchObject({ dueAt: threeDays, extensions: { count: 0 } })
  })

  it("checkExtension refuses too many, too long, not extendable and not running", () => {
    const fresh = clock(run([handling], [accepted], T), "handling")
    const once = clock(run([handling], [accepted, ev("Extended", T, { clock: "handling", amount: "P1D" })], T), "handling")
    const d = (iso: string) => Result.getOrThrow(parseDuration(iso))
    expect(Result.getOrThrow(checkExtension(fresh, handling, d("P2D"))).count).toBe(1)
    const reasons = [
      checkExtension(once, handling, d("P1D")),
      checkExtension(fresh, handling, d("P3D")),
      checkExtension(fresh, feedback, d("PT5M")),
      checkExtension(clock(run([handling], [], T), "handling"), handling, d("P1D"))
    ].map((r) => (Result.isFailure(r) ? r.failure.reason : "ok"))
    expect(reasons).toEqual(["tooMany", "tooLong", "notExtendable", "notRunning"])
    const tooLong = checkExtension(fresh, handling, d("P3D"))
    expect(Result.isFailure(tooLong) && tooLong.failure.message).toContain("P2D")
  })

  it("a reset event starts the clock over", () => {
    const p = policy({ name: "contact", start: ["Submitted", "Reopened"], stop: ["Contacted"], reset: ["Reopened"], limit: "PT30M", calendar: "natural" })
    const r = run([p], [submitted, ev("Contacted", T + MIN), ev("Reopened", T + HOUR)], T + HOUR + MIN)
    expect(clock(r, "contact")).toMatchObject({ state: "running", startedAt: T + HOUR })
  })
})

describe("sub-deadlines: one clock instance per co-handler and per summoned unit", () => {
  it("co-handlers each report their part", () => {
    const p = policy({ name: "part", per: "coHandler", start: ["Dispatched", "Transferred"], stop: ["PartReported"], limit: "PT24H", calendar: "natural" })
    const r = run(
      [p],
      [submitted, ev("Dispatched", T, { lead: "lead", coHandlers: ["a", "b"] }), ev("PartReported", T + HOUR, { unit: "a", summary: "done" })],
      T + 25 * HOUR
    )
    expect(clock(r, "part:a")).toMatchObject({ state: "met", unit: "a" })
    expect(clock(r, "part:b")).toMatchObject({ state: "breached", unit: "b", breachedAt: T + 24 * HOUR })
    expect(r.clocks.map((c) => c.key)).toEqual(["part:a", "part:b"])
  })

  it("a transfer that drops a co-handler ends its clock without a breach", () => {
    const p = policy({ name: "part", per: "coHandler", start: ["Dispatched", "Transferred"], stop: ["PartReported"], limit: "PT24H", calendar: "natural" })
    const r = run(
      [p],
      [
        submitted,
        ev("Dispatched", T, { lead: "lead", coHandlers: ["a", "b"] }),
        ev("Transferred", T + 2 * HOUR, { from: "lead", lead: "lead2", coHandlers: ["b", "c"], reason: "wrong unit" })
      ],
      T + 25 * HOUR
    )
    expect(r.clocks.map((c) => [c.key, c.state, c.startedAt])).toEqual([
      ["part:a", "met", T],
      ["part:b", "breached", T],
      ["part:c", "running", T + 2 * HOUR]
    ])
    expect(clock(r, "part:a").stoppedAt).toBe(T + 2 * HOUR)
  })

  it("a whistle is due at its own deadline, per summoned unit", () => {
    const p = policy({ name: "whistle-report", per: "whistle", start: ["WhistleBlown"], stop: ["ReportedForDuty"], limit: "PT2H", calendar: "natural" })
    const events = [
      submitted,
      ev("WhistleBlown", T, { whistleId: "w1", unit: "street", summoned: ["dept.x", "dept.y"], deadline: T + 30 * MIN }),
      ev("ReportedForDuty", T + 10 * MIN, { whistleId: "w1", unit: "dept.x" }),
      ev("ReportedForDuty", T + 12 * MIN, { whistleId: "w2", unit: "dept.y" })
    ]
    const r = run([p], events, T + 20 * MIN)
    expect(clock(r, "whistle-report:w1:dept.x")).toMatchObject({ state: "met", unit: "dept.x" })
    expect(clock(r, "whistle-report:w1:dept.y")).toMatchObject({ state: "running", dueAt: T + 30 * MIN })
    expect(r.nextWakeups).toEqual([{ at: T + 30 * MIN, key: "whistle-report:w1:dept.y", kind: "breach" }])
  })
})

describe("which policies apply, and with which limit", () => {
  const p = policy({
    name: "first-round",
    appliesWhen: { channelKinds: ["hotline", "web"], categories: ["urban"] },
    start: ["Submitted"],
    stop: ["FirstRoundCompleted"],
    limit: "PT24H",
    calendar: "natural",
    overrides: [
      { categories: ["urban.noise"], priorities: ["urgent"], limit: "PT2H" },
      { categories: ["urban.noise"], limit: "PT12H" }
    ]
  })

  it("takes the first matching override by category subtree and priority", () => {
    expect(clock(run([p], [submitted], T), "first-round").dueAt).toBe(T + 12 * HOUR)
    expect(clock(run([p], [submitted], T, { ...subject, priority: "urgent" }), "first-round").dueAt).toBe(T + 2 * HOUR)
    expect(clock(run([p], [submitted], T, { ...subject, categoryPath: ["urban", "urban.roads"] }), "first-round").limit).toBe("PT24H")
  })

  it("leaves out policies whose conditions do not hold", () => {
    expect(run([p], [submitted], T, { ...subject, channelKind: "letter" }).clocks).toEqual([])
    expect(run([p], [submitted], T, { ...subject, categoryPath: ["social"] }).clocks).toEqual([])
    const group = policy({ name: "group", appliesWhen: { minPersons: 5, flags: ["group-visit"] }, start: ["Submitted"], stop: ["Contacted"], limit: "PT1H", calendar: "natural" })
    expect(run([group], [submitted], T, { ...subject, persons: 6 }).clocks).toEqual([])
    expect(run([group], [submitted], T, { ...subject, persons: 6, flags: ["group-visit"] }).clocks).toHaveLength(1)
  })

  it("stops on a payload condition", () => {
    const review = policy({
      name: "review-decision",
      start: ["ReviewRequested"],
      stop: [{ event: "ReviewDecided", where: { stage: "review" } }],
      limit: "P30D",
      calendar: "natural"
    })
    const base = [ev("ReviewRequested", T)]
    expect(clock(run([review], [...base, ev("ReviewDecided", T + HOUR, { stage: "re_review" })], T + 2 * HOUR), "review-decision").state).toBe("running")
    expect(clock(run([review], [...base, ev("ReviewDecided", T + HOUR, { stage: "review" })], T + 2 * HOUR), "review-decision").state).toBe("met")
  })
})

describe("errors", () => {
  it("an unknown calendar name is a typed error listing the known ones", () => {
    const p = policy({ name: "x", start: ["Submitted"], stop: ["Closed"], limit: "PT1H", calendar: "office" })
    const r = evaluateClocks({ events: [submitted], subject, policies: [p], calendars, now: T })
    expect(Result.isFailure(r) && r.failure._tag).toBe("UnknownCalendar")
    expect(Result.isFailure(r) && r.failure.message).toContain("china")
  })

  it("a deadline in a year without holiday data is a typed error when the calendar is strict", () => {
    const p = policy({ name: "x", start: ["Submitted"], stop: ["Closed"], limit: "P60D", calendar: "strict-china" })
    const at = Date.parse("2026-12-01T10:00:00+08:00")
    const strict = makeCalendars({ "strict-china": { kind: "working", holidays: "china", fallback: "strict" } })
    const r = evaluateClocks({ events: [ev("Submitted", at)], subject, policies: [p], calendars: strict, now: at })
    expect(Result.isFailure(r) && r.failure._tag).toBe("CalendarYearUnknown")
  })

  it("a policy with bad fields names each by JSON path", () => {
    const r = decodePolicy({
      name: "Feedback!",
      start: [],
      stop: ["Acknowledged", { event: "ReviewDecided", where: { stage: ["x"] } }],
      limit: "P1M",
      calendar: "",
      warnings: [1.2, "P1D"],
      overrides: [{ limit: "soon" }],
      extensions: { maxCount: 1.5, maxTotal: "P30D" },
      per: "unit"
    })
    expect(Result.isFailure(r)).toBe(true)
    if (Result.isFailure(r)) {
      expect(r.failure.problems.map((p) => p.path).sort()).toEqual(
        ["/calendar", "/extensions/maxCount", "/limit", "/name", "/overrides/0/limit", "/per", "/stop/1/where/stage", "/warnings/0", "/warnings/1"].sort()
      )
      expect(r.failure.problems.find((p) => p.path === "/warnings/1")?.message).toContain("fraction")
      // Chinese first, then the English, for each problem minyi words itself.
      for (const path of ["/name", "/limit", "/warnings/0", "/warnings/1", "/overrides/0/limit"]) {
        expect({ path, message: r.failure.problems.find((p) => p.path === path)?.message }).toEqual({
          path,
          message: expect.stringMatching(/^[^()]*[\u4e00-\u9fff].* \(.*[a-z].*\)$/)
        })
      }
    }
  })
})
