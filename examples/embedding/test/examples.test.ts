import { Effect } from "effect"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { expect, it } from "vitest"
import { effectExample } from "../src/effect.js"
import { promiseExample } from "../src/promise.js"

const doc = readFileSync(new URL("../../../docs/engine.md", import.meta.url), "utf8")
const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1])

it("docs/engine.md shows exactly the example files that compile and run here", () => {
  expect(blocks).toContain(readFileSync(new URL("../src/promise.ts", import.meta.url), "utf8"))
  expect(blocks).toContain(readFileSync(new URL("../src/effect.ts", import.meta.url), "utf8"))
})

it("the Promise example routes on receipt and escalates an overdue feedback clock (SQLite)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "minyi-embed-"))
  try {
    expect(await promiseExample(join(dir, "minyi.sqlite"))).toEqual({ lead: "dept.urban-management", fired: ["feedback-overdue"] })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

it("the Effect example gets a typed refusal and a scoped view", async () => {
  const out = await Effect.runPromise(effectExample)
  expect(out.refusal).toBe("NotAuthorised")
  expect(out.message).toContain("牵头单位")
  expect(out.visible).toEqual(["FT-2026-0002"])
})
