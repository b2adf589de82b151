/**
 * What a plugin action may answer, and how its answer is checked. Apart from the plugin
 * definitions so that evaluation and definition both use it without importing each other.
 */
import { Result, Schema } from "effect"
import { Priority } from "../petition/schema.js"
import { decodeInput } from "../shared/validation.js"

/**
 * What a plugin action may ask for: a follow-up command (run through `decide` in the same append,
 * as the built-in actions' are) or an outbox message (delivered by the notifier of its channel).
 */
const Id = Schema.String.check(Schema.isNonEmpty({ expected: "a non-empty id" }))
const outputCases = {
  Flag: Schema.TaggedStruct("Flag", { flag: Id }),
  SetPriority: Schema.TaggedStruct("SetPriority", { priority: Priority }),
  RequireVisit: Schema.TaggedStruct("RequireVisit", { reason: Schema.String }),
  AddWatcher: Schema.TaggedStruct("AddWatcher", { person: Id }),
  Escalate: Schema.TaggedStruct("Escalate", { tier: Schema.Literals([1, 2, 3]), owner: Id, reason: Schema.String }),
  Message: Schema.TaggedStruct("Message", {
    /** The outbox channel, i.e. which notifier delivers it (e.g. "city-platform"). */
    channel: Id,
    recipient: Id,
    template: Schema.optionalKey(Id),
    payload: Schema.Json
  })
} as const
export const PluginOutput = Schema.Union(Object.values(outputCases)).annotate({ identifier: "PluginOutput" })
export type PluginOutput = typeof PluginOutput.Type
const outputTags = Object.keys(outputCases)
const decodeOutputCase = Object.fromEntries(Object.entries(outputCases).map(([tag, schema]) => [tag, decodeInput(schema, "plugin action output")]))

/**
 * An action's outputs checked one by one, each by the member its `_tag` names, so that a mistake
 * is reported at its path (`/0/flag: Missing key`) rather than as "not any of the six".
 */
export const decodeOutputs = (outputs: unknown): Result.Result<ReadonlyArray<PluginOutput>, string> => {
  if (!Array.isArray(outputs)) return Result.fail("/: expected a list of outputs")
  const decoded: Array<PluginOutput> = []
  const problems: Array<string> = []
  outputs.forEach((output: unknown, i) => {
    const tag = output !== null && typeof output === "object" && "_tag" in output ? output._tag : undefined
    const decode = typeof tag === "string" && Object.hasOwn(decodeOutputCase, tag) ? decodeOutputCase[tag] : undefined
    if (decode === undefined) {
      problems.push(`/${i}/_tag: expected one of ${outputTags.map((t) => `"${t}"`).join(", ")}`)
      return
    }
    const one = decode(output)
    if (Result.isFailure(one)) problems.push(...one.failure.problems.map((p) => `/${i}${p.path === "/" ? "" : p.path}: ${p.message}`))
    else decoded.push(one.success)
  })
  return problems.length === 0 ? Result.succeed(decoded) : Result.fail(problems.join("; "))
}

