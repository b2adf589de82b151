import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, expect, it, onTestFinished } from "vitest"
import { describePg, openStore, run, sql } from "./support.js"
import { bundleWorker, spawnWorker as spawnScript } from "./workers/spawn.js"

describePg("PostgreSQL with several processes", (url) => {
  const dir = mkdtempSync(join(tmpdir(), "minyi-pg-processes-"))
  let script = ""
  beforeAll(async () => {
    script = await bundleWorker(dir)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const spawnWorker = (args: Record<string, unknown>) => spawnScript(script, args)

  it("a worker that cannot start fails its test at once, saying why, instead of waiting for READY", async () => {
    const refused = new URL(url)
    refused.port = "1"
    const worker = spawnWorker({ mode: "claim", url: refused.toString(), schema: "minyi_unused", workerId: "doomed" })
    await expect(worker.ready).rejects.toThrow(/before it was ready: .*StoreUnavailable|before it was ready: .*unreachable/)
  })

  it("4 claimer processes claim 10k due timers: each exactly once, none lost", { timeout: 180_000 }, async () => {
    const { store, close } = await openStore(url)
    onTestFinished(close)
    const specs = Array.from({ length: 10_000 }, (_, i) => ({ streamId: `p-${i % 2_500}`, key: `clock:${i}`, dueAt: i % 97, payload: { i } }))
    for (let i = 0; i < specs.length; i += 2_000) await run(store.timers.schedule(specs.slice(i, i + 2_000)))

    const workers = Array.from({ length: 4 }, (_, i) =>
      spawnWorker({ mode: "claim", url, schema: store.schema, workerId: `w${i}`, waitForGo: true })
    )
    await Promise.all(workers.map((w) => w.ready))
    workers.forEach((w) => w.go())
    const codes = await Promise.all(workers.map((w) => w.exited))
    expect(codes).toEqual([0, 0, 0, 0])

    const claimed = workers.flatMap((w) => w.lines.filter((l) => l.startsWith("CLAIMED ")))
    expect(claimed.length).toBe(10_000)
    expect(new Set(claimed).size).toBe(10_000)
    const perWorker = workers.map((w) => w.lines.filter((l) => l.startsWith("CLAIMED ")).length)
    console.info(`claims per worker: ${perWorker.join(", ")}`)
    expect(perWorker.filter((n) => n > 0).length).toBeGreaterThan(1)
    const open = await sql(url, `SELECT count(*)::int AS n FROM ${store.schema}.minyi_timers WHERE NOT done`)
    expect(open.rows[0].n).toBe(0)
  })

  it("appenders, timer firers and outbox relays killed with SIGKILL 54 times lose nothing and fire nothing twice", { timeout: 600_000 }, async () => {
    const { store, close } = await openStore(url)
    onTestFinished(close)
    const streams = Array.from({ length: 20 }, (_, i) => `s-${i}`)
    const base = { url, schema: store.schema, streams, leaseMs: 300 }
    const lines: Array<string> = []
    let kills = 0
    let n = 0
    const life = async (mode: "append" | "fire" | "relay") => {
      const worker = spawnWorker({ ...base, mode, workerId: `${mode}-${++n}` })
      await worker.ready
      await new Promise((r) => setTimeout(r, 30 + Math.random() * 300))
      worker.kill()
      await worker.exited
      kills++
      lines.push(...worker.lines)
    }
    while (kills < 54) await Promise.all([life("append"), life("fire"), life("relay")])

    // After the crashes: a firer and a relay that are not killed drain what is left, expired
    // leases included.
    const drains = [spawnWorker({ ...base, mode: "fire", workerId: "drain", until: "empty" }), spawnWorker({ ...base, mode: "relay", workerId: "drain-relay", until: "empty" })]
    expect(await Promise.all(drains.map((d) => d.exited))).toEqual([0, 0])
    drains.forEach((d) => lines.push(...d.lines))

    const acks = lines.filter((l) => l.startsWith("ACK ")).map((l) => l.split(" ").slice(1))
    expect(acks.length).toBeGreaterThan(50)
    for (const streamId of streams) {
      const events = await run(store.eventStore.readStream(streamId))
      // Versions are gapless from 1.
      expect(events.map((e) => e.version)).toEqual(events.map((_, i) => i + 1))
      const byId = new Map(events.map((e) => [e.eventId, e.version]))
      // Every acknowledged append is there, at the versions it was acknowledged with.
      for (const [stream, first, ...ids] of acks.filter((a) => a[0] === streamId)) {
        ids.forEach((id, i) => expect([stream, byId.get(id)]).toEqual([streamId, Number(first) + i]))
      }
    }
    // Global positions are gapless too.
    const all = await run(store.eventStore.readAll(0, 10_000))
    expect(all.map((e) => e.position)).toEqual(all.map((_, i) => i + 1))

    // No timer lost: every timer ever scheduled is done, and fired exactly once.
    const timers = await sql(url, `SELECT stream_id, key, done FROM ${store.schema}.minyi_timers`)
    expect(timers.rows.length).toBeGreaterThan(50)
    expect(timers.rows.filter((t: { done: boolean }) => !t.done)).toEqual([])
    const fired = all.filter((e) => e.type === "TimerFired").map((e) => `${e.streamId} ${(e.data as { key: string }).key}`)
    expect(new Set(fired).size).toBe(fired.length)
    expect(new Set(fired)).toEqual(new Set(timers.rows.map((t: { stream_id: string; key: string }) => `${t.stream_id} ${t.key}`)))
    const completed = lines.filter((l) => l.startsWith("COMPLETED "))
    expect(new Set(completed).size).toBe(completed.length)

    // No notification lost: every acknowledged append's message was delivered (at least once).
    const delivered = new Set(lines.filter((l) => l.startsWith("DELIVERED ")).map((l) => l.slice("DELIVERED ".length)))
    for (const [, , firstId] of acks) expect(delivered.has(`${firstId}:notify`)).toBe(true)
    expect(await run(store.outbox.pendingCount())).toBe(0)
    expect(await run(store.outbox.deadLetters())).toEqual([])
    console.info(
      `kills: ${kills}, acknowledged appends: ${acks.length}, events: ${all.length}, timers fired: ${fired.length}, notifications delivered: ${delivered.size}`
    )
  })
})
