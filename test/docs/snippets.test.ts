/**
 * Every ```ts block in README.md and docs/*.md compiles against the workspace's packages, so
 * the examples readers copy keep up with the code. There is no way to skip one. A fragment that
 * uses names it does not define (a `directory` the page set up earlier, a harness's fields) gets
 * them from a hidden preamble: an HTML comment just above the block, which a rendered page does
 * not show,
 *
 *     <!-- snippet-context
 *     import type { Directory } from "@minyi/core"
 *     declare const directory: Directory.Directory
 *     -->
 *
 * (or on one line: `<!-- snippet-context: declare const at: number -->`). Its text is put before
 * the block's and compiled with it; an error in either is reported at its line in the document.
 * A module the block imports by a relative path (`import { layer } from "./my-store.js"`) is
 * written in the preamble after a line `// file: my-store.ts`; what follows it, up to the next
 * such line, is that file.
 */
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { basename, dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..")
// Inside the workspace so that "@minyi/core" and "effect" resolve from test/node_modules.
const scratch = join(root, "test", "docs", ".snippets")

interface Snippet {
  readonly file: string
  /** The document's line of the block's first line of code. */
  readonly line: number
  readonly code: string
  /** The hidden preamble, and the document's line of its first line. */
  readonly context?: { readonly line: number; readonly code: string }
}

/** A marker from before this page's mechanism: it now makes the block fail rather than be skipped. */
const retiredMarker = "<!-- not-compiled -->"

/** The preamble a block's `<!-- snippet-context … -->` comment gives, if the comment ends just above it. */
const contextAbove = (lines: ReadonlyArray<string>, fence: number): Snippet["context"] => {
  let close = fence - 1
  while (close >= 0 && lines[close]!.trim() === "") close--
  if (close < 0 || !lines[close]!.trim().endsWith("-->")) return undefined
  let open = close
  while (open >= 0 && !lines[open]!.trim().startsWith("<!--")) open--
  const opening = /^\s*<!--\s*snippet-context:?(.*)$/.exec(lines[open] ?? "")
  if (opening === null) return undefined
  if (open === close) return { line: open + 1, code: opening[1]!.replace(/-->\s*$/, "").trim() }
  return { line: open + 2, code: lines.slice(open + 1, close).join("\n") + (lines[close]!.trim() === "-->" ? "" : `\n${lines[close]!.replace(/-->\s*$/, "")}`) }
}

export const snippetsOf = (file: string, text: string): ReadonlyArray<Snippet> => {
  const lines = text.split("\n")
  const found: Array<Snippet> = []
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i] ?? "")) continue
    const end = lines.findIndex((l, j) => j > i && l.startsWith("```"))
    const stop = end === -1 ? lines.length : end
    const context = contextAbove(lines, i)
    const code = lines.slice(i + 1, stop).join("\n")
    const before = lines.slice(0, i).reverse().find((l) => l.trim() !== "")
    // A retired marker compiles as an error at the block, so that no page keeps one by accident.
    const marked = before?.trim() === retiredMarker ? `${code}\nconst _: "${retiredMarker} is retired: give the block a snippet-context" = 0` : code
    found.push({ file, line: i + 2, code: marked, ...(context === undefined ? {} : { context }) })
    i = stop
  }
  return found
}

/** The preamble put before the block, and the sibling files its `// file: name.ts` lines start. */
export const splitContext = (code: string): { readonly preamble: string; readonly files: ReadonlyArray<readonly [string, string]> } => {
  const [preamble = "", ...rest] = code.split(/^\/\/ file: (\S+)\s*$/m)
  const files: Array<readonly [string, string]> = []
  for (let i = 0; i + 1 < rest.length; i += 2) files.push([rest[i]!, rest[i + 1]!.replace(/^\n/, "")])
  return { preamble, files }
}

const documents = (): ReadonlyArray<string> => [
  "README.md",
  ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => join("docs", f)),
  // The packages' READMEs are what npm shows a portal developer.
  ...readdirSync(join(root, "packages")).map((p) => join("packages", p, "README.md")).filter((f) => existsSync(join(root, f)))
]

describe("code snippets in the docs", () => {
  it("finds every ts block, with the preamble of a snippet-context comment above it", () => {
    const text = [
      "a", "```ts", "const a = 1", "```",
      "<!-- snippet-context", "declare const b: number", "-->", "", "```ts", "b + 1", "```",
      "<!-- snippet-context: declare const c: string -->", "```typescript", "c.length", "```",
      "<!-- an ordinary comment -->", "```ts", "const d = 2", "```",
      "```sh", "ls", "```"
    ].join("\n")
    expect(snippetsOf("x.md", text)).toEqual([
      { file: "x.md", line: 3, code: "const a = 1" },
      { file: "x.md", line: 10, code: "b + 1", context: { line: 6, code: "declare const b: number" } },
      { file: "x.md", line: 14, code: "c.length", context: { line: 12, code: "declare const c: string" } },
      { file: "x.md", line: 18, code: "const d = 2" }
    ])
  })

  it("splits a preamble from the sibling files it writes", () => {
    expect(splitContext("declare const a: number\n// file: my-store.ts\nexport const layer = 1\n")).toEqual({
      preamble: "declare const a: number\n",
      files: [["my-store.ts", "export const layer = 1\n"]]
    })
    expect(splitContext("declare const a: number")).toEqual({ preamble: "declare const a: number", files: [] })
  })

  it("compiles a block marked with the retired not-compiled comment, with an error that says so", () => {
    const [marked] = snippetsOf("x.md", `${retiredMarker}\n\`\`\`ts\nfragment(\n\`\`\`\n`)
    expect(marked?.code).toContain("is retired: give the block a snippet-context")
  })

  it("compile with tsc (and a broken one would be reported)", () => {
    const snippets = documents().flatMap((doc) => snippetsOf(doc, readFileSync(join(root, doc), "utf8")))
    expect(snippets.length).toBeGreaterThan(0)
    rmSync(scratch, { recursive: true, force: true })
    mkdirSync(scratch, { recursive: true })
    try {
      const names = new Map<string, Snippet>()
      // Broken snippets in the same run prove the check reports errors, in the block and in its preamble.
      const canaries: ReadonlyArray<Snippet> = [
        { file: "canary.md", line: 1, code: "export const n: number = \"not a number\"" },
        { file: "canary-context.md", line: 5, code: "export const m = k + 1", context: { line: 2, code: "declare const k: number\nconst bad: string = 1" } }
      ]
      const all = [...snippets, ...canaries]
      const siblings = new Map<string, string>()
      all.forEach((s, n) => {
        const name = `${s.file.replace(/[^a-z0-9]+/gi, "-")}-${n}.ts`
        names.set(name, s)
        const { preamble, files } = splitContext(s.context?.code ?? "")
        for (const [file, text] of files) {
          // Siblings share the folder: two blocks may name one file only with the same text.
          expect(siblings.get(file) ?? text, `${s.file}:${s.line}: two different "// file: ${file}"`).toBe(text)
          siblings.set(file, text)
          writeFileSync(join(scratch, file), text)
        }
        // `export {}` makes each snippet a module, so two snippets' names never collide.
        writeFileSync(join(scratch, name), `${s.context === undefined ? "" : `${preamble}\n`}${s.code}\nexport {}\n`)
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
      // Each diagnostic, pointed back at the document and line it came from (preamble or block).
      const problems = output.split("\n").filter((l) => /error TS/.test(l)).map((l) => {
        const match = /^([^(]+)\((\d+),\d+\): (.*)$/.exec(l)
        const snippet = names.get(basename(match?.[1] ?? ""))
        if (snippet === undefined) return l
        const at = Number(match?.[2] ?? 1)
        const hidden = snippet.context === undefined ? 0 : splitContext(snippet.context.code).preamble.split("\n").length
        const line = at <= hidden ? `${snippet.context!.line + at - 1} (snippet-context)` : `${snippet.line + at - hidden - 1}`
        return `${snippet.file}:${line}: ${match?.[3]}`
      })
      expect(problems.filter((p) => !p.startsWith("canary"))).toEqual([])
      // Only checked once the others pass: a syntax error anywhere stops tsc before its type errors.
      expect(problems.filter((p) => p.startsWith("canary")).sort()).toEqual([
        expect.stringMatching(/^canary-context\.md:3 \(snippet-context\): error TS2322/),
        expect.stringMatching(/^canary\.md:1: error TS2322/)
      ])
    } finally {
      rmSync(scratch, { recursive: true, force: true })
    }
  }, 300_000)
})
