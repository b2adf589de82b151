import { readFileSync } from "node:fs"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import type { PetitionCommandTag, PetitionStatus } from "../../src/petition/index.js"
import type { Move, PetitionCommand } from "../../src/petition/index.js"
import { commandLabels, commandsAccepted, decide, evolve, lifecycle, moves, statuses, statusLabels } from "../../src/petition/index.js"
import { accept, CENTRE, CO2, cmd, context, dispatch, LEAD, rate, resolve } from "./fixtures.js"
import { event, events, given, history } from "./given.js"

/** The lifecycle table as docs/domain.md shows it: a row per command, a column per status. */
const lifecycleMarkdown = (): string => {
  const header = `| command | ${statuses.map((s) => `${s}<br>${statusLabels[s].zh}`).join(" | ")} |`
  const rule = `|---|${statuses.map(() => ":-:").join("|")}|`
  const rows = (Object.keys(lifecycle) as Array<PetitionCommandTag>).map(
    (c) => `| ${c} ${commandLabels[c].zh} | ${statuses.map((s) => (lifecycle[c].includes(s) ? "✓" : "")).join(" | ")} |`
  )
  return [header, rule, ...rows].join("\n")
}

/** The state diagram docs/domain.md shows, drawn from `moves`. */
const diagramMarkdown = (): string =>
  [
    "```mermaid",
    "stateDiagram-v2",
    "    [*] --> received: Submit",
    ...moves.map((m) => `    ${m.from} --> ${m.to}: ${m.command}${m.when === undefined ? "" : ` (${m.when})`}`),
    "    closed --> [*]",
    "    merged --> [*]",
    "```"
  ].join("\n")

const between = (text: string, start: string, end: string): string => text.slice(text.indexOf(start) + start.length, text.indexOf(end)).trim()

describe("the lifecycle table", () => {
  it("is the table docs/domain.md shows", () => {
    const doc = readFileSync(new URL("../../../../docs/domain.md", import.meta.url), "utf8")
    expect(between(doc, "<!-- lifecycle:start -->", "<!-- lifecycle:end -->")).toBe(lifecycleMarkdown())
  })

  it("draws the state diagram docs/domain.md shows", () => {
    const doc = readFileSync(new URL("../../../../docs/domain.md", import.meta.url), "utf8")
    expect(between(doc, "<!-- diagram:start -->", "<!-- diagram:end -->")).toBe(diagramMarkdown())
  })

  it("lists per status the commands it accepts", () => {
    expect(commandsAccepted("merged")).toEqual(["RecordDeadLetter", "RecordIdentityRead", "RecordNotification", "RecordRuleProblem"])
    expect(commandsAccepted("declined")).toEqual(["Close", "DeliverReply", "IssueRecommendation", "RecordDeadLetter", "RecordIdentityRead", "RecordNotification", "RecordRuleProblem"])
  })

  // A petition in each status, and a command that the status does not accept: decide refuses it
  // for the status, before any check of the command's own handler.
  const histories: ReadonlyArray<readonly [PetitionStatus, () => ReturnType<typeof given>]> = [
    ["received", () => given(history.submitted())],
    ["dispatched", () => given(history.dispatched())],
    ["in_progress", () => given(history.accepted())],
    ["suspended", () => given([...history.accepted(), event("Suspended", { reason: "等信访人补材料" })])],
    ["resolved", () => given(history.resolved())],
    ["closed", () => given(history.closed())],
    ["declined", () => given([...history.submitted(), event("Declined", { unit: "unit.dispatch-centre", reason: "不属于受理范围" })])],
    ["merged", () => given([...history.submitted(), event("Merged", { into: "P-2026-0002" })])]
  ]
  for (const [status, start] of histories) {
    it(`refuses what a ${status} petition does not accept, for its status`, () => {
      const { state } = start()
      expect(state.status).toBe(status)
      const refused = (Object.keys(lifecycle) as Array<PetitionCommandTag>).filter((c) => c !== "Submit" && !lifecycle[c].includes(status))
      for (const tag of refused) {
        // The payload does not matter: the status is checked before the handler reads it (hence the
        // cast: a Flag payload under another tag is not a well-typed command).
        const r = decide(state, { ...cmd("Flag", { flag: "x" }), _tag: tag } as never, context)
        expect(Result.isFailure(r) ? [tag, r.failure._tag] : [tag, "accepted"]).toEqual([tag, status === "closed" ? "PetitionClosed" : "InvalidTransition"])
      }
    })
  }
})

describe("the moves between statuses", () => {
  const closedAfterDecline = (declined: ReturnType<typeof event>) => [
    declined,
    event("Closed", { reason: "不予受理告知书已送达" }),
    event("ReviewRequested", { reason: "不服" }),
    event("ReviewDecided", { stage: "review", outcome: "overturned" })
  ]
  // For each move, a history that leaves the petition in `from` and a command that takes it to `to`.
  const cases: Readonly<Record<string, readonly [ReadonlyArray<ReturnType<typeof event>>, () => PetitionCommand]>> = {
    "received Dispatch dispatched": [history.submitted(), () => dispatch()],
    "received Decline declined": [history.submitted(), () => cmd("Decline", { unit: CENTRE, reason: "已诉讼" })],
    "dispatched Accept in_progress": [history.dispatched(), () => accept()],
    "dispatched Decline declined": [history.dispatched(), () => cmd("Decline", { unit: LEAD, reason: "不属于信访事项" })],
    "dispatched Return received": [history.dispatched(), () => cmd("Return", { unit: LEAD, reason: "不属本单位职责" })],
    "in_progress Transfer dispatched": [history.accepted(), () => cmd("Transfer", { lead: "dept.ecology", coHandlers: [], reason: "属生态环境局职责" })],
    "in_progress Resolve resolved": [[...history.accepted(), events.partReported()], () => resolve()],
    "resolved RateSatisfaction in_progress": [history.resolved(), () => rate("unsatisfied")],
    "resolved Reopen in_progress": [history.resolved(), () => cmd("Reopen", { reason: "信访人反映问题复发" })],
    "resolved Close closed": [[...history.resolved(), events.rated()], () => cmd("Close", { reason: "信访人满意" })],
    "declined Close closed": [[...history.submitted(), event("Declined", { unit: CENTRE, reason: "已诉讼" })], () => cmd("Close", { reason: "告知书已送达" })],
    "closed Reopen in_progress": [
      [...history.closed(), event("ReviewRequested", { reason: "不服" }), event("ReviewDecided", { stage: "review", outcome: "overturned" })],
      () => cmd("Reopen", { reason: "复查撤销" })
    ],
    "closed Reopen received": [[...history.submitted(), ...closedAfterDecline(event("Declined", { unit: CENTRE, reason: "已诉讼" }))], () => cmd("Reopen", { reason: "复查撤销" })],
    "closed Reopen dispatched": [[...history.dispatched(), ...closedAfterDecline(event("Declined", { unit: LEAD, reason: "x" }))], () => cmd("Reopen", { reason: "复查撤销" })],
    "dispatched Dispatch dispatched": [history.dispatched(), () => cmd("Dispatch", { lead: CO2, coHandlers: [], reason: "派错单位，改派生态环境局" })],
    "received Suspend suspended": [history.submitted(), () => cmd("Suspend", { reason: "等信访人补材料" })],
    "dispatched Suspend suspended": [history.dispatched(), () => cmd("Suspend", { reason: "等信访人补材料" })],
    "in_progress Suspend suspended": [history.accepted(), () => cmd("Suspend", { reason: "等信访人补材料" })],
    "suspended Resume received": [[...history.submitted(), event("Suspended", { reason: "等" })], () => cmd("Resume", { reason: "材料已补" })],
    "suspended Resume dispatched": [[...history.dispatched(), event("Suspended", { reason: "等" })], () => cmd("Resume", { reason: "材料已补" })],
    "suspended Resume in_progress": [[...history.accepted(), event("Suspended", { reason: "等" })], () => cmd("Resume", { reason: "材料已补" })],
    "received Merge merged": [history.submitted(), () => cmd("Merge", { into: "P-2026-0002" })],
    "dispatched Merge merged": [history.dispatched(), () => cmd("Merge", { into: "P-2026-0002" })],
    "in_progress Merge merged": [history.accepted(), () => cmd("Merge", { into: "P-2026-0002" })],
    "suspended Merge merged": [[...history.accepted(), event("Suspended", { reason: "等" })], () => cmd("Merge", { into: "P-2026-0002" })]
  }
  const key = (m: Move) => `${m.from} ${m.command} ${m.to}`

  it("has a case for every move, and no case for a move it does not list", () =>
    expect(Object.keys(cases).sort()).toEqual(moves.map(key).sort()))

  for (const move of moves) {
    it(`${move.from} —${move.command}→ ${move.to}${move.when === undefined ? "" : ` (${move.when})`}`, () => {
      const [past, command] = cases[key(move)] ?? [[], () => dispatch()]
      const start = given(past)
      expect(start.state.status).toBe(move.from)
      const r = decide(start.state, command(), context)
      if (Result.isFailure(r)) throw new Error(`refused: ${r.failure.message}`)
      expect(r.success.reduce(evolve, start.state).status).toBe(move.to)
    })
  }
})
