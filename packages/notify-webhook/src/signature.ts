import { createHmac, timingSafeEqual } from "node:crypto"

/** The header carrying the Unix time (seconds) the request was signed at. */
export const TIMESTAMP_HEADER = "x-minyi-timestamp"
/** The header carrying `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`. */
export const SIGNATURE_HEADER = "x-minyi-signature"
/** The header carrying the notification's idempotency key, the same on every retry. */
export const IDEMPOTENCY_HEADER = "idempotency-key"

/**
 * The signature of one request: HMAC-SHA256 with the shared secret over the timestamp, a dot and
 * the exact body bytes. Signing the timestamp with the body lets receivers refuse replays of an
 * old request without keeping every request they saw.
 */
export const sign = (secret: string, timestamp: number, body: string): string =>
  `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`

/** Why a received request was refused by {@link verify}. */
export type VerifyProblem = "missing-headers" | "bad-signature" | "stale-timestamp"

export interface VerifyRequest {
  readonly secret: string
  /** The raw body as received, before any JSON parsing. */
  readonly body: string
  readonly timestamp: string | undefined
  readonly signature: string | undefined
  /** The receiver's current Unix time in seconds. */
  readonly nowSeconds: number
  /** How far the timestamp may be from now; default 300 s. */
  readonly toleranceSeconds?: number
}

/**
 * What a receiver runs on each request (also the recipe in the README): recompute the signature,
 * compare in constant time, and refuse a timestamp more than the tolerance away from now.
 */
export const verify = (request: VerifyRequest): { readonly ok: true } | { readonly ok: false; readonly problem: VerifyProblem } => {
  const { timestamp, signature } = request
  if (timestamp === undefined || signature === undefined || !/^\d+$/.test(timestamp)) return { ok: false, problem: "missing-headers" }
  const expected = Buffer.from(sign(request.secret, Number(timestamp), request.body))
  const given = Buffer.from(signature)
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, problem: "bad-signature" }
  if (Math.abs(request.nowSeconds - Number(timestamp)) > (request.toleranceSeconds ?? 300)) return { ok: false, problem: "stale-timestamp" }
  return { ok: true }
}
