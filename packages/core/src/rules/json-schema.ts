/** The rule pack's JSON Schema, for editors (`"$schema"` in a pack gives completion and inline errors). */
import { Schema } from "effect"
import { decoratorNames, operatorNames } from "./operators.js"
import { factCatalogue } from "./facts.js"
import { RulePackSchema } from "./schema.js"

const walk = (node: unknown, visit: (o: Record<string, unknown>) => void): void => {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit))
  else if (node !== null && typeof node === "object") {
    visit(node as Record<string, unknown>)
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
    ...(document.schema as Record<string, unknown>),
    $defs: document.definitions
  }
  const definitions = document.definitions as Record<string, Record<string, unknown>>
  const fact = definitions["FactCondition"]?.["properties"] as Record<string, Record<string, unknown>> | undefined
  if (fact !== undefined) {
    fact["fact"] = { ...fact["fact"], enum: Object.keys(factCatalogue) }
    fact["operator"] = {
      ...fact["operator"],
      anyOf: [{ enum: operatorNames }, { pattern: `^((${decoratorNames.join("|")}):)+(${operatorNames.join("|")})$` }]
    }
  }
  // Effect writes local references as "#/$defs/…"; make sure they point inside this document.
  walk(schema, (o) => {
    if (typeof o["$ref"] === "string" && !(o["$ref"] as string).startsWith("#")) o["$ref"] = `#/$defs/${o["$ref"]}`
  })
  return schema
}
