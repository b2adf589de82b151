/** What the relay proofs share: a loopback webhook receiver that records requests, and the pack. */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { emptyRegistry, loadRulePack, publish, rulePackPresets, sampleDirectory } from "@minyi/core"
import { Result } from "effect"

export const directory = sampleDirectory()
export const T0 = Date.parse("2026-03-02T09:00:00+08:00")
export const MINUTE = 60_000
export const SECRET = "relay-proof-secret"

/** A request as the receiver saw it, and what it answered. */
export interface Hit {
  readonly notificationId: string
  readonly idempotencyKey: string
  readonly status: number
  readonly body: string
}

export interface Receiver {
  readonly url: string
  readonly hits: Array<Hit>
  /** Resolves at the receiver's `n`th request (1-based). */
  readonly nth: (n: number) => Promise<void>
  close(): Promise<void>
}

const header = (value: string | Array<string> | undefined): string => (typeof value === "string" ? value : "")

/**
 * A webhook receiver on 127.0.0.1. `answer` gives the status for the request about to be
 * recorded (undefined: never answer, a hung endpoint). A hung request is recorded with status 0.
 */
export const startReceiver = async (answer: (hits: ReadonlyArray<Hit>) => number | undefined): Promise<Receiver> => {
  const hits: Array<Hit> = []
  const waiters: Array<{ n: number; resolve: () => void }> = []
  const server = createServer((req, res) => {
    let body = ""
    req.on("data", (c: Buffer) => (body += c.toString("utf8")))
    req.on("end", () => {
      const status = answer(hits)
      hits.push({
        notificationId: header(req.headers["x-minyi-notification-id"]),
        idempotencyKey: header(req.headers["idempotency-key"]),
        status: status ?? 0,
        body
      })
      for (const w of waiters.filter((x) => x.n <= hits.length)) w.resolve()
      if (status !== undefined) res.writeHead(status).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo // a TCP listener always has an AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hook`,
    hits,
    nth: (n) => (hits.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/**
 * The futian pack plus one rule: a notification that died (a dead letter recorded on the
 * petition) is reported to the dispatch centre, so a breach nobody heard about is still heard.
 */
export const packWithDeadLetterRule = () => {
  const json = structuredClone(rulePackPresets["futian-10-30-24"]) as {
    escalation: Array<unknown>
    templates: Record<string, unknown>
  }
  json.escalation.push({
    id: "notification-lost",
    description: "通知无法送达：报告分拨中心 (a notification could not be delivered: tell the dispatch centre)",
    conditions: { all: [{ fact: "trigger", path: "$.type", operator: "equal", value: "NotificationDeadLettered" }] },
    event: { type: "notify", params: { recipients: [{ unit: "unit.dispatch-centre" }], template: "notification-lost" } }
  })
  json.templates["notification-lost"] = {
    "zh-CN": { subject: "诉求 {petitionId} 的通知无法送达", body: "诉求 {petitionId}「{title}」有一条通知无法送达，请人工联系 {lead}。" },
    en: { subject: "Petition {petitionId}: a notification could not be delivered", body: "A notification about petition {petitionId} could not be delivered; please reach {lead} by hand." }
  }
  return Result.getOrThrow(publish(emptyRegistry, Result.getOrThrow(loadRulePack(json, { directory })), { directory }))
}

export const futianPacks = () =>
  Result.getOrThrow(publish(emptyRegistry, Result.getOrThrow(loadRulePack(rulePackPresets["futian-10-30-24"], { directory })), { directory }))

/** A Submit that the futian pack routes to urban management; its feedback clock breaches at T0 + 10 min. */
export const submitAt = (petitionId: string) => ({
  _tag: "Submit" as const,
  petitionId,
  at: T0,
  actor: { kind: "petitioner" as const },
  petitioner: { anonymous: true as const },
  channel: "channel.district-secretary-online",
  channelMessageId: petitionId,
  category: "city-management.sanitation.refuse-odour",
  jurisdiction: "community.yuanling.hongli",
  title: "垃圾站异味",
  content: "小区门口垃圾站异味严重"
})
