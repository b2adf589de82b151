#!/usr/bin/env node
// The browser bundle a portal gets from @minyi/core's built output (dist/, not the sources):
// esbuild, minified, ESM, platform browser, then gzip level 9. Build first (`pnpm bundle-size`
// does). Each entry is what a portal page would write; `globalThis.*` stands for its inputs so
// that esbuild cannot fold the calls away.
import { gzipSync } from "node:zlib"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"

// Resolve "@minyi/core" the way an installed dependant does: through a package that depends on
// it (the CLI), with esbuild's default browser conditions — never "@minyi/source".
const resolveDir = fileURLToPath(new URL("../packages/cli", import.meta.url))

// A concept's namespace on the root (`Petition.maskPhone`) is one object holding the whole concept,
// so a bundler keeps all of it; the concept's subpath (`@minyi/core/petition`) lets it drop what an
// entry does not reach. Both are measured so the difference stays visible.
const entries = {
  "maskPhone (root namespace)": `import { Petition } from "@minyi/core"
console.log(Petition.maskPhone(globalThis.phone))`,
  "maskPhone (subpath)": `import { maskPhone } from "@minyi/core/petition"
console.log(maskPhone(globalThis.phone))`,
  "loadRulePack + calendar add": `import { Result } from "effect"
import { loadRulePack, parseInstant } from "@minyi/core"
import { parseDuration, presetCalendar } from "@minyi/core/calendar"
const pack = loadRulePack(JSON.parse(globalThis.packText))
const china = presetCalendar("china")
const due = china.add(parseInstant(globalThis.at), Result.getOrThrow(parseDuration("P15D")))
console.log(Result.isSuccess(pack), due)`
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`
const rows = []
for (const [name, contents] of Object.entries(entries)) {
  const result = await build({
    stdin: { contents, resolveDir, sourcefile: "entry.js", loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "error"
  })
  const code = result.outputFiles[0].contents
  rows.push({ name, minified: code.length, gzipped: gzipSync(code, { level: 9 }).length })
}
console.log("| entry | minified | minified + gzip |")
console.log("|---|---|---|")
for (const r of rows) console.log(`| ${r.name} | ${kb(r.minified)} | ${kb(r.gzipped)} |`)
if (process.argv.includes("--json")) console.log(JSON.stringify(rows))
