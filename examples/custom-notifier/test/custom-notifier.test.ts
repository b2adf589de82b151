import { Notifier, Notifiers } from "@minyi/core"
import { closedLoopbackPort, notifierContract, refuseOdourSubmit } from "@minyi/testkit"
import { Layer } from "effect"
import { readFileSync } from "node:fs"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { afterEach, expect, it } from "vitest"
import { portal } from "../src/main.js"
import { smsGateway } from "../src/sms-gateway.js"

interface Gateway {
  readonly url: string
  readonly sent: Array<{ readonly to: string; readonly requestId: string; readonly text: string }>
  close(): Promise<void>
}

/** A stand-in SMS gateway on loopback: a real HTTP server answering with `status`. */
const startGateway = async (status: (index: number) => number): Promise<Gateway> => {
  const sent: Gateway["sent"] = []
  let index = 0
  const server = createServer((req, res) => {
    let body = ""
    req.on("data", (c: Buffer) => (body += c.toString("utf8")))
    req.on("end", () => {
      const answer = status(index++)
      if (answer < 300) sent.push(JSON.parse(body))
      res.writeHead(answer).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo // a TCP listener always has an AddressInfo
  return {
    url: `http://127.0.0.1:${port}/sms`,
    sent,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) })
  }
}

const gateways: Array<Gateway> = []
afterEach(async () => {
  for (const g of gateways.splice(0)) await g.close()
})

notifierContract({
  name: "examples/custom-notifier (SMS gateway)",
  start: async (behaviour) => {
    const gateway = behaviour === "unavailable" ? undefined : await startGateway(() => (behaviour === "accept" ? 200 : 404))
    const url = gateway?.url ?? `http://127.0.0.1:${await closedLoopbackPort()}/sms`
    const recipient = "unit:dept.housing"
    const send = smsGateway({ url, apiKey: "k", numbers: { [recipient]: "13800000003" } })
    return {
      notifier: Layer.succeed(Notifier, Notifiers.fromPromise("sms", send)),
      recipient,
      received: async () => (gateway?.sent ?? []).map((m) => ({ idempotencyKey: m.requestId, text: m.text })),
      close: async () => gateway?.close()
    }
  }
})

it("a portal's SMS gateway gets the overdue notice after the gateway recovers, once per request id", async () => {
  const gateway = await startGateway((index) => (index === 0 ? 503 : 200))
  gateways.push(gateway)
  const minyi = portal(gateway.url)
  const T0 = Date.parse("2026-03-02T09:00:00+08:00")
  try {
    await minyi.handle(refuseOdourSubmit("FT-1", "2026-03-02T09:00:00+08:00"))
    await minyi.tick(T0 + 11 * 60_000)
    expect((await minyi.relay(T0 + 11 * 60_000)).retrying).toBeGreaterThan(0)
    expect((await minyi.relay(T0 + 20 * 60_000)).delivered).toBeGreaterThan(0)
    expect(gateway.sent.map((m) => m.to)).toContain("13800000001")
    expect(gateway.sent[0]!.text).toContain("超过10分钟未反馈")
  } finally {
    await minyi.dispose()
  }
})

it("docs/notifiers.md shows exactly the SMS gateway that runs here", () => {
  const doc = readFileSync(new URL("../../../docs/notifiers.md", import.meta.url), "utf8")
  const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1])
  expect(blocks).toContain(readFileSync(new URL("../src/sms-gateway.ts", import.meta.url), "utf8"))
})
