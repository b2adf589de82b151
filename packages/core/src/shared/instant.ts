import { Schema, SchemaGetter } from "effect"
import { message, render } from "../messages/message.js"

/**
 * A point in time as milliseconds since the Unix epoch. Core code passes instants as numbers
 * (cheap to compare and index); the boundary speaks ISO 8601 with an explicit offset.
 */
export type Instant = number

const isoWithOffset = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0

/** How many days a month of a year has (`month` 1–12). */
export const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31

/**
 * Parses an ISO 8601 instant that carries an offset (`Z` or `+08:00`); undefined otherwise.
 * `Date.parse` rolls impossible fields over (`2026-02-30` is 2 March, `T24:00` the next
 * midnight): a date that does not exist is refused here instead of silently moving a deadline.
 */
export const parseInstant = (text: string): Instant | undefined => {
  const m = isoWithOffset.exec(text)
  if (m === null) return undefined
  const [year, month, day, hour, minute, second = 0, offsetHours = 0, offsetMinutes = 0] = m.slice(1).map((part) => (part === undefined ? undefined : Number(part)))
  if (year === undefined || month === undefined || day === undefined || hour === undefined || minute === undefined) return undefined
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined
  const ms = globalThis.Date.parse(text)
  return Number.isNaN(ms) ? undefined : ms
}

/** Formats an instant as ISO 8601 in UTC (`2026-01-01T02:00:00.000Z`). */
export const formatInstant = (instant: Instant): string => new globalThis.Date(instant).toISOString()

/**
 * Formats an instant as ISO 8601 with a fixed offset in minutes, e.g. `+08:00` for Asia/Shanghai
 * (which has had no daylight saving since 1991).
 */
export const formatInstantWithOffset = (instant: Instant, offsetMinutes: number): string => {
  const shifted = new globalThis.Date(instant + offsetMinutes * 60_000).toISOString().slice(0, 23)
  const sign = offsetMinutes < 0 ? "-" : "+"
  const abs = Math.abs(offsetMinutes)
  const hh = String(Math.floor(abs / 60)).padStart(2, "0")
  const mm = String(abs % 60).padStart(2, "0")
  return `${shifted}${sign}${hh}:${mm}`
}

const isoInstant = Schema.String.check(
  Schema.makeFilter((s: string) => parseInstant(s) !== undefined, {
    expected: "an ISO 8601 instant with an offset, such as 2026-01-05T09:30:00+08:00"
  })
)

const fromIso = {
  // The filter above has just accepted the text, so it parses.
  decode: SchemaGetter.transform((s: string) => parseInstant(s) as number),
  encode: SchemaGetter.transform((n: number) => formatInstant(n))
}

/** An instant in the model; in JSON an ISO 8601 string with an explicit offset. */
export const InstantFromString = isoInstant.pipe(Schema.decodeTo(Schema.Number, fromIso))

/** The earliest instant a command may carry: 2000-01-01T00:00:00Z. */
export const earliestCommandInstant: Instant = 946_684_800_000
/** The first instant a command may no longer carry: 2200-01-01T00:00:00Z. */
export const latestCommandInstant: Instant = 7_258_118_400_000

// `toISOString` throws beyond ±8.64e15 ms; such numbers are shown as they are.
const showInstant = (n: number): string => (Number.isFinite(n) && Math.abs(n) <= 8.64e15 ? `${n} (${formatInstant(n)})` : String(n))

/**
 * An instant a command may carry (epoch ms): a finite number in the years 2000–2199. NaN, ±Infinity
 * and far-off years are mistakes (a unit slip between seconds and milliseconds, an uninitialised
 * field) that would otherwise sort a petition's history wrongly or schedule a timer never to fire.
 */
export const CommandInstant = Schema.Number.check(
  Schema.makeFilter(
    (n: number) =>
      (Number.isFinite(n) && n >= earliestCommandInstant && n < latestCommandInstant) ||
      render(
        message(
          `应为 2000-01-01 至 2199-12-31 之间的时刻（Unix 纪元毫秒数），实际为 ${showInstant(n)}`,
          `Expected an instant between 2000-01-01 and 2199-12-31 (milliseconds since the Unix epoch), got ${showInstant(n)}`
        )
      ),
    { expected: "an instant between 2000-01-01 and 2199-12-31" }
  )
)

/** A command's instant: in JSON an ISO 8601 string with an offset, in the model a {@link CommandInstant}. */
export const CommandInstantFromString = isoInstant.pipe(Schema.decodeTo(CommandInstant, fromIso))

