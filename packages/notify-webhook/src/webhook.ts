import { decodeInput, Notifier } from "@minyi/core"
import { deliverable, notifyFailed } from "@minyi/core/adapter"
import type { InvalidInput, Notification, NotifyFailed } from "@minyi/core"
import { Clock, Effect, Redacted, Result, Schema } from "effect"
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, sign, TIMESTAMP_HEADER } from "./signature.js"

const HttpUrl = Schema.String.check(
  Schema.makeFilter((s: string) => /^https?:\/\/[^\s]+$/.test(s), { expected: "an http:// or https:// URL" })
)
const PositiveMs = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))

/** The webhook notifier's configuration, decoded (and every problem named) before anything is sent. */
export const WebhookConfig = Schema.Struct({
  /**
   * Where to POST, by recipient: an exact recipient (`unit:dept.housing`, `person:p.li`) wins over
   * its kind (`unit`, `person`), which wins over `*`. A recipient no key covers is a permanent failure.
   */
  endpoints: Schema.Record(Schema.String, HttpUrl),
  /** The shared secret of the HMAC-SHA256 signature; receivers verify with the same secret. */
  secret: Schema.Union([Schema.NonEmptyString, Schema.Redacted(Schema.NonEmptyString)]),
  /** How long one request may take before it counts as a retryable failure; default 10 s. */
  timeoutMs: Schema.optionalKey(PositiveMs),
  /**
   * The longest Retry-After honoured; a longer one is cut to this. Default 1 hour, the default retry
   * policy's maxDelayMs: the outbox waits for the hold (the failure's notBefore) but never longer than
   * its policy's maxDelayMs, so a longer cap here would only make the notifier refuse sends itself.
   */
  maxRetryAfterMs: Schema.optionalKey(PositiveMs),
  /** The channel named in failures; default `webhook`. */
  channel: Schema.optionalKey(Schema.NonEmptyString)
})
export type WebhookConfig = typeof WebhookConfig.Type

const decodeConfig = decodeInput(WebhookConfig, "Webhook 通知配置 webhook notifier config")

/** What is POSTed: the notification as the outbox holds it, with the petition named at the top. */
export const webhookBody = (n: Notification, petitionId: string): string =>
  JSON.stringify({
    id: n.id,
    idempotencyKey: n.idempotencyKey,
    petitionId,
    recipient: n.recipient,
    ...(n.template === undefined ? {} : { template: n.template }),
    payload: n.payload
  })

const endpointFor = (endpoints: Readonly<Record<string, string>>, recipient: string): string | undefined => {
  const kind = recipient.slice(0, Math.max(0, recipient.indexOf(":")))
  for (const key of [recipient, kind, "*"]) if (Object.hasOwn(endpoints, key)) return endpoints[key]
  return undefined
}

/** Retry-After is seconds or an HTTP date; the instant (epoch ms) before which no retry should come. */
export const retryAfterUntil = (header: string | null, now: number, maxMs: number): number | undefined => {
  if (header === null) return undefined
  const trimmed = header.trim()
  const at = /^\d+$/.test(trimmed) ? now + Number(trimmed) * 1000 : Date.parse(trimmed)
  return Number.isNaN(at) ? undefined : Math.min(Math.max(at, now), now + maxMs)
}

type Answer =
  | { readonly _tag: "Response"; readonly status: number; readonly retryAfter: string | null; readonly text: string }
  | { readonly _tag: "NetworkError"; readonly reason: string }

/**
 * A notifier that POSTs each notification as signed JSON. 2xx is delivered; 408, 429, 5xx,
 * timeouts and network errors are retryable; any other status is permanent (a dead letter).
 * A Retry-After from the endpoint becomes the failure's `notBefore`, so the outbox schedules the
 * next attempt after it; the notifier also holds back every other request to that endpoint until
 * then (failing them as retryable with the same `notBefore`, without touching the network), since
 * other messages to it are scheduled on their own.
 */
export const make = (config: WebhookConfig): Effect.Effect<Notifier["Service"], InvalidInput> =>
  Effect.map(Effect.fromResult(decodeConfig(config)), (c) => {
    const channel = c.channel ?? "webhook"
    const secret = Redacted.isRedacted(c.secret) ? Redacted.value(c.secret) : c.secret
    const timeoutMs = c.timeoutMs ?? 10_000
    const maxRetryAfterMs = c.maxRetryAfterMs ?? 3_600_000
    const heldUntil = new Map<string, number>()
    const failed = (retryable: boolean, reason: string, notBefore?: number): NotifyFailed => notifyFailed(channel, retryable, reason, notBefore)

    const post = (url: string, headers: Record<string, string>, body: string): Effect.Effect<Answer> =>
      Effect.promise(async (signal) => {
        try {
          const response = await fetch(url, {
            method: "POST",
            headers,
            body,
            redirect: "manual",
            signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)])
          })
          // Reading the body frees the connection for keep-alive; its start explains a refusal.
          const text = (await response.text()).slice(0, 200)
          return { _tag: "Response", status: response.status, retryAfter: response.headers.get("retry-after"), text } satisfies Answer
        } catch (e) {
          const reason = e instanceof Error && e.name === "TimeoutError"
            ? `no answer within ${timeoutMs} ms`
            : e instanceof Error ? `${e.message}${e.cause instanceof Error ? `: ${e.cause.message}` : ""}` : String(e)
          return { _tag: "NetworkError", reason } satisfies Answer
        }
      })

    return Notifier.of({
      send: (n) =>
        Effect.gen(function*() {
          const payload = yield* Effect.fromResult(Result.mapError(deliverable(n), (e) => failed(false, e.reason)))
          const url = endpointFor(c.endpoints, n.recipient)
          if (url === undefined) {
            return yield* failed(false, `没有为收件人 ${n.recipient} 配置 webhook 地址 (no webhook endpoint is configured for ${n.recipient}; keys tried: ${n.recipient}, its kind, *)`)
          }
          const now = yield* Clock.currentTimeMillis
          const held = heldUntil.get(url)
          if (held !== undefined && held > now) {
            return yield* failed(true, `endpoint asked to wait (Retry-After) until ${new Date(held).toISOString()}`, held)
          }
          const body = webhookBody(n, payload.petitionId)
          const timestamp = Math.floor(now / 1000)
          const answer = yield* post(url, {
            "content-type": "application/json; charset=utf-8",
            [IDEMPOTENCY_HEADER]: n.idempotencyKey,
            [TIMESTAMP_HEADER]: String(timestamp),
            [SIGNATURE_HEADER]: sign(secret, timestamp, body),
            "x-minyi-notification-id": n.id
          }, body)
          if (answer._tag === "NetworkError") return yield* failed(true, `POST ${url}: ${answer.reason}`)
          const { status } = answer
          if (status >= 200 && status < 300) return
          const reason = `POST ${url} answered ${status}${answer.text.length > 0 ? `: ${answer.text}` : ""}`
          const retryable = status === 408 || status === 429 || status >= 500
          const until = retryable ? retryAfterUntil(answer.retryAfter, yield* Clock.currentTimeMillis, maxRetryAfterMs) : undefined
          if (until !== undefined) heldUntil.set(url, until)
          return yield* failed(retryable, reason, until)
        })
    })
  })
