#!/usr/bin/env node
// The engine's commands on several checkouts of minyi, in one process, by CPU time.
//
//   node scripts/compare-trees.mjs before=/tmp/base after=. [name=path ...]
//
// Each path is a checkout (its packages/core/src is bundled with esbuild, with that checkout's own
// effect); the first is the baseline the ratios are taken against. Every round runs 400 Submits and
// 100 Submit + Accept + Acknowledge + Contact sequences on each tree through its Promise facade
// (`createMinyi`, in-memory store, the futian-10-30-24 pack, the sample directory), the order of the
// trees reversed every other round; then a tick firing 800 breached feedback clocks (within the
// kept petitions) on a fresh engine per tree, three times. It prints medians of process.cpuUsage
// per operation: on a shared or virtual machine CPU time moves less than wall time, and a ratio
// taken in the same minutes is what to compare (docs/performance.md).
//
// ROUNDS (default 9) sets the rounds. A tree is any commit from c9d250a on (the facade's
// `createMinyi` and `sampleDirectory` on the core's index), so the cost of one change can be read
// off two checkouts that differ by it alone.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { build } from "esbuild"

const trees = process.argv.slice(2).map((arg) => {
  const [name, path] = arg.includes("=") ? arg.split("=", 2) : [arg, arg]
  return { name, path: resolve(path) }
})
if (trees.length < 2) {
  console.error("usage: node scripts/compare-trees.mjs before=<checkout> after=<checkout> [name=<checkout> ...]")
  process.exit(2)
}

const work = mkdtempSync(join(tmpdir(), "minyi-trees-"))
const bundle = async (name, path) => {
  const entry = join(work, `${name}.ts`)
  writeFileSync(entry, `export { createMinyi, sampleDirectory } from ${JSON.stringify(join(path, "packages/core/src/index.ts"))}\n`)
  const outfile = join(work, `${name}.mjs`)
  await build({ entryPoints: [entry], bundle: true, platform: "node", format: "esm", outfile, logLevel: "error", external: ["better-sqlite3"] })
  return import(pathToFileURL(outfile).href)
}

// The sample Submit of this checkout's testkit (plain data, which every tree takes).
const fixtures = join(work, "fixtures.mjs")
await build({
  entryPoints: [fileURLToPath(new URL("../packages/testkit/src/fixtures.ts", import.meta.url))],
  bundle: true,
  platform: "node",
  format: "esm",
  outfile: fixtures,
  logLevel: "error"
})
const { sampleSubmit: submit } = await import(pathToFileURL(fixtures).href)
const T0 = Date.parse("2026-03-02T09:00:00+08:00")
const UNIT = "dept.urban-management"
const byUnit = (tag, petitionId, at, extra = {}) => ({ _tag: tag, petitionId, at, actor: { kind: "unit", id: UNIT }, unit: UNIT, ...extra })
const cpu = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const ROUNDS = Number(process.env.ROUNDS ?? 9)
const KEPT_DUE = 800

try {
  const sides = []
  for (const tree of trees) {
    const lib = await bundle(tree.name, tree.path)
    const minyi = lib.createMinyi({ directory: lib.sampleDirectory(), rulePack: "futian-10-30-24" })
    for (let i = 0; i < 300; i++) await minyi.handle(submit(`warm-${i}`, T0 + i))
    sides.push({ ...tree, lib, minyi, submit: [], sequence: [], tick: [] })
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const side of r % 2 === 0 ? sides : [...sides].reverse()) {
      let started = cpu()
      for (let i = 0; i < 400; i++) await side.minyi.handle(submit(`s-${r}-${i}`, T0 + 1_000 + i))
      side.submit.push((cpu() - started) / 400)
      started = cpu()
      for (let i = 0; i < 100; i++) {
        const id = `q-${r}-${i}`
        await side.minyi.handle(submit(id, T0))
        await side.minyi.handle(byUnit("Accept", id, T0 + 60_000))
        await side.minyi.handle(byUnit("Acknowledge", id, T0 + 120_000))
        await side.minyi.handle(byUnit("Contact", id, T0 + 180_000, { method: "phone" }))
      }
      side.sequence.push((cpu() - started) / 100)
    }
  }
  for (let r = 0; r < 3; r++) {
    for (const side of sides) {
      const minyi = side.lib.createMinyi({ directory: side.lib.sampleDirectory(), rulePack: "futian-10-30-24" })
      for (let i = 0; i < KEPT_DUE; i++) await minyi.handle(submit(`due-${i}`, T0))
      const started = cpu()
      const report = await minyi.tick(T0 + 11 * 60_000)
      side.tick.push((cpu() - started) / KEPT_DUE)
      if (report.fired !== KEPT_DUE) throw new Error(`${side.name}: the tick fired ${report.fired} timers, expected ${KEPT_DUE}`)
      await minyi.dispose()
    }
  }
  const [base] = sides
  const cell = (side, key) => `${median(side[key]).toFixed(3)} ms (${(median(side[key]) / median(base[key])).toFixed(2)}×)`
  console.log(`CPU time per operation, medians of ${ROUNDS} rounds (the tick: 3); ratios against ${base.name}`)
  console.log("| tree | Submit | Submit + Accept + Acknowledge + Contact | tick, per fired timer |")
  console.log("|---|---|---|---|")
  for (const side of sides) console.log(`| ${side.name} | ${cell(side, "submit")} | ${cell(side, "sequence")} | ${cell(side, "tick")} |`)
  for (const side of sides) await side.minyi.dispose()
} finally {
  rmSync(work, { recursive: true, force: true })
}
