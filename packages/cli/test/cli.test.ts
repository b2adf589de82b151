import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { describe, expect, it } from "vitest"
import { Rules } from "@minyi/core"
import type { CliIO, Lang } from "../src/index.js"
import { runCli } from "../src/index.js"

const root = resolve(import.meta.dirname, "../../..")
const futianPath = join(root, "packages/core/src/presets/futian-10-30-24.json")
const futian = JSON.parse(readFileSync(futianPath, "utf8"))
const dir = mkdtempSync(join(tmpdir(), "minyi-cli-"))
const write = (name: string, value: unknown): string => {
  const path = join(dir, name)
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value, null, 2))
  return path
}

/** Runs in process; `all` keeps stdout and stderr in the order they were written. */
const run = async (args: ReadonlyArray<string>, lang: Lang = "zh-CN") => {
  const [out, err, all]: [Array<string>, Array<string>, Array<string>] = [[], [], []]
  const io: CliIO = {
    lang,
    out: (l) => (out.push(l), all.push(l)),
    err: (l) => (err.push(l), all.push(l)),
    readText: (p) => readFile(p, "utf8"),
    cwd: dir
  }
  const code = await runCli(args, io)
  return { code, out, err, all }
}

describe("every command", () => {
  const commands: ReadonlyArray<ReadonlyArray<string>> = [
    ["calendar"], ["calendar", "due"], ["calendar", "check"],
    ["rules"], ["rules", "validate"], ["rules", "schema"], ["rules", "explain"], ["rules", "init"], ["rules", "impact"],
    ["simulate"], ["scenario"], ["scenario", "test"], ["generate"], ["report"], ["report", "daily"], ["report", "kpi"]
  ]

  it("--help prints usage with an example and exits 0, in Chinese by default and English with --lang en", async () => {
    for (const command of commands) {
      for (const flag of ["--help", "-h"]) {
        const zh = await run([...command, flag])
        expect({ command, code: zh.code }).toEqual({ command, code: 0 })
        expect(zh.out.join("\n"), command.join(" ")).toMatch(/用法/)
        expect(zh.out.join("\n"), command.join(" ")).toMatch(/例/)
      }
      const en = await run([...command, "--help"], "en")
      expect(en.out.join("\n"), command.join(" ")).toMatch(/Usage/)
      expect(en.out.join("\n"), command.join(" ")).toMatch(/Example/)
      expect(en.out.join("\n"), command.join(" ")).not.toMatch(/[\u4e00-\u9fff]/)
    }
  })

  it("--version prints the CLI package's version", async () => {
    const { version } = JSON.parse(readFileSync(join(root, "packages/cli/package.json"), "utf8"))
    const r = await run(["--version"])
    expect([r.code, r.out]).toEqual([0, [`minyi ${version}`]])
  })

  it("an unknown command, sub-command or option is a usage error (exit 2) naming it with the nearest known one", async () => {
    const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
      [["rulez"], 'Unknown command "rulez". Did you mean "rules"?'],
      [["rules", "valdate", "x.json"], 'Unknown sub-command "valdate"; did you mean "validate"? (it has: validate, '],
      [["audit", "verfy", "--db", "x.db"], 'Unknown sub-command "verfy"; did you mean "verify"? (it has: verify, seal).'],
      [["report", "dialy"], 'Unknown sub-command "dialy"; did you mean "daily"? (it has: daily, kpi).'],
      [["calendar", "chek"], 'Unknown sub-command "chek"; did you mean "check"? (it has: due, check).'],
      [["scenario", "tset", "s.json"], 'Unknown sub-command "tset"; did you mean "test"? (it has: test).'],
      [["rules", "impact", "--befor", "a.json"], 'rules impact has no option "--befor"; did you mean "--before"?'],
      [["calendar", "due", "--calender", "china"], 'calendar due has no option "--calender"; did you mean "--calendar"?'],
      [["report", "kpi", "--dbb", "x.db"], 'report kpi has no option "--dbb"; did you mean "--db"?'],
      [["generate", "--per-dya", "3"], 'generate has no option "--per-dya"; did you mean "--per-day"?'],
      [["simulate", "s.json", "--untill", "x"], 'simulate has no option "--untill"; did you mean "--until"?'],
      [["rules", "init", "--form", "futian-10-30-24", "x.json"], 'rules init has no option "--form"; did you mean "--from"?']
    ]
    for (const [args, message] of cases) {
      const r = await run(args, "en")
      expect({ args, code: r.code }).toEqual({ args, code: 2 })
      expect(r.err[0], args.join(" ")).toContain(message)
      expect(r.out).toEqual([])
    }
  })

  it("exit codes: 0 for success, 1 for a failed check, 2 for a usage error", async () => {
    expect((await run(["rules", "validate", futianPath])).code).toBe(0)
    expect((await run(["rules", "validate", write("bad-version.json", { ...futian, version: 3 })])).code).toBe(1)
    expect((await run(["rules", "validate"])).code).toBe(2)
    expect((await run(["calendar", "check", "--calendar", "china", "--date", "2026-02-10"])).code).toBe(0)
    expect((await run(["calendar", "check", "--calendar", "china", "--date", "2099-02-10", "--strict"])).code).toBe(1)
    expect((await run(["calendar", "check", "--calendar", "china"])).code).toBe(2)
  })
})

describe("JSON syntax errors", () => {
  it("name the file, line and column", async () => {
    const path = write("trailing-comma.json", '{\n  "id": "x",\n  "version": "1",\n}\n')
    const r = await run(["rules", "validate", path], "en")
    expect(r.code).toBe(1)
    expect(r.out).toEqual([`${path}: /: not valid JSON: line 4, column 1: unexpected "}"`])
  })

  it("say which full-width character to replace, and with what, in Chinese first", async () => {
    const text = JSON.stringify(futian, null, 2).split("\n")
    // The third line is `  "id": "futian-10-30-24",`; typed with a Chinese input method.
    const cases: ReadonlyArray<readonly [string, string, string, string]> = [
      ["colon.json", '  "id"： "futian-10-30-24",', "第 3 行第 7 列的“：”是中文全角标点，请改为半角的 :", 'line 3, column 7: "：" is full-width punctuation (typed with a Chinese input method); replace it with :'],
      ["comma.json", '  "id": "futian-10-30-24"，', "第 3 行第 26 列的“，”是中文全角标点，请改为半角的 ,", 'line 3, column 26: "，" is full-width punctuation (typed with a Chinese input method); replace it with ,'],
      ["quote.json", '  “id": "futian-10-30-24",', "第 3 行第 3 列的““”是中文全角标点，请改为半角的 \"", 'line 3, column 3: "“" is full-width punctuation (typed with a Chinese input method); replace it with "'],
      ["close-quote.json", '  "id”: "futian-10-30-24",', "本行第 6 列的“””是中文全角标点，请改为半角的 \"", 'the "”" at column 6 of this line is full-width punctuation, replace it with "']
    ]
    for (const [name, line, zh, en] of cases) {
      const lines = [...text]
      lines[2] = line
      const path = write(name, lines.join("\n"))
      const rz = await run(["rules", "validate", path])
      expect(rz.code).toBe(1)
      expect(rz.out[0], name).toContain(`${path}: /: 不是有效的 JSON：`)
      expect(rz.out[0], name).toContain(zh)
      const re = await run(["rules", "validate", path], "en")
      expect(re.out[0], name).toContain(en)
    }
  })

  it("are reported the same way in a scenario, a calendar file and a directory file", async () => {
    const bad = '{\n  "steps"： []\n}'
    const scenario = await run(["simulate", write("scenario.json", bad)], "en")
    expect(scenario.code).toBe(1)
    expect(scenario.err[0]).toContain('line 2, column 10: "：" is full-width punctuation')
    const calendar = await run(["calendar", "check", "--calendar", write("calendar.json", bad), "--date", "2026-03-02"], "en")
    expect(calendar.code).toBe(1)
    expect(calendar.err[0]).toContain('line 2, column 10: "：" is full-width punctuation')
    const directory = await run(["rules", "validate", futianPath, "--directory", write("directory.json", bad)], "en")
    expect(directory.code).toBe(1)
    expect(directory.out[0]).toContain('line 2, column 10: "：" is full-width punctuation')
  })

  it("a full-width quote inside a string is text, not an error", async () => {
    const quoted = { ...futian, routing: [{ ...futian.routing[0], description: "垃圾“异味”投诉" }, ...futian.routing.slice(1)] }
    expect((await run(["rules", "validate", write("quoted.json", quoted)])).code).toBe(0)
  })
})

describe("minyi rules init", () => {
  it("writes an editable copy whose $schema resolves to the rule pack's JSON Schema, and refuses to overwrite without --force", async () => {
    const r = await run(["rules", "init", "--from", "futian-10-30-24", "mine/pack.json"])
    expect(r.code).toBe(0)
    const path = join(dir, "mine/pack.json")
    const written = JSON.parse(readFileSync(path, "utf8"))
    expect(Object.keys(written)[0]).toBe("$schema")
    const { $schema, ...rest } = written
    const { $schema: _, ...preset } = futian
    expect(rest).toEqual(preset)
    const schemaPath = resolve(dirname(path), $schema)
    expect(existsSync(schemaPath)).toBe(true)
    expect(JSON.parse(readFileSync(schemaPath, "utf8"))).toEqual(JSON.parse(JSON.stringify(Rules.rulePackJsonSchema())))
    expect((await run(["rules", "validate", path])).code).toBe(0)

    writeFileSync(path, "{}")
    const again = await run(["rules", "init", "--from", "futian-10-30-24", "mine/pack.json"], "en")
    expect(again.code).toBe(2)
    expect(again.err[0]).toContain("add --force")
    expect(readFileSync(path, "utf8")).toBe("{}")
    expect((await run(["rules", "init", "--from", "futian-10-30-24", "mine/pack.json", "--force"])).code).toBe(0)
    expect(JSON.parse(readFileSync(path, "utf8")).id).toBe("futian-10-30-24")
  })

  it("uses the schema @minyi/core ships when the project has it installed", async () => {
    const project = join(dir, "project")
    const shipped = join(project, "node_modules/@minyi/core/rule-pack.schema.json")
    await import("node:fs").then((fs) => fs.mkdirSync(dirname(shipped), { recursive: true }))
    writeFileSync(shipped, JSON.stringify(Rules.rulePackJsonSchema()))
    expect((await run(["rules", "init", "--from", "xinfang-statutory", "project/rules/pack.json"])).code).toBe(0)
    const written = JSON.parse(readFileSync(join(project, "rules/pack.json"), "utf8"))
    expect(written.$schema).toBe("../node_modules/@minyi/core/rule-pack.schema.json")
    expect(existsSync(join(project, "rules/rule-pack.schema.json"))).toBe(false)
  })

  it("--plugin names the plugins in the copy and writes a schema beside it that knows their operators, facts and actions", async () => {
    const plugin = join(root, "examples/plugin-futian-grid/src/index.ts")
    const r = await run(["rules", "init", "--from", "futian-10-30-24", "grid/pack.json", "--plugin", plugin], "en")
    expect(r, r.err.join("\n")).toMatchObject({ code: 0 })
    expect(r.out[0]).toContain(`run minyi rules validate grid/pack.json --previous futian-10-30-24 --plugin ${plugin}`)
    const path = join(dir, "grid/pack.json")
    const written = JSON.parse(readFileSync(path, "utf8"))
    expect(written.$schema).toBe("./pack.schema.json")
    expect(written.plugins).toEqual({ "futian-grid": "^1.2.0" })
    const schema = readFileSync(join(dir, "grid/pack.schema.json"), "utf8")
    for (const name of ["withinBusinessHoursOf", "oldCompound", "forwardToCity"]) expect(schema).toContain(name)
    expect(schema).not.toEqual(JSON.stringify(Rules.rulePackJsonSchema(), null, 2) + "\n")
    // The copy validates with the plugin, and without it the pack's need is named.
    expect(await run(["rules", "validate", path, "--plugin", plugin], "en")).toMatchObject({ code: 0, out: [`${path}: ok`] })
    const without = await run(["rules", "validate", path], "en")
    expect(without.code).toBe(1)
    expect(without.out[0]).toContain('/plugins/futian-grid: the pack needs plugin "futian-grid"')

    // The schema beside the pack is overwritten only with --force, like the pack.
    rmSync(path)
    const again = await run(["rules", "init", "--from", "futian-10-30-24", "grid/pack.json", "--plugin", plugin], "en")
    expect(again.code).toBe(2)
    expect(again.err[0]).toBe("./pack.schema.json exists; add --force to overwrite it")
    expect(existsSync(path)).toBe(false)
    expect((await run(["rules", "init", "--from", "futian-10-30-24", "grid/pack.json", "--plugin", plugin, "--force"])).code).toBe(0)
  })

  it("--plugin with a module that is not a plugin writes nothing", async () => {
    const notPlugin = write("not-a-plugin.mjs", "export default { name: 'x' }\n")
    const r = await run(["rules", "init", "--from", "futian-10-30-24", "np/pack.json", "--plugin", notPlugin], "en")
    expect(r).toMatchObject({ code: 1, err: [`${notPlugin}: its default export must be a plugin made by definePlugin, or a list of them`] })
    expect(existsSync(join(dir, "np/pack.json"))).toBe(false)
  })

  it("names an unknown preset with the nearest one", async () => {
    const r = await run(["rules", "init", "--from", "futian", "x.json"], "en")
    expect(r.code).toBe(2)
    expect(r.err[0]).toContain('no preset "futian"')
    expect(r.err[0]).toContain("futian-10-30-24, xinfang-statutory")
  })
})

describe("minyi rules validate --previous / --strict", () => {
  const next = (over: Record<string, unknown>) => ({ ...futian, version: "2026.1", effectiveFrom: "2026-04-01T00:00:00+08:00", ...over })

  it("accepts a greater version that takes effect later", async () => {
    const r = await run(["rules", "validate", write("next.json", next({})), "--previous", futianPath])
    expect([r.code, r.out]).toEqual([0, [`${join(dir, "next.json")}: ok`]])
    expect((await run(["rules", "validate", write("next2.json", next({})), "--previous", "futian-10-30-24"])).code).toBe(0)
  })

  it("names the version and effectiveFrom that do not follow the previous version", async () => {
    const same = write("same.json", next({ version: "2022.1" }))
    const r = await run(["rules", "validate", same, "--previous", futianPath], "en")
    expect(r.code).toBe(1)
    expect(r.out).toEqual([`${same}: /version: the version "2022.1" must be greater than the previous version "2022.1"`])
    const older = write("older.json", next({ version: "2021.9", effectiveFrom: "2021-06-01T00:00:00+08:00" }))
    const r2 = await run(["rules", "validate", older, "--previous", futianPath])
    expect(r2.code).toBe(1)
    expect(r2.out).toEqual([
      `${older}: /version: 版本号 "2021.9" 须大于上一版本的 "2022.1"`,
      `${older}: /effectiveFrom: 生效时间须晚于上一版本的生效时间 2022-01-01T00:00:00.000+08:00`
    ])
    // Numeric parts compare as numbers: 2022.10 follows 2022.9.
    const tenth = write("tenth.json", next({ version: "2022.10" }))
    const ninth = write("ninth.json", next({ version: "2022.9", effectiveFrom: "2026-01-01T00:00:00+08:00" }))
    expect((await run(["rules", "validate", tenth, "--previous", ninth])).code).toBe(0)
    expect((await run(["rules", "validate", ninth, "--previous", tenth])).code).toBe(1)
    const other = write("other.json", next({ id: "another-pack" }))
    expect((await run(["rules", "validate", other, "--previous", futianPath], "en")).out).toEqual([
      `${other}: /id: the pack id "another-pack" differs from the previous version's "futian-10-30-24"`
    ])
  })

  it("reports a rule that can never fire before ok, and --strict makes it an error", async () => {
    const escalation = futian.escalation.map((r: { id: string; conditions: { all: Array<{ value: unknown }> } }) =>
      r.id === "feedback-overdue" ? { ...r, conditions: { all: [r.conditions.all[0], { ...r.conditions.all[1], value: "feedbak" }] } } : r
    )
    const path = write("never.json", next({ escalation }))
    const r = await run(["rules", "validate", path], "en")
    expect(r.code).toBe(0)
    expect(r.all).toHaveLength(2)
    expect(r.all[0]).toMatch(/^.*never\.json: \/escalation\/0\/conditions\/all\/1\/value: warning: .*can never fire: no clock policy is named "feedbak"; did you mean "feedback"\?/)
    expect(r.all[1]).toBe(`${path}: ok`)
    const strict = await run(["rules", "validate", path, "--strict"], "en")
    expect(strict.code).toBe(1)
    expect(strict.out).toHaveLength(1)
    expect(strict.out[0]).toMatch(/value: error \(--strict\): .*can never fire/)
    expect(strict.out.some((l) => l.endsWith(": ok"))).toBe(false)
  })
})
