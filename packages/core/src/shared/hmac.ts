// HMAC-SHA256 (RFC 2104) in pure TypeScript over ./sha256.ts, for the same reason SHA-256 is:
// core runs in browsers, where WebCrypto is asynchronous, and the repeat-index key is computed
// inside the synchronous engine step.
import { sha256Bytes, toHex } from "./sha256.js"

const BLOCK = 64
const encoder = new TextEncoder()

const bytesOf = (value: string | Uint8Array): Uint8Array => (typeof value === "string" ? encoder.encode(value) : value)

/** HMAC-SHA256 of `message` under `key` (strings are taken as UTF-8), as the 32-byte tag. */
export const hmacSha256 = (key: string | Uint8Array, message: string | Uint8Array): Uint8Array => {
  const raw = bytesOf(key)
  // A key longer than a block is hashed first; a shorter one is zero-padded (RFC 2104 §2).
  const k = new Uint8Array(BLOCK)
  k.set(raw.length > BLOCK ? sha256Bytes(raw) : raw)
  const data = bytesOf(message)
  const inner = new Uint8Array(BLOCK + data.length)
  const outer = new Uint8Array(BLOCK + 32)
  for (let i = 0; i < BLOCK; i++) {
    inner[i] = k[i]! ^ 0x36
    outer[i] = k[i]! ^ 0x5c
  }
  inner.set(data, BLOCK)
  outer.set(sha256Bytes(inner), BLOCK)
  return sha256Bytes(outer)
}

/** HMAC-SHA256 as 64 lowercase hex digits. */
export const hmacSha256Hex = (key: string | Uint8Array, message: string | Uint8Array): string => toHex(hmacSha256(key, message))
