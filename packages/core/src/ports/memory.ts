import { Context, Effect, Layer, Option, Result } from "effect"
import type { InvalidInput } from "../shared/validation.js"
import { DueQueue } from "./due-queue.js"
import { duplicateId, leaseLost, versionConflict } from "./errors.js"
import type { DuplicateId, LeaseLost, VersionConflict } from "./errors.js"
import type {
  AppendBatch,
  AppendResult,
  ClaimedMessage,
  ClaimedTimer,
  DeadLetter,
  FailOutcome,
  OutboxMessage,
  Page,
  PageRequest,
  PetitionSummary,
  MetricDelta,
  MetricRow,
  MetricsRequest,
  RepeatCandidate,
  RepeatEntry,
  StoredEvent,
  StreamHead,
  TimerKey,
  TimerSpec
} from "./model.js"
import { clampPageLimit, decodeAppendBatch, decodeTimerSpecs, defaultRetryPolicy, nextAttemptAt } from "./retry.js"
import type { RetryPolicy } from "./retry.js"
import { EventStore, Outbox, Queries, Timers } from "./services.js"
import type { Storage as StorageServices } from "./services.js"

export interface MemoryStorageOptions {
  readonly retry?: RetryPolicy
}

interface TimerRow {
  spec: TimerSpec
  lease: { token: string; workerId: string; leaseUntil: number } | undefined
}

interface OutboxRow {
  readonly message: OutboxMessage
  failures: number
  lease: { token: string; workerId: string; leaseUntil: number } | undefined
}

// JSON keeps (streamId, key) pairs apart that a separator could confuse ("a:b"+"c" vs "a"+"b:c").
const timerId = (k: TimerKey): string => JSON.stringify([k.streamId, k.key])
const timerLabel = (k: TimerKey): string => `${k.streamId}/${k.key}`

const pageOf = (
  rows: Iterable<PetitionSummary>,
  page: PageRequest,
  matches: (s: PetitionSummary) => boolean
): Page<PetitionSummary> => {
  const limit = clampPageLimit(page.limit)
  const statuses = page.statuses === undefined ? undefined : new Set(page.statuses)
  const hits: Array<PetitionSummary> = []
  for (const s of rows) {
    if (page.after !== undefined && !(s.petitionId > page.after)) continue
    if (statuses !== undefined && !statuses.has(s.status)) continue
    if (matches(s)) hits.push(s)
  }
  hits.sort((a, b) => (a.petitionId < b.petitionId ? -1 : a.petitionId > b.petitionId ? 1 : 0))
  const items = hits.slice(0, limit)
  return { items, next: hits.length > limit ? items[items.length - 1]!.petitionId : null }
}

/**
 * Builds the in-memory store: every port over one shared state, so an append's events, outbox
 * messages, timers and summary appear together. Everything is validated before anything is
 * changed, which is what makes an append atomic here.
 */
export const makeMemoryStorage = (options: MemoryStorageOptions = {}): Context.Context<StorageServices> => {
  const retry = options.retry ?? defaultRetryPolicy
  const streams = new Map<string, Array<StoredEvent>>()
  const log: Array<StoredEvent> = []
  const eventIds = new Set<string>()
  const appended = new Map<string, AppendResult>()
  const heads = new Map<string, StreamHead>()
  const timers = new Map<string, TimerRow>()
  const timerQueue = new DueQueue()
  const outbox = new Map<string, OutboxRow>()
  const outboxQueue = new DueQueue()
  const dead: Array<DeadLetter> = []
  const deadIds = new Set<string>()
  const summaries = new Map<string, PetitionSummary>()
  // Per key, entries sorted newest first: a lookup is a map hit plus a slice of the window.
  const repeatsByKey = new Map<string, Array<RepeatEntry>>()
  const repeatOf = new Map<string, RepeatEntry>()
  // Report counters per scope, keyed by kind, dim, key, periodDay and asOfDay within it.
  const counters = new Map<string, Map<string, { readonly delta: MetricDelta; value: number }>>()
  let tokens = 0
  // A leased entry waits in its queue until the lease ends: then it is claimable again.
  const lease = (queue: DueQueue, id: string, now: number, leaseMs: number, workerId: string) => {
    const leaseUntil = now + leaseMs
    queue.set(id, leaseUntil)
    return { token: `${workerId}/${++tokens}`, workerId, leaseUntil }
  }

  const scheduleTimer = (spec: TimerSpec): void => {
    const id = timerId(spec)
    timers.set(id, { spec, lease: undefined })
    timerQueue.set(id, spec.dueAt)
  }
  const cancelTimer = (key: TimerKey): void => {
    const id = timerId(key)
    timers.delete(id)
    timerQueue.delete(id)
  }

  const addMetric = (d: MetricDelta): void => {
    let scope = counters.get(d.scope)
    if (scope === undefined) counters.set(d.scope, scope = new Map())
    const id = `${d.kind}\u0000${d.dim}\u0000${d.key}\u0000${d.periodDay}\u0000${d.asOfDay}`
    const row = scope.get(id)
    if (row === undefined) scope.set(id, { delta: d, value: d.value })
    else row.value += d.value
  }

  const sumMetrics = (request: MetricsRequest): ReadonlyArray<MetricRow> => {
    const sums = new Map<string, MetricRow>()
    const kinds = request.kinds === undefined ? undefined : new Set(request.kinds)
    const dims = request.dims === undefined ? undefined : new Set(request.dims)
    for (const { delta: d, value } of counters.get(request.scope)?.values() ?? []) {
      if (d.periodDay < request.fromDay || d.periodDay >= request.toDay || d.asOfDay >= request.asOfDay) continue
      if ((kinds !== undefined && !kinds.has(d.kind)) || (dims !== undefined && !dims.has(d.dim))) continue
      const periodDay = request.byDay === true ? d.periodDay : null
      const id = `${d.kind}\u0000${d.dim}\u0000${d.key}\u0000${periodDay}`
      const row = sums.get(id)
      sums.set(id, { kind: d.kind, dim: d.dim, key: d.key, periodDay, value: (row?.value ?? 0) + value })
    }
    return [...sums.values()]
  }

  const newerFirst = (a: RepeatCandidate, b: RepeatCandidate) =>
    b.receivedAt - a.receivedAt || (a.petitionId < b.petitionId ? -1 : a.petitionId > b.petitionId ? 1 : 0)
  /** The first index in `entries` (newest first) that does not come before `probe`. */
  const firstNotBefore = (entries: ReadonlyArray<RepeatCandidate>, probe: RepeatCandidate) => {
    let lo = 0
    let hi = entries.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (newerFirst(entries[mid]!, probe) < 0) lo = mid + 1
      else hi = mid
    }
    return lo
  }
  const indexRepeat = (entry: RepeatEntry): void => {
    const previous = repeatOf.get(entry.petitionId)
    if (previous !== undefined) {
      const list = repeatsByKey.get(previous.key)!
      list.splice(list.indexOf(previous), 1)
      if (list.length === 0) repeatsByKey.delete(previous.key)
    }
    const list = repeatsByKey.get(entry.key) ?? []
    repeatsByKey.set(entry.key, list)
    list.splice(firstNotBefore(list, entry), 0, entry)
    repeatOf.set(entry.petitionId, entry)
  }

  const check = (batch: AppendBatch): VersionConflict | DuplicateId | undefined => {
    const actual = streams.get(batch.streamId)?.length ?? 0
    if (actual !== batch.expectedVersion) return versionConflict(batch.streamId, batch.expectedVersion, actual)
    const seenEvents = new Set<string>()
    for (const e of batch.events) {
      if (eventIds.has(e.eventId) || seenEvents.has(e.eventId)) return duplicateId("event", e.eventId)
      seenEvents.add(e.eventId)
    }
    const seenMessages = new Set<string>()
    for (const m of batch.outbox) {
      if (outbox.has(m.id) || deadIds.has(m.id) || seenMessages.has(m.id)) return duplicateId("outbox", m.id)
      seenMessages.add(m.id)
    }
    return undefined
  }

  const write = (batch: AppendBatch): AppendResult => {
    const stream = streams.get(batch.streamId) ?? []
    streams.set(batch.streamId, stream)
    for (const e of batch.events) {
      const stored: StoredEvent = { streamId: batch.streamId, version: stream.length + 1, position: log.length + 1, ...e }
      stream.push(stored)
      log.push(stored)
      eventIds.add(e.eventId)
    }
    for (const m of batch.outbox) {
      outbox.set(m.id, { message: m, failures: 0, lease: undefined })
      outboxQueue.set(m.id, m.createdAt)
    }
    for (const k of batch.timers.cancel) cancelTimer(k)
    for (const t of batch.timers.schedule) scheduleTimer(t)
    if (batch.summary !== undefined) summaries.set(batch.summary.petitionId, batch.summary)
    if (batch.repeatEntry !== undefined) indexRepeat(batch.repeatEntry)
    for (const d of batch.metrics ?? []) addMetric(d)
    if (batch.head !== undefined) heads.set(batch.streamId, batch.head)
    const result: AppendResult = {
      streamId: batch.streamId,
      previousVersion: batch.expectedVersion,
      version: stream.length,
      replayed: false
    }
    if (batch.idempotencyKey !== undefined) appended.set(batch.idempotencyKey, result)
    return result
  }

  const eventStore = EventStore.of({
    append: (input) =>
      Effect.suspend((): Effect.Effect<AppendResult, InvalidInput | VersionConflict | DuplicateId> => {
        const known = input.idempotencyKey === undefined ? undefined : appended.get(input.idempotencyKey)
        if (known !== undefined) return Effect.succeed({ ...known, replayed: true })
        const decoded = decodeAppendBatch(input)
        if (Result.isFailure(decoded)) return Effect.fail(decoded.failure)
        const refusal = check(decoded.success)
        return refusal === undefined ? Effect.succeed(write(decoded.success)) : Effect.fail(refusal)
      }),
    // Versions run 1, 2, 3… without gaps, so the events after version v start at index v.
    readStream: (streamId, options) => Effect.sync(() => (streams.get(streamId) ?? []).slice(Math.max(0, options?.afterVersion ?? 0))),
    readAll: (afterPosition, limit) =>
      Effect.sync(() => log.slice(Math.max(0, Math.floor(afterPosition)), Math.max(0, Math.floor(afterPosition)) + clampPageLimit(limit))),
    findByIdempotencyKey: (key) => Effect.sync(() => Option.fromUndefinedOr(appended.get(key))),
    readHead: (streamId) => Effect.sync(() => Option.fromUndefinedOr(heads.get(streamId))),
    streamIds: (page) =>
      Effect.sync(() => {
        const limit = clampPageLimit(page.limit)
        const after = page.after ?? ""
        const ids = [...new Set([...streams.keys(), ...heads.keys()])].filter((id) => id > after).sort()
        const items = ids.slice(0, limit)
        return { items, next: ids.length > limit ? items[items.length - 1]! : null }
      })
  })

  const timerService = Timers.of({
    schedule: (specs) =>
      Effect.suspend(() => {
        const decoded = decodeTimerSpecs(specs)
        if (Result.isFailure(decoded)) return Effect.fail(decoded.failure)
        decoded.success.forEach(scheduleTimer)
        return Effect.void
      }),
    cancel: (key) => Effect.sync(() => cancelTimer(key)),
    claimDue: ({ now, limit, leaseMs, workerId }) =>
      Effect.sync(() =>
        timerQueue.takeDue(now, clampPageLimit(limit)).map((id): ClaimedTimer => {
          const row = timers.get(id)!
          row.lease = lease(timerQueue, id, now, leaseMs, workerId)
          return { ...row.spec, ...row.lease }
        })
      ),
    complete: (claim) =>
      Effect.suspend(() => {
        const id = timerId(claim)
        if (timers.get(id)?.lease?.token !== claim.token) return Effect.fail(leaseLost("timer", timerLabel(claim)))
        cancelTimer(claim)
        return Effect.void
      }),
    nextDueAt: () => Effect.sync(() => Option.fromUndefinedOr(timerQueue.peek()?.at)),
    get: (key) => Effect.sync(() => Option.fromUndefinedOr(timers.get(timerId(key))?.spec))
  })

  const leased = (id: string, token: string): OutboxRow | undefined => {
    const row = outbox.get(id)
    return row?.lease?.token === token ? row : undefined
  }

  const outboxService = Outbox.of({
    claim: ({ now, limit, leaseMs, workerId }) =>
      Effect.sync(() =>
        outboxQueue.takeDue(now, clampPageLimit(limit)).map((id): ClaimedMessage => {
          const row = outbox.get(id)!
          row.lease = lease(outboxQueue, id, now, leaseMs, workerId)
          return { message: row.message, ...row.lease, attempt: row.failures + 1 }
        })
      ),
    ack: (id, token) =>
      Effect.suspend(() => {
        if (leased(id, token) === undefined) return Effect.fail(leaseLost("outbox", id))
        outbox.delete(id)
        outboxQueue.delete(id)
        return Effect.void
      }),
    fail: (id, token, failure, now) =>
      Effect.suspend((): Effect.Effect<FailOutcome, LeaseLost> => {
        const row = leased(id, token)
        if (row === undefined) return Effect.fail(leaseLost("outbox", id))
        row.failures += 1
        row.lease = undefined
        if (!failure.retryable || row.failures >= retry.maxAttempts) {
          const deadLetter: DeadLetter = { message: row.message, attempts: row.failures, reason: failure.reason, deadAt: now }
          outbox.delete(id)
          outboxQueue.delete(id)
          dead.push(deadLetter)
          deadIds.add(id)
          return Effect.succeed({ _tag: "DeadLettered" as const, deadLetter })
        }
        const next = nextAttemptAt(retry, id, row.failures, now, failure.notBefore)
        outboxQueue.set(id, next)
        return Effect.succeed({ _tag: "Retrying" as const, attempts: row.failures, nextAttemptAt: next })
      }),
    deadLetters: () => Effect.sync(() => [...dead]),
    pendingCount: () => Effect.sync(() => outbox.size)
  })

  const rows = () => summaries.values()
  const queries = Queries.of({
    get: (petitionId) => Effect.sync(() => Option.fromUndefinedOr(summaries.get(petitionId))),
    byUnit: (unit, page) =>
      Effect.sync(() =>
        pageOf(rows(), page, (s) => s.firstHandler === unit || s.lead === unit || s.coHandlers.includes(unit) || s.chainUnits.includes(unit))
      ),
    byJurisdiction: (node, page) => Effect.sync(() => pageOf(rows(), page, (s) => s.jurisdictionPath.includes(node))),
    byCategory: (node, page) => Effect.sync(() => pageOf(rows(), page, (s) => s.categoryPath.includes(node))),
    byPerson: (person, page) =>
      Effect.sync(() => pageOf(rows(), page, (s) => s.owner === person || s.leaderPerson === person || s.watchers.includes(person))),
    overdue: (now, page) =>
      Effect.sync(() => pageOf(rows(), page, (s) => s.breachedClocks.length > 0 || (s.nextDueAt !== null && s.nextDueAt <= now))),
    all: (page) => Effect.sync(() => pageOf(rows(), page, () => true)),
    repeatCandidates: (key, window) =>
      Effect.sync(() => {
        const list = repeatsByKey.get(key) ?? []
        const start = firstNotBefore(list, { petitionId: "", receivedAt: window.to, community: "", categoryPath: [] })
        const out: Array<RepeatCandidate> = []
        for (let i = start; i < list.length && list[i]!.receivedAt >= window.from; i++) {
          const { key: _key, ...candidate } = list[i]!
          out.push(candidate)
        }
        return out
      }),
    metrics: (request) => Effect.sync(() => sumMetrics(request))
  })

  return Context.make(EventStore, eventStore)
    .pipe(Context.add(Timers, timerService))
    .pipe(Context.add(Outbox, outboxService))
    .pipe(Context.add(Queries, queries))
}

/** Every storage port: what a storage adapter provides. */
export type Storage = StorageServices

/** The in-memory storage adapter: EventStore, Timers, Outbox and Queries over one shared state. */
export const Storage = {
  /** A fresh in-memory store per layer build. For tests, simulations and the demo; not durable. */
  layerMemory: (options: MemoryStorageOptions = {}): Layer.Layer<StorageServices> =>
    Layer.effectContext(Effect.sync(() => makeMemoryStorage(options))),
  makeMemory: makeMemoryStorage
}
