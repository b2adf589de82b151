/**
 * Every relative link in README.md and docs/*.md leads somewhere: the file (or folder) exists, and
 * an anchor (`#section`) is a heading of the target page as GitHub names it, or an explicit
 * `<a id>` there. A page moved or a heading reworded breaks a link here rather than for a reader.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..")

/** Outside code: fenced blocks and inline code spans hold examples, not links. */
const prose = (markdown: string): string => markdown.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "")

/** GitHub's anchor for a heading: lower case, punctuation dropped (letters of any script kept), spaces to hyphens. */
export const slug = (heading: string): string =>
  heading
    .replace(/`/g, "")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M} _-]/gu, "")
    .replace(/ /g, "-")

/** The anchors a page offers: its headings (a repeated one as `name-1`, `name-2`, …) and `<a id>`/`<a name>`. */
export const anchorsOf = (markdown: string): ReadonlySet<string> => {
  const seen = new Map<string, number>()
  const anchors = new Set<string>()
  for (const line of markdown.replace(/^```[\s\S]*?^```/gm, "").split("\n")) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)
    if (heading !== null) {
      const base = slug(heading[1]!)
      const n = seen.get(base) ?? 0
      seen.set(base, n + 1)
      anchors.add(n === 0 ? base : `${base}-${n}`)
    }
    for (const a of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(a[1]!)
  }
  return anchors
}

/** `[text](target)` and `[label]: target` links that point inside the repository. */
export const relativeLinks = (markdown: string): ReadonlyArray<string> => {
  const text = prose(markdown)
  const targets = [
    ...[...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!),
    ...[...text.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)].map((m) => m[1]!)
  ]
  return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t))
}

const documents = (): ReadonlyArray<string> => [
  "README.md",
  ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => join("docs", f))
]

/** What is wrong with one link from `doc`, or undefined when it resolves. */
const problemOf = (doc: string, target: string): string | undefined => {
  const [path = "", anchor] = target.split("#")
  const file = path === "" ? join(root, doc) : join(root, dirname(doc), decodeURIComponent(path))
  if (!existsSync(file)) return `${doc}: ${target}: no file ${relative(root, file)}`
  if (anchor === undefined || anchor === "") return undefined
  if (statSync(file).isDirectory() || !file.endsWith(".md")) return `${doc}: ${target}: an anchor into something that is not a page`
  return anchorsOf(readFileSync(file, "utf8")).has(decodeURIComponent(anchor)) ? undefined : `${doc}: ${target}: no heading "#${anchor}" in ${relative(root, file)}`
}

describe("links in the docs", () => {
  it("reads headings as GitHub anchors them, and finds links outside code only", () => {
    expect(slug("4. Storage, personal data and the hash chain")).toBe("4-storage-personal-data-and-the-hash-chain")
    expect(slug("`rules init` — start from a preset")).toBe("rules-init--start-from-a-preset")
    expect(slug("时限 clocks (计时)")).toBe("时限-clocks-计时")
    expect([...anchorsOf("# A\n## A\n```\n# not a heading\n```\n<a id=\"x\"></a>\n")]).toEqual(["a", "a-1", "x"])
    expect(relativeLinks("[a](docs/a.md#b) [w](https://x.org) `[c](c.md)`\n```\n[d](d.md)\n```\n[e]: ./e.md\n[f](#top)")).toEqual(["docs/a.md#b", "#top", "./e.md"])
  })

  it("reports a missing file and a missing anchor", () => {
    expect(problemOf("README.md", "docs/nowhere.md")).toBe("README.md: docs/nowhere.md: no file docs/nowhere.md")
    expect(problemOf("README.md", "docs/cli.md#no-such-heading")).toBe('README.md: docs/cli.md#no-such-heading: no heading "#no-such-heading" in docs/cli.md')
  })

  it("README's documentation list has every page of docs/", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8")
    const listed = new Set(relativeLinks(readme.slice(readme.indexOf("## Documentation"))).map((t) => t.split("#")[0]))
    expect(documents().filter((d) => d.startsWith("docs") && !listed.has(d))).toEqual([])
  })

  it("every relative link in README.md and docs/*.md resolves", () => {
    const links = documents().flatMap((doc) => relativeLinks(readFileSync(join(root, doc), "utf8")).map((target) => ({ doc, target })))
    expect(links.length).toBeGreaterThan(50)
    expect(links.flatMap(({ doc, target }) => problemOf(doc, target) ?? [])).toEqual([])
  })
})
