import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const here = dirname(fileURLToPath(import.meta.url))

describe("docs/adapters.md", () => {
  it("shows the adapter snippet exactly as it is compiled and run in adapter-snippet.test.ts", () => {
    const doc = readFileSync(join(here, "..", "..", "..", "docs", "adapters.md"), "utf8")
    const match = /<!-- snippet: adapter-snippet\.test\.ts -->\n```ts\n([\s\S]*?)```/.exec(doc)
    expect(match?.[1]).toBe(readFileSync(join(here, "adapter-snippet.test.ts"), "utf8"))
  })
})
