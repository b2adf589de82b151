/**
 * The checks of the durability runs can fail: a clean in-process run on SQLite passes them, and
 * each kind of damage the runs look for — a breach recorded twice, a lost event, a lost timer, a
 * lost notification, a key reused for another message — makes them fail.
 */
import { appendFileSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { Engine } from "@minyi/core"
import type { PetitionEvent } from "@minyi/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { audit, checkOutcome, reference } from "./audit.js"
import type { Audit, Reference } from "./audit.js"
import { tempDir } from "./processes.js"
import { engineOn, petitionId, submitOf, WORK_FROM } from "./support.js"
import type { StoreSpec } from "./support.js"

const dir = tempDir("audit")
const ids = [0, 1, 2].map(petitionId)
const store: StoreSpec = { kind: "sqlite", path: join(dir, "audit.db") }
const notifyLog = join(dir, "notify.log")
let ref: Reference
let clean: Audit
let log = ""

beforeAll(async () => {
  ref = await reference()
  await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function*() {
        const engine = yield* Engine
        for (const id of ids) yield* engine.handle(submitOf(id))
        yield* engine.tick(WORK_FROM)
        yield* engine.relay(WORK_FROM)
      }).pipe(Effect.provide(engineOn({ store, notifyLog, workerId: "w", leaseMs: 1_000, batchSize: 10 })))
    )
  )
  clean = await audit(store, ids)
  log = readFileSync(notifyLog, "utf8")
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const withHistory = (id: string, f: (events: ReadonlyArray<PetitionEvent>) => ReadonlyArray<PetitionEvent>): Audit => ({
  ...clean,
  histories: new Map([...clean.histories].map(([k, v]) => [k, k === id ? f(v) : v]))
})

const check = (result: Audit, lines: string = log) => {
  const file = join(dir, `log-${Math.random().toString(36).slice(2)}`)
  writeFileSync(file, lines)
  return () => checkOutcome(ref, result, ids, file)
}

describe("the durability checks", () => {
  it("pass a clean run and count a redelivery under the same key", () => {
    expect(check(clean)()).toEqual({ total: 6, keys: 6, redelivered: 0 })
    const first = log.split("\n")[0]!
    const file = join(dir, "redelivered.log")
    writeFileSync(file, log)
    appendFileSync(file, `${first}\n`)
    expect(checkOutcome(ref, clean, ids, file)).toEqual({ total: 7, keys: 6, redelivered: 1 })
  })

  it("fail on a breach recorded twice", () => {
    const doubled = withHistory(ids[1]!, (events) => [...events, { ...events.find((e) => e._tag === "ClockBreached")!, version: events.length + 1 }])
    expect(check(doubled)).toThrow(/expected/)
  })

  it("fail on a lost event, a lost petition, a lost timer", () => {
    expect(check(withHistory(ids[0]!, (events) => events.slice(0, -1)))).toThrow(/expected/)
    expect(check({ ...clean, histories: new Map([...clean.histories].filter(([k]) => k !== ids[2])) })).toThrow(/expected/)
    expect(check({ ...clean, timers: new Map([...clean.timers].map(([k, v]) => [k, k === ids[0] ? undefined : v])) })).toThrow(/expected/)
  })

  it("fail on a gap in global positions or a message still in the outbox", () => {
    expect(check({ ...clean, positions: clean.positions.map((p, i) => (i === 3 ? p + 1 : p)) })).toThrow(/expected/)
    expect(check({ ...clean, pending: 1 })).toThrow(/expected/)
  })

  it("fail on a lost notification, or a key that names two messages", () => {
    const lines = log.split("\n").filter((l) => l !== "")
    expect(check(clean, lines.slice(1).join("\n") + "\n")).toThrow(/expected/)
    const [key, , worker] = lines[0]!.split("\t")
    expect(check(clean, `${log}${key}\tanother-message\t${worker}\n`)).toThrow(/expected/)
  })
})
