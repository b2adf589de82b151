import { execFileSync } from "node:child_process"
import { copyFileSync, mkdirSync, readdirSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { defineConfig, type Options } from "tsup"

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc")

/**
 * The JSON documents a module imports (`with { type: "json" }`) stay separate files next to the
 * module that imports them, as in src/: Node ≥ 20.19 and browser bundlers load them as they are,
 * and a preset's `$schema` keeps resolving relative to its own place in the package.
 */
const copyJson = (from: string, to: string): void => {
  for (const entry of readdirSync(from, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".json")) continue
    const source = join(entry.parentPath, entry.name)
    const target = join(to, source.slice(from.length))
    mkdirSync(dirname(target), { recursive: true })
    copyFileSync(source, target)
  }
}

/**
 * The build every published package shares (see docs/internals.md, "How a package is set up"):
 * each module of src/ becomes its own ESM file in dist/ (no bundling), so a bundler drops the
 * modules a portal does not import; declarations come from tsc per module (tsconfig.build.json
 * in the package), which is much faster than tsup's rolled-up .d.ts over many entries.
 */
export const packageBuild = (options: Options & { readonly afterBuild?: () => void } = {}) => {
  const { afterBuild, ...tsup } = options
  return defineConfig({
    entry: ["src/**/*.ts"],
    format: ["esm"],
    bundle: false,
    dts: false,
    clean: true,
    sourcemap: true,
    target: "node20.19",
    onSuccess: async () => {
      copyJson("src", "dist")
      execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { stdio: "inherit" })
      afterBuild?.()
    },
    ...tsup
  })
}
