import { Schema } from "effect"
import { DurationFromString } from "../calendar/duration.js"
import { bilingual } from "../calendar/errors.js"

/**
 * Which events a clock reacts to: an event `_tag` (`"Contacted"`), or a tag with payload fields
 * that must equal the given values (`{ "event": "ReviewDecided", "where": { "stage": "review" } }`).
 */
export const EventMatch = Schema.Union([
  Schema.NonEmptyString,
  Schema.Struct({
    event: Schema.NonEmptyString,
    where: Schema.optionalKey(Schema.Record(Schema.String, Schema.Union([Schema.String, Schema.Number, Schema.Boolean])))
  })
])
export type EventMatch = typeof EventMatch.Type

/** Conditions on the petition; all that are given must hold. Lists mean "any of". */
export const AppliesWhen = Schema.Struct({
  /** Channel kinds (`hotline`, `leader`…). */
  channelKinds: Schema.optionalKey(Schema.Array(Schema.String)),
  /** Channel ids. */
  channels: Schema.optionalKey(Schema.Array(Schema.String)),
  /** Category ids; the petition's category must be one of them or lie beneath one. */
  categories: Schema.optionalKey(Schema.Array(Schema.String)),
  /** Flags that must all be set on the petition. */
  flags: Schema.optionalKey(Schema.Array(Schema.String)),
  /** Smallest number of persons (a group visit). */
  minPersons: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))),
  /** Priorities. */
  priorities: Schema.optionalKey(Schema.Array(Schema.String))
})
export type AppliesWhen = typeof AppliesWhen.Type

const Fraction = Schema.Number.check(
  Schema.makeFilter((n: number) => (n > 0 && n < 1) || bilingual(`${n} 不是 0 与 1 之间（不含）的比例`, `${n} is not a fraction between 0 and 1 (exclusive)`), {
    expected: "a fraction of the limit between 0 and 1, such as 0.8"
  })
)

// Offsets are working time before due; "a day before due" is ambiguous on a working calendar
// (which day's hours?), so day-scale warnings are written as fractions.
const Offset = DurationFromString.check(
  Schema.makeFilter((d: { readonly days: number; readonly ms: number; readonly iso: string }) =>
    (d.days === 0 && d.ms > 0) ||
    bilingual(
      `"${d.iso}" 不是以小时或分钟计的到期前时间（更长的预警请用比例，如 0.8）`,
      `"${d.iso}" is not a time before due in hours or minutes (use a fraction such as 0.8 for longer warnings)`
    )
  )
)

/** A warning: a fraction of the limit elapsed (`0.8`) or a time before due (`"PT5M"`, hours/minutes only). */
export const Warning = Schema.Union([Fraction, Offset])
export type Warning = typeof Warning.Type

/** A different limit for a category subtree and/or priorities; the first matching override wins. */
export const LimitOverride = Schema.Struct({
  categories: Schema.optionalKey(Schema.Array(Schema.String)),
  priorities: Schema.optionalKey(Schema.Array(Schema.String)),
  limit: DurationFromString
})
export type LimitOverride = typeof LimitOverride.Type

/** How `Extended` events naming this clock may move its due instant. */
export const ExtensionRule = Schema.Struct({
  maxCount: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  maxTotal: DurationFromString
})
export type ExtensionRule = typeof ExtensionRule.Type

const EventList = Schema.Array(EventMatch)

/**
 * A service-level clock. `per` decides how many instances run on one petition: one
 * (`petition`), one per co-handler named by `Dispatched`/`Transferred` (`coHandler`, each stopped
 * by that unit's `PartReported`), or one per summoned unit of each `WhistleBlown` (`whistle`, due
 * at the whistle's own deadline, stopped by that unit's `ReportedForDuty`).
 */
export const ClockPolicy = Schema.Struct({
  name: Schema.String.check(
    Schema.makeFilter((s: string) => /^[a-z][a-z0-9_-]*$/.test(s) ||
      bilingual(`"${s}" 不是时钟名（小写字母开头，只用小写字母、数字、- 和 _）`, `"${s}" is not a clock name`), {
      expected: "a clock name of lower-case letters, digits, - and _, such as first-contact"
    })
  ),
  /** How people call the clock in messages ({clock} in templates); without it the name is shown. */
  label: Schema.optionalKey(Schema.Struct({ "zh-CN": Schema.NonEmptyString, en: Schema.NonEmptyString })),
  description: Schema.optionalKey(Schema.String),
  appliesWhen: Schema.optionalKey(AppliesWhen),
  per: Schema.optionalKey(Schema.Literals(["petition", "coHandler", "whistle"])),
  start: EventList,
  stop: EventList,
  pause: Schema.optionalKey(EventList),
  resume: Schema.optionalKey(EventList),
  reset: Schema.optionalKey(EventList),
  limit: DurationFromString,
  calendar: Schema.NonEmptyString,
  warnings: Schema.optionalKey(Schema.Array(Warning)),
  overrides: Schema.optionalKey(Schema.Array(LimitOverride)),
  extensions: Schema.optionalKey(ExtensionRule)
})
export type ClockPolicy = typeof ClockPolicy.Type
/** A clock policy as written in JSON. */
export type ClockPolicyJson = typeof ClockPolicy.Encoded
