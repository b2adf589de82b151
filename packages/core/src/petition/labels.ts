import type { Message } from "../messages/message.js"
import type { PetitionCommandTag, PetitionEventTag, Rating } from "./schema.js"
import type { PetitionStatus } from "./state.js"

/** A label for staff: Simplified Chinese first, English alongside (a message of the one bilingual format). */
export type Label = Message

export const statusLabels: Readonly<Record<PetitionStatus, Label>> = {
  received: { zh: "已登记", en: "received" },
  dispatched: { zh: "已派单", en: "dispatched" },
  in_progress: { zh: "办理中", en: "in progress" },
  suspended: { zh: "已挂起", en: "suspended" },
  resolved: { zh: "已办结", en: "resolved" },
  closed: { zh: "已结案", en: "closed" },
  declined: { zh: "不予受理", en: "declined" },
  merged: { zh: "已合并", en: "merged" }
}

/** The petitioner's rating (回访满意度), as a clerk reads it out. */
export const ratingLabels: Readonly<Record<Rating, Label>> = {
  satisfied: { zh: "满意", en: "satisfied" },
  basically_satisfied: { zh: "基本满意", en: "basically satisfied" },
  unsatisfied: { zh: "不满意", en: "unsatisfied" }
}

export const eventLabels: Readonly<Record<PetitionEventTag, Label>> = {
  Submitted: { zh: "已受理登记", en: "Submitted" },
  Acknowledged: { zh: "已告知信访人", en: "Acknowledged" },
  Contacted: { zh: "已电话联系", en: "Contacted" },
  Dispatched: { zh: "已派单", en: "Dispatched" },
  RoutingSuggested: { zh: "建议派单", en: "Routing suggested" },
  Accepted: { zh: "已签收", en: "Accepted" },
  Declined: { zh: "不予受理", en: "Declined" },
  Returned: { zh: "退单", en: "Returned" },
  Transferred: { zh: "转办", en: "Transferred" },
  HandlerAssigned: { zh: "明确责任人", en: "Handler assigned" },
  PartReported: { zh: "协办单位报送", en: "Part reported" },
  FirstRoundCompleted: { zh: "首轮办结", en: "First round completed" },
  Suspended: { zh: "挂起", en: "Suspended" },
  Resumed: { zh: "恢复办理", en: "Resumed" },
  Extended: { zh: "延期", en: "Extended" },
  Resolved: { zh: "办结", en: "Resolved" },
  SatisfactionRated: { zh: "满意度回访", en: "Satisfaction rated" },
  Closed: { zh: "结案", en: "Closed" },
  Reopened: { zh: "重新办理", en: "Reopened" },
  ReviewRequested: { zh: "申请复查", en: "Review requested" },
  ReReviewRequested: { zh: "申请复核", en: "Re-review requested" },
  ReplyDelivered: { zh: "书面答复送达", en: "Written reply delivered" },
  ReviewDecided: { zh: "复查复核结论", en: "Review decided" },
  Escalated: { zh: "提级包案", en: "Escalated" },
  VisitRecorded: { zh: "家访接访", en: "Visit recorded" },
  WhistleBlown: { zh: "吹哨", en: "Whistle blown" },
  ReportedForDuty: { zh: "报到", en: "Reported for duty" },
  MarkedDuplicate: { zh: "标记重复件", en: "Marked duplicate" },
  Merged: { zh: "合并", en: "Merged" },
  RecommendationIssued: { zh: "督查建议", en: "Recommendation issued" },
  ClockWarned: { zh: "时限预警", en: "Clock warning" },
  ClockBreached: { zh: "超时", en: "Clock breached" },
  WatcherAdded: { zh: "增加关注人", en: "Watcher added" },
  Flagged: { zh: "加标记", en: "Flagged" },
  PriorityChanged: { zh: "调整优先级", en: "Priority changed" },
  VisitRequired: { zh: "要求家访", en: "Visit required" },
  RepeatLinked: { zh: "关联重复信访件", en: "Repeat linked" },
  NotificationDeadLettered: { zh: "通知投递失败", en: "Notification dead-lettered" },
  IdentityRead: { zh: "查阅信访人身份", en: "Identity read" },
  NotificationQueued: { zh: "发出通知", en: "Notification queued" },
  RuleActionFailed: { zh: "规则动作未能执行", en: "Rule action failed" },
  DeadlineRecomputed: { zh: "时限重算", en: "Deadline recomputed" }
}

export const commandLabels: Readonly<Record<PetitionCommandTag, Label>> = {
  Submit: { zh: "登记", en: "submit" },
  Acknowledge: { zh: "告知信访人", en: "acknowledge" },
  Contact: { zh: "电话联系", en: "contact" },
  Dispatch: { zh: "派单", en: "dispatch" },
  SuggestRouting: { zh: "建议派单", en: "suggest a routing" },
  Accept: { zh: "签收", en: "accept" },
  Decline: { zh: "不予受理", en: "decline" },
  Return: { zh: "退单", en: "return" },
  Transfer: { zh: "转办", en: "transfer" },
  AssignHandler: { zh: "明确责任人", en: "assign a handler" },
  ReportPart: { zh: "协办报送", en: "report a part" },
  CompleteFirstRound: { zh: "首轮办结", en: "complete the first round" },
  Suspend: { zh: "挂起", en: "suspend" },
  Resume: { zh: "恢复办理", en: "resume" },
  Extend: { zh: "延期", en: "extend" },
  Resolve: { zh: "办结", en: "resolve" },
  RateSatisfaction: { zh: "满意度评价", en: "rate satisfaction" },
  Close: { zh: "结案", en: "close" },
  Reopen: { zh: "重新办理", en: "reopen" },
  RequestReview: { zh: "申请复查", en: "request a review" },
  RequestReReview: { zh: "申请复核", en: "request a re-review" },
  DeliverReply: { zh: "记录书面答复送达", en: "record the delivery of a written reply" },
  DecideReview: { zh: "作出复查复核结论", en: "decide a review" },
  Escalate: { zh: "提级包案", en: "escalate" },
  RecordVisit: { zh: "记录家访接访", en: "record a visit" },
  BlowWhistle: { zh: "吹哨", en: "blow the whistle" },
  ReportForDuty: { zh: "报到", en: "report for duty" },
  MarkDuplicate: { zh: "标记重复件", en: "mark as duplicate" },
  Merge: { zh: "合并", en: "merge" },
  IssueRecommendation: { zh: "提出督查建议", en: "issue a recommendation" },
  RecordClockWarning: { zh: "记录时限预警", en: "record a clock warning" },
  RecordClockBreach: { zh: "记录超时", en: "record a clock breach" },
  AddWatcher: { zh: "增加关注人", en: "add a watcher" },
  Flag: { zh: "加标记", en: "flag" },
  SetPriority: { zh: "调整优先级", en: "set the priority" },
  RequireVisit: { zh: "要求家访", en: "require a visit" },
  LinkRepeat: { zh: "关联重复信访件", en: "link a repeat" },
  RecordDeadLetter: { zh: "记录通知投递失败", en: "record a dead letter" },
  RecordIdentityRead: { zh: "记录查阅信访人身份", en: "record an identity read" },
  RecordNotification: { zh: "记录发出通知", en: "record a notification" },
  RecordRuleProblem: { zh: "记录规则动作未能执行", en: "record a rule problem" },
  RecordDeadlineRecomputed: { zh: "记录时限重算", en: "record a recomputed deadline" }
}
