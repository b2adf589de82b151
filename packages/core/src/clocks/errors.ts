import { Schema } from "effect"

/** An extension a clock's policy does not allow. The message is meant for the approving clerk. */
export class ExtensionRefused extends Schema.TaggedError<ExtensionRefused>()("ExtensionRefused", {
  clock: Schema.String,
  reason: Schema.Literals(["notExtendable", "notRunning", "tooMany", "tooLong"]),
  message: Schema.String
}) {}
