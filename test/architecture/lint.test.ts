// The architecture's rules are checked by a machine (`pnpm lint`, run by .ci/run). This test proves
// the checks bite: probes that break each rule are linted with the project's own configuration, in a
// scratch tree laid out like the workspace, and each must be reported — and the same code outside
// the core must not be.
import { execFileSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..")
const scratch = mkdtempSync(join(tmpdir(), "minyi-lint-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const config = JSON.parse(readFileSync(join(root, ".oxlintrc.json"), "utf8"))
delete config.$schema
config.jsPlugins = [join(root, "scripts/lint/minyi-plugin.mjs")]
writeFileSync(join(scratch, ".oxlintrc.json"), JSON.stringify(config))

const put = (path: string, text: string) => {
  mkdirSync(dirname(join(scratch, path)), { recursive: true })
  writeFileSync(join(scratch, path), text)
}

/** `file:line rule` for every problem oxlint reports in the scratch tree. */
const lint = (): Array<string> => {
  let out: string
  try {
    out = execFileSync(join(root, "node_modules/.bin/oxlint"), ["-c", ".oxlintrc.json", "-f", "unix", "."], {
      cwd: scratch,
      encoding: "utf8"
    })
  } catch (error) {
    // oxlint exits 1 when it finds problems; its report is still on stdout
    out = String((error as { stdout?: unknown }).stdout ?? "")
  }
  return out
    .split("\n")
    .map((line) => /^(?:\.\/)?(.+?):(\d+):\d+: .*\[Error\/(.+)\]$/.exec(line))
    .flatMap((m) => (m ? [`${m[1]}:${m[2]} ${m[3]}`] : []))
}

const clockProbe = [
  "export const a = () => Date.now()",
  "export const b = () => new Date()",
  "export const c = (ms: number) => new Date(ms)",
  "export const d = () => setTimeout(() => 1, 5)",
  "export const e = () => process.env",
  ""
].join("\n")

describe("pnpm lint", () => {
  put("packages/core/src/probe.ts", `import { readFileSync } from "node:fs"\nimport { make } from "@minyi/store-sqlite"\n${clockProbe}export { readFileSync, make }\n`)
  put("packages/store-sqlite/src/probe.ts", clockProbe)
  put("packages/cli/src/any.ts", "export const f = (x: any) => x\n")
  put("packages/cli/src/a.ts", 'import { b } from "./b.js"\nexport const a = () => b()\n')
  put("packages/cli/src/b.ts", 'import { a } from "./a.js"\nexport const b = (): number => (a ? 1 : 0)\n')
  const found = lint()

  it("refuses wall-clock reads in the core, and only the argument-less forms", () => {
    expect(found).toContain("packages/core/src/probe.ts:3 minyi(no-wall-clock)")
    expect(found).toContain("packages/core/src/probe.ts:4 minyi(no-wall-clock)")
    expect(found.filter((f) => f.startsWith("packages/core/src/probe.ts:5 "))).toEqual([])
  })
  it("refuses Node built-ins, other minyi packages, timers and process in the core", () => {
    expect(found).toContain("packages/core/src/probe.ts:1 eslint(no-restricted-imports)")
    expect(found).toContain("packages/core/src/probe.ts:2 eslint(no-restricted-imports)")
    expect(found).toContain("packages/core/src/probe.ts:6 eslint(no-restricted-globals)")
    expect(found).toContain("packages/core/src/probe.ts:7 eslint(no-restricted-globals)")
  })
  it("lets adapters read the clock and schedule", () => {
    expect(found.filter((f) => f.startsWith("packages/store-sqlite/"))).toEqual([])
  })
  it("refuses explicit any and import cycles everywhere", () => {
    expect(found).toContain("packages/cli/src/any.ts:1 typescript(no-explicit-any)")
    expect(found.some((f) => f.startsWith("packages/cli/src/a.ts:1 import(no-cycle)"))).toBe(true)
  })
})

describe("the core's type-check", () => {
  it("has no Node types: Buffer and process do not type-check there", () => {
    put("core-types/tsconfig.json", JSON.stringify({ extends: join(root, "packages/core/tsconfig.json"), include: ["probe.ts"] }))
    put("core-types/probe.ts", "export const x = Buffer.from(process.argv.join())\n")
    let out = ""
    try {
      execFileSync(join(root, "node_modules/.bin/tsc"), ["-p", join(scratch, "core-types/tsconfig.json")], { encoding: "utf8" })
    } catch (error) {
      out = String((error as { stdout?: unknown }).stdout ?? "")
    }
    expect(out).toContain("Cannot find name 'Buffer'")
    expect(out).toContain("Cannot find name 'process'")
  })
})
