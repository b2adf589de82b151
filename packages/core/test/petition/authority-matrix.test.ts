import { readFileSync, writeFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import type { CallerCommandTag, Grant, Relation } from "../../src/petition/authority-policy.js"
import { defaultAuthorityPolicy, Relation as RelationSchema, relationLabels } from "../../src/petition/authority-policy.js"
import { commandLabels } from "../../src/petition/labels.js"

const relations: ReadonlyArray<Relation> = RelationSchema.literals

// One cell: ✓ when the relation is granted outright, else the statuses or roles that limit it.
const cell = (grants: ReadonlyArray<Grant>): string =>
  grants
    .map((g) => ["✓", g.when === undefined ? "" : ` ${g.when.join(", ")}`, g.roles === undefined ? "" : ` (${g.roles.join(", ")})`].join(""))
    .join("; ")

/** The authority matrix as docs/security.md shows it: a row per caller command, a column per relation. */
const matrixMarkdown = (): string => {
  const header = `| command | ${relations.map((r) => `${r}<br>${relationLabels[r].zh}`).join(" | ")} |`
  const rule = `|---|${relations.map(() => ":-:").join("|")}|`
  // Object.keys widens to string; the policy's type says its keys are exactly the caller commands.
  const rows = (Object.keys(defaultAuthorityPolicy) as Array<CallerCommandTag>).map((c) => {
    const grants = defaultAuthorityPolicy[c]
    return `| ${c} ${commandLabels[c].zh} | ${relations.map((r) => cell(grants.filter((g) => g.relation === r))).join(" | ")} |`
  })
  return [header, rule, ...rows].join("\n")
}

const between = (text: string, start: string, end: string): string => text.slice(text.indexOf(start) + start.length, text.indexOf(end)).trim()

describe("the authority matrix", () => {
  it("grants each relation at most once per command and status, so a refusal names each relation once", () => {
    for (const command of Object.keys(defaultAuthorityPolicy) as Array<CallerCommandTag>) {
      const keys = defaultAuthorityPolicy[command].flatMap((g) => (g.when ?? ["*"]).map((status) => `${g.relation}@${status}`))
      expect(new Set(keys).size, command).toBe(keys.length)
    }
  })

  it("is the table docs/security.md shows, generated from the default policy", () => {
    const path = new URL("../../../../docs/security.md", import.meta.url)
    const generated = matrixMarkdown()
    // After changing the default policy, `UPDATE_DOCS=1` writes the new table into the doc (review the diff).
    if (process.env["UPDATE_DOCS"] === "1") {
      const old = readFileSync(path, "utf8")
      writeFileSync(path, old.replace(/(<!-- authority:start -->)[\s\S]*(<!-- authority:end -->)/, `$1\n${generated}\n$2`))
    }
    const doc = readFileSync(path, "utf8")
    expect(between(doc, "<!-- authority:start -->", "<!-- authority:end -->")).toBe(generated)
  })
})
