import { readFileSync } from "node:fs"
import { resolve } from "node:path"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { decodeInput } from "../../src/index.js"
import { CalendarSpec } from "../../src/calendar/index.js"
import { ClockPolicy } from "../../src/clocks/index.js"

const doc = readFileSync(resolve(__dirname, "../../../../docs/calendars-and-clocks.md"), "utf8")
const jsonBlocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!)

describe("docs/calendars-and-clocks.md", () => {
  it("its complete clock policy example is valid", () => {
    const example = jsonBlocks.find((b) => b.includes('"name": "handling"'))
    expect(example).toBeDefined()
    const r = decodeInput(ClockPolicy, "clock policy")(JSON.parse(example!))
    expect(Result.isSuccess(r) ? "valid" : r.failure.message).toBe("valid")
  })

  it("its calendar example is valid", () => {
    const example = jsonBlocks.find((b) => b.includes('"makeUpDayHours"'))
    const r = decodeInput(CalendarSpec, "calendar")(JSON.parse(example!))
    expect(Result.isSuccess(r) ? "valid" : r.failure.message).toBe("valid")
  })
})
