/** The rule pack's JSON Schema, for editors (`"$schema"` in a pack gives completion and inline errors). */
import { Schema } from "effect"
import { decoratorNames, operatorNames } from "./operators.js"
import { factCatalogue } from "./facts.js"
import type { Plugin } from "./plugins.js"
import { RulePackSchema } from "./schema.js"

/** A JSON object node of the generated schema (JSON Schema objects are plain records). */
const isNode = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === "object" && !Array.isArray(x)

const walk = (node: unknown, visit: (o: Record<string, unknown>) => void): void => {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit))
  else if (isNode(node)) {
    visit(node)
    Object.values(node).forEach((n) => walk(n, visit))
  }
}

/** A name as a literal inside a regular expression. */
const escape = (name: string): string => name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/**
 * A JSON Schema (draft 2020-12) document for rule packs. Made from the same effect schemas that
 * decode packs, then given the fact and operator names as enums so editors complete them and
 * underline a misspelling (the decoder leaves them open to say "did you mean …" itself). Given
 * plugins, their operators, decorators, facts and actions are listed beside minyi's own.
 */
export const rulePackJsonSchema = (plugins: ReadonlyArray<Plugin> = []): Record<string, unknown> => {
  const document = Schema.toJsonSchemaDocument(RulePackSchema, { onExcessProperty: "error" })
  const schema: Record<string, unknown> = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    ...document.schema,
    $defs: document.definitions
  }
  const fact = document.definitions["FactCondition"]?.["properties"]
  const names = (pick: (p: Plugin) => object) => plugins.flatMap((p) => Object.keys(pick(p)))
  const operators = [...operatorNames, ...names((p) => p.operators)]
  const decorators = [...decoratorNames, ...names((p) => p.decorators)]
  if (isNode(fact)) {
    const [factField, operatorField] = [fact["fact"], fact["operator"]]
    fact["fact"] = { ...(isNode(factField) ? factField : {}), enum: [...Object.keys(factCatalogue), ...names((p) => p.facts)] }
    fact["operator"] = {
      ...(isNode(operatorField) ? operatorField : {}),
      anyOf: [{ enum: operators }, { pattern: `^((${decorators.map(escape).join("|")}):)+(${operators.map(escape).join("|")})$` }]
    }
  }
  // Each plugin action is one more kind of event, with its params as its Schema says.
  const action = document.definitions["Action"]
  const kinds = isNode(action) ? action["anyOf"] : undefined
  if (Array.isArray(kinds)) {
    for (const plugin of plugins) {
      for (const [name, definition] of Object.entries(plugin.actions)) {
        const params = Schema.toJsonSchemaDocument(definition.params, { onExcessProperty: "error" })
        Object.assign(document.definitions, params.definitions)
        kinds.push({
          type: "object",
          description: `${plugin.name}@${plugin.version}${definition.en === undefined ? "" : `: ${definition.en}`}`,
          properties: { type: { type: "string", enum: [name] }, params: params.schema },
          required: ["type", "params"],
          additionalProperties: false
        })
      }
    }
  }
  // Effect writes local references as "#/$defs/…"; make sure they point inside this document.
  walk(schema, (o) => {
    const ref = o["$ref"]
    if (typeof ref === "string" && !ref.startsWith("#")) o["$ref"] = `#/$defs/${ref}`
  })
  return schema
}
