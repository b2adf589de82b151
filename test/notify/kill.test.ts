/**
 * The relay in worker processes, with a real webhook receiver on loopback: a worker killed while
 * its request is in flight, and four workers on one PostgreSQL database relaying together.
 */
import { spawn } from "node:child_process"
import { rmSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { describePg, dropSchema, freshSchema } from "../../packages/store-postgres/test/support.js"
import { bundleScript, tempDir } from "../durability/processes.js"
import { petitionId, WORK_FROM } from "../durability/support.js"
import type { RelayChildArgs } from "./relay-child.js"
import { startReceiver } from "./support.js"
import type { Hit } from "./support.js"

const LEASE_MS = 5_000

interface Worker {
  readonly lines: Array<string>
  readonly kill: () => void
  readonly exited: Promise<{ readonly code: number | null; readonly stderr: string }>
}

const startWorker = (script: string, args: RelayChildArgs): Worker => {
  const child = spawn(process.execPath, [script, JSON.stringify(args)], { stdio: ["ignore", "pipe", "pipe"] })
  const lines: Array<string> = []
  let stderr = ""
  child.stdout.setEncoding("utf8")
  child.stdout.on("data", (chunk: string) => lines.push(...chunk.split("\n").filter((l) => l !== "")))
  child.stderr.setEncoding("utf8")
  child.stderr.on("data", (chunk: string) => void (stderr += chunk))
  return {
    lines,
    kill: () => void child.kill("SIGKILL"),
    exited: new Promise((resolve) => child.on("exit", (code) => resolve({ code, stderr })))
  }
}

/** Per notification: how often it arrived with 2xx, and the keys it came with. */
const byNotification = (hits: ReadonlyArray<Hit>) => {
  const out = new Map<string, { delivered: number; keys: Set<string> }>()
  for (const h of hits) {
    const entry = out.get(h.notificationId) ?? { delivered: 0, keys: new Set<string>() }
    if (h.status >= 200 && h.status < 300) entry.delivered++
    entry.keys.add(h.idempotencyKey)
    out.set(h.notificationId, entry)
  }
  return out
}

const dir = tempDir("notify-relay")
let script = ""
beforeAll(async () => {
  script = await bundleScript(fileURLToPath(new URL("./relay-child.ts", import.meta.url)), dir)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("a relay worker killed mid-delivery (SQLite)", () => {
  it("is followed by another that delivers the notification, with the same idempotency key", { timeout: 60_000 }, async () => {
    // The first request hangs: the worker is killed while waiting for the answer.
    const receiver = await startReceiver((hits) => (hits.length === 0 ? undefined : 200))
    try {
      const store = { kind: "sqlite", path: join(dir, "kill.sqlite") } as const
      const first = startWorker(script, { store, url: receiver.url, workerId: "w-killed", leaseMs: LEASE_MS, submit: ["p-kill"], tickAt: WORK_FROM, relayAt: WORK_FROM })
      await receiver.nth(1)
      first.kill()
      await first.exited
      // After the lease ran out, another worker finds the message and delivers it.
      const second = startWorker(script, { store, url: receiver.url, workerId: "w-next", leaseMs: LEASE_MS, relayAt: WORK_FROM + LEASE_MS + 1 })
      const done = await second.exited
      expect(done.stderr).toBe("")
      expect(second.lines).toContain("idle")
      const hung = receiver.hits[0]!
      expect(hung.status).toBe(0)
      const again = receiver.hits.filter((h) => h.notificationId === hung.notificationId && h.status === 200)
      expect(again).toHaveLength(1)
      expect(again[0]!.idempotencyKey).toBe(hung.idempotencyKey)
      for (const [, n] of byNotification(receiver.hits)) {
        expect(n.delivered).toBe(1)
        expect(n.keys.size).toBe(1)
      }
    } finally {
      await receiver.close()
    }
  })
})

describePg("four relay workers on one PostgreSQL database", (url) => {
  const schema = freshSchema()
  afterAll(() => dropSchema(url, schema))

  it("deliver each notification once", { timeout: 120_000 }, async () => {
    const receiver = await startReceiver(() => 200)
    try {
      const store = { kind: "pg", url, schema, poolSize: 2, synchronousCommit: false } as const
      const ids = Array.from({ length: 60 }, (_, i) => petitionId(i))
      const setup = startWorker(script, { store, url: receiver.url, workerId: "w-setup", leaseMs: LEASE_MS, submit: ids, tickAt: WORK_FROM })
      expect((await setup.exited).stderr).toBe("")
      // The workers relay from the same moment on, once all of them have started.
      const startAt = Date.now() + 3_000
      const workers = Array.from({ length: 4 }, (_, w) =>
        startWorker(script, { store, url: receiver.url, workerId: `w${w}`, leaseMs: LEASE_MS, relayAt: WORK_FROM, startAt })
      )
      const exits = await Promise.all(workers.map((w) => w.exited))
      expect(exits.map((e) => e.stderr)).toEqual(["", "", "", ""])
      const seen = byNotification(receiver.hits)
      // Two notices per breached feedback clock (the street's linked leader and the lead unit).
      expect(seen.size).toBeGreaterThanOrEqual(ids.length)
      for (const [, n] of seen) {
        expect(n.delivered).toBe(1)
        expect(n.keys.size).toBe(1)
      }
      expect(receiver.hits).toHaveLength(seen.size)
      // More than one worker took part, or the test would prove nothing about sharing.
      const busy = workers.filter((w) => w.lines.some((l) => /^relay [1-9]/.test(l)))
      expect(busy.length).toBeGreaterThan(1)
    } finally {
      await receiver.close()
    }
  })
})
