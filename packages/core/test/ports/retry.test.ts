import { defaultRetryPolicy, nextAttemptAt, retryDelay } from "@minyi/core/adapter"
import type { RetryPolicy } from "@minyi/core"
import { describe, expect, it } from "vitest"

const policy: RetryPolicy = { initialDelayMs: 1_000, factor: 2, maxDelayMs: 20_000, maxAttempts: 10, jitter: 0.25 }

describe("retryDelay", () => {
  it("grows exponentially within the jitter band and stops at the cap", () => {
    for (const id of ["m1", "m2", "通知-3"]) {
      for (let attempt = 1; attempt <= 8; attempt++) {
        const base = 1_000 * 2 ** (attempt - 1)
        const d = retryDelay(policy, id, attempt)
        expect(d).toBeGreaterThanOrEqual(Math.min(Math.floor(base * 0.75), 20_000))
        expect(d).toBeLessThanOrEqual(Math.min(Math.ceil(base * 1.25), 20_000))
      }
    }
    expect(retryDelay(policy, "m1", 30)).toBe(20_000)
  })

  it("is reproducible per message and attempt, and spreads different messages apart", () => {
    expect(retryDelay(policy, "m1", 3)).toBe(retryDelay(policy, "m1", 3))
    const spread = new Set(Array.from({ length: 50 }, (_, i) => retryDelay(policy, `m${i}`, 3)))
    expect(spread.size).toBeGreaterThan(30)
  })

  it("has no jitter when the policy says so", () => {
    expect(retryDelay({ ...policy, jitter: 0 }, "m1", 4)).toBe(8_000)
    expect(retryDelay(defaultRetryPolicy, "m1", 1)).toBeGreaterThan(0)
  })
})

describe("nextAttemptAt", () => {
  const now = 1_000_000
  it("is the backoff without a notBefore, or with one that is sooner or no instant at all", () => {
    const backoff = now + retryDelay(policy, "m1", 2)
    expect(nextAttemptAt(policy, "m1", 2, now)).toBe(backoff)
    expect(nextAttemptAt(policy, "m1", 2, now, now + 1)).toBe(backoff)
    expect(nextAttemptAt(policy, "m1", 2, now, Number.NaN)).toBe(backoff)
    expect(nextAttemptAt(policy, "m1", 2, now, Number.POSITIVE_INFINITY)).toBe(backoff)
  })

  it("waits for a later notBefore, but no more than maxDelayMs", () => {
    expect(nextAttemptAt(policy, "m1", 1, now, now + 15_000)).toBe(now + 15_000)
    expect(nextAttemptAt(policy, "m1", 1, now, now + 10 * policy.maxDelayMs)).toBe(now + policy.maxDelayMs)
  })
})
