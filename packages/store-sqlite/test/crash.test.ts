import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { EventStore, Outbox, Queries, Timers } from "@minyi/core"
import type { StoredEvent } from "@minyi/core"
import { layer } from "@minyi/store-sqlite"
import { Effect, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bundleScript } from "../../../test/durability/processes.js"

const here = dirname(fileURLToPath(import.meta.url))
const dir = mkdtempSync(join(tmpdir(), "minyi-sqlite-crash-"))
// The child is bundled once: loading the sources through a TypeScript loader takes ~2 s per
// process, which 50+ lives cannot afford.
let childScript = ""
beforeAll(async () => {
  childScript = await bundleScript(join(here, "crash-child.ts"), dir)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Life {
  readonly acked: Array<string>
  readonly fired: Array<string>
  readonly delivered: Array<string>
}

/** Runs one child life: waits for its first commit, lets it run a random while, kills it. */
const life = (path: string, name: string, runMs: number): Promise<Life> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childScript, path, name], { stdio: ["ignore", "pipe", "pipe"] })
    const seen: Life = { acked: [], fired: [], delivered: [] }
    let buffer = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString()
      const lines = buffer.split("\n")
      buffer = lines.pop()!
      for (const line of lines) {
        if (line.startsWith("ack ")) {
          // The clock starts at the first commit, so that every life dies while it is working.
          if (seen.acked.length === 0) setTimeout(() => child.kill("SIGKILL"), runMs)
          seen.acked.push(line.slice(4))
        }
        else if (line.startsWith("fired ")) seen.fired.push(line.slice(6))
        else if (line.startsWith("deliver ")) seen.delivered.push(line.slice(8))
      }
    })
    child.stderr.on("data", (chunk: Buffer) => void (stderr += chunk.toString()))
    child.on("exit", (_code, signal) => (signal === "SIGKILL" ? resolve(seen) : reject(new Error(`child ended without being killed: ${stderr}`))))
  })

const inspect = (path: string) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.provide(
        Effect.gen(function* () {
          const store = yield* EventStore
          const events: Array<StoredEvent> = []
          for (;;) {
            const page = yield* store.readAll(events.at(-1)?.position ?? 0, 5_000)
            if (page.length === 0) break
            events.push(...page)
          }
          const problems: Array<string> = []
          const streams = new Map<string, Array<StoredEvent>>()
          for (const e of events) streams.set(e.streamId, [...(streams.get(e.streamId) ?? []), e])
          const firings = new Set(events.filter((e) => e.type === "Fired").map((e) => e.eventId.slice(0, e.eventId.lastIndexOf(":"))))
          for (const [streamId, stream] of streams) {
            if (stream.map((e) => e.version).join() !== stream.map((_, i) => i + 1).join()) problems.push(`${streamId}: version gap`)
            const own = stream.filter((e) => e.type !== "Fired").length
            const s = yield* (yield* Queries).get(streamId)
            if (Option.isNone(s)) {
              problems.push(`${streamId}: no summary`)
              continue
            }
            const { version, dueAt } = s.value.data as { version: number; dueAt: number }
            if (version !== own) problems.push(`${streamId}: summary at version ${version}, ${own} events`)
            // The stream's latest timer is either still waiting or its firing is recorded.
            const t = yield* (yield* Timers).get({ streamId, key: "clock:a" })
            const waiting = Option.isSome(t) && t.value.dueAt === dueAt && (t.value.payload as { version: number }).version === version
            if (!waiting && !firings.has(`fire:${streamId}:clock:a:${dueAt}`)) problems.push(`${streamId}: timer lost`)
          }
          const pending = yield* (yield* Outbox).claim({ now: Number.MAX_SAFE_INTEGER - 1e9, limit: 10_000, leaseMs: 1, workerId: "inspector" })
          return { events, firings, problems, pending: pending.map((c) => c.message.id) }
        }),
        layer({ path })
      )
    )
  )

describe("SQLite store under SIGKILL", () => {
  it("loses no acknowledged append, timer or notification, and fires no timer twice, across 52 kills", async () => {
    const path = join(dir, "crash.db")
    const lives: Array<Life> = []
    // Four children at a time, so kills also land while another process holds the write lock
    // or a lease on a timer or message.
    for (let round = 0; round < 13; round++) {
      lives.push(...(await Promise.all(Array.from({ length: 4 }, (_, i) => life(path, `L${round}x${i}`, 5 + Math.floor(Math.random() * 150))))))
    }
    const acked = lives.flatMap((l) => l.acked)
    const fired = lives.flatMap((l) => l.fired)
    const delivered = new Set(lives.flatMap((l) => l.delivered))
    expect(lives.every((l) => l.acked.length > 0)).toBe(true)
    expect(fired.length).toBeGreaterThan(0)
    expect(delivered.size).toBeGreaterThan(0)

    const state = await inspect(path)
    const ids = new Set(state.events.map((e) => e.eventId))
    expect(acked.filter((id) => !ids.has(id))).toEqual([])
    expect(fired.filter((key) => !state.firings.has(key))).toEqual([])
    expect(state.problems).toEqual([])
    // Each firing is recorded once, however often its timer was claimed again after a crash.
    const firedEvents = state.events.filter((e) => e.type === "Fired")
    expect(firedEvents.length).toBe(state.firings.size)
    // Every notification of a committed append was delivered or is still waiting.
    const pending = new Set(state.pending)
    const lost = state.events.filter((e) => e.type !== "Fired").map((e) => `${e.eventId}-m`).filter((m) => !delivered.has(m) && !pending.has(m))
    expect(lost).toEqual([])
  }, 90_000)
})
