import { Result, Schema } from "effect"
import type { InvalidInput } from "../shared/validation.js"
import { decodeInput } from "../shared/validation.js"
import type { PetitionEventJson } from "./schema.js"
import { PetitionCommand, PetitionEvent } from "./schema.js"

/** Decodes a command from JSON (instants as ISO 8601 strings); every problem is named by its JSON path. */
export const decodeCommand: (input: unknown) => Result.Result<PetitionCommand, InvalidInput> = decodeInput(
  PetitionCommand,
  "command"
)

/** Decodes a stored event (JSON) back into the model; identity fields come back as `Redacted`. */
export const decodeEvent: (input: unknown) => Result.Result<PetitionEvent, InvalidInput> = decodeInput(
  PetitionEvent,
  "event"
)

const encode = Schema.encodeSync(PetitionEvent)

/** Encodes an event for storage as JSON: instants as ISO strings, identity fields in plain text. */
export const encodeEvent = (event: PetitionEvent): PetitionEventJson => encode(event)

/** Encodes a command as JSON (the inverse of {@link decodeCommand}). */
export const encodeCommand: (command: PetitionCommand) => typeof PetitionCommand.Encoded = Schema.encodeSync(PetitionCommand)
