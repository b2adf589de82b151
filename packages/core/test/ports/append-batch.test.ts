// decodeAppendBatch checks well-formed read-model rows with a plain loop and leaves every other
// batch to the schema: it must accept and refuse exactly what the schema does, with the same problems.
import { Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { AppendBatch } from "../../src/ports/model.js"
import { decodeAppendBatch } from "../../src/ports/retry.js"
import { decodeInput } from "../../src/shared/validation.js"

const bySchema = decodeInput(AppendBatch, "append batch")

const row = { scope: "all", kind: "received", dim: "channel", key: "channel.hotline", periodDay: 20_514, asOfDay: 20_514, value: 1 }
const batch = (metrics: ReadonlyArray<unknown>) => ({
  streamId: "P-1",
  expectedVersion: 0,
  events: [],
  outbox: [],
  timers: { schedule: [], cancel: [] },
  metrics
})

/** A field value that is right, or one of the ways it can be wrong. */
const anyValue = fc.oneof(
  fc.string(),
  fc.constant(""),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60, -0, null, undefined, true, {}, [])
)
const maybeRow = fc.oneof(
  fc.constant(row),
  fc.record({ scope: anyValue, kind: anyValue, dim: anyValue, key: anyValue, periodDay: anyValue, asOfDay: anyValue, value: anyValue }),
  fc.record({ scope: anyValue, kind: anyValue, value: anyValue }, { requiredKeys: [] }),
  fc.constantFrom(null, "row", 7, { ...row, extra: "refused" }, Object.assign(Object.create({ value: 1 }), { ...row, value: undefined }))
)

describe("decodeAppendBatch", () => {
  it("answers as the schema does, for rows right and wrong", () => {
    fc.assert(
      fc.property(fc.array(maybeRow, { maxLength: 4 }), (rows) => {
        expect(decodeAppendBatch(batch(rows))).toEqual(bySchema(batch(rows)))
      }),
      { numRuns: 400 }
    )
  })

  it("names a bad row's field by its path", () => {
    const decoded = decodeAppendBatch(batch([row, { ...row, periodDay: 1.5 }]))
    expect(Result.isFailure(decoded) && decoded.failure.problems.map((p) => p.path)).toEqual(["/metrics/1/periodDay"])
  })

  it("refuses a row with a field the schema does not know, as the schema does", () => {
    const decoded = decodeAppendBatch(batch([{ ...row, extra: "x" }]))
    expect(Result.isFailure(decoded) && decoded.failure.problems.map((p) => p.path)).toEqual(["/metrics/0/extra"])
  })

  it("decodes a batch without rows, and refuses a batch that is not one", () => {
    expect(Result.isSuccess(decodeAppendBatch({ ...batch([]), metrics: undefined }))).toBe(Result.isSuccess(bySchema({ ...batch([]), metrics: undefined })))
    expect(decodeAppendBatch("batch")).toEqual(bySchema("batch"))
    expect(decodeAppendBatch({ ...batch([row]), streamId: "" })).toEqual(bySchema({ ...batch([row]), streamId: "" }))
  })

  it("refuses a head that does not end where the batch ends, naming /head/version, with rows or without", () => {
    const event = (version: number) => ({ eventId: `P-1@${version}`, type: "Submitted", at: 0, data: {} })
    const { metrics: _, ...withoutRows } = batch([])
    const headed = (rows: ReadonlyArray<unknown> | undefined, version: number) => ({
      ...(rows === undefined ? withoutRows : batch(rows)),
      expectedVersion: 2,
      events: [event(3), event(4)],
      head: { version, hash: "h4", seal: null }
    })
    for (const rows of [[row], undefined]) {
      expect(Result.isSuccess(decodeAppendBatch(headed(rows, 4)))).toBe(true)
      const wrong = decodeAppendBatch(headed(rows, 3))
      expect(Result.isFailure(wrong) && wrong.failure.problems).toEqual([
        { path: "/head/version", message: "链头版本应为 4（expectedVersion 加本批事件数），实为 3 (Expected 4 (expectedVersion + events), got 3)" }
      ])
    }
  })
})
