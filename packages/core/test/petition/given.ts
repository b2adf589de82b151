// given(events).when(command).then(events) — the emmett way of testing a decider: the history is
// a list of events folded with `evolve`, so a test's setup never depends on `decide` accepting it.
import { Result } from "effect"
import { expect } from "vitest"
import { seal } from "../../src/petition/chain.js"
import type { EventOf, PetitionCommand, PetitionEvent, PetitionEventTag, PetitionRefusal, PetitionState, UnsealedEvent } from "../../src/petition/index.js"
import { decide, describeRefusal, evolve, initialState } from "../../src/petition/index.js"
import { CENTRE, checklist, CO, context, directory, LEAD, nextAt, PID, submission } from "./fixtures.js"

type Unsealed<T extends PetitionEventTag> = Omit<EventOf<T>, "version" | "prevHash" | "hash">
type EventPayload<T extends PetitionEventTag> = Omit<Unsealed<T>, "_tag" | "petitionId" | "at" | "actor"> & {
  readonly at?: number
  readonly actor?: PetitionEvent["actor"]
}

/** Builds an event of the default petition at the next instant, by the system unless `actor` says otherwise. */
export const event = <T extends PetitionEventTag>(tag: T, payload: EventPayload<T>): UnsealedEvent =>
  // The spread of a payload typed per tag is one member of the event union; TypeScript cannot see that through the generic.
  ({ _tag: tag, petitionId: PID, at: nextAt(), actor: { kind: "system" }, ...payload }) as unknown as UnsealedEvent

/** The events of an ordinary petition's life, with the defaults of fixtures.ts. */
export const events = {
  submitted: (payload: Partial<EventPayload<"Submitted">> = {}) =>
    event("Submitted", { ...submission, persons: 1, flags: [], priority: "normal", firstHandler: CENTRE, ...payload }),
  dispatched: (lead = LEAD, coHandlers: ReadonlyArray<string> = [CO]) => event("Dispatched", { lead, coHandlers }),
  accepted: (unit = LEAD) => event("Accepted", { unit }),
  partReported: (unit = CO) => event("PartReported", { unit, summary: "已清洗垃圾站" }),
  resolved: (unit = LEAD) => event("Resolved", { unit, checklist, summary: "已整改" }),
  rated: (rating: "satisfied" | "basically_satisfied" | "unsatisfied" = "satisfied") => event("SatisfactionRated", { rating }),
  closed: () => event("Closed", { reason: "信访人满意" })
}

/** Histories that reach each stage, as events. */
export const history = {
  submitted: () => [events.submitted()],
  dispatched: () => [events.submitted(), events.dispatched()],
  accepted: () => [events.submitted(), events.dispatched(), events.accepted()],
  resolved: () => [events.submitted(), events.dispatched(), events.accepted(), events.partReported(), events.resolved()],
  closed: () => [events.submitted(), events.dispatched(), events.accepted(), events.partReported(), events.resolved(), events.rated(), events.closed()]
}

type Expected = ReadonlyArray<{ readonly _tag: PetitionEventTag } & Partial<Record<string, unknown>>>

/**
 * Starts a test from a history of events. `when(command)` decides the command on the state the
 * events fold to; `then(expected)` asserts the events it yields (each matched as a partial
 * object, in order), `thenRefuses(tag, fields)` the refusal. Both hand back what they checked
 * and the state after, for further assertions.
 */
export const given = (history: ReadonlyArray<UnsealedEvent>) => {
  const state: PetitionState = seal(0, initialState(PID).lastHash, history).reduce(evolve, initialState(PID))
  return {
    state,
    when: (command: PetitionCommand) => {
      const result = decide(state, command, context)
      return {
        result,
        // `then` as in emmett's given/when/then; nothing awaits this object, so being a "thenable" is harmless
        // oxlint-disable-next-line unicorn/no-thenable
        then: (expected: Expected): { readonly events: ReadonlyArray<PetitionEvent>; readonly after: PetitionState } => {
          if (Result.isFailure(result)) throw new Error(`expected ${expected.map((e) => e._tag).join(", ") || "no events"} but was refused: ${result.failure.message}`)
          expect(result.success.map((e) => e._tag)).toEqual(expected.map((e) => e._tag))
          expect(result.success).toMatchObject(expected)
          return { events: result.success, after: result.success.reduce(evolve, state) }
        },
        thenRefuses: (tag: PetitionRefusal["_tag"], fields: Partial<Record<string, unknown>> = {}): PetitionRefusal => {
          if (Result.isSuccess(result)) throw new Error(`expected refusal ${tag} but got ${result.success.map((e) => e._tag).join(", ") || "no events"}`)
          expect(result.failure).toMatchObject({ _tag: tag, petitionId: PID, ...fields })
          expect(result.failure.message).toBe(describeRefusal(result.failure, { directory }))
          return result.failure
        }
      }
    }
  }
}
