/** The rule pack's JSON Schema, for editors (`"$schema"` in a pack gives completion and inline errors). */
import { Schema } from "effect"
import { decoratorNames, operatorNames } from "./operators.js"
import { factCatalogue } from "./facts.js"
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

/**
 * A JSON Schema (draft 2020-12) document for rule packs. Made from the same effect schemas that
 * decode packs, then given the fact and operator names as enums so editors complete them and
 * underline a misspelling (the decoder leaves them open to say "did you mean …" itself).
 */
export const rulePackJsonSchema = (): Record<string, unknown> => {
  const document = Schema.toJsonSchemaDocument(RulePackSchema, { onExcessProperty: "error" })
  const schema: Record<string, unknown> = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    ...document.schema,
    $defs: document.definitions
  }
  const fact = document.definitions["FactCondition"]?.["properties"]
  if (isNode(fact)) {
    const [factField, operatorField] = [fact["fact"], fact["operator"]]
    fact["fact"] = { ...(isNode(factField) ? factField : {}), enum: Object.keys(factCatalogue) }
    fact["operator"] = {
      ...(isNode(operatorField) ? operatorField : {}),
      anyOf: [{ enum: operatorNames }, { pattern: `^((${decoratorNames.join("|")}):)+(${operatorNames.join("|")})$` }]
    }
  }
  // Effect writes local references as "#/$defs/…"; make sure they point inside this document.
  walk(schema, (o) => {
    const ref = o["$ref"]
    if (typeof ref === "string" && !ref.startsWith("#")) o["$ref"] = `#/$defs/${ref}`
  })
  return schema
}
