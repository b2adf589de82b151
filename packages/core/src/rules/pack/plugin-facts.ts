/**
 * What validation knows of a plugin fact from the Schema of its value: the fields a path may
 * name (when the value is a struct), and the Schema a compared value must satisfy.
 */
import { Schema, SchemaAST } from "effect"
import type { PluginFact } from "../plugins.js"
import { parsePath } from "../path.js"
import type { Context } from "./context.js"

const propertiesOf = (schema: Schema.Codec<unknown, unknown>) =>
  SchemaAST.isObjects(schema.ast) ? schema.ast.propertySignatures : undefined

/** The fields a path into the fact may start with; "scalar" when its value is no struct (any path is left alone). */
export const pluginFactFields = (fact: PluginFact): ReadonlyArray<string> | "scalar" => {
  const properties = propertiesOf(fact.value)
  return properties === undefined ? "scalar" : properties.map((p) => String(p.name))
}

/**
 * The Schema of what a condition on a plugin fact reads: the whole value, or one field of a
 * struct (`$.field`). Undefined for minyi's own facts and for deeper paths.
 */
export const pluginFactTarget = (
  ctx: Context,
  fact: string,
  path: string | undefined
): { readonly schema: Schema.Codec<unknown, unknown>; readonly label: string } | undefined => {
  const plugin = ctx.plugins.facts.get(fact)
  if (plugin === undefined) return undefined
  if (path === undefined || path === "" || path === "$") return { schema: plugin.fact.value, label: fact }
  const parsed = parsePath(path)
  if (parsed._tag !== "Keys" || parsed.keys.length !== 1) return undefined
  const field = propertiesOf(plugin.fact.value)?.find((p) => p.name === parsed.keys[0])
  return field === undefined ? undefined : { schema: Schema.make<Schema.Codec<unknown, unknown>>(field.type), label: `${fact} ${path}` }
}
