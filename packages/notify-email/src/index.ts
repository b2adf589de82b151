/**
 * @minyi/notify-email — notifications by email over SMTP (nodemailer): the pack's template in
 * Chinese first and English below, personal data masked, never to the accused unit.
 * @module @minyi/notify-email
 */
import { Notifier } from "@minyi/core"
import type { InvalidInput } from "@minyi/core"
import { Config, Effect, Layer, Schema } from "effect"
import { make } from "./email.js"
import type { EmailConfig } from "./email.js"

export { classify, composeMail, EmailConfig, make, maskPersonalData, messageId } from "./email.js"

/** The email notifier as a layer. */
export const layer = (config: EmailConfig): Layer.Layer<Notifier, InvalidInput> => Layer.effect(Notifier, make(config))

/**
 * The email notifier configured from the environment: `MINYI_SMTP_HOST`, `MINYI_SMTP_PORT`
 * (default 587), `MINYI_SMTP_SECURE` (default false), `MINYI_SMTP_USER` and `MINYI_SMTP_PASS`
 * (optional, together), `MINYI_EMAIL_FROM`, and `MINYI_EMAIL_ADDRESSES` (a JSON object from
 * recipient to mailbox).
 */
export const layerConfig: Layer.Layer<Notifier, InvalidInput | Config.ConfigError> = Layer.unwrap(
  Effect.map(
    Config.all({
      host: Config.String("MINYI_SMTP_HOST"),
      port: Config.Port("MINYI_SMTP_PORT").pipe(Config.withDefault(587)),
      secure: Config.Boolean("MINYI_SMTP_SECURE").pipe(Config.withDefault(false)),
      user: Config.option(Config.String("MINYI_SMTP_USER")),
      pass: Config.option(Config.Redacted("MINYI_SMTP_PASS")),
      from: Config.String("MINYI_EMAIL_FROM"),
      addresses: Config.schema(Schema.fromJsonString(Schema.Record(Schema.String, Schema.String)), "MINYI_EMAIL_ADDRESSES")
    }),
    (c) =>
      layer({
        smtp: {
          host: c.host,
          port: c.port,
          secure: c.secure,
          ...(c.user._tag === "Some" && c.pass._tag === "Some" ? { auth: { user: c.user.value, pass: c.pass.value } } : {})
        },
        from: c.from,
        addresses: c.addresses
      })
  )
)
