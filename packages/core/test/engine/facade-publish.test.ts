// Publishing a pack version on a running facade: the walkthrough's change of the 10-minute
// feedback clock to 15 minutes, made while petitions are open under the old version.
import { describe, expect, it } from "vitest"
import { createMinyi, Notifiers, rulePackPresets, sampleDirectory } from "../../src/index.js"
import { refuseOdourSubmit } from "./support.js"

const directory = sampleDirectory()
const futian = rulePackPresets["futian-10-30-24"]
const at = (iso: string) => Date.parse(iso)
const submit = (petitionId: string, iso: string) => refuseOdourSubmit(petitionId, iso)
const rejection = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (e: unknown) => e)

/** The futian pack with the feedback clock at `limit`, as a new version in force from `effectiveFrom`. */
const withFeedback = (version: string, effectiveFrom: string, limit: string): unknown => {
  const source: { readonly clocks: ReadonlyArray<{ readonly name: string }> } = Object(futian)
  return {
    ...source,
    version,
    effectiveFrom,
    clocks: source.clocks.map((clock) => (clock.name === "feedback" ? { ...clock, limit } : clock))
  }
}

const feedbackState = async (minyi: ReturnType<typeof createMinyi>, petitionId: string, iso: string) =>
  (await minyi.clocks(petitionId, at(iso))).clocks.find((c) => c.name === "feedback")?.state

describe("publishing a pack version on a running facade", () => {
  it("applies the new version to petitions received from its effectiveFrom on, and keeps the others pinned", async () => {
    const minyi = createMinyi({ directory, rulePack: futian, notifier: Notifiers.layerMemory })
    try {
      await minyi.handle(submit("p-before", "2026-03-02T09:00:00+08:00"))
      const published = await minyi.publish(withFeedback("2026.2", "2026-03-02T10:00:00+08:00", "PT15M"))
      expect(published.versions.map((v) => v.version)).toEqual(["2022.1", "2026.2"])
      // Received after the publish but before the new version takes effect: still the old one.
      await minyi.handle(submit("p-between", "2026-03-02T09:30:00+08:00"))
      await minyi.handle(submit("p-after", "2026-03-02T10:30:00+08:00"))

      expect((await minyi.state("p-before")).rulePack?.version).toBe("2022.1")
      expect((await minyi.state("p-between")).rulePack?.version).toBe("2022.1")
      expect((await minyi.state("p-after")).rulePack?.version).toBe("2026.2")
      // Twelve minutes after receipt: the old 10-minute clock has run out, the new 15-minute one has not.
      expect(await feedbackState(minyi, "p-before", "2026-03-02T09:12:00+08:00")).toBe("breached")
      expect(await feedbackState(minyi, "p-between", "2026-03-02T09:42:00+08:00")).toBe("breached")
      expect(await feedbackState(minyi, "p-after", "2026-03-02T10:42:00+08:00")).toBe("running")
      expect(await feedbackState(minyi, "p-after", "2026-03-02T10:46:00+08:00")).toBe("breached")
    } finally {
      await minyi.dispose()
    }
  })

  it("keeps a pinned petition on its version through later commands and timers", async () => {
    const minyi = createMinyi({ directory, rulePack: futian, notifier: Notifiers.layerMemory })
    try {
      await minyi.handle(submit("p-old", "2026-03-02T09:00:00+08:00"))
      await minyi.publish(withFeedback("2026.2", "2026-03-02T09:01:00+08:00", "PT15M"))
      const tick = await minyi.tick(at("2026-03-02T09:11:00+08:00"))
      expect(tick.fired).toBeGreaterThan(0)
      const history = await minyi.history("p-old")
      expect(history.filter((e) => e._tag === "ClockBreached").map((e) => e._tag === "ClockBreached" && e.clock)).toContain("feedback")
      expect((await minyi.state("p-old")).rulePack?.version).toBe("2022.1")
    } finally {
      await minyi.dispose()
    }
  })

  it("refuses a version that is not newer and changes nothing", async () => {
    const minyi = createMinyi({ directory, rulePack: futian, notifier: Notifiers.layerMemory })
    try {
      const again = await rejection(minyi.publish(futian))
      expect(again).toMatchObject({ _tag: "PublishRefused", reason: "duplicate-version" })
      const older = await rejection(minyi.publish(withFeedback("2021.9", "2021-01-01T00:00:00+08:00", "PT15M")))
      expect(older).toMatchObject({ _tag: "PublishRefused", reason: "retroactive" })
      expect((await minyi.rulePacks()).versions.map((v) => v.version)).toEqual(["2022.1"])
    } finally {
      await minyi.dispose()
    }
  })

  it("rejects an invalid pack with the JSON path of what is wrong", async () => {
    const minyi = createMinyi({ directory, rulePack: futian, notifier: Notifiers.layerMemory })
    try {
      const invalid = await rejection(minyi.publish(withFeedback("2026.2", "2026-03-02T10:00:00+08:00", "fifteen minutes")))
      expect(invalid).toMatchObject({ _tag: "RulePackInvalid" })
      const paths = Object(invalid).problems.map((p: { readonly path: string }) => p.path)
      expect(paths.some((p: string) => p.startsWith("/clocks/0/limit"))).toBe(true)
      expect((await minyi.rulePacks()).versions).toHaveLength(1)
    } finally {
      await minyi.dispose()
    }
  })

  it("publishes the first version on an engine created without one", async () => {
    const minyi = createMinyi({ directory, notifier: Notifiers.layerMemory })
    try {
      const refused = await rejection(minyi.handle(submit("p-1", "2026-03-02T09:00:00+08:00")))
      expect(refused).toMatchObject({ _tag: "NoRulePack" })
      await minyi.publish("futian-10-30-24")
      await minyi.handle(submit("p-1", "2026-03-02T09:00:00+08:00"))
      expect((await minyi.state("p-1")).rulePack?.version).toBe("2022.1")
    } finally {
      await minyi.dispose()
    }
  })
})
