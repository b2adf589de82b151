/**
 * `@minyi/core/calendar` — working calendars: China's holiday data, durations, adding working days, provisional years. The same module is the `Calendar` namespace on the root; import from
 * this subpath in a browser bundle, where a namespace object would be kept whole.
 * @module @minyi/core/calendar
 */
export { CalendarYearUnknown, InvalidDate, InvalidDuration, UnknownCalendar } from "./errors.js"
export { addDurations, DurationFromString, durationExceeds, makeDuration, parseDuration } from "./duration.js"
export type { Duration } from "./duration.js"
export {
  calendarPresets,
  CalendarSpec,
  chinaOfficeHours,
  DayEntry,
  DayHours,
  defaultTimeZone,
  ExplicitHolidays,
  LocalDate,
  NaturalCalendarSpec,
  TimeZoneName,
  WeeklyHours,
  WorkingCalendarSpec,
  WorkingInterval
} from "./spec.js"
export { chinaFixedHolidays, chinaHolidayYears } from "./china-holidays.js"
export type { FixedHoliday, HolidayBlock, HolidayNotice, HolidayYear } from "./china-holidays.js"
export { chinaDataYears } from "./days.js"
export type { DayReason, DayStatus, FallbackBasis } from "./days.js"
export { lookupCalendar, makeCalendar, makeCalendars, presetCalendar } from "./calendar.js"
export type { AssumedDayOff, Assumptions, Calendar, Calendars, Reckoned } from "./calendar.js"
export { decodeHolidayRelease, HolidayRelease, HolidayYearData } from "./holiday-release.js"
