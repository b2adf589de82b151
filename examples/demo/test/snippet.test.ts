import { readFileSync } from "node:fs"
import { expect, it } from "vitest"

it("the snippet in docs/domain.md is the one that compiles and runs here", async () => {
  const doc = readFileSync(new URL("../../../docs/domain.md", import.meta.url), "utf8")
  const block = /```ts\n([\s\S]*?)```/.exec(doc)?.[1]
  expect(block).toBe(readFileSync(new URL("../src/snippet.ts", import.meta.url), "utf8"))
  const snippet = await import("../src/snippet.js")
  expect(snippet.status).toBe("dispatched")
  expect(snippet.intact).toBe(true)
  expect(snippet.refusal).toContain("牵头单位")
})
