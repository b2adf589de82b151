import { Schema, SchemaGetter } from "effect"

/**
 * A point in time as milliseconds since the Unix epoch. Core code passes instants as numbers
 * (cheap to compare and index); the boundary speaks ISO 8601 with an explicit offset.
 */
export type Instant = number

const isoWithOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/

/** Parses an ISO 8601 instant that carries an offset (`Z` or `+08:00`); undefined otherwise. */
export const parseInstant = (text: string): Instant | undefined => {
  if (!isoWithOffset.test(text)) return undefined
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

/** An instant in the model; in JSON an ISO 8601 string with an explicit offset. */
export const InstantFromString = Schema.String.check(
  Schema.makeFilter((s: string) => parseInstant(s) !== undefined, {
    expected: "an ISO 8601 instant with an offset, such as 2026-01-05T09:30:00+08:00"
  })
).pipe(
  Schema.decodeTo(Schema.Number, {
    decode: SchemaGetter.transform((s: string) => parseInstant(s) as number),
    encode: SchemaGetter.transform((n: number) => formatInstant(n))
  })
)
