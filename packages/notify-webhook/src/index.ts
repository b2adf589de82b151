/**
 * @minyi/notify-webhook — notifications as signed HTTP POSTs: HMAC-SHA256 over timestamp and
 * body, an idempotency key that is the same on every retry, Retry-After honoured.
 * @module @minyi/notify-webhook
 */
import { Notifier } from "@minyi/core"
import type { InvalidInput } from "@minyi/core"
import { Config, Effect, Layer, Schema } from "effect"
import { make } from "./webhook.js"
import type { WebhookConfig } from "./webhook.js"

export { make, retryAfterUntil, WebhookConfig, webhookBody } from "./webhook.js"
export { IDEMPOTENCY_HEADER, sign, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify } from "./signature.js"
export type { VerifyProblem, VerifyRequest } from "./signature.js"

/** The webhook notifier as a layer. */
export const layer = (config: WebhookConfig): Layer.Layer<Notifier, InvalidInput> =>
  Layer.effect(Notifier, make(config))

/**
 * The webhook notifier configured from the environment: `MINYI_WEBHOOK_ENDPOINTS` (required: a
 * JSON object from recipient, kind or `*` to URL), `MINYI_WEBHOOK_SECRET` (required) and
 * `MINYI_WEBHOOK_TIMEOUT_MS` (default 10000).
 */
export const layerConfig: Layer.Layer<Notifier, InvalidInput | Config.ConfigError> = Layer.unwrap(
  Effect.map(
    Config.all({
      endpoints: Config.schema(Schema.fromJsonString(Schema.Record(Schema.String, Schema.String)), "MINYI_WEBHOOK_ENDPOINTS"),
      secret: Config.Redacted("MINYI_WEBHOOK_SECRET"),
      timeoutMs: Config.Int("MINYI_WEBHOOK_TIMEOUT_MS").pipe(Config.withDefault(10_000))
    }),
    layer
  )
)
