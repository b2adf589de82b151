import { readFileSync } from "node:fs"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import type { PetitionCommandTag, PetitionStatus } from "../../src/petition/index.js"
import { commandLabels, commandsAccepted, decide, lifecycle, statuses, statusLabels } from "../../src/petition/index.js"
import { cmd, context } from "./fixtures.js"
import { event, given, history } from "./given.js"

/** The lifecycle table as docs/domain.md shows it: a row per command, a column per status. */
const lifecycleMarkdown = (): string => {
  const header = `| command | ${statuses.map((s) => `${s}<br>${statusLabels[s].zh}`).join(" | ")} |`
  const rule = `|---|${statuses.map(() => ":-:").join("|")}|`
  const rows = (Object.keys(lifecycle) as Array<PetitionCommandTag>).map(
    (c) => `| ${c} ${commandLabels[c].zh} | ${statuses.map((s) => (lifecycle[c].includes(s) ? "✓" : "")).join(" | ")} |`
  )
  return [header, rule, ...rows].join("\n")
}

const between = (text: string, start: string, end: string): string => text.slice(text.indexOf(start) + start.length, text.indexOf(end)).trim()

describe("the lifecycle table", () => {
  it("is the table docs/domain.md shows", () => {
    const doc = readFileSync(new URL("../../../../docs/domain.md", import.meta.url), "utf8")
    expect(between(doc, "<!-- lifecycle:start -->", "<!-- lifecycle:end -->")).toBe(lifecycleMarkdown())
  })

  it("lists per status the commands it accepts", () => {
    expect(commandsAccepted("merged")).toEqual(["RecordDeadLetter", "RecordIdentityRead", "RecordNotification", "RecordRuleProblem"])
    expect(commandsAccepted("declined")).toEqual(["Close", "IssueRecommendation", "RecordDeadLetter", "RecordIdentityRead", "RecordNotification", "RecordRuleProblem"])
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
        // The payload does not matter: the status is checked before the handler reads it.
        const r = decide(state, { ...cmd("Flag", { flag: "x" }), _tag: tag } as never, context)
        expect(Result.isFailure(r) ? [tag, r.failure._tag] : [tag, "accepted"]).toEqual([tag, status === "closed" ? "PetitionClosed" : "InvalidTransition"])
      }
    })
  }
})
