import { isAbsolute, resolve } from "node:path"
import { Result, Schema } from "effect"
import type { InvalidInput } from "@minyi/core"
import { decodeInput, parseInstant, Calendar } from "@minyi/core"
import type { CliIO, Command } from "../io.js"
import type { ArgSpec } from "../args.js"
import { parseArgs, subCommandOf, unknownSubCommand } from "../args.js"
import { problemText, say, usage } from "../io.js"
import { readJsonFile } from "../json.js"

const presets = ["china", "natural"]

const help = (io: CliIO): string =>
  say(
    io,
    [
      "用法:",
      "  minyi calendar due   --calendar <文件|预设> --from <ISO 时刻> --add <ISO 时长> [--strict]",
      "  minyi calendar check --calendar <文件|预设> --date <YYYY-MM-DD> [--strict]",
      "",
      "尚无节假日安排的年份暂按周末和法定固定日期节日计算，输出标明“暂定”；--strict 则对这样的年份报错。",
      "预设: china（国务院节假日安排，周一至周五 09:00–12:00、14:00–18:00）、natural（自然时间）。",
      "文件: 一个日历 JSON（{ \"kind\": \"working\", ... }），或规则包 JSON 加 --name <日历名>。",
      "例: minyi calendar due --calendar china --from 2026-04-03T10:00:00+08:00 --add P1D"
    ].join("\n"),
    [
      "Usage:",
      "  minyi calendar due   --calendar <file|preset> --from <ISO instant> --add <ISO duration> [--strict]",
      "  minyi calendar check --calendar <file|preset> --date <YYYY-MM-DD> [--strict]",
      "",
      "A year without holiday data is counted provisionally (weekends and the fixed-date holidays) and the output says so; --strict refuses it.",
      "Presets: china (State Council holidays, Mon–Fri 09:00–12:00 and 14:00–18:00), natural (24/7).",
      "File: a calendar JSON ({ \"kind\": \"working\", ... }), or a rule pack JSON with --name <calendar>.",
      "Example: minyi calendar due --calendar china --from 2026-04-03T10:00:00+08:00 --add P1D"
    ].join("\n")
  )

const subCommands: Readonly<Record<string, ArgSpec>> = {
  due: { options: ["calendar", "from", "add", "name"], switches: ["strict"], positional: "none" },
  check: { options: ["calendar", "date", "name"], switches: ["strict"], positional: "none" }
}

const fail = (io: CliIO, zh: string, en: string): number => {
  io.err(say(io, zh, en))
  return 1
}

const loadCalendar = async (io: CliIO, ref: string, name: string | undefined): Promise<Result.Result<Calendar.Calendar, number>> => {
  const preset = Calendar.presetCalendar(ref)
  if (preset !== undefined) return Result.succeed(preset)
  if (!ref.endsWith(".json") && !ref.includes("/") && !ref.includes("\\")) {
    return Result.fail(
      fail(
        io,
        `未知的日历预设 "${ref}"。可用的预设：${presets.join("、")}；或给出日历 JSON 文件的路径。`,
        `Unknown calendar preset "${ref}". Presets: ${presets.join(", ")}; or give the path of a calendar JSON file.`
      )
    )
  }
  const path = isAbsolute(ref) ? ref : resolve(io.cwd, ref)
  const read = await readJsonFile(io, path)
  if (Result.isFailure(read)) return Result.fail(fail(io, `日历文件 ${path}：${read.failure}`, `The calendar file ${path}: ${read.failure}`))
  const json = read.success
  let spec: unknown = json
  let calName = name ?? ref
  if (typeof json === "object" && json !== null && "calendars" in json) {
    const pack = decodePackCalendars({ calendars: json.calendars })
    if (Result.isFailure(pack)) return Result.fail(invalidFile(io, path, pack.failure))
    const cals = pack.success.calendars
    const names = Object.keys(cals)
    const pick = name ?? (names.length === 1 ? names[0] : undefined)
    if (pick === undefined || !Object.hasOwn(cals, pick)) {
      return Result.fail(
        fail(
          io,
          `规则包 ${path} 里有日历：${names.join("、") || "（无）"}。请用 --name 选一个。`,
          `The rule pack ${path} has calendars: ${names.join(", ") || "(none)"}. Choose one with --name.`
        )
      )
    }
    spec = cals[pick]
    calName = pick
  }
  const decoded = decodeInput(Calendar.CalendarSpec, `calendar ${calName}`)(spec)
  if (Result.isFailure(decoded)) return Result.fail(invalidFile(io, path, decoded.failure))
  return Result.succeed(Calendar.makeCalendar(calName, decoded.success))
}

// A rule pack is recognised by its `calendars` key; only that section is read here.
const decodePackCalendars = decodeInput(Schema.Struct({ calendars: Schema.Record(Schema.String, Schema.Unknown) }), "rule pack")

const invalidFile = (io: CliIO, path: string, e: InvalidInput): number =>
  fail(io, `日历文件 ${path} 有误：\n${problemLines(io, e)}`, `The calendar file ${path} is invalid:\n${problemLines(io, e)}`)

const problemLines = (io: CliIO, e: InvalidInput): string => e.problems.map((p) => `  ${problemText(io, p)}`).join("\n")

const reasonText = (io: CliIO, d: Calendar.DayStatus): string => {
  const zhName = d.name ?? ""
  const enName = d.nameEn ?? d.name ?? ""
  const notice = d.notice !== undefined ? `（${d.notice.number}）` : ""
  const noticeEn = d.notice !== undefined ? ` (${d.notice.number})` : ""
  const year = d.date.slice(0, 4)
  const fallback =
    d.fallback === true
      ? say(io, "（该年无节假日数据，按周末计算）", " (no holiday data for this year; weekends only)")
      : d.provisional === true
        ? say(io, `（暂定：${year} 年尚无节假日安排）`, ` (provisional: no holiday notice for ${year} yet)`)
        : ""
  switch (d.reason) {
    case "weekday":
      return say(io, "工作日", "weekday") + fallback
    case "weekend":
      return say(io, "周末", "weekend") + fallback
    case "holiday":
      return say(io, `节假日：${zhName}${notice}`, `holiday: ${enName}${noticeEn}`) + fallback
    case "makeUpWorkday":
      return say(io, `调休上班（${zhName}）${notice}`, `make-up working day for ${enName}${noticeEn}`)
    case "extraHoliday":
      return say(io, `本日历增加的休息日：${zhName}`, `day off in this calendar: ${enName}`)
    case "extraWorkday":
      return say(io, `本日历增加的工作日：${zhName}`, `working day in this calendar: ${enName}`)
    case "natural":
      return say(io, "自然时间，每天都计时", "natural time: every day counts")
  }
}

const noYear = (io: CliIO, e: { readonly calendar: string; readonly year: number }): number =>
  fail(
    io,
    `日历 "${e.calendar}" 没有 ${e.year} 年的节假日数据。请在国务院办公厅发布 ${e.year} 年节假日安排后更新 minyi，` +
      `或改用自己的日历文件（列出该年的 holidays）；不加 --strict 则暂按周末和法定固定日期节日计算。`,
    `Calendar "${e.calendar}" has no holiday data for ${e.year}. Update minyi once the State Council publishes ` +
      `the ${e.year} holidays, or use a calendar file that lists them; without --strict the year is counted provisionally.`
  )

/** What a provisional answer assumed, on the same line as the answer, so that a script sees it too. */
const assumedText = (io: CliIO, a: Calendar.Assumptions): string => {
  const years = a.years.join("、")
  const yearsEn = a.years.join(", ")
  const days = a.daysOff.map((d) => `${d.date} ${d.name}`).join("、")
  const daysEn = a.daysOff.map((d) => `${d.date} ${d.nameEn}`).join(", ")
  return a.basis === "weekends"
    ? say(io, `暂定：${years} 年尚无节假日安排，只按周末计算，安排发布后可能变动`, `provisional: no holiday notice for ${yearsEn} yet; weekends only, may change once it is published`)
    : say(
        io,
        `暂定：${years} 年尚无节假日安排，按周末及法定固定日期节日计算（${days || "期间内无"}），春节等农历节日和调休未计入，安排发布后可能变动`,
        `provisional: no holiday notice for ${yearsEn} yet; counted with weekends and the fixed-date holidays (${daysEn || "none in the span"}), ` +
          `not the Spring Festival or other lunar holidays or make-up days; may change once it is published`
      )
}

const due = async (io: CliIO, flags: Record<string, string>): Promise<number> => {
  const { calendar, from, add, name, strict } = flags
  if (calendar === undefined || from === undefined || add === undefined) {
    return usage(io, "缺少参数：需要 --calendar、--from 和 --add。\n" + help(io), "Missing arguments: --calendar, --from and --add are required.\n" + help(io))
  }
  const at = parseInstant(from)
  if (at === undefined) {
    return usage(
      io,
      `--from "${from}" 不是带时区的 ISO 8601 时刻，请写成 2026-04-03T10:00:00+08:00。`,
      `--from "${from}" is not an ISO 8601 instant with an offset; write e.g. 2026-04-03T10:00:00+08:00.`
    )
  }
  const duration = Calendar.parseDuration(add)
  if (Result.isFailure(duration)) {
    return usage(
      io,
      `--add "${add}" 不是有效的时限，请写成 PT10M、PT24H、P15D 或 P1DT2H（不支持年、月、周）。`,
      `--add "${add}" is not a valid duration; write PT10M, PT24H, P15D or P1DT2H (no years, months or weeks).`
    )
  }
  const cal = await loadCalendar(io, calendar, name)
  if (Result.isFailure(cal)) return cal.failure
  const counting = strict === undefined ? cal.success : cal.success.strict
  const result = counting.addReckoned(at, duration.success)
  if (Result.isFailure(result)) return noYear(io, result.failure)
  const { value, provisional } = result.success
  io.out(counting.format(value) + (provisional === undefined ? "" : `\t${assumedText(io, provisional)}`))
  return 0
}

const check = async (io: CliIO, flags: Record<string, string>): Promise<number> => {
  const { calendar, date, name, strict } = flags
  if (calendar === undefined || date === undefined) {
    return usage(io, "缺少参数：需要 --calendar 和 --date。\n" + help(io), "Missing arguments: --calendar and --date are required.\n" + help(io))
  }
  const cal = await loadCalendar(io, calendar, name)
  if (Result.isFailure(cal)) return cal.failure
  const day = (strict === undefined ? cal.success : cal.success.strict).day(date)
  if (Result.isFailure(day)) {
    if (day.failure._tag === "InvalidDate") {
      return usage(io, `--date "${date}" 不是存在的日期，请写成 YYYY-MM-DD，例如 2026-10-01。`, `--date "${date}" is not a date that exists; write YYYY-MM-DD, e.g. 2026-10-01.`)
    }
    return noYear(io, day.failure)
  }
  io.out(`${day.success.working ? "workday" : "restday"}\t${reasonText(io, day.success)}`)
  return 0
}

/** `minyi calendar due|check`: what policy staff ask of a calendar. */
export const calendarCommand: Command = async (args, io) => {
  const line = subCommandOf(io, args, () => help(io))
  if (typeof line === "number") return line
  const { sub, rest } = line
  const spec = Object.hasOwn(subCommands, sub) ? subCommands[sub] : undefined
  if (spec === undefined) return unknownSubCommand(io, sub, Object.keys(subCommands), help(io))
  const parsed = parseArgs(io, `calendar ${sub}`, rest, spec)
  if (Result.isFailure(parsed)) return usage(io, `${parsed.failure}。\n${help(io)}`, `${parsed.failure}.\n${help(io)}`)
  const flags = { ...parsed.success.flags }
  return sub === "due" ? due(io, flags) : check(io, flags)
}
