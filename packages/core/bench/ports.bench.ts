// In-memory storage: appends/s, and due timers among 1M open ones through the indexed due queue
// against a full scan of the same timers as the baseline, in the same process.
import { Context, Effect } from "effect"
import { bench, describe } from "vitest"
import { makeMemoryStorage } from "../src/ports/memory.js"
import { EventStore, Timers } from "../src/ports/services.js"

const T0 = Date.UTC(2026, 0, 5, 1)
const event = (eventId: string) => ({ eventId, type: "Noted", at: T0, data: { note: eventId } })
const empty = { outbox: [], timers: { schedule: [], cancel: [] } }

const appendStore = Context.get(makeMemoryStorage(), EventStore)
let n = 0
describe("in-memory append", () => {
  bench("1 event per append (validated batch)", () => {
    Effect.runSync(appendStore.append({ streamId: `p${n}`, expectedVersion: 0, events: [event(`e${n++}`)], ...empty }))
  }, { time: 2000 })
})

const OPEN = 1_000_000
const storage = makeMemoryStorage()
const timers = Context.get(storage, Timers)
const specs = Array.from({ length: OPEN }, (_, i) => ({
  streamId: `open-${i}`,
  key: "clock:handle",
  dueAt: T0 + 3_600_000 + ((i * 2_654_435_761) % 31_536_000_000),
  payload: {}
}))
for (let i = 0; i < OPEN; i += 10_000) Effect.runSync(timers.schedule(specs.slice(i, i + 10_000)))
let round = 0

describe(`due timers among ${OPEN.toLocaleString("en")} open (in memory)`, () => {
  bench("claimDue, nothing due (due queue)", () => {
    Effect.runSync(timers.claimDue({ now: T0, limit: 100, leaseMs: 60_000, workerId: "w" }))
  }, { time: 2000 })
  bench("schedule 10 due + claimDue + complete (due queue)", () => {
    const k = round++
    Effect.runSync(timers.schedule(Array.from({ length: 10 }, (_, i) => ({ streamId: `d${k}-${i}`, key: "a", dueAt: T0 - 1, payload: {} }))))
    for (const c of Effect.runSync(timers.claimDue({ now: T0, limit: 100, leaseMs: 60_000, workerId: "w" }))) {
      Effect.runSync(timers.complete(c))
    }
  }, { time: 2000 })
  bench("baseline: full scan of every open timer", () => {
    let due = 0
    for (const s of specs) if (s.dueAt <= T0) due++
    if (due < 0) throw new Error("unreachable")
  }, { time: 2000, iterations: 10 })
})
