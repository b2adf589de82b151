/**
 * docs/internals.md names every source file of @minyi/core, so its module map is the tree as it
 * is: a file added, moved or removed without the page following fails here. A file is named by a
 * code span holding its path, or the end of its path (`engine/clocks.ts`, `handle.ts`) when no
 * other file's path ends the same way; `handlers/{intake,dispatch}.ts` names both. The index.ts of
 * each module is said once for all ("a folder's `index.ts` is its whole vocabulary").
 */
import { readdirSync, readFileSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..")
const core = join(root, "packages", "core")

const filesUnder = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : /\.(ts|json)$/.test(e.name) ? [relative(core, join(dir, e.name)).split("\\").join("/")] : []
  )

/** The code spans of a page, `a/{b,c}.ts` expanded to `a/b.ts` and `a/c.ts`. */
export const mentions = (markdown: string): ReadonlyArray<string> =>
  [...markdown.matchAll(/`([^`\s]+)`/g)].flatMap((m) => {
    const braces = /^(.*)\{([^}]+)\}(.*)$/.exec(m[1]!)
    return braces === null ? [m[1]!] : braces[2]!.split(",").map((part) => `${braces[1]}${part}${braces[3]}`)
  })

/** The files no mention names unambiguously. */
export const unnamed = (files: ReadonlyArray<string>, said: ReadonlyArray<string>): ReadonlyArray<string> => {
  const named = new Set<string>()
  for (const m of new Set(said)) {
    const matching = files.filter((f) => f === m || f.endsWith(`/${m}`))
    if (matching.length === 1) named.add(matching[0]!)
  }
  return files.filter((f) => !named.has(f))
}

describe("docs/internals.md", () => {
  it("names a file by its path or an unambiguous end of it", () => {
    const files = ["src/engine/clocks.ts", "src/clocks/runs.ts", "src/petition/handlers/intake.ts", "src/petition/handlers/records.ts", "src/engine/handle.ts"]
    expect(unnamed(files, mentions("`clocks.ts` `runs.ts` `handlers/{intake,records}.ts` `handle.ts`"))).toEqual([])
    // `errors.ts` would fit both, so it names neither.
    expect(unnamed(["src/ports/errors.ts", "src/calendar/errors.ts"], mentions("`errors.ts`"))).toEqual(["src/ports/errors.ts", "src/calendar/errors.ts"])
  })

  it("its module map names every source file of @minyi/core", () => {
    const files = filesUnder(join(core, "src")).filter((f) => !/^src\/[^/]+\/(.+\/)?index\.ts$/.test(f))
    expect(files.length).toBeGreaterThan(100)
    expect(unnamed(files, mentions(readFileSync(join(root, "docs", "internals.md"), "utf8")))).toEqual([])
  })
})
