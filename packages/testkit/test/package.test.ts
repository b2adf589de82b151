import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"

const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as Record<string, Record<string, string> | undefined>

describe("@minyi/testkit package", () => {
  it("takes vitest from the adapter's own project (a peer), so the suite registers its tests with the vitest that runs them", () => {
    expect(manifest.peerDependencies?.vitest).toMatch(/^\^4\./)
    expect(manifest.dependencies?.vitest).toBeUndefined()
  })
})
