import { execFile } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { promisify } from "node:util"
import { describe, expect, it } from "vitest"
import type { CliIO, Lang } from "../src/index.js"
import { runCli } from "../src/index.js"

const capture = (lang: Lang = "zh-CN", cwd = process.cwd()) => {
  const out: Array<string> = []
  const err: Array<string> = []
  const io: CliIO = { lang, out: (l) => out.push(l), err: (l) => err.push(l), readText: (p) => readFile(p, "utf8"), cwd }
  return { io, out, err }
}

const run = async (args: ReadonlyArray<string>, lang: Lang = "zh-CN", cwd?: string) => {
  const c = capture(lang, cwd)
  const code = await runCli(args, c.io)
  return { code, out: c.out.join("\n"), err: c.err.join("\n") }
}

describe("minyi calendar (in process)", () => {
  it("due prints the due instant with the calendar's offset", async () => {
    expect(await run(["calendar", "due", "--calendar", "china", "--from", "2026-04-03T10:00:00+08:00", "--add", "P1D"])).toEqual({
      code: 0,
      out: "2026-04-07T10:00:00+08:00",
      err: ""
    })
    const utcInput = await run(["calendar", "due", "--calendar=china", "--from=2026-04-03T02:00:00Z", "--add=PT24H"])
    expect(utcInput.out).toBe("2026-04-09T15:00:00+08:00")
    expect((await run(["calendar", "due", "--calendar", "natural", "--from", "2026-04-03T10:00:00+08:00", "--add", "PT24H"])).out).toBe(
      "2026-04-04T10:00:00+08:00"
    )
  })

  it("check says workday or restday and why, in Chinese by default and English on request", async () => {
    expect((await run(["calendar", "check", "--calendar", "china", "--date", "2026-02-16"])).out).toBe("restday\t节假日：春节（国办发明电〔2025〕7号）")
    expect((await run(["calendar", "check", "--calendar", "china", "--date", "2026-02-16"], "en")).out).toBe(
      "restday\tholiday: Spring Festival (国办发明电〔2025〕7号)"
    )
    expect((await run(["calendar", "check", "--calendar", "china", "--date", "2026-02-28"], "en")).out).toBe(
      "workday\tmake-up working day for Spring Festival (国办发明电〔2025〕7号)"
    )
    expect((await run(["calendar", "check", "--calendar", "china", "--date", "2026-03-07"], "en")).out).toBe("restday\tweekend")
    expect((await run(["calendar", "check", "--calendar", "china", "--date", "2026-03-09"])).out).toBe("workday\t工作日")
  })

  it("reads a calendar file, and a rule pack's calendar by --name", async () => {
    const dir = mkdtempSync(join(tmpdir(), "minyi-cal-"))
    writeFileSync(
      join(dir, "office.json"),
      JSON.stringify({ kind: "working", hours: { mon: ["08:00-16:00"] }, holidays: "none", extraHolidays: [{ date: "2026-03-09", name: "district day" }] })
    )
    expect((await run(["calendar", "check", "--calendar", "office.json", "--date", "2026-03-09"], "en", dir)).out).toBe(
      "restday\tday off in this calendar: district day"
    )
    expect((await run(["calendar", "due", "--calendar", "office.json", "--from", "2026-03-02T15:00:00+08:00", "--add", "PT2H"], "en", dir)).out).toBe(
      "2026-03-16T09:00:00+08:00"
    )
    const pack = resolve(__dirname, "../../core/src/presets/xinfang-statutory.json")
    expect((await run(["calendar", "due", "--calendar", pack, "--name", "statutory-days", "--from", "2026-01-09T10:00:00+08:00", "--add", "P60D"])).out).toBe(
      "2026-03-10T10:00:00+08:00"
    )
    // The preset has two calendars now: without --name the CLI lists them.
    const ambiguous = await run(["calendar", "due", "--calendar", pack, "--from", "2026-01-09T10:00:00+08:00", "--add", "P60D"], "en")
    expect(ambiguous).toMatchObject({ code: 1, out: "" })
    expect(ambiguous.err).toContain("statutory-days, statutory-working-days")
    expect((await run(["calendar", "due", "--calendar", pack, "--name", "statutory-working-days", "--from", "2026-09-30T10:00:00+08:00", "--add", "P5D"])).out).toBe(
      "2026-10-13T10:00:00+08:00"
    )
  })

  it("refuses bad input with a non-zero exit and says what to do", async () => {
    const cases: Array<[Array<string>, number, string]> = [
      [["calendar", "check", "--calendar", "china", "--date", "2026-02-30"], 2, "YYYY-MM-DD"],
      [["calendar", "check", "--calendar", "china", "--date", "next monday"], 2, "YYYY-MM-DD"],
      [["calendar", "check", "--calendar", "chna", "--date", "2026-02-10"], 1, "Presets: china, natural"],
      [["calendar", "check", "--calendar", "china", "--date", "2027-02-10", "--strict"], 1, "no holiday data for 2027"],
      [["calendar", "due", "--strict", "--calendar", "china", "--from", "2026-12-30T10:00:00+08:00", "--add", "P5D"], 1, "no holiday data for 2027"],
      [["calendar", "due", "--strict=yes", "--calendar", "china", "--from", "2026-12-30T10:00:00+08:00", "--add", "P5D"], 2, "--strict takes no value"],
      [["calendar", "due", "--calendar", "china", "--from", "2026-04-03 10:00", "--add", "P1D"], 2, "with an offset"],
      [["calendar", "due", "--calendar", "china", "--from", "2026-04-03T10:00:00+08:00", "--add", "P1M"], 2, "PT24H"],
      [["calendar", "due", "--calendar", "china"], 2, "--from"],
      [["calendar", "due", "--calendar", "missing.json", "--from", "2026-04-03T10:00:00+08:00", "--add", "P1D"], 1, "cannot read the file"],
      [["calendar", "when"], 2, "Unknown sub-command"],
      [["calendar", "check", "--calendar", "china", "--date", "2026-02-10", "--bogus", "x"], 2, 'calendar check has no option "--bogus"'],
      [["calendar", "due", "--calendar", "china", "--form", "2026-04-03T10:00:00+08:00", "--add", "P1D"], 2, 'has no option "--form"; did you mean "--from"? (it takes: --calendar, --from, --add, --name'],
      [["calendar", "check", "--calendar", "china", "--date=2026-02-10", "--add=P1D"], 2, 'calendar check has no option "--add"']
    ]
    for (const [args, code, text] of cases) {
      const r = await run(args, "en")
      expect({ args, code: r.code }).toEqual({ args, code })
      expect(r.err).toContain(text)
      expect(r.out).toBe("")
    }
    const zh = await run(["calendar", "check", "--calendar", "china", "--date", "2027-02-10", "--strict"])
    expect(zh.err).toContain("没有 2027 年的节假日数据")
  })

  it("counts a year without holiday data provisionally and says so on the same line", async () => {
    expect(await run(["calendar", "due", "--calendar", "china", "--from", "2026-12-21T10:00:00+08:00", "--add", "P15D"], "en")).toEqual({
      code: 0,
      out:
        "2027-01-12T10:00:00+08:00\tprovisional: no holiday notice for 2027 yet; counted with weekends and the fixed-date holidays " +
        "(2027-01-01 New Year's Day), not the Spring Festival or other lunar holidays or make-up days; may change once it is published",
      err: ""
    })
    const zh = await run(["calendar", "due", "--calendar", "china", "--from", "2026-12-21T10:00:00+08:00", "--add", "P15D"])
    expect(zh.out).toMatch(/^2027-01-12T10:00:00\+08:00\t暂定：2027 年尚无节假日安排，按周末及法定固定日期节日计算（2027-01-01 元旦）/)
    // Inside the years with data nothing is flagged.
    expect((await run(["calendar", "due", "--calendar", "china", "--from", "2026-12-01T10:00:00+08:00", "--add", "P15D"])).out).toBe("2026-12-22T10:00:00+08:00")
    expect((await run(["calendar", "check", "--calendar", "china", "--date", "2027-02-10"])).out).toBe("workday\t工作日（暂定：2027 年尚无节假日安排）")
    expect((await run(["calendar", "check", "--calendar", "china", "--date", "2027-10-01"], "en")).out).toBe(
      "restday\tholiday: National Day (国务院令第795号) (provisional: no holiday notice for 2027 yet)"
    )
  })

  it("names every bad field of a calendar file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "minyi-cal-"))
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ kind: "working", timeZone: "Asia/Shanghia", hours: { mon: ["9-12"] } }))
    const r = await run(["calendar", "check", "--calendar", "bad.json", "--date", "2026-03-09"], "en", dir)
    expect(r.code).toBe(1)
    expect(r.err).toContain("/timeZone")
    expect(r.err).toContain("/hours/mon/0")
    for (const calendars of ["china", ["china"], null]) {
      writeFileSync(join(dir, "pack.json"), JSON.stringify({ id: "p", calendars }))
      const pack = await run(["calendar", "check", "--calendar", "pack.json", "--date", "2026-03-09"], "en", dir)
      expect({ calendars, code: pack.code, out: pack.out }).toEqual({ calendars, code: 1, out: "" })
      expect(pack.err).toMatch(/\/calendars: Expected (object|record)/i)
      expect(pack.err).not.toContain("/id")
    }
    writeFileSync(join(dir, "closed.json"), JSON.stringify({ kind: "working", hours: {}, holidays: "none" }))
    const closed = await run(["calendar", "due", "--calendar", "closed.json", "--from", "2026-03-09T10:00:00+08:00", "--add", "PT1H"], "en", dir)
    expect(closed).toMatchObject({ code: 1, out: "" })
    expect(closed.err).toContain("/hours: 没有任何一天有工作时间")
    expect(closed.err).toContain("(no weekday has working hours")
  })
})

describe("minyi calendar (the real CLI process)", () => {
  const root = resolve(__dirname, "../../..")
  const exec = promisify(execFile)
  const cli = (args: ReadonlyArray<string>) =>
    exec(process.execPath, ["--conditions=@minyi/source", "--import", "tsx", "packages/cli/src/bin.ts", ...args], { cwd: root }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr })
    )

  it("prints the due instant and exits 0", async () => {
    const r = await cli(["calendar", "due", "--calendar", "china", "--from", "2025-01-24T10:00:00+08:00", "--add", "P1D"])
    expect(r).toMatchObject({ code: 0, stdout: "2025-01-26T10:00:00+08:00\n" })
  })

  it("exits non-zero with a message on stderr for a year without data when asked for a strict answer", async () => {
    const r = await cli(["calendar", "check", "--calendar", "china", "--date", "2030-01-02", "--strict", "--lang", "en"])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe("")
    expect(r.stderr).toContain("no holiday data for 2030")
  })
})
