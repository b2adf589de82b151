// What every published package's manifest must say (issue 15, "Packages a portal can install").
// The packed tarballs themselves — publint, are-the-types-wrong, the install test — are checked
// by scripts/check-packages.sh, which needs a build and the npm registry; this runs in `pnpm test`.
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..")

interface Manifest {
  readonly name: string
  readonly private?: boolean
  readonly license?: string
  readonly type?: string
  readonly engines?: Record<string, string>
  readonly repository?: unknown
  readonly files?: ReadonlyArray<string>
  readonly exports?: Record<string, unknown>
  readonly publishConfig?: { readonly exports?: Record<string, unknown> }
  readonly dependencies?: Record<string, string>
  readonly peerDependencies?: Record<string, string>
  readonly devDependencies?: Record<string, string>
}

const readJson = (path: string): Manifest => JSON.parse(readFileSync(path, "utf8"))

const published = readdirSync(join(root, "packages"))
  .filter((dir) => existsSync(join(root, "packages", dir, "package.json")))
  .map((dir) => ({ dir, manifest: readJson(join(root, "packages", dir, "package.json")) }))
  .filter(({ manifest }) => manifest.private !== true)

/** The exports map with the workspace-only condition removed, as a portal must see it. */
const withoutSourceCondition = (value: unknown): unknown => {
  if (typeof value !== "object" || value === null) return value
  const kept = Object.entries(value).filter(([key]) => key !== "@minyi/source")
  const mapped = Object.fromEntries(kept.map(([key, v]) => [key, withoutSourceCondition(v)]))
  // `{ "default": "./x" }` and `"./x"` mean the same; the published map uses the short form.
  return kept.length === 1 && kept[0]![0] === "default" ? mapped["default"] : mapped
}

const importsEffect = (dir: string): boolean =>
  readdirSync(join(root, "packages", dir, "src"), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .some((file) => /from "effect(\/[^"]*)?"/.test(readFileSync(join(root, "packages", dir, "src", file), "utf8")))

describe("published packages", () => {
  it("are the five known ones at least", () => {
    expect(published.map((p) => p.manifest.name)).toEqual(expect.arrayContaining(["@minyi/core", "@minyi/store-sqlite", "@minyi/store-postgres", "@minyi/testkit", "@minyi/cli"]))
  })

  describe.each(published)("$manifest.name", ({ dir, manifest }) => {
    const at = (file: string) => join(root, "packages", dir, file)

    it("has a README, an MIT LICENSE, engines and a repository", () => {
      expect(existsSync(at("README.md"))).toBe(true)
      expect(manifest.license).toBe("MIT")
      expect(readFileSync(at("LICENSE"), "utf8")).toMatch(/^MIT License\n/)
      expect(manifest.engines).toEqual({ node: ">=20.19" })
      expect(manifest.repository).toEqual({ type: "git", url: "git+https://github.com/minyi-dev/minyi.git", directory: `packages/${dir}` })
    })

    it("is ESM only and ships dist/, not its sources", () => {
      expect(manifest.type).toBe("module")
      expect(manifest.files).toContain("dist")
      expect(manifest.files?.some((f) => f === "src" || f.startsWith("src/"))).toBe(false)
    })

    it("exports types, import and default, with the source condition only in the workspace", () => {
      const main = manifest.exports?.["."]
      expect(main).toEqual({ "@minyi/source": "./src/index.ts", types: "./dist/index.d.ts", import: "./dist/index.js", default: "./dist/index.js" })
      // `types` must come before `import`/`default`: conditions match in order.
      expect(Object.keys(main ?? {}).indexOf("types")).toBeLessThan(Object.keys(main ?? {}).indexOf("import"))
      expect(manifest.publishConfig?.exports).toEqual(withoutSourceCondition(manifest.exports))
      expect(JSON.stringify(manifest.publishConfig)).not.toContain("@minyi/source")
    })

    it("takes effect as a peer (^4.1) when it uses it, so a portal has one copy", () => {
      expect(manifest.dependencies?.["effect"]).toBeUndefined()
      if (importsEffect(dir)) {
        expect(manifest.peerDependencies?.["effect"]).toBe("^4.1.0")
        expect(manifest.devDependencies?.["effect"]).toBeDefined()
      }
    })

    it("builds with the shared settings", () => {
      expect(readFileSync(at("tsup.config.ts"), "utf8")).toContain('from "../../tsup.shared.js"')
      expect(readFileSync(at("tsconfig.build.json"), "utf8")).toContain('"extends": "../../tsconfig.build.json"')
    })
  })
})

describe("@minyi/core's rule-pack JSON Schema", () => {
  it("is exported, and the presets in the repository point at the generated schema in docs/", () => {
    const core = readJson(join(root, "packages/core/package.json"))
    expect(core.publishConfig?.exports?.["./rule-pack.schema.json"]).toBe("./rule-pack.schema.json")
    expect(core.files).toContain("rule-pack.schema.json")
    const presets = join(root, "packages/core/src/presets")
    for (const file of readdirSync(presets).filter((f) => f.endsWith(".json"))) {
      const schema: unknown = JSON.parse(readFileSync(join(presets, file), "utf8")).$schema
      expect(typeof schema, file).toBe("string")
      expect(existsSync(resolve(presets, String(schema))), `${file}: $schema ${String(schema)}`).toBe(true)
    }
  })
})
