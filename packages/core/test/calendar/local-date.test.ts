import { Result, Schema } from "effect"
import { DateTime } from "luxon"
import { describe, expect, it } from "vitest"
import { LocalDate } from "../../src/calendar/spec.js"
import { decodeInput } from "../../src/shared/validation.js"

const decode = decodeInput(Schema.Struct({ date: LocalDate }), "calendar")

describe("LocalDate", () => {
  it("refuses dates that do not exist instead of rolling them over, naming the field", () => {
    for (const date of ["2026-02-30", "2025-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00", "2026-1-1", "2026-01-01T00:00"]) {
      const r = decode({ date })
      if (Result.isSuccess(r)) throw new Error(`${date} was accepted`)
      expect(r.failure.problems.map((p) => p.path), date).toEqual(["/date"])
      expect(r.failure.problems[0]?.message).toContain("不是存在的日期")
    }
  })
  it("takes real dates, leap days included", () => {
    for (const date of ["2024-02-29", "2000-02-29", "2026-12-31", "2026-04-30"]) expect(Result.isSuccess(decode({ date })), date).toBe(true)
  })
  it("luxon refuses an impossible date but rolls T24:00 into the next day, so instants are not parsed with it", () => {
    expect(DateTime.fromISO("2026-02-30", { zone: "UTC" }).isValid).toBe(false)
    expect(DateTime.fromISO("2026-01-01T24:00", { zone: "UTC" }).toISODate()).toBe("2026-01-02")
  })
})
