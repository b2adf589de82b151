import { calendarYearUnknown } from "./errors.js"
import type { FixedHoliday, HolidayNotice, HolidayYear } from "./china-holidays.js"
import { chinaFixedHolidays, chinaHolidayYears, fixedHolidaysSource } from "./china-holidays.js"
import type { CalendarSpec, DayEntry, Weekday } from "./spec.js"
import { chinaOfficeHours, defaultTimeZone, parseInterval, weekdays } from "./spec.js"

/** Why a day is or is not a working day. */
export type DayReason =
  | "weekday" // an ordinary working day
  | "weekend" // a weekday without working hours in this calendar
  | "holiday" // a public holiday (name given)
  | "makeUpWorkday" // a make-up working day (调休上班) for the named holiday
  | "extraHoliday" // a day off added by this calendar
  | "extraWorkday" // a working day added by this calendar
  | "natural" // natural time: every day counts

export interface DayStatus {
  /** `YYYY-MM-DD` in the calendar's time zone. */
  readonly date: string
  readonly working: boolean
  readonly reason: DayReason
  /** The holiday's (or extra day's) name, Chinese first. */
  readonly name?: string
  readonly nameEn?: string
  /** The official notice the day comes from (bundled China data). */
  readonly notice?: HolidayNotice
  /** True when the year had no holiday data and the calendar fell back to plain weekends. */
  readonly fallback?: boolean
  /**
   * True when the year has no holiday data and the day was assumed (see {@link FallbackBasis}):
   * the notice may still make it a holiday, a bridging day off or a make-up working day.
   */
  readonly provisional?: boolean
  /** Working intervals in minutes after local midnight. */
  readonly minutes: ReadonlyArray<readonly [number, number]>
}

interface Special {
  readonly working: boolean
  readonly reason: DayReason
  readonly name: string
  readonly nameEn?: string
  readonly notice?: HolidayNotice
}

const addDays = (date: string, n: number): string => {
  const d = new globalThis.Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + n)
  return d.toISOString().slice(0, 10)
}

/** The days each notice makes special, by date. */
const specialsOf = (years: ReadonlyArray<HolidayYear>, into: Map<string, Special> = new Map()): Map<string, Special> => {
  for (const year of years) {
    for (const block of year.blocks) {
      const notice = year.notices[block.notice ?? 0]!
      for (let d = block.from; d <= block.to; d = addDays(d, 1)) {
        into.set(d, { working: false, reason: "holiday", name: block.name, nameEn: block.nameEn, notice })
      }
      for (const w of block.workdays) {
        into.set(w, { working: true, reason: "makeUpWorkday", name: block.name, nameEn: block.nameEn, notice })
      }
    }
  }
  return into
}

const chinaSpecials: ReadonlyMap<string, Special> = specialsOf(chinaHolidayYears)

const chinaYears: ReadonlySet<number> = new Set(chinaHolidayYears.map((y) => y.year))

/** The years for which bundled mainland holiday data exists. */
export const chinaDataYears = (): ReadonlyArray<number> => [...chinaYears].sort((a, b) => a - b)

type Minutes = ReadonlyArray<readonly [number, number]>

/**
 * How a year without holiday data is counted. `"strict"`: it is not (CalendarYearUnknown).
 * `"provisional"`: weekly hours minus the holidays fixed by date in law (for `holidays: "china"`:
 * 1 January, 1–2 May, 1–3 October), every such day marked provisional. `"weekends"`: weekly hours
 * only, marked provisional (and `fallback`).
 */
export type FallbackBasis = "strict" | "provisional" | "weekends"

/**
 * The day-level rules of a calendar, compiled from its spec: which dates are working days and
 * with which hours. Shared by the interval index and the day-walking oracle.
 */
export interface DayRules {
  readonly name: string
  readonly timeZone: string
  readonly natural: boolean
  /** Throws CalendarYearUnknown for a year without data when `basis` is `"strict"`. */
  readonly status: (date: string, weekday: number) => DayStatus
  readonly yearKnown: (year: number) => boolean
  /** Does the year have holiday data (a year counted provisionally does not)? */
  readonly hasData: (year: number) => boolean
  readonly basis: FallbackBasis
  /** The days off a provisional year assumes, `MM-DD` with their names (empty without `"china"` data). */
  readonly assumedDaysOff: ReadonlyArray<FixedHoliday>
}

const allDay: Minutes = [[0, 1440]]

/**
 * `release`: holiday data published after the bundled data, for calendars with `holidays: "china"`;
 * a year it covers replaces the bundled one.
 */
export const compileDayRules = (name: string, spec: CalendarSpec, release?: ReadonlyArray<HolidayYear>): DayRules => {
  const timeZone = spec.timeZone ?? defaultTimeZone
  if (spec.kind === "natural") {
    return {
      name,
      timeZone,
      natural: true,
      status: (date) => ({ date, working: true, reason: "natural", minutes: allDay }),
      yearKnown: () => true,
      hasData: () => true,
      basis: "strict",
      assumedDaysOff: []
    }
  }
  const hours = spec.hours ?? chinaOfficeHours
  const byWeekday: Array<Minutes> = weekdays.map((w: Weekday) => (hours[w] ?? []).map(parseInterval))
  const makeUp: Minutes = spec.makeUpDayHours !== undefined ? spec.makeUpDayHours.map(parseInterval) : byWeekday[0]!
  const source = spec.holidays ?? "china"
  const specials = new Map<string, Special>()
  let knownYears: ((year: number) => boolean) = () => true
  if (source === "china") {
    const added = new Set((release ?? []).map((y) => y.year))
    for (const [d, s] of chinaSpecials) if (!added.has(Number(d.slice(0, 4)))) specials.set(d, s)
    if (added.size > 0) specialsOf(release ?? [], specials)
    knownYears = (y) => chinaYears.has(y) || added.has(y)
  } else if (source !== "none") {
    const years = new Set(source.years)
    knownYears = (y) => years.has(y)
    for (const h of source.holidays) specials.set(h.date, { working: false, reason: "holiday", name: h.name })
    for (const w of source.workdays ?? []) specials.set(w.date, { working: true, reason: "makeUpWorkday", name: w.name })
  }
  const put = (entries: ReadonlyArray<DayEntry> | undefined, working: boolean) => {
    for (const e of entries ?? []) {
      specials.set(e.date, { working, reason: working ? "extraWorkday" : "extraHoliday", name: e.name })
    }
  }
  put(spec.extraHolidays, false)
  put(spec.extraWorkdays, true)
  // Lenient by default: a deadline that runs into a year whose notice is not out yet is counted
  // provisionally and flagged, rather than refused (strict is asked for per call or per calendar).
  const basis: FallbackBasis = spec.fallback ?? "provisional"
  const fallback = basis !== "strict"
  const assumedDaysOff = basis === "provisional" && source === "china" ? chinaFixedHolidays : []
  const assumed = new Map(assumedDaysOff.map((h) => [h.monthDay, h]))
  return {
    name,
    timeZone,
    natural: false,
    yearKnown: (y) => fallback || knownYears(y),
    hasData: knownYears,
    basis,
    assumedDaysOff,
    status: (date, weekday) => {
      const special = specials.get(date)
      const isExtra = special !== undefined && (special.reason === "extraHoliday" || special.reason === "extraWorkday")
      const year = Number(date.slice(0, 4))
      const known = knownYears(year)
      if (!known && !fallback && !isExtra) throw calendarYearUnknown(name, year)
      const fixed = known || isExtra ? undefined : assumed.get(date.slice(5))
      if (fixed !== undefined) {
        return {
          date,
          working: false,
          reason: "holiday",
          name: fixed.name,
          nameEn: fixed.nameEn,
          notice: fixedHolidaysSource,
          provisional: true,
          minutes: []
        }
      }
      if (special !== undefined && (known || isExtra)) {
        const { working, reason, name: n, nameEn, notice } = special
        return {
          date,
          working,
          reason,
          name: n,
          ...(nameEn !== undefined ? { nameEn } : {}),
          ...(notice !== undefined ? { notice } : {}),
          minutes: working ? makeUp : []
        }
      }
      const minutes = byWeekday[weekday - 1]!
      return {
        date,
        working: minutes.length > 0,
        reason: minutes.length > 0 ? "weekday" : "weekend",
        ...(known ? {} : basis === "weekends" ? { fallback: true, provisional: true } : { provisional: true }),
        minutes
      }
    }
  }
}
