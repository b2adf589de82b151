export { CalendarYearUnknown, InvalidDuration, UnknownCalendar } from "./errors.js"
export { addDurations, DurationFromString, durationExceeds, makeDuration, parseDuration } from "./duration.js"
export type { Duration } from "./duration.js"
export {
  calendarPresets,
  CalendarSpec,
  chinaOfficeHours,
  DayEntry,
  DayHours,
  defaultTimeZone,
  LocalDate,
  NaturalCalendarSpec,
  TimeZoneName,
  WeeklyHours,
  WorkingCalendarSpec,
  WorkingInterval
} from "./spec.js"
