/**
 * Every ```ts block in README.md and docs/*.md compiles against the workspace's packages, so
 * the examples readers copy keep up with the code. A block preceded by `<!-- not-compiled -->`
 * is a fragment and is skipped (use sparingly).
 */
import { execFileSync } from "node:child_process"
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { basename, dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..")
// Inside the workspace so that "@minyi/core" and "effect" resolve from test/node_modules.
const scratch = join(root, "test", "docs", ".snippets")

interface Snippet {
  readonly file: string
  readonly line: number
  readonly code: string
}

export const snippetsOf = (file: string, text: string): ReadonlyArray<Snippet> => {
  const lines = text.split("\n")
  const found: Array<Snippet> = []
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i] ?? "")) continue
    const end = lines.findIndex((l, j) => j > i && l.startsWith("```"))
    const stop = end === -1 ? lines.length : end
    const before = lines.slice(0, i).reverse().find((l) => l.trim() !== "")
    if (before?.trim() !== "<!-- not-compiled -->") {
      found.push({ file, line: i + 2, code: lines.slice(i + 1, stop).join("\n") })
    }
    i = stop
  }
  return found
}

const documents = (): ReadonlyArray<string> => [
  "README.md",
  ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => join("docs", f))
]

describe("code snippets in the docs", () => {
  it("finds blocks and skips fragments marked not-compiled", () => {
    const text = "a\n```ts\nconst a = 1\n```\n<!-- not-compiled -->\n\n```ts\nfragment(\n```\n```sh\nls\n```\n"
    expect(snippetsOf("x.md", text)).toEqual([{ file: "x.md", line: 3, code: "const a = 1" }])
  })

  it("compile with tsc (and a broken one would be reported)", () => {
    const snippets = documents().flatMap((doc) => snippetsOf(doc, readFileSync(join(root, doc), "utf8")))
    expect(snippets.length).toBeGreaterThan(0)
    rmSync(scratch, { recursive: true, force: true })
    mkdirSync(scratch, { recursive: true })
    try {
      const names = new Map<string, Snippet>()
      // A broken snippet in the same run proves the check reports errors rather than passing blindly.
      const all = [...snippets, { file: "canary.md", line: 1, code: "export const n: number = \"not a number\"" }]
      all.forEach((s, n) => {
        const name = `${s.file.replace(/[^a-z0-9]+/gi, "-")}-${n}.ts`
        names.set(name, s)
        // `export {}` makes each snippet a module, so two snippets' names never collide.
        writeFileSync(join(scratch, name), `${s.code}\nexport {}\n`)
      })
      writeFileSync(
        join(scratch, "tsconfig.json"),
        JSON.stringify({ extends: "../../../tsconfig.base.json", compilerOptions: { noEmit: true, declaration: false }, include: ["*.ts"] })
      )
      const output = (() => {
        try {
          return execFileSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", scratch, "--pretty", "false"], { encoding: "utf8" })
        } catch (error) {
          return String(Object(error).stdout ?? error)
        }
      })()
      // Each diagnostic, pointed back at the document and line it came from.
      const problems = output.split("\n").filter((l) => /error TS/.test(l)).map((l) => {
        const match = /^([^(]+)\((\d+),\d+\): (.*)$/.exec(l)
        const snippet = names.get(basename(match?.[1] ?? ""))
        return snippet === undefined ? l : `${snippet.file}:${snippet.line + Number(match?.[2] ?? 1) - 1}: ${match?.[3]}`
      })
      expect(problems.filter((p) => !p.startsWith("canary.md"))).toEqual([])
      // Only checked once the others pass: a syntax error anywhere stops tsc before its type errors.
      expect(problems.filter((p) => p.startsWith("canary.md"))).toHaveLength(1)
    } finally {
      rmSync(scratch, { recursive: true, force: true })
    }
  }, 300_000)
})
