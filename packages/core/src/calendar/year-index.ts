/**
 * The interval index behind working calendars: per local year, the working intervals with prefix
 * sums and the working days in order, so adding working time is a binary search rather than a
 * walk day by day. `calendar.ts` builds the public calendar on it; the benchmarks and the
 * index-vs-oracle test use it directly.
 */
import { DateTime } from "luxon"
import type { Instant } from "../shared/instant.js"
import type { DayRules } from "./days.js"

const DAY = 86_400_000

/** The index of one local year: working intervals with prefix sums, and working days in order. */
export interface YearIndex {
  readonly year: number
  readonly start: number
  readonly end: number
  /** Local midnight of each day; one more entry for the next year's first midnight. */
  readonly dayStart: Float64Array
  /** 1 when the day has 24 hours and one offset, so wall time = midnight + elapsed. */
  readonly regular: Uint8Array
  readonly starts: Float64Array
  readonly ends: Float64Array
  /** Working ms before interval i; `cum[k]` is the year's total. */
  readonly cum: Float64Array
  readonly total: number
  /** Day numbers (0-based) of the working days, in order. */
  readonly workDays: Int32Array
  /** Number of working days before each day. */
  readonly workBefore: Int32Array
}

/** The calendar machinery shared by the public calendar and the benchmarks and tests. */
export interface CalendarEngine {
  readonly rules: DayRules
  readonly yearStart: (year: number) => number
  readonly yearOf: (at: Instant) => number
  readonly index: (year: number) => YearIndex
  readonly wallToInstant: (dayStart: number, wallMs: number) => number
  readonly wallOf: (at: Instant) => number
}

const wallMsOf = (dt: DateTime): number => ((dt.hour * 60 + dt.minute) * 60 + dt.second) * 1000 + dt.millisecond

export const makeCalendarEngine = (rules: DayRules): CalendarEngine => {
  const zone = rules.timeZone
  const yearStarts = new Map<number, number>()
  const yearStart = (year: number): number => {
    let s = yearStarts.get(year)
    if (s === undefined) {
      s = DateTime.fromObject({ year, month: 1, day: 1 }, { zone }).toMillis()
      yearStarts.set(year, s)
    }
    return s
  }
  // Most lookups land in the year of the previous one; checking it first skips Date and Map work.
  let last: YearIndex | undefined
  const yearOf = (at: Instant): number => {
    if (last !== undefined && at >= last.start && at < last.end) return last.year
    const y = new globalThis.Date(at).getUTCFullYear()
    return at < yearStart(y) ? y - 1 : at >= yearStart(y + 1) ? y + 1 : y
  }
  const wallToInstant = (dayStart: number, wallMs: number): number => {
    const day = DateTime.fromMillis(dayStart, { zone })
    if (wallMs >= DAY) return day.plus({ days: 1 }).startOf("day").toMillis()
    const h = Math.floor(wallMs / 3_600_000)
    const m = Math.floor((wallMs % 3_600_000) / 60_000)
    const s = Math.floor((wallMs % 60_000) / 1000)
    return day.set({ hour: h, minute: m, second: s, millisecond: wallMs % 1000 }).toMillis()
  }
  const wallOf = (at: Instant): number => wallMsOf(DateTime.fromMillis(at, { zone }))

  const indexes = new Map<number, YearIndex>()
  const build = (year: number): YearIndex => {
    const start = yearStart(year)
    const end = yearStart(year + 1)
    const first = DateTime.fromMillis(start, { zone })
    const n = first.daysInYear
    const dayStart = new Float64Array(n + 1)
    const regular = new Uint8Array(n)
    const starts: Array<number> = []
    const ends: Array<number> = []
    const workDays: Array<number> = []
    const workBefore = new Int32Array(n)
    let dt = first
    for (let d = 0; d < n; d++) {
      dayStart[d] = dt.toMillis()
      dt = dt.plus({ days: 1 })
    }
    dayStart[n] = end
    for (let d = 0; d < n; d++) {
      const ds = dayStart[d]!
      const isRegular = dayStart[d + 1]! - ds === DAY &&
        DateTime.fromMillis(ds, { zone }).offset === DateTime.fromMillis(dayStart[d + 1]! - 1, { zone }).offset
      regular[d] = isRegular ? 1 : 0
      const local = DateTime.fromMillis(ds, { zone })
      const status = rules.status(local.toISODate()!, local.weekday)
      workBefore[d] = workDays.length
      let any = false
      for (const [from, to] of status.minutes) {
        const s = isRegular ? ds + from * 60_000 : wallToInstant(ds, from * 60_000)
        const e = isRegular ? ds + to * 60_000 : wallToInstant(ds, to * 60_000)
        if (e <= s) continue
        // Adjacent intervals (…–24:00 then 00:00–…) stay separate: harmless for the arithmetic.
        starts.push(s)
        ends.push(e)
        any = true
      }
      if (any) workDays.push(d)
    }
    const cum = new Float64Array(starts.length + 1)
    for (let i = 0; i < starts.length; i++) cum[i + 1] = cum[i]! + (ends[i]! - starts[i]!)
    return {
      year,
      start,
      end,
      dayStart,
      regular,
      starts: Float64Array.from(starts),
      ends: Float64Array.from(ends),
      cum,
      total: cum[starts.length]!,
      workDays: Int32Array.from(workDays),
      workBefore
    }
  }
  const index = (year: number): YearIndex => {
    if (last !== undefined && last.year === year) return last
    let idx = indexes.get(year)
    if (idx === undefined) {
      idx = build(year)
      indexes.set(year, idx)
    }
    last = idx
    return idx
  }
  return { rules, yearStart, yearOf, index, wallToInstant, wallOf }
}

/** First interval whose end is after `at` (k when none). */
const locate = (idx: YearIndex, at: number): number => {
  const ends = idx.ends
  let lo = 0
  let hi = ends.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (ends[mid]! <= at) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Working ms from the start of the year to `at`. */
const position = (idx: YearIndex, at: number): number => {
  const i = locate(idx, at)
  if (i === idx.starts.length) return idx.total
  const s = idx.starts[i]!
  return idx.cum[i]! + (at > s ? at - s : 0)
}

/** The earliest instant at which `p` (0 < p ≤ total) working ms of the year have passed. */
const atPosition = (idx: YearIndex, p: number): number => {
  const cum = idx.cum
  let lo = 0
  let hi = idx.starts.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (cum[mid + 1]! < p) lo = mid + 1
    else hi = mid
  }
  return idx.starts[lo]! + (p - cum[lo]!)
}

/** Last day whose midnight is at or before `at`. */
const dayOf = (idx: YearIndex, at: number): number => {
  const ds = idx.dayStart
  let lo = 0
  let hi = ds.length - 2
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1
    if (ds[mid]! <= at) lo = mid
    else hi = mid - 1
  }
  return lo
}

// Guards against a calendar whose rules leave no working time at all.
const maxEmptyYears = 10

const noWorkingTime = (name: string): Error => new Error(`Calendar "${name}" has no working time in ${maxEmptyYears} years`)

export const nextWorkingIndexed = (engine: CalendarEngine, at: number): number => {
  let year = engine.yearOf(at)
  let t = at
  for (let guard = 0; guard < maxEmptyYears; guard++) {
    const idx = engine.index(year)
    const i = locate(idx, t)
    if (i < idx.starts.length) return Math.max(t, idx.starts[i]!)
    year++
    t = idx.end
  }
  throw noWorkingTime(engine.rules.name)
}

export const addWorkingMsIndexed = (engine: CalendarEngine, at: number, ms: number): number => {
  if (ms <= 0) return at
  let year = engine.yearOf(at)
  let idx = engine.index(year)
  let p = position(idx, at) + ms
  let empty = 0
  while (p > idx.total) {
    p -= idx.total
    if (idx.total === 0 && ++empty >= maxEmptyYears) throw noWorkingTime(engine.rules.name)
    idx = engine.index(++year)
  }
  return atPosition(idx, p)
}

export const addWorkingDaysIndexed = (engine: CalendarEngine, at: number, days: number): number => {
  if (days <= 0) return at
  const t0 = nextWorkingIndexed(engine, at)
  let year = engine.yearOf(t0)
  let idx = engine.index(year)
  const d = dayOf(idx, t0)
  const wall = idx.regular[d] === 1 ? t0 - idx.dayStart[d]! : engine.wallOf(t0)
  let k = idx.workBefore[d]! + days
  let empty = 0
  while (k >= idx.workDays.length) {
    k -= idx.workDays.length
    if (idx.workDays.length === 0 && ++empty >= maxEmptyYears) throw noWorkingTime(engine.rules.name)
    idx = engine.index(++year)
  }
  const target = idx.workDays[k]!
  const r = idx.regular[target] === 1 ? idx.dayStart[target]! + wall : engine.wallToInstant(idx.dayStart[target]!, wall)
  return nextWorkingIndexed(engine, r)
}

export const betweenIndexed = (engine: CalendarEngine, from: number, to: number): number => {
  if (to < from) return -betweenIndexed(engine, to, from)
  const ya = engine.yearOf(from)
  const yb = engine.yearOf(to)
  const a = engine.index(ya)
  if (ya === yb) return position(a, to) - position(a, from)
  let sum = a.total - position(a, from)
  for (let y = ya + 1; y < yb; y++) sum += engine.index(y).total
  return sum + position(engine.index(yb), to)
}
