/**
 * Commands as the engine takes them from outside: the schema of a Submit whose rule pack the
 * engine pins and of a review request whose window the pack may set — those fields are optional
 * here, and absent means "the engine decides", not some agreed placeholder value.
 */
import { Result, Schema } from "effect"
import { decodeCommand, PetitionCommand } from "../petition/index.js"
import type { InvalidInput } from "../shared/validation.js"
import { decodeInput } from "../shared/validation.js"
import type { EngineCommand } from "./api.js"

const { RequestReReview, RequestReview, Submit } = PetitionCommand.cases

/** A Submit that may leave its rule pack to the engine. */
export const SubmitInput = Submit.mapFields((fields) => ({ ...fields, rulePack: Schema.optionalKey(fields.rulePack) }))
/** A review request that may leave its window to the pack. */
export const ReviewRequestInput = Schema.Union([
  RequestReview.mapFields((fields) => ({ ...fields, windowEndsAt: Schema.optionalKey(fields.windowEndsAt) })),
  RequestReReview.mapFields((fields) => ({ ...fields, windowEndsAt: Schema.optionalKey(fields.windowEndsAt) }))
])

const decoders = {
  json: {
    submit: decodeInput(SubmitInput, "command"),
    review: decodeInput(ReviewRequestInput, "command"),
    other: decodeCommand
  },
  typed: {
    submit: decodeInput(Schema.toType(SubmitInput), "command"),
    review: decodeInput(Schema.toType(ReviewRequestInput), "command"),
    other: decodeInput(Schema.toType(PetitionCommand), "command")
  }
} as const

/**
 * Decodes a command from JSON (instants as ISO 8601 strings) or checks a typed one (instants as
 * epoch ms) that comes from where the type system does not reach, such as JavaScript callers of
 * the Promise facade.
 */
export const decodeEngineCommand = (input: unknown, form: "json" | "typed"): Result.Result<EngineCommand, InvalidInput> => {
  const tag = typeof input === "object" && input !== null && "_tag" in input ? input._tag : undefined
  const decode = decoders[form]
  if (tag === "Submit") return decode.submit(input)
  if (tag === "RequestReview" || tag === "RequestReReview") return decode.review(input)
  // An unknown tag is explained by the JSON decoder, which names the tags it knows.
  const known = typeof tag === "string" && Object.hasOwn(PetitionCommand.cases, tag)
  return form === "json" || !known ? decodeCommand(input) : decode.other(input)
}
