import { IANAZone } from "luxon"
import { Schema } from "effect"
import { bilingual } from "./errors.js"

const hhmm = "([01]\\d|2[0-3]):[0-5]\\d"
const intervalPattern = new RegExp(`^${hhmm}-(${hhmm}|24:00)$`)

const minutesOf = (hm: string): number => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5))

/** `"09:00-12:00"` → `[540, 720]` (minutes after local midnight). */
export const parseInterval = (text: string): readonly [number, number] => [minutesOf(text.slice(0, 5)), minutesOf(text.slice(6))]

/** One stretch of working time in local wall-clock time, `"HH:MM-HH:MM"` (end may be `24:00`). */
export const WorkingInterval = Schema.String.check(
  Schema.makeFilter(
    (s: string) => {
      if (!intervalPattern.test(s)) return bilingual(`"${s}" 不是 "09:00-12:00" 这样的时间段`, `"${s}" is not a time range like "09:00-12:00"`)
      const [from, to] = parseInterval(s)
      return from < to || bilingual(`"${s}" 的结束早于开始`, `"${s}" ends before it starts`)
    },
    { expected: 'a time range "HH:MM-HH:MM" such as "09:00-12:00"' }
  )
)

/** The working intervals of one day, in order and not overlapping (a lunch break is the gap between two). */
export const DayHours = Schema.Array(WorkingInterval).check(
  Schema.makeFilter((list: ReadonlyArray<string>) => {
    for (let i = 1; i < list.length; i++) {
      if (parseInterval(list[i]!)[0] < parseInterval(list[i - 1]!)[1]) {
        return {
          path: [i],
          issue: bilingual(
            `"${list[i]}" 在 "${list[i - 1]}" 结束前开始；时间段须按先后排列、不得重叠`,
            `"${list[i]}" starts before "${list[i - 1]}" ends; list intervals in order without overlap`
          )
        }
      }
    }
    return true
  })
)

export const weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const
export type Weekday = (typeof weekdays)[number]

/**
 * Working hours per weekday; a missing weekday has no working hours. At least one weekday must
 * have some: a week without working time would leave every deadline unreachable.
 */
export const WeeklyHours = Schema.Struct({
  mon: Schema.optionalKey(DayHours),
  tue: Schema.optionalKey(DayHours),
  wed: Schema.optionalKey(DayHours),
  thu: Schema.optionalKey(DayHours),
  fri: Schema.optionalKey(DayHours),
  sat: Schema.optionalKey(DayHours),
  sun: Schema.optionalKey(DayHours)
}).check(
  Schema.makeFilter(
    (week: { readonly [day: string]: ReadonlyArray<string> | undefined }) =>
      Object.values(week).some((day) => day !== undefined && day.length > 0) ||
      bilingual(
        '没有任何一天有工作时间；至少给出一天，例如 "mon": ["09:00-12:00", "14:00-18:00"]',
        'no weekday has working hours; give at least one, e.g. "mon": ["09:00-12:00", "14:00-18:00"]'
      ),
    { expected: 'working hours for at least one weekday, e.g. { "mon": ["09:00-12:00", "14:00-18:00"] }' }
  )
)
export type WeeklyHours = typeof WeeklyHours.Type

const isRealDate = (s: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false
  const d = new globalThis.Date(`${s}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
}

/** A calendar date `YYYY-MM-DD` that exists. */
export const LocalDate = Schema.String.check(
  Schema.makeFilter((s: string) => isRealDate(s) || bilingual(`"${s}" 不是存在的日期（YYYY-MM-DD）`, `"${s}" is not a date YYYY-MM-DD that exists`), {
    expected: "a date YYYY-MM-DD such as 2026-10-01"
  })
)

/** A date with the reason it is special (`"国庆节"`, `"district sports day"`). */
export const DayEntry = Schema.Struct({ date: LocalDate, name: Schema.String })
export type DayEntry = typeof DayEntry.Type

/** A time zone name from the IANA database, such as `Asia/Shanghai`. */
export const TimeZoneName = Schema.String.check(
  Schema.makeFilter((s: string) => IANAZone.isValidZone(s) || bilingual(`"${s}" 不是 IANA 时区（例如 Asia/Shanghai）`, `"${s}" is not an IANA time zone`), {
    expected: "an IANA time zone such as Asia/Shanghai"
  })
)

/** Holidays and make-up working days listed by hand, for the years named in `years`. */
export const ExplicitHolidays = Schema.Struct({
  years: Schema.Array(Schema.Int.check(Schema.isBetween({ minimum: 1970, maximum: 2200 }))),
  holidays: Schema.Array(DayEntry),
  workdays: Schema.optionalKey(Schema.Array(DayEntry))
})

/**
 * A working calendar: office hours per weekday in a time zone, minus holidays, plus make-up
 * working days. `holidays`: `"china"` (the bundled State Council data, the default), `"none"`
 * (weekly hours only), or explicit lists. `makeUpDayHours` are the hours of a make-up working day
 * (default: Monday's). A year without holiday data (the State Council notice not yet out) is counted
 * per `fallback`: `"provisional"` (the default) — weekends and the holidays fixed by date in law,
 * every answer flagged provisional; `"weekends"` — weekends only, flagged; `"strict"` — an error.
 */
export const WorkingCalendarSpec = Schema.Struct({
  kind: Schema.Literal("working"),
  timeZone: Schema.optionalKey(TimeZoneName),
  hours: Schema.optionalKey(WeeklyHours),
  makeUpDayHours: Schema.optionalKey(DayHours),
  holidays: Schema.optionalKey(Schema.Union([Schema.Literals(["china", "none"]), ExplicitHolidays])),
  extraHolidays: Schema.optionalKey(Schema.Array(DayEntry)),
  extraWorkdays: Schema.optionalKey(Schema.Array(DayEntry)),
  fallback: Schema.optionalKey(Schema.Literals(["provisional", "weekends", "strict"])),
  description: Schema.optionalKey(Schema.String)
})
export type WorkingCalendarSpec = typeof WorkingCalendarSpec.Type

/** Natural time: every minute counts; days are calendar days in the time zone. */
export const NaturalCalendarSpec = Schema.Struct({
  kind: Schema.Literal("natural"),
  timeZone: Schema.optionalKey(TimeZoneName),
  description: Schema.optionalKey(Schema.String)
})
export type NaturalCalendarSpec = typeof NaturalCalendarSpec.Type

/** A calendar as written in a rule pack's `calendars` section or a calendar file. */
export const CalendarSpec = Schema.Union([WorkingCalendarSpec, NaturalCalendarSpec]).annotate({
  expected: 'a calendar: { "kind": "working", "timeZone", "hours", "holidays", ... } or { "kind": "natural" }'
})
export type CalendarSpec = typeof CalendarSpec.Type

export const defaultTimeZone = "Asia/Shanghai"

/** Mainland office hours: 09:00–12:00 and 14:00–18:00, Monday to Friday. */
export const chinaOfficeHours: WeeklyHours = {
  mon: ["09:00-12:00", "14:00-18:00"],
  tue: ["09:00-12:00", "14:00-18:00"],
  wed: ["09:00-12:00", "14:00-18:00"],
  thu: ["09:00-12:00", "14:00-18:00"],
  fri: ["09:00-12:00", "14:00-18:00"]
}

/** The bundled calendars, usable by name anywhere a calendar name is expected. */
export const calendarPresets: Readonly<Record<"china" | "natural", CalendarSpec>> = {
  china: {
    kind: "working",
    timeZone: defaultTimeZone,
    hours: chinaOfficeHours,
    holidays: "china",
    description: "Mainland China: State Council holidays and make-up working days, 09:00–12:00 and 14:00–18:00 Mon–Fri"
  },
  natural: { kind: "natural", timeZone: defaultTimeZone, description: "Natural time, 24/7" }
}
