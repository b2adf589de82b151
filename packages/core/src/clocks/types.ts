/** The shapes clock evaluation works with: what it reads (events, the subject) and what it answers. */
import type { Assumptions, Calendars } from "../calendar/calendar.js"
import type { CalendarYearUnknown, UnknownCalendar } from "../calendar/errors.js"
import type { Instant } from "../shared/instant.js"
import type { ClockPolicy } from "./policy.js"

/** All a clock needs of an event: its tag, its instant and its payload fields. */
export interface ClockEvent {
  readonly _tag: string
  readonly at: Instant
  readonly [field: string]: unknown
}

/** What `appliesWhen` and overrides are tested against. `categoryPath` runs from the root to the petition's category. */
export interface ClockSubject {
  readonly channel?: string
  readonly channelKind?: string
  readonly categoryPath: ReadonlyArray<string>
  readonly flags?: ReadonlyArray<string>
  readonly persons?: number
  readonly priority?: string
}

export type ClockState = "pending" | "running" | "paused" | "met" | "breached"

export interface ClockStatus {
  readonly name: string
  /** The instance key: the policy name, `name:unit` per co-handler, `name:whistleId:unit` per whistle. */
  readonly key: string
  /** Whom the clock runs against (the responsible unit; the co-handler or summoned unit). */
  readonly unit?: string
  readonly calendar: string
  readonly state: ClockState
  /** The limit in force (after overrides), ISO 8601. */
  readonly limit: string
  readonly startedAt?: Instant
  readonly dueAt?: Instant
  readonly stoppedAt?: Instant
  readonly breachedAt?: Instant
  /** Working ms run so far (until stop); paused time does not count. */
  readonly elapsedMs: number
  /** Working ms left until due (negative once overdue); absent before the start. */
  readonly remainingMs?: number
  readonly elapsedFraction: number
  /** Thresholds passed: fractions as text (`"0.8"`) and offsets as ISO durations (`"PT5M"`). */
  readonly warningsPassed: ReadonlyArray<string>
  readonly extensions: { readonly count: number; readonly total: string }
  /**
   * Present when the due instant was counted over a year without holiday data: what the count
   * assumed. The instant may move once the year's data is added (see `deadlineChanges`).
   */
  readonly provisional?: Assumptions
}

export interface Wakeup {
  readonly at: Instant
  readonly key: string
  readonly kind: "warning" | "breach"
  readonly threshold?: string
}

export interface ClockEvaluation {
  readonly clocks: ReadonlyArray<ClockStatus>
  /** The next instants at which some clock passes a warning or breaches, earliest first. */
  readonly nextWakeups: ReadonlyArray<Wakeup>
}

export interface EvaluateClocksInput {
  readonly events: ReadonlyArray<ClockEvent>
  readonly subject: ClockSubject
  readonly policies: ReadonlyArray<ClockPolicy>
  readonly calendars: Calendars
  readonly now: Instant
}

export type ClockError = UnknownCalendar | CalendarYearUnknown
