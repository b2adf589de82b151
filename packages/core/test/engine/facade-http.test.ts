import { describe, expect, it } from "vitest"
import type { MinyiCommand, MinyiError } from "../../src/index.js"
import { refuseOdourSubmit, sampleSubmit } from "./support.js"
import { createMinyi, httpStatusOf, Notifiers, rulePackPresets, sampleDirectory } from "../../src/index.js"

const directory = sampleDirectory()
const futian = rulePackPresets["futian-10-30-24"]
const submit = (petitionId: string, at: number) => refuseOdourSubmit(petitionId, new Date(at).toISOString())
/** A typed Submit without `at`, for the engine's clock to stamp. */
const unstamped = (petitionId: string): MinyiCommand => {
  const command = sampleSubmit(petitionId, 0)
  if (command._tag !== "Submit") throw new Error("sampleSubmit gives a Submit")
  const { at: _at, ...rest } = command
  return rest
}

// Checked by `pnpm typecheck`: each line below must fail to compile, or the check fails.
export const typeErrors = (minyi: ReturnType<typeof createMinyi>) => [
  // @ts-expect-error a misspelt tag
  minyi.handle({ _tag: "Acept", petitionId: "p", actor: { kind: "unit", id: "dept.urban-management" }, unit: "dept.urban-management", at: 1 }),
  // @ts-expect-error a misspelt field
  minyi.handle({ _tag: "Accept", petitionId: "p", actor: { kind: "unit", id: "dept.urban-management" }, unitt: "dept.urban-management" }),
  // @ts-expect-error a misspelt option
  createMinyi({ directory, rulePack: futian, schedular: true })
]

const rejection = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (e: unknown) => e)

describe("the facade's commands", () => {
  it("stamps a command without `at` with the engine's clock", async () => {
    const minyi = createMinyi({ directory, rulePack: futian, notifier: Notifiers.layerMemory })
    try {
      const before = Date.now()
      const handled = await minyi.handle(unstamped("p-now"))
      const after = Date.now()
      const at = handled.events[0]?.at ?? 0
      expect(at).toBeGreaterThanOrEqual(before)
      expect(at).toBeLessThanOrEqual(after)
    } finally {
      await minyi.dispose()
    }
  })

  it("keeps petitions pinned to the version in force when they arrived, given several versions", async () => {
    const v2 = { ...Object(futian), version: "2026.1", effectiveFrom: "2026-06-01T00:00:00+08:00" }
    const minyi = createMinyi({ directory, rulePacks: [futian, v2], notifier: Notifiers.layerMemory })
    try {
      await minyi.handle(submit("p-old", Date.parse("2026-03-02T09:00:00+08:00")))
      await minyi.handle(submit("p-new", Date.parse("2026-07-02T09:00:00+08:00")))
      expect((await minyi.state("p-old")).rulePack?.version).toBe("2022.1")
      expect((await minyi.state("p-new")).rulePack?.version).toBe("2026.1")
    } finally {
      await minyi.dispose()
    }
  })

  it("refuses a second version that is not newer, as publish does", () => {
    expect(() => createMinyi({ directory, rulePacks: [futian, futian] })).toThrow(expect.objectContaining({ _tag: "PublishRefused" }))
  })
})

describe("httpStatusOf", () => {
  it("answers 400, 403, 404, 409 for errors the facade really rejects with", async () => {
    const minyi = createMinyi({ directory, rulePack: futian, notifier: Notifiers.layerMemory })
    try {
      const at = Date.parse("2026-03-02T09:00:00+08:00")
      await minyi.handle(submit("p-1", at))
      const invalid = await rejection(minyi.handle({ _tag: "Submit", at: "not a date", petitionId: "p-2" }))
      const notFound = await rejection(minyi.state("nope"))
      const denied = await rejection(minyi.query({ person: "nobody" }, { limit: 10 }))
      const refused = await rejection(minyi.handle(submit("p-1", at + 1000)))
      expect([invalid, denied, notFound, refused].map(httpStatusOf)).toEqual([400, 403, 404, 409])
      expect([invalid, denied, notFound, refused].map((e) => Object(e)._tag)).toEqual(["InvalidInput", "AccessDenied", "PetitionNotFound", "AlreadySubmitted"])
    } finally {
      await minyi.dispose()
    }
  })

  it("gives every error tag a status, and 500 only to a deployment fault or a foreign error", () => {
    // Keyed by every tag: adding a tag to MinyiError without listing it here does not compile.
    const expected: { readonly [Tag in MinyiError["_tag"]]: "client" | "retry" | "deployment" } = {
      InvalidInput: "client", InvalidDuration: "client", RulePackInvalid: "client", PublishRefused: "client",
      UnknownUnit: "client", UnknownPerson: "client", UnknownReference: "client", UnknownWhistle: "client",
      WrongPetition: "client", ReasonRequired: "client", SelfReference: "client", DuplicateId: "client",
      AccessDenied: "client", EngineOnly: "client", ActorNotOfUnit: "client", PersonNotInUnit: "client", NotSupervisor: "client", NotAuthorised: "client",
      WhistleNotAllowed: "client", ProactiveNeedsStaff: "client", NotLead: "client", OnlyLeadMayResolve: "client",
      NotCoHandler: "client", NotFirstHandler: "client", NotAssigned: "client", UnitNotInvolved: "client",
      RatedByHandler: "client", AccusedUnitExcluded: "client", PetitionNotFound: "client", NotSubmitted: "client",
      AlreadySubmitted: "client", InvalidTransition: "client", PetitionClosed: "client", LeadCannotBeCoHandler: "client",
      ReviewWindowClosed: "client", DeliveryTimeImpossible: "client", ReviewWindowUnknown: "client", ChecklistIncomplete: "client", PartsOutstanding: "client",
      NotRated: "client", TierNotHigher: "client", DuplicateWhistle: "client", NotSummoned: "client",
      AlreadyReported: "client", SameLead: "client", BeforeLastEvent: "client", DeadlineNotAfter: "client",
      ExtensionRefused: "client", NoRulePack: "client", IdempotencyKeyReused: "client",
      RuleLoop: "deployment", UnknownCalendar: "deployment", CalendarYearUnknown: "deployment", StoreCorrupt: "deployment", HistoryTampered: "deployment",
      SchemaTooNew: "deployment", StoreUnavailable: "retry", TooMuchContention: "retry"
    }
    for (const [tag, kind] of Object.entries(expected)) {
      const status = httpStatusOf({ _tag: tag })
      const allowed = kind === "client" ? [400, 403, 404, 409] : kind === "retry" ? [503] : [500]
      expect({ tag, status, ok: allowed.includes(status) }).toEqual({ tag, status, ok: true })
    }
    expect(httpStatusOf({ _tag: "AccessDenied" })).toBe(403)
    expect(httpStatusOf({ _tag: "StoreUnavailable" })).toBe(503)
    expect(httpStatusOf(new Error("boom"))).toBe(500)
    expect(httpStatusOf({ _tag: "SomethingElse" })).toBe(500)
    expect(httpStatusOf(undefined)).toBe(500)
  })
})
