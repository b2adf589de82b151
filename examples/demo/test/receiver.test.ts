import { IDEMPOTENCY_HEADER, sign, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "@minyi/notify-webhook"
import { afterAll, describe, expect, it } from "vitest"
import { startReceiver } from "../src/receiver.js"

const secret = "receiver-test-secret"

describe("the demo's webhook receiver", async () => {
  const receiver = await startReceiver(secret)
  afterAll(() => receiver.close())
  const post = (body: string, key: string, signature: (timestamp: number) => string, timestamp = Math.floor(Date.now() / 1000)) =>
    fetch(receiver.url, {
      method: "POST",
      headers: { [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: signature(timestamp), [IDEMPOTENCY_HEADER]: key },
      body
    })

  it("accepts a request signed with the shared secret, and counts a notification once however often it comes", async () => {
    const body = JSON.stringify({ id: "n-1", petitionId: "FT-1" })
    for (let i = 0; i < 2; i++) expect((await post(body, "key-1", (t) => sign(secret, t, body))).status).toBe(204)
    expect(receiver.delivered()).toBe(1)
    expect(receiver.refused()).toBe(0)
  })

  it("refuses a request signed with another secret, over another body, or too long ago", async () => {
    const body = JSON.stringify({ id: "n-2", petitionId: "FT-1" })
    const refusals = [
      await post(body, "key-2", (t) => sign("another-secret", t, body)),
      await post(body, "key-2", (t) => sign(secret, t, `${body} `)),
      await post(body, "key-2", (t) => sign(secret, t, body), Math.floor(Date.now() / 1000) - 3600)
    ]
    expect(await Promise.all(refusals.map(async (r) => [r.status, await r.text()]))).toEqual([
      [401, "bad-signature"],
      [401, "bad-signature"],
      [401, "stale-timestamp"]
    ])
    expect(receiver.refused()).toBe(3)
    expect(receiver.delivered()).toBe(1)
  })
})
