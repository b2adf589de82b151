/**
 * The API reference (`pnpm docs:api`, typedoc.json) covers every entry a portal can import: each
 * published package's exports that point at a source module. The CLI is a command, not a library,
 * and is left out. A new package or subpath export that typedoc.json does not list fails here, so
 * its pages are not silently missing (typedoc itself, run by .ci/run, checks what it is given).
 */
import { readdirSync, readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..")

const Manifest = Schema.Struct({
  name: Schema.String,
  private: Schema.optionalKey(Schema.Boolean),
  exports: Schema.optionalKey(Schema.Record(Schema.String, Schema.Unknown))
})
const TypedocConfig = Schema.Struct({ entryPoints: Schema.Array(Schema.String) })
const SourceCondition = Schema.Struct({ "@minyi/source": Schema.String })

const readJson = (path: string): unknown => JSON.parse(readFileSync(join(root, path), "utf8"))

/** The source modules a package's exports map points at (`"@minyi/source": "./src/index.ts"`), as paths from the root. */
const sourceEntries = (dir: string): ReadonlyArray<string> => {
  const manifest = Schema.decodeUnknownSync(Manifest)(readJson(join(dir, "package.json")))
  if (manifest.private === true || manifest.name === "@minyi/cli") return []
  return Object.values(manifest.exports ?? {}).flatMap((target) => {
    const source = Schema.decodeUnknownOption(SourceCondition)(target)
    return source._tag === "Some" && source.value["@minyi/source"].endsWith(".ts") ? [join(dir, source.value["@minyi/source"])] : []
  })
}

describe("the API reference", () => {
  it("typedoc.json lists every source entry of the published packages, and nothing else", () => {
    const published = readdirSync(join(root, "packages")).flatMap((p) => sourceEntries(join("packages", p)))
    expect(published).toContain("packages/core/src/adapter.ts")
    const { entryPoints } = Schema.decodeUnknownSync(TypedocConfig)(readJson("typedoc.json"))
    expect([...entryPoints].sort()).toEqual([...published].sort())
  })
})
