import { Schema } from "effect"
import { message as text, render } from "../messages/message.js"

/** The stream moved on since the caller read it. The engine reloads, decides again and retries. */
export class VersionConflict extends Schema.TaggedError<VersionConflict>()("VersionConflict", {
  streamId: Schema.String,
  expectedVersion: Schema.Number,
  actualVersion: Schema.Number,
  message: Schema.String
}) {}

export const versionConflict = (streamId: string, expectedVersion: number, actualVersion: number): VersionConflict =>
  new VersionConflict({
    streamId,
    expectedVersion,
    actualVersion,
    message: render(
      text(
        `信访件 ${streamId} 已被他人同时修改（预期版本 ${expectedVersion}，实际 ${actualVersion}），请重新读取后再试`,
        `petition ${streamId} was changed by someone else meanwhile (expected version ${expectedVersion}, found ${actualVersion}); reload it and try again`
      )
    )
  })

/** An event id or outbox message id that is already stored (ids are unique across all streams). */
export class DuplicateId extends Schema.TaggedError<DuplicateId>()("DuplicateId", {
  kind: Schema.Literals(["event", "outbox"]),
  id: Schema.String,
  message: Schema.String
}) {}

export const duplicateId = (kind: "event" | "outbox", id: string): DuplicateId =>
  new DuplicateId({
    kind,
    id,
    message: render(
      text(
        `${kind === "event" ? "事件" : "待发通知"}编号 ${id} 已存在，本次写入未保存任何内容`,
        `the ${kind === "event" ? "event" : "outbox message"} id ${id} is already stored; nothing of this append was written`
      )
    )
  })

/** The store cannot be reached or refused to work (locked, disk full, connection dropped). Retrying may help. */
export class StoreUnavailable extends Schema.TaggedError<StoreUnavailable>()("StoreUnavailable", {
  reason: Schema.String,
  message: Schema.String
}) {}

export const storeUnavailable = (reason: string): StoreUnavailable =>
  new StoreUnavailable({ reason, message: render(text(`信访数据库暂不可用：${reason}`, `the petition store is unavailable: ${reason}`)) })

/** The database is not a minyi store, or its contents are damaged (a stored row does not decode). */
export class StoreCorrupt extends Schema.TaggedError<StoreCorrupt>()("StoreCorrupt", {
  location: Schema.String,
  reason: Schema.String,
  message: Schema.String
}) {}

export const storeCorrupt = (location: string, reason: string): StoreCorrupt =>
  new StoreCorrupt({
    location,
    reason,
    message: render(text(`${location} 处的信访数据库已损坏或不是 minyi 数据库：${reason}`, `the petition store at ${location} is corrupt or not a minyi store: ${reason}`))
  })

/** The database was written by a newer minyi; this version must not touch it. */
export class SchemaTooNew extends Schema.TaggedError<SchemaTooNew>()("SchemaTooNew", {
  location: Schema.String,
  found: Schema.Number,
  supported: Schema.Number,
  message: Schema.String
}) {}

export const schemaTooNew = (location: string, found: number, supported: number): SchemaTooNew =>
  new SchemaTooNew({
    location,
    found,
    supported,
    message: render(
      text(
        `${location} 处的信访数据库结构版本为 ${found}，本版 minyi 最高支持 ${supported}，请先升级 minyi`,
        `the petition store at ${location} has schema version ${found}, but this minyi supports up to ${supported}; upgrade minyi before opening it`
      )
    )
  })

/** A lease token no longer matches: the lease was taken over, or the timer was replaced or cancelled. */
export class LeaseLost extends Schema.TaggedError<LeaseLost>()("LeaseLost", {
  kind: Schema.Literals(["timer", "outbox"]),
  id: Schema.String,
  message: Schema.String
}) {}

export const leaseLost = (kind: "timer" | "outbox", id: string): LeaseLost =>
  new LeaseLost({
    kind,
    id,
    message: render(
      text(
        `${kind === "timer" ? "定时器" : "待发通知"} ${id} 的租约已失效（被接管、替换或删除），本工作进程须放弃它`,
        `the lease on ${kind === "timer" ? "timer" : "outbox message"} ${id} is no longer held (taken over, replaced or removed); this worker must drop it`
      )
    )
  })

/**
 * A notifier could not deliver. `retryable` says whether the outbox should try again later;
 * `notBefore` (epoch ms), when the receiver named one (Retry-After), that it should not try sooner.
 */
export class NotifyFailed extends Schema.TaggedError<NotifyFailed>()("NotifyFailed", {
  channel: Schema.String,
  retryable: Schema.Boolean,
  reason: Schema.String,
  notBefore: Schema.optionalKey(Schema.Number),
  message: Schema.String
}) {}

export const notifyFailed = (channel: string, retryable: boolean, reason: string, notBefore?: number): NotifyFailed =>
  new NotifyFailed({
    channel,
    retryable,
    reason,
    ...(notBefore === undefined ? {} : { notBefore }),
    message: render(
      text(
        `经 ${channel} 发送通知失败（${retryable ? "将重试" : "不再重试"}）：${reason}`,
        `notification over ${channel} failed (${retryable ? "will retry" : "will not retry"}): ${reason}`
      )
    )
  })

/** Failures any store operation may have. */
export type StoreError = StoreUnavailable | StoreCorrupt

/** Failures of opening a store. */
export type OpenError = StoreUnavailable | StoreCorrupt | SchemaTooNew
