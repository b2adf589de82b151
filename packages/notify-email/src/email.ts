import { decodeInput, Notifier } from "@minyi/core"
import { deliverable, notifyFailed } from "@minyi/core/adapter"
import type { InvalidInput, Notification, NotifyFailed } from "@minyi/core"
import type { NotificationPayload } from "@minyi/core/adapter"
import { createHash } from "node:crypto"
import { createTransport } from "nodemailer"
import { Effect, Redacted, Result, Schema } from "effect"

const Secret = Schema.Union([Schema.NonEmptyString, Schema.Redacted(Schema.NonEmptyString)])
const Mailbox = Schema.String.check(
  Schema.makeFilter((s: string) => /^[^\s@<>]+@[^\s@<>]+$/.test(s), { expected: "an email address such as duty@housing.example.gov.cn" })
)

/** The email notifier's configuration, decoded (every problem named by path) before anything is sent. */
export const EmailConfig = Schema.Struct({
  smtp: Schema.Struct({
    host: Schema.NonEmptyString,
    port: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 65535 })),
    /** TLS from the first byte (usually port 465). Without it, STARTTLS is used when the server offers it. */
    secure: Schema.optionalKey(Schema.Boolean),
    /** Refuse to send unless the connection is upgraded with STARTTLS. */
    requireTLS: Schema.optionalKey(Schema.Boolean),
    /** A PEM certificate to trust besides the system's (a private mail relay's own CA). */
    ca: Schema.optionalKey(Schema.String),
    auth: Schema.optionalKey(Schema.Struct({ user: Schema.NonEmptyString, pass: Secret })),
    /** Connection, greeting and socket timeouts; default 30 s. */
    timeoutMs: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)))
  }),
  /** The sender, e.g. `民意平台 <noreply@minyi.example.gov.cn>`. */
  from: Schema.NonEmptyString,
  /** The mailbox of each recipient (`unit:dept.housing`, `person:p.li`); a recipient without one is a permanent failure. */
  addresses: Schema.Record(Schema.String, Mailbox),
  /** The channel named in failures; default `email`. */
  channel: Schema.optionalKey(Schema.NonEmptyString)
})
export type EmailConfig = typeof EmailConfig.Type

const decodeConfig = decodeInput(EmailConfig, "邮件通知配置 email notifier config")

const reveal = (s: string | Redacted.Redacted<string>): string => (Redacted.isRedacted(s) ? Redacted.value(s) : s)

/**
 * Masks what looks like personal data (mainland mobile numbers, resident id numbers, email
 * addresses). Templates carry none by design; this is the second line, for a template that
 * quotes free text by mistake, because a mail once sent cannot be called back.
 */
export const maskPersonalData = (text: string): string =>
  text
    .replace(/(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)/g, "$1********$2")
    .replace(/(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g, "$1****$2")
    .replace(/([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g, "$1***@$2")

/** The mail for a notification: Chinese first, English below, both masked. */
export const composeMail = (n: Notification, payload: NotificationPayload): { readonly subject: string; readonly text: string } => {
  const zh = payload.message["zh-CN"]
  const en = payload.message.en
  return {
    subject: maskPersonalData(`${zh.subject} / ${en.subject}`),
    text: maskPersonalData(
      [zh.body, "", `信访件 ${payload.petitionId}`, "", "——— English ———", en.subject, "", en.body, "", `Petition ${payload.petitionId}`, "", `(${n.idempotencyKey})`].join("\n")
    )
  }
}

interface SmtpError {
  readonly code?: unknown
  readonly responseCode?: unknown
  readonly message?: unknown
}

/**
 * An SMTP reply of 5xx is permanent (the relay refuses this mail for good); 4xx is temporary. Without
 * a reply the server was not reached or the connection broke: worth another try, except when
 * nodemailer itself refuses the envelope (an address it cannot use).
 */
export const classify = (e: SmtpError): { readonly retryable: boolean; readonly reason: string } => {
  const reply = typeof e.responseCode === "number" ? e.responseCode : undefined
  const code = typeof e.code === "string" ? e.code : undefined
  const reason = `${code ?? "SMTP"}${reply === undefined ? "" : ` ${reply}`}: ${typeof e.message === "string" ? e.message : String(e)}`
  if (reply !== undefined) return { retryable: reply < 500, reason }
  return { retryable: code !== "EENVELOPE" && code !== "EMESSAGE", reason }
}

/** A stable Message-ID from the idempotency key: mail systems drop a second copy with the same id. */
export const messageId = (idempotencyKey: string, from: string): string => {
  const domain = /@([^>\s]+)/.exec(from)?.[1] ?? "minyi.invalid"
  return `<${createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 32)}@${domain}>`
}

/**
 * A notifier that mails each notification over SMTP (nodemailer; one connection per mail, so an
 * idle engine holds none open). Never to the accused unit; never with personal data in the text.
 */
export const make = (config: EmailConfig): Effect.Effect<Notifier["Service"], InvalidInput> =>
  Effect.map(Effect.fromResult(decodeConfig(config)), (c) => {
    const channel = c.channel ?? "email"
    const timeout = c.smtp.timeoutMs ?? 30_000
    const transport = createTransport({
      host: c.smtp.host,
      port: c.smtp.port,
      secure: c.smtp.secure ?? false,
      requireTLS: c.smtp.requireTLS ?? false,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      ...(c.smtp.auth === undefined ? {} : { auth: { user: c.smtp.auth.user, pass: reveal(c.smtp.auth.pass) } }),
      ...(c.smtp.ca === undefined ? {} : { tls: { ca: c.smtp.ca } })
    })
    const failed = (retryable: boolean, reason: string): NotifyFailed => notifyFailed(channel, retryable, reason)
    return Notifier.of({
      send: (n) =>
        Effect.gen(function*() {
          const payload = yield* Effect.fromResult(Result.mapError(deliverable(n), (e) => failed(false, e.reason)))
          const to = Object.hasOwn(c.addresses, n.recipient) ? c.addresses[n.recipient] : undefined
          if (to === undefined) {
            return yield* failed(false, `没有为收件人 ${n.recipient} 配置邮箱 (no email address is configured for ${n.recipient})`)
          }
          const mail = composeMail(n, payload)
          yield* Effect.tryPromise({
            try: () =>
              transport.sendMail({
                from: c.from,
                to,
                subject: mail.subject,
                text: mail.text,
                messageId: messageId(n.idempotencyKey, c.from),
                headers: { "X-Minyi-Idempotency-Key": n.idempotencyKey, "X-Minyi-Petition": payload.petitionId }
              }),
            catch: (e) => {
              const { retryable, reason } = classify(typeof e === "object" && e !== null ? e : { message: String(e) })
              return failed(retryable, reason)
            }
          })
        })
    })
  })
