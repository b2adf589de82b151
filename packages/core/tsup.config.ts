import { copyFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { packageBuild } from "../../tsup.shared.js"

// The rule-pack JSON Schema ships at the package root (`@minyi/core/rule-pack.schema.json`), and
// the presets in dist/ point their `$schema` at it, so an editor opening a preset inside an
// installed package finds the schema; in the repository they keep pointing at docs/.
export default packageBuild({
  afterBuild: () => {
    copyFileSync("../../docs/rule-pack.schema.json", "rule-pack.schema.json")
    for (const file of readdirSync("dist/presets").filter((f) => f.endsWith(".json"))) {
      const path = `dist/presets/${file}`
      const pack = JSON.parse(readFileSync(path, "utf8"))
      writeFileSync(path, JSON.stringify({ ...pack, $schema: "../../rule-pack.schema.json" }, null, 2) + "\n")
    }
  }
})
