import { describe, expect, it } from "vitest"
import { commandLabels, eventLabels, PetitionCommand, PetitionEvent, Rating, ratingLabels, statusLabels } from "../../src/petition/index.js"

const chinese = /[\u4e00-\u9fff]/
const statuses = ["received", "dispatched", "in_progress", "suspended", "resolved", "closed", "declined", "merged"] as const

describe("labels for staff: Chinese first, English alongside", () => {
  it("every status, event, command and rating has a Chinese and an English label", () => {
    const all = [
      ...statuses.map((s) => [s, statusLabels[s]] as const),
      ...Object.keys(PetitionEvent.cases).map((t) => [t, eventLabels[t as keyof typeof eventLabels]] as const),
      ...Object.keys(PetitionCommand.cases).map((t) => [t, commandLabels[t as keyof typeof commandLabels]] as const),
      ...Rating.literals.map((r) => [r, ratingLabels[r]] as const)
    ]
    for (const [key, label] of all) {
      expect(label?.zh, key).toMatch(chinese)
      expect(label?.en, key).toMatch(/^[A-Za-z][A-Za-z -]*$/)
    }
  })
  it("reads a rating out as a clerk would", () => {
    expect(ratingLabels.basically_satisfied).toEqual({ zh: "基本满意", en: "basically satisfied" })
    expect(ratingLabels.unsatisfied.zh).toBe("不满意")
  })
})
