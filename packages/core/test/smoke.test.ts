import { Result, Schema } from "effect"
import { expect, it } from "vitest"
import { decodeInput, InstantFromString } from "../src/shared/index.js"

it("decodeInput names every problem with its JSON path", () => {
  const S = Schema.Struct({ at: InstantFromString, units: Schema.Array(Schema.Struct({ id: Schema.String })) })
  const r = decodeInput(S, "command")({ at: "2026-01-01 10:00", units: [{ id: 1 }], extra: true })
  expect(Result.isFailure(r)).toBe(true)
  if (Result.isFailure(r)) {
    expect(r.failure.problems.map((p) => p.path).sort()).toEqual(["/at", "/extra", "/units/0/id"])
    console.log(r.failure.message)
  }
  const ok = decodeInput(S, "command")({ at: "2026-01-01T10:00:00+08:00", units: [] })
  expect(ok).toEqual(Result.succeed({ at: Date.parse("2026-01-01T02:00:00Z"), units: [] }))
})
