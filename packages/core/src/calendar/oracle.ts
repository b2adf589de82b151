/**
 * The day-by-day walk: the obviously-correct, slow reference the interval index is tested
 * against. Internal — not exported from the module's index; only tests and benchmarks import it.
 */
import { DateTime } from "luxon"
import type { DayRules } from "./days.js"

const wall = (dt: DateTime): number => ((dt.hour * 60 + dt.minute) * 60 + dt.second) * 1000 + dt.millisecond

const intervalsOf = (rules: DayRules, day: DateTime): Array<readonly [number, number]> => {
  const status = rules.status(day.toISODate()!, day.weekday)
  const out: Array<readonly [number, number]> = []
  for (const [from, to] of status.minutes) {
    const at = (minutes: number) =>
      minutes === 1440
        ? day.plus({ days: 1 }).startOf("day").toMillis()
        : day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60 }).toMillis()
    const s = at(from)
    const e = at(to)
    if (e > s) out.push([s, e])
  }
  return out
}

const startDay = (rules: DayRules, at: number): DateTime => DateTime.fromMillis(at, { zone: rules.timeZone }).startOf("day")

export const oracleNextWorking = (rules: DayRules, at: number): number => {
  for (let day = startDay(rules, at); ; day = day.plus({ days: 1 })) {
    for (const [s, e] of intervalsOf(rules, day)) if (e > at) return Math.max(s, at)
  }
}

export const oracleAddMs = (rules: DayRules, at: number, ms: number): number => {
  if (ms <= 0) return at
  let remaining = ms
  for (let day = startDay(rules, at); ; day = day.plus({ days: 1 })) {
    for (const [s, e] of intervalsOf(rules, day)) {
      if (e <= at) continue
      const from = Math.max(s, at)
      if (remaining <= e - from) return from + remaining
      remaining -= e - from
    }
  }
}

export const oracleAddDays = (rules: DayRules, at: number, days: number): number => {
  if (days <= 0) return at
  const t0 = DateTime.fromMillis(oracleNextWorking(rules, at), { zone: rules.timeZone })
  let day = t0.startOf("day")
  for (let counted = 0; counted < days; ) {
    day = day.plus({ days: 1 })
    if (intervalsOf(rules, day).length > 0) counted++
  }
  const w = wall(t0)
  const target = day.set({
    hour: Math.floor(w / 3_600_000),
    minute: Math.floor((w % 3_600_000) / 60_000),
    second: Math.floor((w % 60_000) / 1000),
    millisecond: w % 1000
  })
  return oracleNextWorking(rules, target.toMillis())
}

export const oracleAdd = (rules: DayRules, at: number, duration: { readonly days: number; readonly ms: number }): number =>
  oracleAddMs(rules, oracleAddDays(rules, at, duration.days), duration.ms)

export const oracleBetween = (rules: DayRules, from: number, to: number): number => {
  if (to < from) return -oracleBetween(rules, to, from)
  let sum = 0
  for (let day = startDay(rules, from); day.toMillis() < to; day = day.plus({ days: 1 })) {
    for (const [s, e] of intervalsOf(rules, day)) {
      const a = Math.max(s, from)
      const b = Math.min(e, to)
      if (b > a) sum += b - a
    }
  }
  return sum
}
