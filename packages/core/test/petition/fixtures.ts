import { Redacted, Result } from "effect"
import { expect } from "vitest"
import { sampleDirectory } from "../../src/directory/index.js"
import type { CommandOf, PetitionCommand, PetitionCommandTag, PetitionEvent, PetitionRefusal, PetitionState } from "../../src/petition/index.js"
import { decide, evolve, initialState } from "../../src/petition/index.js"

export const directory = sampleDirectory()
export const context = { directory }
export const PID = "P-2026-0001"
export const T0 = Date.parse("2026-03-02T01:00:00Z")
export const LEAD = "dept.urban-management"
export const CO = "street-office.yuanling"
export const CO2 = "dept.ecology"
export const CENTRE = "unit.dispatch-centre"
export const LEAD_HANDLER = "person.handler.urban-management"
export const checklist = { problemSolved: true, explanationGiven: true, assistanceGiven: true, unlawfulConductDealtWith: false }

type Payload<T extends PetitionCommandTag> = Omit<CommandOf<T>, "_tag" | "petitionId" | "at" | "actor"> &
  Partial<Pick<CommandOf<T>, "petitionId" | "at" | "actor">>

let tick = 0
/** A minute after the last instant handed out: commands and given events share one running clock. */
export const nextAt = (): number => T0 + ++tick * 60_000
/** Builds a command with defaults for petition id, actor and a time later than the previous one. */
export const cmd = <T extends PetitionCommandTag>(tag: T, payload: Payload<T>): CommandOf<T> =>
  ({ _tag: tag, petitionId: PID, at: nextAt(), actor: { kind: "system" }, ...payload }) as unknown as CommandOf<T>

/** What the default petition is about, as Submit and Submitted both carry it. */
export const submission = {
  petitioner: { anonymous: false, name: Redacted.make("张三"), phone: Redacted.make("13800138000") },
  channel: "channel.district-secretary-online",
  category: "city-management.sanitation.refuse-odour",
  jurisdiction: "community.yuanling.hongli",
  title: "垃圾站异味",
  content: "红荔社区垃圾站异味严重",
  rulePack: { id: "futian", version: "2026.1" }
} as const

export const submit = (overrides: Partial<Payload<"Submit">> = {}) => cmd("Submit", { ...submission, ...overrides })

export const dispatch = (lead = LEAD, coHandlers: ReadonlyArray<string> = [CO]) => cmd("Dispatch", { lead, coHandlers })
export const accept = (unit = LEAD) => cmd("Accept", { unit })
export const reportPart = (unit = CO) => cmd("ReportPart", { unit, summary: "已清洗垃圾站" })
export const resolve = (unit = LEAD) => cmd("Resolve", { unit, checklist, summary: "已整改" })
export const rate = (rating: "satisfied" | "basically_satisfied" | "unsatisfied" = "satisfied") => cmd("RateSatisfaction", { rating })
export const close = () => cmd("Close", { reason: "信访人满意" })

export const stages = {
  submitted: () => [submit()],
  dispatched: () => [submit(), dispatch()],
  accepted: () => [submit(), dispatch(), accept()],
  resolved: () => [submit(), dispatch(), accept(), reportPart(), resolve()],
  rated: () => [submit(), dispatch(), accept(), reportPart(), resolve(), rate()],
  closed: () => [submit(), dispatch(), accept(), reportPart(), resolve(), rate(), close()]
}

/** Folds commands that must all be accepted (a refused one is a broken test); given.ts starts from events instead. */
export const decideAll = (commands: ReadonlyArray<PetitionCommand>) => {
  let state: PetitionState = initialState(PID)
  const events: Array<PetitionEvent> = []
  for (const c of commands) {
    const r = decide(state, c, context)
    if (Result.isFailure(r)) throw new Error(`decideAll: ${c._tag} refused: ${r.failure.message}`)
    for (const e of r.success) {
      state = evolve(state, e)
      events.push(e)
    }
  }
  return { state, events }
}

/** Applies one command to a given history; returns the decision and the state after it. */
export const when = (commands: ReadonlyArray<PetitionCommand>, command: PetitionCommand) => {
  const { state } = decideAll(commands)
  const result = decide(state, command, context)
  const after = Result.isSuccess(result) ? result.success.reduce(evolve, state) : state
  return { before: state, result, after }
}

export const expectEvents = (
  result: Result.Result<ReadonlyArray<PetitionEvent>, PetitionRefusal>,
  tags: ReadonlyArray<PetitionEvent["_tag"]>
): ReadonlyArray<PetitionEvent> => {
  if (Result.isFailure(result)) throw new Error(`expected ${tags.join(", ")} but was refused: ${result.failure.message}`)
  expect(result.success.map((e) => e._tag)).toEqual(tags)
  return result.success
}

export const expectRefused = (
  result: Result.Result<ReadonlyArray<PetitionEvent>, PetitionRefusal>,
  tag: PetitionRefusal["_tag"]
): PetitionRefusal => {
  if (Result.isSuccess(result)) throw new Error(`expected refusal ${tag} but got ${result.success.map((e) => e._tag).join(", ")}`)
  expect(result.failure._tag).toBe(tag)
  expect(result.failure.petitionId).toBe(PID)
  expect(result.failure.message.length).toBeGreaterThan(10)
  return result.failure
}
