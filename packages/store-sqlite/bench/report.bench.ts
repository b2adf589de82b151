// A year at Beijing-12345 scale (≥ 1,000,000 petitions) reported from the read model on SQLite.
//
// Driving a million petitions through the engine takes hours here, so the counters are written
// the way the engine writes them but in bulk: petitions are histories the generator drove through
// the real engine, each given a new id, day, category, place and channel, and `metricDeltas` (the
// function the engine calls in every append) turns each into its counter changes. Seven such days
// of 2,740 petitions each are computed and the year cycles through them (day d is profile d mod 7,
// shifted to day d), so every day has the distinct keys of 2,740 petitions; the rows are then
// added into `report_counters` in large transactions. What is timed is the report: the figures of
// the year, of one street, of one viewer, and of one day, through the store's `Queries.metrics`.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { PetitionEvent, Storage } from "@minyi/core"
import type { MetricDelta } from "@minyi/core/adapter"
import { createMinyi, loadDirectory, Queries, Reports } from "@minyi/core"
import { metricDeltas } from "@minyi/core/adapter"
import { make } from "@minyi/store-sqlite"
import { generateDirectoryData, generateWorkload } from "@minyi/testkit"
import Database from "better-sqlite3"
import { Context, Effect, Result, Scope } from "effect"
import { afterAll, bench, describe } from "vitest"

const DAY = 86_400_000
const PER_DAY = 2_740
const DAYS = 365
const PROFILES = 7
const directory = Result.getOrThrow(loadDirectory(generateDirectoryData()))
const yearStart = Reports.startOfLocalDate("2026-01-01")!
const dayOf = (at: number) => Math.floor((at + 8 * 3_600_000) / DAY)

// Templates: real histories from the engine.
const started = Date.now()
const minyi = createMinyi({ directory, rulePack: "futian-10-30-24" })
const templateDay = Reports.startOfLocalDate("2025-12-01")!
const workload = await generateWorkload(minyi, { directory, from: templateDay, days: 2, perDay: 60, seed: 12 })
const templates: Array<ReadonlyArray<PetitionEvent>> = []
for (let i = 1; i <= workload.petitions; i++) templates.push(await minyi.history(`p-${String(i).padStart(7, "0")}`))
await minyi.dispose()

const leaves = directory.data.categories.nodes.filter((c) => !directory.data.categories.nodes.some((n) => n.parent === c.id)).map((c) => c.id)
const places = directory.data.jurisdictions.filter((j) => j.level === "community").map((j) => j.id)
const channels = directory.data.channels.filter((c) => c.kind !== "leader_channel").map((c) => c.id)
let seed = 42
const random = (n: number) => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
  return seed % n
}

/** A template history as a new petition received on `day` (a day number relative to the template's). */
const restamp = (history: ReadonlyArray<PetitionEvent>, id: string, shift: number): ReadonlyArray<PetitionEvent> => {
  const category = leaves[random(leaves.length)]!
  const jurisdiction = places[random(places.length)]!
  const channel = channels[random(channels.length)]!
  return history.map((e) =>
    e._tag === "Submitted"
      ? { ...e, petitionId: id, at: e.at + shift, category, jurisdiction, channel }
      : { ...e, petitionId: id, at: e.at + shift }
  )
}

// Seven day profiles, each the counters of 2,740 petitions received on its day (relative days).
const profiles: Array<Map<string, MetricDelta>> = []
for (let p = 0; p < PROFILES; p++) {
  const rows = new Map<string, MetricDelta>()
  const base = yearStart + p * DAY
  for (let i = 0; i < PER_DAY; i++) {
    const template = templates[random(templates.length)]!
    const shift = base - templateDay - Math.floor((template[0]!.at - templateDay) / DAY) * DAY
    for (const d of metricDeltas([], restamp(template, `y-${p}-${i}`, shift), { directory })) {
      const key = `${d.scope}\u0000${d.periodDay}\u0000${d.kind}\u0000${d.dim}\u0000${d.key}\u0000${d.asOfDay}`
      const row = rows.get(key)
      rows.set(key, row === undefined ? d : { ...row, value: row.value + d.value })
    }
  }
  profiles.push(rows)
}
const computed = Date.now()

const dir = mkdtempSync(join(tmpdir(), "minyi-report-bench-"))
const path = join(dir, "year.db")
const scope = Effect.runSync(Scope.make())
const ctx: Context.Context<Storage> = Effect.runSync(Scope.provide(make({ path, synchronous: "NORMAL" }), scope))
const db = new Database(path)
const insert = db.prepare(
  `INSERT INTO report_counters (scope, period_day, kind, dim, key, as_of_day, value) VALUES (?, ?, ?, ?, ?, ?, ?)
   ON CONFLICT (scope, period_day, kind, dim, key, as_of_day) DO UPDATE SET value = value + excluded.value`
)
const fill = db.transaction((day: number) => {
  const offset = day - (day % PROFILES)
  for (const d of profiles[day % PROFILES]!.values()) insert.run(d.scope, d.periodDay + offset, d.kind, d.dim, d.key, d.asOfDay + offset, d.value)
})
for (let day = 0; day < DAYS; day++) fill(day)
const rowCount = (db.prepare("SELECT count(*) AS n FROM report_counters").get() as { n: number }).n
db.close()
const filled = Date.now()
const yearEnd = yearStart + DAYS * DAY
const firstDay = dayOf(yearStart)
console.log(
  `report bench: ${(PER_DAY * DAYS).toLocaleString("en")} petitions (${templates.length} engine-driven templates), ` +
    `${rowCount.toLocaleString("en")} counter rows; deltas ${((computed - started) / 1000).toFixed(1)} s, fill ${((filled - computed) / 1000).toFixed(1)} s; ` +
    `first day ${firstDay}`
)

const queries = Context.get(ctx, Queries)
const figures = (options: Parameters<typeof Reports.figuresFromStore>[0]) =>
  Effect.runPromise(Reports.figuresFromStore(options).pipe(Effect.provideService(Queries, queries)))
const street = directory.data.jurisdictions.find((j) => j.level === "street")!.id
const leader = directory.data.people.find((p) => p.roles.includes("street_secretary"))!.id

const year = await figures({ directory, from: yearStart, to: yearEnd })
console.log(`report bench: the year's figures count ${year.received.toLocaleString("en")} petitions received`)

afterAll(() => {
  Effect.runSync(Scope.close(scope, Effect.void))
  rmSync(dir, { recursive: true, force: true })
})

describe(`report from the read model: a year of ${(PER_DAY * DAYS).toLocaleString("en")} petitions on SQLite`, () => {
  bench("the year, whole district (every figure)", () => figures({ directory, from: yearStart, to: yearEnd }).then(() => undefined), { time: 5_000, iterations: 3 })
  bench("the year, one street", () => figures({ directory, from: yearStart, to: yearEnd, scope: { _tag: "Jurisdiction", id: street } }).then(() => undefined), {
    time: 3_000,
    iterations: 3
  })
  bench("the year, as a street leader sees it", () => figures({ directory, from: yearStart, to: yearEnd, scope: { _tag: "Viewer", person: leader } }).then(() => undefined), {
    time: 3_000,
    iterations: 3
  })
  bench("one day (the daily report), whole district", () =>
    figures({ directory, from: yearStart + 200 * DAY, to: yearStart + 201 * DAY }).then(() => undefined), { time: 2_000 })
})
