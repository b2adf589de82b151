// Does a command cost more on a long history? Through `createMinyi` with the in-memory store:
// `Contact` commands on petitions of about 10 events and on petitions of about 1,000, timed in
// interleaved rounds in one run, and the ratio of the medians printed. Target: ≤ 1.3×.
import { bench, describe } from "vitest"
import { createMinyi, rulePackPresets, sampleDirectory } from "../src/index.js"
import { sampleSubmit } from "../test/engine/support.js"

const T0 = Date.parse("2026-03-02T09:00:00+08:00")
const unit = "dept.urban-management"
const SHORT = 10
const LONG = 1_000
const PER_ROUND = 20
const ROUNDS = 7

const minyi = createMinyi({ directory: sampleDirectory(), rulePack: rulePackPresets["futian-10-30-24"] })
let clock = T0

const submit = (id: string) => minyi.handle(sampleSubmit(id, clock))

const contact = (id: string) =>
  minyi.handle({ _tag: "Contact", petitionId: id, at: (clock += 1_000), actor: { kind: "unit", id: unit }, unit, method: "phone" })

/** A petition grown by Contacts to at least `events` events. */
const grown = async (id: string, events: number) => {
  let version = (await submit(id)).version
  while (version < events) version = (await contact(id)).version
  return id
}

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** Mean ms per Contact over `ids`, one command each. */
const round = async (ids: ReadonlyArray<string>) => {
  const started = performance.now()
  for (const id of ids) await contact(id)
  return (performance.now() - started) / ids.length
}

describe("command cost against history length", async () => {
  const long = await Promise.all([0, 1].map((i) => grown(`long-${i}`, LONG)))
  let fresh = 0
  // Short petitions are used once per round, so each stays near SHORT events.
  const shortBatch = async () => Promise.all(Array.from({ length: PER_ROUND }, () => grown(`short-${fresh++}`, SHORT)))
  const shortMs: Array<number> = []
  const longMs: Array<number> = []
  for (let r = 0; r < ROUNDS; r++) {
    shortMs.push(await round(await shortBatch()))
    longMs.push(await round(Array.from({ length: PER_ROUND }, (_, i) => long[i % long.length]!)))
  }
  const s = median(shortMs)
  const l = median(longMs)
  console.log(
    `history: ${s.toFixed(3)} ms per Contact at ~${SHORT} events, ${l.toFixed(3)} ms at ~${LONG}; ratio ${(l / s).toFixed(2)}× (target ≤ 1.3×)`
  )
  let n = 0
  bench(`Contact on a petition of ~${LONG} events`, async () => {
    await contact(long[n++ % long.length]!)
  }, { time: 1000 })
})
