import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { EventStore, Outbox, Queries, Timers } from "@minyi/core"
import { layer } from "@minyi/store-sqlite"
import { Effect, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const here = dirname(fileURLToPath(import.meta.url))
const dir = mkdtempSync(join(tmpdir(), "minyi-sqlite-crash-"))
// The child is bundled once: loading the sources through a TypeScript loader takes ~2 s per
// process, which 50+ lives cannot afford. It sits under node_modules to resolve better-sqlite3.
const childDir = join(here, "..", "node_modules", ".crash-child")
const childScript = join(childDir, "child.mjs")
beforeAll(async () => {
  const require = createRequire(join(here, "..", "..", "..", "package.json"))
  const esbuild = (await import(createRequire(require.resolve("tsx")).resolve("esbuild"))) as { build(options: Record<string, unknown>): Promise<unknown> }
  await esbuild.build({
    entryPoints: [join(here, "crash-child.ts")],
    outfile: childScript,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["@minyi/source"],
    external: ["better-sqlite3"],
    logLevel: "error"
  })
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
  rmSync(childDir, { recursive: true, force: true })
})

/** Runs one child life: waits until it is appending, lets it run a random while, kills it. */
const life = (path: string, name: string, runMs: number): Promise<Array<string>> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childScript, path, name], {
      stdio: ["ignore", "pipe", "pipe"]
    })
    const acked: Array<string> = []
    let buffer = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString()
      const lines = buffer.split("\n")
      buffer = lines.pop()!
      for (const line of lines) {
        if (line === "ready") setTimeout(() => child.kill("SIGKILL"), runMs)
        else if (line.startsWith("ack ")) acked.push(line.slice(4))
      }
    })
    child.stderr.on("data", (chunk: Buffer) => void (stderr += chunk.toString()))
    child.on("exit", (_code, signal) => (signal === "SIGKILL" ? resolve(acked) : reject(new Error(`child ended without being killed: ${stderr}`))))
  })

describe("SQLite store under SIGKILL", () => {
  it("keeps every acknowledged append, and never half of one, across 50+ kills", async () => {
    const path = join(dir, "crash.db")
    const acked: Array<string> = []
    const lives = 52
    // Several children at once so that kills also land while another process holds the write lock.
    for (let round = 0; round < lives / 4; round++) {
      const results = await Promise.all(
        Array.from({ length: 4 }, (_, i) => life(path, `L${round}x${i}`, 5 + Math.floor(Math.random() * 120)))
      )
      for (const r of results) acked.push(...r)
    }
    expect(acked.length).toBeGreaterThan(lives)

    const state = await Effect.runPromise(
      Effect.scoped(
        Effect.provide(
          Effect.gen(function* () {
            const events = yield* (yield* EventStore).readAll(0, 1_000_000)
            const streams = new Map<string, number>()
            for (const e of events) streams.set(e.streamId, Math.max(streams.get(e.streamId) ?? 0, e.version))
            const partial: Array<string> = []
            for (const [streamId, version] of streams) {
              const versions = (yield* (yield* EventStore).readStream(streamId)).map((e) => e.version)
              if (versions.join() !== Array.from({ length: version }, (_, i) => i + 1).join()) partial.push(`${streamId}: gap ${versions}`)
              const s = yield* (yield* Queries).get(streamId)
              if (Option.isNone(s) || (s.value.data as { version: number }).version !== version) partial.push(`${streamId}: summary`)
              const t = yield* (yield* Timers).get({ streamId, key: "clock:a" })
              if (Option.isNone(t) || (t.value.payload as { version: number }).version !== version) partial.push(`${streamId}: timer`)
            }
            return { ids: new Set(events.map((e) => e.eventId)), count: events.length, pending: yield* (yield* Outbox).pendingCount(), partial }
          }),
          layer({ path })
        )
      )
    )
    expect(acked.filter((id) => !state.ids.has(id))).toEqual([])
    expect(state.partial).toEqual([])
    // One outbox message per event: none lost, none from an append that did not commit.
    expect(state.pending).toBe(state.count)
  }, 90_000)
})
