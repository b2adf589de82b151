import type { EngineCommand, PetitionSummary } from "@minyi/core"
import type { AppendBatch, NewEvent, OutboxMessage, TimerSpec } from "@minyi/core/adapter"

/** 2026-01-05T09:00:00+08:00, a Monday: the suites' fixed "now". */
export const T0 = Date.UTC(2026, 0, 5, 1, 0, 0)
export const MINUTE = 60_000

/** An event with a recognisable payload (nested JSON, Chinese text) to prove data round-trips. */
export const newEvent = (eventId: string, type = "Noted", at = T0): NewEvent => ({
  eventId,
  type,
  at,
  data: { _tag: type, note: `事件 ${eventId}`, nested: { n: 1.5, ok: true, none: null, list: [1, "二", { three: 3 }] } }
})

export const timerSpec = (streamId: string, key: string, dueAt: number, payload: TimerSpec["payload"] = { key }): TimerSpec => ({
  streamId,
  key,
  dueAt,
  payload
})

export const outboxMessage = (id: string, streamId: string, createdAt = T0, extra: Partial<OutboxMessage> = {}): OutboxMessage => ({
  id,
  streamId,
  idempotencyKey: `notify:${id}`,
  channel: "sms",
  recipient: "13800000000",
  template: "feedback",
  payload: { text: `您的诉求 ${streamId} 已受理` },
  createdAt,
  ...extra
})

export const summary = (petitionId: string, extra: Partial<PetitionSummary> = {}): PetitionSummary => ({
  petitionId,
  status: "dispatched",
  tier: 0,
  priority: "normal",
  owner: null,
  firstHandler: "unit.centre",
  lead: null,
  coHandlers: [],
  chainUnits: [],
  jurisdictionPath: ["futian"],
  categoryPath: ["env"],
  channel: "hotline",
  leaderPerson: null,
  watchers: [],
  accusedUnit: null,
  receivedAt: T0,
  updatedAt: T0,
  nextDueAt: null,
  breachedClocks: [],
  data: {},
  ...extra
})

/** A batch with nothing but events; spread extras over it. */
export const batch = (
  streamId: string,
  expectedVersion: number,
  events: ReadonlyArray<NewEvent>,
  extra: Partial<AppendBatch> = {}
): AppendBatch => ({
  streamId,
  expectedVersion,
  events,
  outbox: [],
  timers: { schedule: [], cancel: [] },
  ...extra
})

/** An anonymous hotline Submit about a refuse station's odour in Hongli community (sample directory, futian pack), received at `at`. */
export const sampleSubmit = (petitionId: string, at: number): EngineCommand => ({
  _tag: "Submit",
  petitionId,
  at,
  actor: { kind: "petitioner" },
  petitioner: { anonymous: true },
  channel: "channel.hotline",
  category: "city-management.sanitation.refuse-odour",
  jurisdiction: "community.yuanling.hongli",
  title: "垃圾站异味",
  content: "异味"
})
