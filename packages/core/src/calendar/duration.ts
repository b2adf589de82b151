import { Result, Schema, SchemaGetter } from "effect"
import { bilingual, InvalidDuration } from "./errors.js"

/**
 * A deadline length. `days` are counted as days of the clock's calendar (calendar days on a
 * natural calendar, working days on a working one); `ms` is elapsed time (working time on a
 * working calendar). `P1DT2H` is one day, then two hours.
 */
export interface Duration {
  readonly days: number
  readonly ms: number
  /** The ISO 8601 text, normalised (`PT24H`, `P15D`). */
  readonly iso: string
}

const pattern = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,3})?)S)?)?$/

const expected = "an ISO 8601 duration in days, hours, minutes or seconds, such as PT10M, PT24H, P15D or P1DT2H"

/** Builds a duration from parts; normalises its ISO text. */
export const makeDuration = (days: number, ms: number): Duration => ({ days, ms, iso: formatDuration(days, ms) })

const formatDuration = (days: number, ms: number): string => {
  const h = Math.floor(ms / 3_600_000)
  const m = Math.floor((ms % 3_600_000) / 60_000)
  const s = (ms % 60_000) / 1000
  const time = (h > 0 ? `${h}H` : "") + (m > 0 ? `${m}M` : "") + (s > 0 ? `${s}S` : "")
  if (days === 0 && time === "") return "PT0S"
  return "P" + (days > 0 ? `${days}D` : "") + (time !== "" ? `T${time}` : "")
}

/** Why a text is not an acceptable duration (Chinese, English), or undefined when it is. */
const problemWith = (text: string): readonly [string, string] | undefined => {
  if (/^P.*[YW]|^P[^T]*\d+M/.test(text)) {
    return [
      `"${text}" 用了年、月或周，其长度随日期而变；请按天（P30D）或小时（PT24H）写时限`,
      `"${text}" uses years, months or weeks, whose length depends on the date; write the deadline in days (P30D) or hours (PT24H)`
    ]
  }
  const m = pattern.exec(text)
  if (m === null || text === "P" || text.endsWith("T")) {
    return [`"${text}" 不是 ISO 8601 时长，例如 PT10M、PT24H、P15D 或 P1DT2H`, `"${text}" is not ${expected}`]
  }
  return undefined
}

/** Parses `PT10M`, `PT24H`, `P15D`, `P1DT2H`…; months, years and weeks are refused (their length varies). */
export const parseDuration = (text: string): Result.Result<Duration, InvalidDuration> => {
  const problem = problemWith(text)
  if (problem !== undefined) {
    return Result.fail(new InvalidDuration({ input: text, message: `无效的时限：${problem[0]}。 (Invalid duration: ${problem[1]}.)` }))
  }
  const [, d, h, min, s] = pattern.exec(text)!
  const days = Number(d ?? 0)
  const ms = Number(h ?? 0) * 3_600_000 + Number(min ?? 0) * 60_000 + Math.round(Number(s ?? 0) * 1000)
  return Result.succeed(makeDuration(days, ms))
}

/** A duration in JSON: an ISO 8601 string such as `PT24H`; decodes to {@link Duration}. */
export const DurationFromString = Schema.String.check(
  Schema.makeFilter((s: string) => {
    const problem = problemWith(s)
    return problem === undefined || bilingual(...problem)
  }, { expected })
).pipe(
  Schema.decodeTo(
    Schema.Struct({ days: Schema.Number, ms: Schema.Number, iso: Schema.String }),
    {
      decode: SchemaGetter.transform((s: string) => Result.getOrThrow(parseDuration(s))),
      encode: SchemaGetter.transform((d: Duration) => d.iso)
    }
  )
)

/** Adds two durations part by part. */
export const addDurations = (a: Duration, b: Duration): Duration => makeDuration(a.days + b.days, a.ms + b.ms)

/** True when `a` is nominally longer than `b`, a day counting as 24 hours (for limits on extensions). */
export const durationExceeds = (a: Duration, b: Duration): boolean =>
  a.days * 86_400_000 + a.ms > b.days * 86_400_000 + b.ms
