import { Schema } from "effect"
import { message as text, render } from "../messages/message.js"

/** Staff read validation problems and refusals in Chinese first, with the English after it: the project's one format. */
export const bilingual = (zh: string, en: string): string => render(text(zh, en))

/**
 * A working calendar was asked about a year for which it has no holiday data. Guessing would
 * silently move deadlines, so it is an error unless the calendar opted in to `fallback: "weekends"`.
 */
export class CalendarYearUnknown extends Schema.TaggedError<CalendarYearUnknown>()("CalendarYearUnknown", {
  calendar: Schema.String,
  year: Schema.Number,
  message: Schema.String
}) {}

export const calendarYearUnknown = (calendar: string, year: number): CalendarYearUnknown =>
  new CalendarYearUnknown({
    calendar,
    year,
    message: bilingual(
      `日历 "${calendar}" 没有 ${year} 年的节假日数据。请在国务院办公厅发布 ${year} 年节假日安排通知后更新数据，` +
        `或在日历里列出该年的 holidays/workdays，或设置 "fallback": "weekends" 按普通周末计算。`,
      `Calendar "${calendar}" has no holiday data for ${year}: add the year's holidays and make-up working days, ` +
        `or set "fallback": "weekends" to treat it as an ordinary year of weekends.`
    )
  })

/** An ISO 8601 duration that is malformed or uses units a deadline cannot be counted in. */
export class InvalidDuration extends Schema.TaggedError<InvalidDuration>()("InvalidDuration", {
  input: Schema.String,
  message: Schema.String
}) {}

/** A calendar name that is neither a preset nor defined in the rule pack. */
export class UnknownCalendar extends Schema.TaggedError<UnknownCalendar>()("UnknownCalendar", {
  name: Schema.String,
  known: Schema.Array(Schema.String),
  message: Schema.String
}) {}

export const unknownCalendar = (name: string, known: ReadonlyArray<string>): UnknownCalendar =>
  new UnknownCalendar({
    name,
    known: [...known],
    message: bilingual(`未知日历 "${name}"，可用的有：${known.join(", ")}。`, `Unknown calendar "${name}"; known calendars: ${known.join(", ")}.`)
  })

/** A local date that is not `YYYY-MM-DD` or does not exist. */
export class InvalidDate extends Schema.TaggedError<InvalidDate>()("InvalidDate", {
  input: Schema.String,
  message: Schema.String
}) {}
