/**
 * Loading a scenario: its shape, then the directory and rule pack it names (file, preset or
 * inline), then every step's command through the petition's own command schema — all problems at
 * once, each named by its JSON path in the scenario (or `file#/path` inside a referenced file).
 */
import { readJsonFile } from "../json.js"
import { dirname, isAbsolute, resolve } from "node:path"
import { Result, Schema } from "effect"
import type { EngineCommand, InputProblem, Instant, Plugin, RulePack, RulePackRegistry } from "@minyi/core"
import { decodeEngineCommand, decodeInput, emptyRegistry, formatInstant, isRulePackPreset, loadDirectory, loadRulePack, parseInstant, publish, rulePackPresets, sampleDirectory, Calendar, Directory } from "@minyi/core"
import { ScenarioFile, StepExpect, WhatIfExpect } from "./schema.js"

/** The scenario file (or a file it names) is not what it must be. */
export class ScenarioInvalid extends Schema.TaggedError<ScenarioInvalid>()("ScenarioInvalid", {
  file: Schema.String,
  problems: Schema.Array(Schema.Struct({ path: Schema.String, message: Schema.String })),
  message: Schema.String
}) {}

export interface ScenarioStep {
  /** 0-based, as in the JSON path `/steps/<index>`. */
  readonly index: number
  readonly at: Instant
  readonly note: string | undefined
  /** Absent for a checkpoint, which only runs the clock to `at` and checks `expect`. */
  readonly command: EngineCommand | undefined
  /** Holiday data the step publishes (then it has no command). */
  readonly holidays: Calendar.HolidayRelease | undefined
  readonly expect: StepExpect | undefined
}

/** A what-if of the scenario: the pack to replay its histories under, and what that must show. */
export interface WhatIfCase {
  /** 0-based, as in the JSON path `/whatIf/<index>`. */
  readonly index: number
  readonly note: string | undefined
  readonly pack: RulePack
  readonly expect: typeof WhatIfExpect.Type
}

/** A scenario ready to run: everything decoded and checked. */
export interface Scenario {
  readonly file: string
  readonly description: string | undefined
  readonly directory: Directory.Directory
  readonly pack: RulePack
  readonly packs: RulePackRegistry
  readonly start: Instant | undefined
  readonly until: Instant | undefined
  readonly steps: ReadonlyArray<ScenarioStep>
  /** The virtual scheduler's interval in ms; undefined: every timer fires at its own due instant. */
  readonly tickEvery: number | undefined
  /** Evaluated after the last step, over the histories the story recorded. */
  readonly whatIf: ReadonlyArray<WhatIfCase>
  /** ISO 8601 in the zone of the pack's default calendar (that of its first clock). */
  readonly format: (at: Instant) => string
}

export interface LoadScenarioOptions {
  /** The scenario's path: relative references resolve against its folder. */
  readonly file: string
  readonly readText: (path: string) => Promise<string>
  readonly lang?: "zh-CN" | "en"
  /** Rule plugins the scenario's pack may name in its "plugins". */
  readonly plugins?: ReadonlyArray<Plugin>
}

const decodeShape = decodeInput(ScenarioFile, "scenario")

const inFile = (file: string, problems: ReadonlyArray<InputProblem>): Array<InputProblem> =>
  problems.map((p) => ({ path: `${file}#${p.path}`, message: p.message }))

const under = (prefix: string, problems: ReadonlyArray<InputProblem>): Array<InputProblem> =>
  problems.map((p) => ({ path: p.path === "/" ? prefix : `${prefix}${p.path}`, message: p.message }))

const zoneCalendar = (pack: RulePack): Calendar.Calendar => {
  const calendars = Calendar.makeCalendars(pack.document.calendars)
  const name = pack.document.clocks[0]?.calendar ?? Object.keys(pack.document.calendars)[0]
  return (name === undefined ? undefined : calendars.get(name)) ?? Calendar.presetCalendar("natural")!
}

/** Reads and decodes a scenario file; bad input comes back as {@link ScenarioInvalid}. */
export const loadScenarioFile = async (options: LoadScenarioOptions): Promise<Result.Result<Scenario, ScenarioInvalid>> => {
  const en = options.lang === "en"
  const fail = (problems: ReadonlyArray<InputProblem>) =>
    Result.fail(
      new ScenarioInvalid({
        file: options.file,
        problems,
        message: [
          en ? `The scenario ${options.file} is invalid:` : `情景文件 ${options.file} 有误：`,
          ...problems.map((p) => `  ${p.path}: ${p.message}`)
        ].join("\n")
      })
    )
  const read = await readJson(options.readText, options.file, en)
  if (Result.isFailure(read)) return fail([{ path: "/", message: read.failure }])
  return loadScenario(read.success, options, fail)
}

/** The file's JSON, or `<what is wrong> (<path>)` (a syntax error with its line and column). */
const readJson = async (readText: (path: string) => Promise<string>, path: string, en: boolean): Promise<Result.Result<unknown, string>> => {
  const read = await readJsonFile({ lang: en ? "en" : "zh-CN", readText }, path)
  return Result.isFailure(read) ? Result.fail(`${read.failure} (${path})`) : read
}

const loadScenario = async (
  json: unknown,
  options: LoadScenarioOptions,
  fail: (problems: ReadonlyArray<InputProblem>) => Result.Result<never, ScenarioInvalid>
): Promise<Result.Result<Scenario, ScenarioInvalid>> => {
  const en = options.lang === "en"
  const shape = decodeShape(json)
  // A bad shape does not stop the rest: the directory, the pack and the commands are checked
  // from the raw JSON too, so the author sees every problem in one run.
  const problems: Array<InputProblem> = Result.isFailure(shape) ? [...shape.failure.problems] : []
  const doc = lenient(json)
  const base = dirname(options.file)
  const local = (ref: string) => (isAbsolute(ref) ? ref : resolve(base, ref))

  let directory: Directory.Directory | undefined = sampleDirectory()
  if (doc.directory !== undefined) {
    const ref = doc.directory
    const source = typeof ref === "string" ? await readJson(options.readText, local(ref), en) : Result.succeed(ref as unknown)
    if (Result.isFailure(source)) {
      problems.push({ path: "/directory", message: source.failure })
      directory = undefined
    } else {
      const loaded = loadDirectory(source.success)
      if (Result.isFailure(loaded)) {
        problems.push(...(typeof ref === "string" ? inFile(ref, loaded.failure.problems) : under("/directory", loaded.failure.problems)))
        directory = undefined
      } else directory = loaded.success
    }
  }

  /** A pack named at `at` (`/rulePack`, `/whatIf/0/rulePack`): a preset, a file beside the scenario, or inline. */
  const loadPackAt = async (ref: unknown, at: string): Promise<Result.Result<RulePack, Array<InputProblem>>> => {
    const source: Result.Result<unknown, string> =
      typeof ref !== "string"
        ? Result.succeed(ref)
        : isRulePackPreset(ref)
        ? Result.succeed(rulePackPresets[ref])
        : ref.endsWith(".json")
        ? await readJson(options.readText, local(ref), en)
        : Result.fail(
            en
              ? `"${ref}" is neither a preset (futian-10-30-24, xinfang-statutory) nor a .json file`
              : `"${ref}" 既不是预设规则包（futian-10-30-24、xinfang-statutory），也不是 .json 文件`
          )
    if (Result.isFailure(source)) return Result.fail([{ path: at, message: source.failure }])
    if (directory === undefined) return Result.fail([])
    const loaded = loadRulePack(source.success, { directory, plugins: options.plugins ?? [] })
    if (Result.isSuccess(loaded)) return Result.succeed(loaded.success)
    // Rule-pack problems come in both languages: print the scenario's.
    const inner = loaded.failure.problems.map((p) => ({ path: p.path, message: en ? p.message : p.zh ?? p.message }))
    return Result.fail(typeof ref === "string" && !isRulePackPreset(ref) ? inFile(ref, inner) : under(at, inner))
  }

  let pack: RulePack | undefined
  let packs: RulePackRegistry | undefined
  if (doc.rulePack !== undefined) {
    const loaded = await loadPackAt(doc.rulePack, "/rulePack")
    if (Result.isFailure(loaded)) problems.push(...loaded.failure)
    else if (directory !== undefined) {
      const published = publish(emptyRegistry, loaded.success, { directory })
      if (Result.isFailure(published)) problems.push({ path: "/rulePack", message: published.failure.message })
      else {
        pack = loaded.success
        packs = published.success
      }
    }
  }

  const whatIf: Array<WhatIfCase> = []
  for (const [index, raw] of doc.whatIf.entries()) {
    if (raw.rulePack === undefined) continue
    const loaded = await loadPackAt(raw.rulePack, `/whatIf/${index}/rulePack`)
    if (Result.isFailure(loaded)) problems.push(...loaded.failure)
    else if (raw.expect !== undefined) whatIf.push({ index, note: raw.note, pack: loaded.success, expect: raw.expect })
  }

  if (Result.isSuccess(shape) && shape.success.tickEvery !== undefined && tickMs(shape.success.tickEvery) <= 0) {
    problems.push({ path: "/tickEvery", message: en ? "the scheduler must wake at some interval: give a duration longer than zero, such as PT1H" : "调度间隔须大于零，例如 PT1H" })
  }

  const rawSteps: ReadonlyArray<unknown> = isRecord(json) && Array.isArray(json["steps"]) ? json["steps"] : []
  rawSteps.forEach((step, index) => {
    const deep = isRecord(step) ? firstTooDeep(step["expect"], `/steps/${index}/expect`) : undefined
    if (deep !== undefined) {
      problems.push({
        path: deep,
        message: en ? `an expect block may nest at most ${expectDepthLimit} levels` : `expect 块的嵌套不能超过 ${expectDepthLimit} 层`
      })
    }
  })

  // Read first: a file a step names is read asynchronously, the steps below are checked in one pass.
  const releases = new Map<number, Calendar.HolidayRelease>()
  for (const [index, step] of doc.steps.entries()) {
    const given = step.holidays
    if (given === undefined) continue
    const at = `/steps/${index}/holidays`
    if (step.command !== undefined) {
      problems.push({ path: at, message: en ? "a step publishes holiday data or runs a command, not both" : "一个步骤只能发布节假日数据或执行命令，不能两者兼有" })
      continue
    }
    const source = typeof given === "string" ? await readJson(options.readText, local(given), en) : Result.succeed<unknown>(given)
    if (Result.isFailure(source)) {
      problems.push({ path: at, message: source.failure })
      continue
    }
    const release = Calendar.decodeHolidayRelease(source.success)
    if (Result.isFailure(release)) problems.push(...(typeof given === "string" ? inFile(given, release.failure.problems) : under(at, release.failure.problems)))
    else releases.set(index, release.success)
  }

  const steps: Array<ScenarioStep> = []
  doc.steps.forEach((step, index) => {
    const previous = doc.steps[index - 1]
    if (previous?.at !== undefined && step.at !== undefined && step.at < previous.at) {
      problems.push({
        path: `/steps/${index}/at`,
        message: en ? "a step may not come before the step above it" : "步骤的时间不能早于上一步"
      })
    }
    const raw = step.command
    if (raw === undefined) {
      if (step.petition === undefined) {
        problems.push({
          path: `/steps/${index}/expect/petition`,
          message: en ? "a step without a command must name the petition its expect block is about" : "没有命令的步骤必须在 expect.petition 中写明核对哪件信访件"
        })
      }
      steps.push({ index, at: step.at ?? 0, note: step.note, command: undefined, holidays: releases.get(index), expect: step.expect })
      return
    }
    // The engine pins Submit's rule pack, so the scenario leaves it out; `at` defaults to the step's.
    const filled = { ...(raw["at"] === undefined ? { at: formatInstant(step.at ?? 0) } : {}), ...raw }
    const command = decodeEngineCommand(filled, "json")
    if (Result.isFailure(command)) {
      problems.push(...under(`/steps/${index}/command`, command.failure.problems))
      return
    }
    steps.push({ index, at: step.at ?? 0, note: step.note, command: command.success, holidays: undefined, expect: step.expect })
  })

  if (problems.length > 0 || Result.isFailure(shape) || pack === undefined || packs === undefined || directory === undefined) return fail(problems)
  const checked = shape.success
  const calendar = zoneCalendar(pack)
  return Result.succeed({
    file: options.file,
    description: checked.description,
    directory,
    pack,
    packs,
    start: checked.start,
    until: checked.until,
    steps,
    tickEvery: checked.tickEvery === undefined ? undefined : tickMs(checked.tickEvery),
    whatIf,
    format: calendar.format
  })
}

interface LenientStep {
  readonly at: Instant | undefined
  readonly note: string | undefined
  readonly command: Readonly<Record<string, unknown>> | undefined
  readonly holidays: string | Readonly<Record<string, unknown>> | undefined
  readonly expect: StepExpect | undefined
  /** The petition a checkpoint names, read even when the rest of its expect block is wrong. */
  readonly petition: string | undefined
}

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> => typeof v === "object" && v !== null && !Array.isArray(v)

/** The parts of a scenario that can be checked further even when its shape is wrong. */
const lenient = (json: unknown) => {
  const doc = isRecord(json) ? json : {}
  const ref = (v: unknown) => (typeof v === "string" || isRecord(v) ? v : undefined)
  const steps: Array<LenientStep> = (Array.isArray(doc["steps"]) ? doc["steps"] : []).map((s: unknown) => {
    const step = isRecord(s) ? s : {}
    const expect = decodeExpect(step["expect"])
    return {
      at: typeof step["at"] === "string" ? parseInstant(step["at"]) : undefined,
      note: typeof step["note"] === "string" ? step["note"] : undefined,
      command: isRecord(step["command"]) ? step["command"] : undefined,
      holidays: ref(step["holidays"]),
      expect: Result.isSuccess(expect) ? expect.success : undefined,
      petition: isRecord(step["expect"]) && typeof step["expect"]["petition"] === "string" ? step["expect"]["petition"] : undefined
    }
  })
  const whatIf = (Array.isArray(doc["whatIf"]) ? doc["whatIf"] : []).map((w: unknown) => {
    const item = isRecord(w) ? w : {}
    const expect = decodeWhatIfExpect(item["expect"])
    return {
      rulePack: ref(item["rulePack"]),
      note: typeof item["note"] === "string" ? item["note"] : undefined,
      expect: Result.isSuccess(expect) ? expect.success : undefined
    }
  })
  return { directory: ref(doc["directory"]), rulePack: ref(doc["rulePack"]), steps, whatIf }
}

/** How deep an `expect` block may nest: matching it and printing a mismatch recurse through it. */
export const expectDepthLimit = 32

/** Where a value first nests deeper than the limit (the expect block itself is level 1), found level by level without recursion. */
const firstTooDeep = (value: unknown, at: string): string | undefined => {
  let level: ReadonlyArray<readonly [unknown, string]> = [[value, at]]
  for (let depth = 1; level.length > 0; depth++) {
    const next: Array<readonly [unknown, string]> = []
    for (const [v, path] of level) {
      if (v === null || typeof v !== "object") continue
      if (depth > expectDepthLimit) return path
      for (const [key, child] of Object.entries(v)) next.push([child, `${path}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`])
    }
    level = next
  }
  return undefined
}

const decodeExpect = (input: unknown) => (input === undefined ? Result.succeed(undefined) : decodeStepExpect(input))
const decodeStepExpect = decodeInput(StepExpect, "expect")
const decodeWhatIfExpect = decodeInput(WhatIfExpect, "expect")

/** A scheduler's interval is elapsed time: a day is 24 hours whatever the calendar. */
const tickMs = (every: Calendar.Duration): number => every.days * 86_400_000 + every.ms
