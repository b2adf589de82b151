import { PermanentNotifyFailure } from "@minyi/core"
import type { PromiseNotifier } from "@minyi/core"

export interface SmsGatewayOptions {
  /** The gateway's send endpoint. */
  readonly url: string
  readonly apiKey: string
  /** The mobile number of each recipient the rules name (`unit:…` duty phones, `person:…`). */
  readonly numbers: Readonly<Record<string, string>>
}

/**
 * An SMS gateway as a minyi notifier: resolve when the gateway took the message, throw to have the
 * outbox retry it, throw a PermanentNotifyFailure when retrying cannot help.
 */
export const smsGateway = (options: SmsGatewayOptions): PromiseNotifier => async (message) => {
  const to = options.numbers[message.recipient]
  if (to === undefined) throw new PermanentNotifyFailure(`no mobile number for ${message.recipient}`)
  const response = await fetch(options.url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${options.apiKey}` },
    // The gateway drops a request id it has seen: a retried message is not sent twice.
    body: JSON.stringify({ to, requestId: message.idempotencyKey, text: `${message.text["zh-CN"].subject}\n${message.text["zh-CN"].body}\n${message.text.en.subject}` }),
    signal: AbortSignal.timeout(10_000)
  })
  if (response.ok) return
  const reason = `SMS gateway answered ${response.status}`
  // 429 and 5xx are the gateway's trouble, and pass; any other 4xx is ours, and a retry will not fix it.
  if (response.status === 429 || response.status >= 500) throw new Error(reason)
  throw new PermanentNotifyFailure(reason)
}
