import { Result, Schema } from "effect"
import type { InvalidInput } from "../shared/validation.js"
import { message, render } from "../messages/message.js"
import { decodeInput, inputName, invalidInput } from "../shared/validation.js"
import type { PetitionEventJson } from "./schema.js"
import { PetitionCommand, PetitionEvent } from "./schema.js"

/**
 * Decodes a tagged union, first checking the `_tag`: without it the schema can only say that the
 * input matches none of the dozens of cases, which names neither the field nor the choices.
 */
const decodeTagged = <S extends Schema.Decoder<unknown>>(schema: S, tags: ReadonlyArray<string>, what: string) => {
  const decode = decodeInput(schema, what)
  const choices = tags.join(", ")
  return (input: unknown): Result.Result<S["Type"], InvalidInput> => {
    if (typeof input !== "object" || input === null || Array.isArray(input)) {
      const text = message(`应为${inputName(what).zh}：一个 "_tag" 为以下之一的对象：${choices}`, `Expected a ${what}: an object whose "_tag" is one of ${choices}`)
      return Result.fail(invalidInput(what, [{ path: "/", message: render(text) }]))
    }
    const tag = "_tag" in input ? input._tag : undefined
    if (typeof tag !== "string" || !tags.includes(tag)) {
      const got = tag === undefined ? message("但缺少此字段", "it is missing") : message(`实际为 ${JSON.stringify(tag)}`, `got ${JSON.stringify(tag)}`)
      const text = message(`应为以下之一：${choices}；${got.zh}`, `Expected one of ${choices}; ${got.en}`)
      return Result.fail(invalidInput(what, [{ path: "/_tag", message: render(text) }]))
    }
    return decode(input)
  }
}

/** Decodes a command from JSON (instants as ISO 8601 strings); every problem is named by its JSON path. */
export const decodeCommand: (input: unknown) => Result.Result<PetitionCommand, InvalidInput> = decodeTagged(
  PetitionCommand,
  Object.keys(PetitionCommand.cases),
  "command"
)

/** Decodes a stored event (JSON) back into the model; identity fields come back as `Redacted`. */
export const decodeEvent: (input: unknown) => Result.Result<PetitionEvent, InvalidInput> = decodeTagged(
  PetitionEvent,
  Object.keys(PetitionEvent.cases),
  "event"
)

const encode = Schema.encodeSync(PetitionEvent)

/** Encodes an event without keeping the result (an event not yet sealed is never stored). */
export const encodeUnsealed = (event: PetitionEvent): PetitionEventJson => encode(event)

/**
 * Encodings already made, by event: sealing an event encodes it to hash it, and the append that
 * stores it needs the same JSON. The first `encodeEvent` of a sealed event takes that encoding
 * (and owns it); any later one encodes afresh, so no plaintext copy of the petitioner's details
 * stays beside a kept petition.
 */
const sealedEncodings = new WeakMap<PetitionEvent, PetitionEventJson>()

/** Keeps `json` as the encoding of `event` (sealing made it: the event's encoded form with its hash). */
export const rememberEncoding = (event: PetitionEvent, json: PetitionEventJson): void => {
  sealedEncodings.set(event, json)
}

/** Encodes an event for storage as JSON: instants as ISO strings, identity fields in plain text. */
export const encodeEvent = (event: PetitionEvent): PetitionEventJson => {
  const sealed = sealedEncodings.get(event)
  if (sealed === undefined) return encode(event)
  sealedEncodings.delete(event)
  return sealed
}

/** Encodes a command as JSON (the inverse of {@link decodeCommand}). */
export const encodeCommand: (command: PetitionCommand) => typeof PetitionCommand.Encoded = Schema.encodeSync(PetitionCommand)
