import { defineConfig } from "vitest/config"

// Tests run against package sources through the "@minyi/source" export condition,
// so `pnpm test` needs no build step.
export default defineConfig({
  resolve: { conditions: ["@minyi/source"] },
  ssr: { resolve: { conditions: ["@minyi/source"] } },
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts", "examples/*/test/**/*.test.ts"],
    benchmark: { include: ["packages/*/bench/**/*.bench.ts", "test/bench/**/*.bench.ts"] },
    testTimeout: 30_000,
    hookTimeout: 60_000
  }
})
