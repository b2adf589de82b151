// minyi generate and minyi report on a real SQLite file: the commands end to end.
import { existsSync, mkdtempSync, readFileSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { CliIO, Lang } from "@minyi/cli"
import { runCli } from "@minyi/cli"
import { EventStore } from "@minyi/core"
import * as SqliteStore from "@minyi/store-sqlite"
import { Effect } from "effect"
import { beforeAll, describe, expect, it } from "vitest"

const dir = mkdtempSync(join(tmpdir(), "minyi-report-cli-"))

const run = async (args: ReadonlyArray<string>, lang: Lang = "zh-CN") => {
  const out: Array<string> = []
  const err: Array<string> = []
  const io: CliIO = { lang, out: (l) => out.push(l), err: (l) => err.push(l), readText: (p) => readFile(p, "utf8"), cwd: dir }
  const code = await runCli(args, io)
  return { code, out: out.join("\n"), err: err.join("\n") }
}

describe("minyi generate and minyi report", () => {
  beforeAll(async () => {
    const g = await run(["generate", "--db", "g.sqlite", "--from", "2026-03-02", "--days", "3", "--per-day", "15", "--seed", "4"])
    expect(g.err).toBe("")
    expect(g.code).toBe(0)
    expect(g.out).toMatch(/^已生成 \d+ 件信访件/)
  }, 300_000)

  it("generate writes the store and the directory, and refuses to mix into an existing file", async () => {
    expect(existsSync(join(dir, "g.sqlite"))).toBe(true)
    expect(JSON.parse(readFileSync(join(dir, "g.sqlite.directory.json"), "utf8")).channels).toHaveLength(33)
    const again = await run(["generate", "--db", "g.sqlite", "--from", "2026-03-02", "--days", "1"], "en")
    expect(again.code).toBe(2)
    expect(again.err).toContain("the file g.sqlite exists")
  })

  it("report daily: Markdown, JSON and HTML, in Chinese or English, for a scope", async () => {
    const md = await run(["report", "daily", "--db", "g.sqlite", "--date", "2026-03-03"])
    expect(md.code).toBe(0)
    expect(md.out).toContain("# 民情日报 2026-03-03")
    expect(md.out).toContain("12345热线")
    const json = await run(["report", "daily", "--db", "g.sqlite", "--date", "2026-03-03", "--format", "json"])
    const parsed = JSON.parse(json.out)
    expect(parsed.figures.received).toBeGreaterThan(0)
    expect(parsed.figures.from).toBe("2026-03-03T00:00:00.000+08:00")
    const street = await run(["report", "daily", "--db", "g.sqlite", "--date", "2026-03-03", "--format", "json", "--scope", "street.futian"])
    expect(JSON.parse(street.out).figures.received).toBeLessThan(parsed.figures.received)
    const en = await run(["report", "daily", "--db", "g.sqlite", "--date", "2026-03-03", "--format", "html", "--out", "d.html"], "en")
    expect(en.code).toBe(0)
    const html = readFileSync(join(dir, "d.html"), "utf8")
    expect(html).toContain("Daily Public Opinion Report")
    expect(html).toContain('<svg class="chart" id="chart-trend"')
  })

  it("report kpi: one row per street, as CSV or JSON, adding up to the district", async () => {
    const all = await run(["report", "kpi", "--db", "g.sqlite", "--from", "2026-03-02", "--to", "2026-03-04"])
    const total = JSON.parse(all.out).rows[0].received
    const csv = await run(["report", "kpi", "--db", "g.sqlite", "--from", "2026-03-02", "--to", "2026-03-04", "--by", "street", "--format", "csv"], "en")
    expect(csv.code).toBe(0)
    const [header, ...rows] = csv.out.split("\n")
    expect(header).toBe("group,name,received,response rate,resolution rate,satisfaction rate,closure rate,overdue,returns")
    expect(rows.reduce((a, r) => a + Number(r.split(",")[2]), 0)).toBe(total)
    expect(rows.every((r) => /^street\.[a-z]+,.+ Subdistrict,\d+,/.test(r))).toBe(true)
  })

  it("reads the figures from the read model, and a file without one (older than it) from the histories: the same figures", async () => {
    // Copy the events alone into a new file, as a store written before the report counters existed.
    await Effect.runPromise(
      Effect.gen(function*() {
        const events = yield* Effect.scoped(
          Effect.provide(EventStore.use((s) => s.readAll(0, 10_000)), SqliteStore.layer({ path: join(dir, "g.sqlite") }))
        )
        const streams = new Map<string, Array<(typeof events)[number]>>()
        for (const e of events) streams.set(e.streamId, [...(streams.get(e.streamId) ?? []), e])
        yield* Effect.scoped(
          Effect.provide(
            EventStore.use((s) =>
              Effect.forEach(streams, ([streamId, stored]) =>
                s.append({
                  streamId,
                  expectedVersion: 0,
                  events: stored.map(({ eventId, type, at, data }) => ({ eventId, type, at, data })),
                  outbox: [],
                  timers: { schedule: [], cancel: [] }
                })
              )
            ),
            SqliteStore.layer({ path: join(dir, "old.sqlite") })
          )
        )
      })
    )
    for (const date of ["2026-03-02", "2026-03-03", "2026-03-04"]) {
      const fast = JSON.parse((await run(["report", "daily", "--db", "g.sqlite", "--date", date, "--format", "json"])).out)
      const replayed = JSON.parse((await run(["report", "daily", "--db", "old.sqlite", "--date", date, "--format", "json"])).out)
      expect(fast.figures.received).toBeGreaterThan(0)
      expect({ ...fast.figures, cases: [] }).toEqual({ ...replayed.figures, cases: [] })
    }
    const kpi = (db: string) => run(["report", "kpi", "--db", db, "--from", "2026-03-02", "--to", "2026-03-04", "--by", "unit"])
    expect(JSON.parse((await kpi("g.sqlite")).out)).toEqual(JSON.parse((await kpi("old.sqlite")).out))
  })

  it("bad arguments are usage errors that name the option and what was expected", async () => {
    const cases: Array<[ReadonlyArray<string>, string]> = [
      [["report", "daily", "--db", "g.sqlite", "--date", "2026-02-30"], '--date: "2026-02-30" is not a date; expected YYYY-MM-DD'],
      [["report", "daily", "--db", "nope.sqlite", "--date", "2026-03-03"], "--db: the file nope.sqlite does not exist"],
      [["report", "daily", "--db", "g.sqlite", "--date", "2026-03-03", "--format", "pdf"], '--format: expected json, md or html; got "pdf"'],
      [["report", "daily", "--db", "g.sqlite", "--date", "2026-03-03", "--scope", "street.nowhere"], '--scope: "street.nowhere" is not in the directory'],
      [["report", "kpi", "--db", "g.sqlite", "--from", "2026-03-04", "--to", "2026-03-02"], "--to cannot be before --from"],
      [["report", "kpi", "--db", "g.sqlite", "--from", "2026-03-02", "--to", "2026-03-04", "--by", "month"], '--by: expected unit, street, channel or category; got "month"'],
      [["report", "weekly"], 'Unknown sub-command "weekly"'],
      [["generate", "--db", "x.sqlite", "--from", "2026-03-02", "--days", "0"], '--days: expected a whole number ≥ 1; got "0"'],
      [["generate", "--db", "x.sqlite", "--from", "2026-03-02", "--days", "1", "--speed", "9"], 'generate has no option "--speed"']
    ]
    for (const [args, message] of cases) {
      const r = await run(args, "en")
      expect(r.code, args.join(" ")).toBe(2)
      expect(r.err, args.join(" ")).toContain(message)
    }
  })
})
