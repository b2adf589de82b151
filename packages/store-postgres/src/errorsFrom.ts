import { storeUnavailable } from "@minyi/core/adapter"
import type { StoreUnavailable } from "@minyi/core"

/** The fields of a `pg` DatabaseError or a Node socket error that say what went wrong. */
interface PgLikeError {
  readonly code?: unknown
  readonly message?: unknown
}

const fieldOf = (cause: unknown, field: keyof PgLikeError): string | undefined => {
  const value = typeof cause === "object" && cause !== null ? (cause as PgLikeError)[field] : undefined
  return typeof value === "string" ? value : undefined
}

const sqlState = (cause: unknown): string | undefined => fieldOf(cause, "code")

// Node socket errors and the messages pg uses when the server goes away.
const networkCodes = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"])
const droppedMessages = [/Connection terminated/i, /connection timeout/i, /connection error/i, /not queryable/i]

/**
 * Whether another attempt can get past the failure: connection exceptions (class 08), the
 * server shutting down or terminating the backend (57P0x), too many connections (53300),
 * serialization failures and deadlocks (40001, 40P01), and socket-level errors.
 */
export const isTransient = (cause: unknown): boolean => {
  const code = sqlState(cause)
  if (code !== undefined) {
    if (networkCodes.has(code)) return true
    if (code.startsWith("08") || code.startsWith("57P") || code === "53300" || code === "40001" || code === "40P01") return true
  }
  const text = fieldOf(cause, "message") ?? String(cause)
  return droppedMessages.some((re) => re.test(text))
}

/** A driver failure as the port's StoreUnavailable; the reason names the operation and the cause. */
export const unavailable = (operation: string, cause: unknown): StoreUnavailable => {
  const code = sqlState(cause)
  const text = fieldOf(cause, "message") ?? String(cause)
  return storeUnavailable(
    isTransient(cause)
      ? `PostgreSQL was unreachable or dropped the connection while ${operation} (${text}); nothing of it was written — try again`
      : `PostgreSQL refused ${operation}: ${text}${code === undefined ? "" : ` (SQLSTATE ${code})`}`
  )
}
