import type { Handlers } from "../guards.js"
import { runChecks } from "../guards.js"

type RecordTags =
  | "MarkDuplicate" | "Merge" | "LinkRepeat" | "RecordClockWarning" | "RecordClockBreach" | "AddWatcher" | "Flag" | "SetPriority"
  | "RecordDeadLetter" | "RecordIdentityRead" | "RecordNotification" | "RecordRuleProblem" | "RecordDeadlineRecomputed"

/** 重复件、合并、时限记录、关注、标记、通知与查阅记录: bookkeeping about the petition. */
export const records: Pick<Handlers, RecordTags> = {
  MarkDuplicate: ({ command: cmd, base, guard }) => runChecks([guard.notSelf(cmd.of, "of")], () => [{ _tag: "MarkedDuplicate", ...base, of: cmd.of }]),
  Merge: ({ command: cmd, base, guard }) => runChecks([guard.notSelf(cmd.into, "into")], () => [{ _tag: "Merged", ...base, into: cmd.into }]),
  // Watchers, flags, priority and repeat links are idempotent: asking again changes nothing.
  LinkRepeat: ({ state: s, command: cmd, base, guard }) =>
    runChecks([guard.notSelf(cmd.of, "of")], () => (s.repeatOf.includes(cmd.of) ? [] : [{ _tag: "RepeatLinked", ...base, of: cmd.of }])),
  AddWatcher: ({ state: s, command: cmd, base, guard }) =>
    runChecks([guard.person(cmd.person, "person")], () => (s.watchers.includes(cmd.person) ? [] : [{ _tag: "WatcherAdded", ...base, person: cmd.person }])),
  Flag: ({ state: s, command: cmd, base }) => runChecks([], () => (s.flags.includes(cmd.flag) ? [] : [{ _tag: "Flagged", ...base, flag: cmd.flag }])),
  SetPriority: ({ state: s, command: cmd, base }) =>
    runChecks([], () => (s.priority === cmd.priority ? [] : [{ _tag: "PriorityChanged", ...base, priority: cmd.priority }])),
  RecordClockWarning: ({ command: cmd, base, guard }) =>
    runChecks([guard.unit(cmd.unit, "unit")], () => [
      { _tag: "ClockWarned", ...base, clock: cmd.clock, threshold: cmd.threshold, dueAt: cmd.dueAt, ...(cmd.unit === undefined ? {} : { unit: cmd.unit }) }
    ]),
  RecordClockBreach: ({ command: cmd, base, guard }) =>
    runChecks([guard.unit(cmd.unit, "unit")], () => [
      { _tag: "ClockBreached", ...base, clock: cmd.clock, dueAt: cmd.dueAt, ...(cmd.unit === undefined ? {} : { unit: cmd.unit }) }
    ]),
  RecordDeadLetter: ({ command: cmd, base }) =>
    runChecks([], () => [{ _tag: "NotificationDeadLettered", ...base, notificationId: cmd.notificationId, reason: cmd.reason }]),
  RecordIdentityRead: ({ command: cmd, base, guard }) =>
    runChecks([guard.person(cmd.person, "person"), guard.reason(cmd.reason)], () => [{ _tag: "IdentityRead", ...base, person: cmd.person, reason: cmd.reason }]),
  RecordNotification: ({ command: cmd, base }) =>
    runChecks([], () => [{ _tag: "NotificationQueued", ...base, template: cmd.template, recipients: cmd.recipients }]),
  RecordRuleProblem: ({ command: cmd, base, guard }) => runChecks([guard.reason(cmd.reason)], () => [{ _tag: "RuleActionFailed", ...base, reason: cmd.reason }]),
  RecordDeadlineRecomputed: ({ command: cmd, base, guard }) =>
    runChecks([guard.unit(cmd.unit, "unit")], () => [
      {
        _tag: "DeadlineRecomputed",
        ...base,
        clock: cmd.clock,
        ...(cmd.unit === undefined ? {} : { unit: cmd.unit }),
        calendar: cmd.calendar,
        calendarVersion: cmd.calendarVersion,
        previousDueAt: cmd.previousDueAt,
        dueAt: cmd.dueAt
      }
    ])
}
