import { DateTime } from "luxon"
import { Result, Schema } from "effect"
import type { Instant } from "../shared/instant.js"
import type { DayRules, DayStatus } from "./days.js"
import { compileDayRules } from "./days.js"
import type { Duration } from "./duration.js"
import { CalendarYearUnknown, InvalidDate, UnknownCalendar, unknownCalendar } from "./errors.js"
import type { HolidayRelease } from "./holiday-release.js"
import type { CalendarSpec } from "./spec.js"
import { calendarPresets, LocalDate } from "./spec.js"
import type { CalendarEngine } from "./year-index.js"
import { addWorkingDaysIndexed, addWorkingMsIndexed, betweenIndexed, makeCalendarEngine, nextWorkingIndexed } from "./year-index.js"

const DAY = 86_400_000

/** A day off a provisional count assumed: a holiday the law fixes by date, in a year without its notice. */
export interface AssumedDayOff {
  /** `YYYY-MM-DD` in the calendar's zone. */
  readonly date: string
  readonly name: string
  readonly nameEn: string
}

/**
 * What an answer assumed because part of it lies in a year without holiday data: the answer may
 * move when the year's notice is added (a new calendar version), and must then be recomputed.
 */
export interface Assumptions {
  /** The years counted without holiday data, in order. */
  readonly years: ReadonlyArray<number>
  /** `"provisional"`: weekends and the fixed-date holidays; `"weekends"`: weekends only. */
  readonly basis: "provisional" | "weekends"
  /** The assumed days off inside the span, in order (the Spring Festival and other lunar holidays cannot be). */
  readonly daysOff: ReadonlyArray<AssumedDayOff>
}

/** An answer and, when it was counted provisionally, what it assumed. */
export interface Reckoned<A> {
  readonly value: A
  readonly provisional?: Assumptions
}

/**
 * A working (or natural) calendar. A year without holiday data is counted as the calendar's
 * `fallback` says — by default provisionally (weekends and the fixed-date statutory holidays), with
 * `provisional` on each such day and {@link Assumptions} from `addReckoned`, `betweenReckoned` and
 * `assumptions`; `strict` answers only from data and fails with {@link CalendarYearUnknown}.
 * Working time is counted in milliseconds; working intervals are half-open, so 12:00 on a
 * 09:00–12:00 morning is not a working instant.
 */
export interface Calendar {
  readonly name: string
  readonly spec: CalendarSpec
  readonly kind: "natural" | "working"
  readonly timeZone: string
  /** Is this local date (`YYYY-MM-DD`) a working day, and why (weekend, holiday name, make-up day). */
  readonly day: (date: string) => Result.Result<DayStatus, CalendarYearUnknown | InvalidDate>
  /**
   * The status of the local day `at` falls on, in the calendar's zone: why an instant is not
   * working time on a day off. An instant of a working day outside its `minutes` is after hours.
   */
  readonly dayOf: (at: Instant) => Result.Result<DayStatus, CalendarYearUnknown>
  readonly isWorking: (at: Instant) => Result.Result<boolean, CalendarYearUnknown>
  /** `at` itself if it is working time, otherwise the start of the next working interval. */
  readonly nextWorking: (at: Instant) => Result.Result<Instant, CalendarYearUnknown>
  /**
   * Adds a duration: first the days (working days: the same time of day N working days later,
   * counted from the next working instant, rolled forward to the next working instant if that
   * time is outside the day's hours), then the time part as working time. On a natural calendar
   * days are calendar days in the time zone and time is elapsed time.
   */
  readonly add: (at: Instant, duration: Duration) => Result.Result<Instant, CalendarYearUnknown>
  /** Working milliseconds between two instants (negative when `to` is before `from`). */
  readonly between: (from: Instant, to: Instant) => Result.Result<number, CalendarYearUnknown>
  /** `add`, with what it assumed when the span reaches a year without holiday data. */
  readonly addReckoned: (at: Instant, duration: Duration) => Result.Result<Reckoned<Instant>, CalendarYearUnknown>
  /** `between`, with what it assumed when the span reaches a year without holiday data. */
  readonly betweenReckoned: (from: Instant, to: Instant) => Result.Result<Reckoned<number>, CalendarYearUnknown>
  /**
   * What a count from `from` to `to` (either order) assumes: undefined when every year it touches
   * has holiday data. A deadline computed earlier is flagged with `assumptions(start, due)`.
   */
  readonly assumptions: (from: Instant, to: Instant) => Assumptions | undefined
  /** The same calendar answering only from holiday data: a year without it fails with CalendarYearUnknown. */
  readonly strict: Calendar
  /** ISO 8601 with the calendar zone's offset, e.g. `2026-01-05T09:00:00+08:00`. */
  readonly format: (at: Instant) => string
}

const attempt = <A>(f: () => A): Result.Result<A, CalendarYearUnknown> => {
  try {
    return Result.succeed(f())
  } catch (e) {
    if (e instanceof CalendarYearUnknown) return Result.fail(e)
    throw e
  }
}

const decodeDate = Schema.decodeUnknownResult(LocalDate)

const dayOfDate = (rules: DayRules, date: string): Result.Result<DayStatus, CalendarYearUnknown | InvalidDate> => {
  if (Result.isFailure(decodeDate(date))) {
    return Result.fail(
      new InvalidDate({
        input: date,
        message: `无效的日期 "${date}"，请写成 YYYY-MM-DD，例如 2026-10-01。 (Invalid date "${date}": write it as YYYY-MM-DD, e.g. 2026-10-01.)`
      })
    )
  }
  const weekday = DateTime.fromISO(date, { zone: "UTC" }).weekday
  return attempt(() => rules.status(date, weekday))
}

const reckon = <A>(value: A, provisional: Assumptions | undefined): Reckoned<A> =>
  provisional === undefined ? { value } : { value, provisional }

/** 0-based day of the year of `MM-DD` in `year` (a calendar fact, the same in every zone). */
const dayOfYear = (year: number, monthDay: string): number =>
  (Date.UTC(year, Number(monthDay.slice(0, 2)) - 1, Number(monthDay.slice(3, 5))) - Date.UTC(year, 0, 1)) / DAY

const assumptionsOf = (rules: DayRules, engine: CalendarEngine, from: Instant, to: Instant): Assumptions | undefined => {
  if (rules.basis === "strict") return undefined
  const a = Math.min(from, to)
  const b = Math.max(from, to)
  const years: Array<number> = []
  for (let y = engine.yearOf(a), last = engine.yearOf(b); y <= last; y++) if (!rules.hasData(y)) years.push(y)
  if (years.length === 0) return undefined
  const daysOff: Array<AssumedDayOff> = []
  if (rules.assumedDaysOff.length > 0) {
    // Through the year index rather than luxon: this runs on every provisional deadline the engine flags.
    for (const y of years) {
      const starts = engine.index(y).dayStart
      for (const h of rules.assumedDaysOff) {
        const d = dayOfYear(y, h.monthDay)
        if (starts[d]! <= b && starts[d + 1]! > a) daysOff.push({ date: `${y}-${h.monthDay}`, name: h.name, nameEn: h.nameEn })
      }
    }
  }
  return { years, basis: rules.basis, daysOff }
}

/**
 * Compiles a calendar spec; year indexes are built lazily, on first use of each year. `release`:
 * holiday data published since the bundled data, for `holidays: "china"`.
 */
export const makeCalendar = (name: string, spec: CalendarSpec, release?: HolidayRelease): Calendar => {
  const rules = compileDayRules(name, spec, release?.years)
  const zone = rules.timeZone
  const format = (at: Instant) => DateTime.fromMillis(at, { zone }).toISO({ suppressMilliseconds: true })!
  const day = (date: string) => dayOfDate(rules, date)
  const dayOf = (at: Instant) => {
    const local = DateTime.fromMillis(at, { zone })
    return attempt(() => rules.status(local.toISODate()!, local.weekday))
  }
  if (spec.kind === "natural") {
    const add = (at: Instant, d: Duration) =>
      Result.succeed((d.days > 0 ? DateTime.fromMillis(at, { zone }).plus({ days: d.days }).toMillis() : at) + d.ms)
    const between = (from: Instant, to: Instant) => Result.succeed(to - from)
    const natural: Calendar = {
      name,
      spec,
      kind: "natural",
      timeZone: zone,
      day,
      dayOf,
      isWorking: () => Result.succeed(true),
      nextWorking: (at) => Result.succeed(at),
      add,
      between,
      addReckoned: (at, d) => Result.map(add(at, d), (value) => ({ value })),
      betweenReckoned: (from, to) => Result.map(between(from, to), (value) => ({ value })),
      assumptions: () => undefined,
      get strict() {
        return natural
      },
      format
    }
    return natural
  }
  const engine = makeCalendarEngine(rules)
  const add = (at: Instant, d: Duration) =>
    attempt(() => addWorkingMsIndexed(engine, addWorkingDaysIndexed(engine, at, d.days), d.ms))
  const between = (from: Instant, to: Instant) => attempt(() => betweenIndexed(engine, from, to))
  const assumptions = (from: Instant, to: Instant) => assumptionsOf(rules, engine, from, to)
  // The strict view is a second calendar (its own lazily built indexes), made on first use only.
  let strict: Calendar | undefined
  const working: Calendar = {
    name,
    spec,
    kind: "working",
    timeZone: zone,
    day,
    dayOf,
    isWorking: (at) => attempt(() => nextWorkingIndexed(engine, at) === at),
    nextWorking: (at) => attempt(() => nextWorkingIndexed(engine, at)),
    add,
    between,
    addReckoned: (at, d) => Result.map(add(at, d), (due) => reckon(due, assumptions(at, due))),
    betweenReckoned: (from, to) => Result.map(between(from, to), (ms) => reckon(ms, assumptions(from, to))),
    assumptions,
    get strict() {
      if (rules.basis === "strict") return working
      strict ??= makeCalendar(name, { ...spec, fallback: "strict" }, release)
      return strict
    },
    format
  }
  return working
}

const presetCache = new Map<string, Calendar>()

/** The bundled calendar `china` or `natural` (built once), or undefined for another name. */
export const presetCalendar = (name: string): Calendar | undefined => {
  if (!Object.hasOwn(calendarPresets, name)) return undefined
  let cal = presetCache.get(name)
  if (cal === undefined) {
    cal = makeCalendar(name, calendarPresets[name as keyof typeof calendarPresets])
    presetCache.set(name, cal)
  }
  return cal
}

/** A rule pack's calendars by name, plus the presets (a pack's own definition wins). */
export type Calendars = ReadonlyMap<string, Calendar>

/** `release`: holiday data published since the bundled data (the presets are then built with it too). */
export const makeCalendars = (specs: Readonly<Record<string, CalendarSpec>>, release?: HolidayRelease): Calendars => {
  const map = new Map<string, Calendar>()
  for (const [name, spec] of Object.entries(calendarPresets)) map.set(name, release === undefined ? presetCalendar(name)! : makeCalendar(name, spec, release))
  for (const [name, spec] of Object.entries(specs)) map.set(name, makeCalendar(name, spec, release))
  return map
}

export const lookupCalendar = (calendars: Calendars, name: string): Result.Result<Calendar, UnknownCalendar> => {
  const cal = calendars.get(name)
  return cal !== undefined ? Result.succeed(cal) : Result.fail(unknownCalendar(name, [...calendars.keys()]))
}
