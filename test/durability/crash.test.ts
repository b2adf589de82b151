/**
 * Crashes: engine worker processes killed with SIGKILL at random points while they submit
 * (appends), tick (timer firing) and relay (outbox delivery), three at a time on one store. After
 * the kills a worker that is left alone finishes the work; then every acknowledged submit is
 * there, every breach is recorded exactly once, and every notification was delivered at least
 * once under one stable key.
 */
import { readFileSync, rmSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { describePg, dropSchema, freshSchema } from "../../packages/store-postgres/test/support.js"
import { audit, checkOutcome, reference } from "./audit.js"
import type { Reference } from "./audit.js"
import { bundleChild, spawnChild, tempDir } from "./processes.js"
import { petitionId, WORK_FROM, WORK_UNTIL } from "./support.js"
import type { ChildArgs, Step, StoreSpec } from "./support.js"

const PETITIONS = 600
/** Kills per store. Tickers and relays always die; a submitter whose list was done before its kill exits normally. */
const KILLS = 54
/** Rounds go on until KILLS lives were killed (18 when every life dies); the cap keeps virtual time inside the work window. */
const MAX_ROUNDS = 60
/** Virtual lease; each round works one lease and a bit later, so a killed worker's claims come free. */
const LEASE_MS = 1_000
const ROUND_MS = 2_000

const dir = tempDir("crash")
let script = ""
let ref: Reference
beforeAll(async () => {
  ;[script, ref] = await Promise.all([bundleChild(dir), reference()])
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

type Op = "submit" | "tick" | "relay"

interface Tally {
  readonly killed: Array<{ readonly op: Op; readonly workerId: string; readonly at: number; readonly acks: number }>
  readonly acks: Array<readonly [string, number]>
  readonly actions: Array<string>
}

const crashRun = async (store: StoreSpec, name: string) => {
  const ids = Array.from({ length: PETITIONS }, (_, i) => petitionId(i))
  const notifyLog = join(dir, `${name}.notify.log`)
  const base = { store, notifyLog, leaseMs: LEASE_MS, batchSize: 20 }
  const tally: Tally = { killed: [], acks: [], actions: [] }
  const acked = new Set<string>()

  const collect = (lines: ReadonlyArray<string>) => {
    for (const line of lines) {
      const [kind, a, b] = line.split(" ")
      if (kind === "ack") {
        tally.acks.push([a!, Number(b)])
        acked.add(a!)
      } else if (kind === "action") tally.actions.push(`${a} ${b}`)
    }
  }

  const life = async (op: Op, round: number) => {
    const at = WORK_FROM + round * ROUND_MS
    const pending = ids.filter((id) => !acked.has(id))
    // Resubmitting acknowledged petitions too: a replay must return the earlier result, not append.
    const submitIds = [...pending, ...ids.slice(0, 5)]
    const step: Step = op === "submit" ? { op, ids: submitIds, concurrency: 4 } : { op, at, forever: true }
    const workerId = `${name}-${op}-${round}`
    const child = spawnChild(script, { ...base, workerId, steps: [step] })
    await Promise.race([child.saw("ready"), child.exited])
    const timer = setTimeout(child.kill, 20 + Math.random() * 300)
    const end = await child.exited
    clearTimeout(timer)
    collect(child.lines)
    if (end.signal === "SIGKILL") {
      tally.killed.push({ op, workerId, at, acks: child.lines.filter((l) => l.startsWith("ack ")).length })
    } else {
      expect({ op, code: end.code, stderr: end.stderr }).toEqual({ op, code: 0, stderr: "" })
    }
  }

  // On a fast machine the first submitters acknowledge every petition and later ones finish
  // their few replays before the kill comes: a fixed 18 rounds gave 51 kills in a CI run.
  let rounds = 0
  for (; tally.killed.length < KILLS && rounds < MAX_ROUNDS; rounds++) {
    await Promise.all([life("submit", rounds), life("tick", rounds), life("relay", rounds)])
  }

  // Restart: one worker, not killed, finishes what the killed ones left (expired leases included).
  const finalAt = WORK_FROM + (rounds + 1) * ROUND_MS
  expect(finalAt).toBeLessThan(WORK_UNTIL)
  const finisher: ChildArgs = {
    ...base,
    workerId: `${name}-finisher`,
    steps: [{ op: "submit", ids, concurrency: 4 }, { op: "tick", at: finalAt }, { op: "relay", at: finalAt }]
  }
  const last = spawnChild(script, finisher)
  const end = await last.exited
  expect({ code: end.code, stderr: end.stderr }).toEqual({ code: 0, stderr: "" })
  collect(last.lines)

  const result = await audit(store, ids)
  // Every acknowledged submit is there, at least at the version it was acknowledged with.
  const missing = tally.acks.filter(([id, version]) => (result.histories.get(id)?.length ?? 0) < version)
  expect(missing).toEqual([])
  // An action line is printed only after its append committed: one per petition at most.
  expect(tally.actions.length).toBe(new Set(tally.actions).size)
  const deliveries = checkOutcome(ref, result, ids, notifyLog)

  // Which kills hit a worker in the middle of its work, as the store and the notifier saw it: a
  // submitter that had acknowledged submits, a ticker whose fires committed (breaches recorded at
  // its instant, which no other worker uses), a relay whose deliveries reached the notifier.
  const breachedAt = new Set([...result.histories.values()].flat().filter((e) => e._tag === "ClockBreached").map((e) => e.at))
  const deliveredBy = new Set(readFileSync(notifyLog, "utf8").split("\n").map((l) => l.split("\t")[2]))
  const working = (k: Tally["killed"][number]) =>
    k.op === "submit" ? k.acks > 0 : k.op === "tick" ? breachedAt.has(k.at) : deliveredBy.has(k.workerId)
  const count = (op: Op, f: (k: Tally["killed"][number]) => boolean = () => true) => tally.killed.filter((k) => k.op === op && f(k)).length
  const kills = tally.killed.length
  console.info(
    `${name}: ${kills} SIGKILLs in ${rounds} rounds (submit ${count("submit")}, tick ${count("tick")}, relay ${count("relay")}; ` +
      `in the middle of work: ${count("submit", working)}/${count("tick", working)}/${count("relay", working)}), ` +
      `${PETITIONS} petitions, ${tally.acks.length} acks, ${result.positions.length} events, ` +
      `${deliveries.keys} notifications, ${deliveries.total} deliveries (${deliveries.redelivered} redelivered)`
  )
  expect(kills).toBeGreaterThanOrEqual(KILLS)
  for (const op of ["submit", "tick", "relay"] as const) expect(count(op, working)).toBeGreaterThan(0)
}

describe("engine workers killed with SIGKILL on SQLite", () => {
  it("lose no acknowledged submit, no timer, no notification, and fire nothing twice", { timeout: 180_000 }, async () => {
    await crashRun({ kind: "sqlite", path: join(dir, "crash.db") }, "sqlite")
  })
})

describePg("engine workers killed with SIGKILL on PostgreSQL", (url) => {
  const schema = freshSchema()
  afterAll(() => dropSchema(url, schema))
  it("lose no acknowledged submit, no timer, no notification, and fire nothing twice", { timeout: 180_000 }, async () => {
    await crashRun({ kind: "pg", url, schema, poolSize: 4 }, "postgres")
  })
})
