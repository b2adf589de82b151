/**
 * The commands in docs/cli.md and docs/walkthrough-rule-editing.md, run as written: a page that
 * shows a command the CLI no longer takes fails here.
 */
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { describe, expect, it } from "vitest"
import { emptyRegistry, loadDirectory, loadRulePack, publish, rulePackPresets, Rules } from "@minyi/core"
import { Result } from "effect"
import { pickLang, runCli } from "../src/index.js"

const root = resolve(import.meta.dirname, "../../..")
const page = (name: string) => readFileSync(join(root, "docs", name), "utf8")

interface Block {
  readonly lang: string
  readonly lines: ReadonlyArray<string>
  /** The file a "File `name`:" line just above names. */
  readonly file?: string
}

const blocks = (markdown: string): Array<Block> => {
  const out: Array<Block> = []
  const lines = markdown.split("\n")
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)$/.exec(lines[i]!)
    if (open === null) continue
    const end = lines.indexOf("```", i + 1)
    const named = /^File `([^`]+)`:$/.exec(lines[i - 2] ?? "")
    out.push({ lang: open[1]!, lines: lines.slice(i + 1, end), ...(named === null ? {} : { file: named[1]! }) })
    i = end
  }
  return out
}

/** A sandbox where the repository's `examples` and `packages` are where the docs expect them. */
const sandbox = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "minyi-docs-"))
  for (const d of ["examples", "packages"]) symlinkSync(join(root, d), join(dir, d))
  return dir
}

/** Runs one `minyi …` line (optionally `> file`, optionally `# exit N`); returns the exit code and output. */
const runLine = async (cwd: string, line: string) => {
  const expected = Number(/#\s*exit (\d)/.exec(line)?.[1] ?? 0)
  const [command, redirect] = line.replace(/#.*$/, "").trim().split(/\s+>\s+/)
  const [lang, args] = pickLang(command!.split(/\s+/).slice(1), {})
  const out: Array<string> = []
  const err: Array<string> = []
  const code = await runCli(args, { lang, out: (l) => out.push(l), err: (l) => err.push(l), readText: (p) => readFile(p, "utf8"), cwd })
  if (redirect !== undefined) writeFileSync(join(cwd, redirect), out.join("\n"))
  return { code, expected, out, err }
}

const commands = (b: Block) => b.lines.filter((l) => l.startsWith("minyi "))

describe("docs/cli.md", () => {
  it("every example runs and exits as the page says", async () => {
    const cwd = sandbox()
    const all = blocks(page("cli.md"))
    for (const b of all) if (b.file !== undefined) writeFileSync(join(cwd, b.file), b.lines.join("\n"))
    const lines = all.filter((b) => b.lang === "sh").flatMap(commands)
    expect(lines.length).toBeGreaterThan(15)
    // What later examples read comes first: the generated database and the pack written by init.
    const first = (l: string) => (/^minyi (generate|rules init)/.test(l) ? 0 : 1)
    for (const line of [...lines].sort((a, b) => first(a) - first(b))) {
      const r = await runLine(cwd, line)
      expect({ line, code: r.code }, r.err.join("\n")).toEqual({ line, code: r.expected })
    }
    // Every command group has an example.
    for (const group of ["calendar due", "calendar check", "rules init", "rules validate", "rules schema", "rules explain", "rules impact", "simulate", "scenario test", "generate", "report daily", "report kpi", "audit verify"]) {
      expect(lines.some((l) => l.startsWith(`minyi ${group}`)), group).toBe(true)
    }
  }, 120_000)
})

describe("docs/walkthrough-rule-editing.md", () => {
  it("runs from the preset to a validated, measured, published 15-30-24", async () => {
    const cwd = sandbox()
    const all = blocks(page("walkthrough-rule-editing.md"))
    let pack: string | undefined
    const outputs: Array<{ line: string; out: Array<string> }> = []
    for (const b of all) {
      if (b.lang === "sh") {
        for (const line of commands(b)) {
          const r = await runLine(cwd, line)
          expect({ line, code: r.code }, r.err.join("\n")).toEqual({ line, code: r.expected })
          outputs.push({ line, out: r.out })
          pack = /^minyi rules init .* (\S+\.json)$/.exec(line)?.[1] ?? pack
        }
      } else if (b.lang === "diff") {
        // The edit, as the page shows it: each removed line replaced by the added line paired with it.
        const path = join(cwd, pack!)
        let text = readFileSync(path, "utf8")
        const removed = b.lines.filter((l) => l.startsWith("-")).map((l) => l.slice(1))
        const added = b.lines.filter((l) => l.startsWith("+")).map((l) => l.slice(1))
        expect(removed.length).toBe(added.length)
        removed.forEach((line, i) => {
          expect(text.split(line).length - 1, line).toBe(1)
          text = text.replace(line, added[i]!)
        })
        writeFileSync(path, text)
      }
    }
    const validated = outputs.find((o) => o.line.startsWith("minyi rules validate"))!
    expect(validated.out).toEqual([`${pack}: ok`])
    const impact = outputs.find((o) => o.line.startsWith("minyi rules impact"))!.out
    // The change affects exactly what the page says: feedback clocks breached before and met after, no routing.
    expect(impact[0]).toMatch(/分派不同 0 件/)
    const clockRows = impact.filter((l) => /^p-\d+\s+时限 /.test(l))
    expect(clockRows.length).toBeGreaterThan(0)
    for (const row of clockRows) expect(row).toMatch(/^p-\d+\s+时限 feedback\S*\s+超时，期限 .*按时，期限 /)

    // Step 5, as the page's code does it.
    const directory = Result.getOrThrow(loadDirectory(JSON.parse(readFileSync(join(cwd, "march.db.directory.json"), "utf8"))))
    const current = Result.getOrThrow(loadRulePack(rulePackPresets["futian-10-30-24"], { directory }))
    const next = Result.getOrThrow(loadRulePack(JSON.parse(readFileSync(join(cwd, pack!), "utf8")), { directory }))
    const registry = Result.getOrThrow(publish(Result.getOrThrow(publish(emptyRegistry, current, { directory })), next, { directory }))
    expect(Rules.packFor(registry, Date.parse("2026-04-01T00:00:00+08:00"))?.version).toBe("2026.1")
    expect(Rules.packFor(registry, Date.parse("2026-03-31T23:59:59+08:00"))?.version).toBe("2022.1")
    expect(next.document.clocks.find((c) => c.name === "feedback")?.limit.iso).toBe("PT15M")
  }, 180_000)
})
