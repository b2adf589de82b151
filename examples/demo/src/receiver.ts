/**
 * The other end of the webhook: a loopback HTTP server standing in for the portal or messaging
 * gateway that receives minyi's notifications. It verifies each request's signature the way the
 * notify-webhook README tells a receiver to, and counts each notification once (by its
 * idempotency key), since the outbox delivers at least once.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify } from "@minyi/notify-webhook"

export interface Receiver {
  readonly url: string
  /** Notifications received with a valid signature, once per idempotency key. */
  readonly delivered: () => number
  /** Requests refused (missing headers, bad signature, stale timestamp): none, unless something is wrong. */
  readonly refused: () => number
  readonly close: () => Promise<void>
}

const header = (value: string | ReadonlyArray<string> | undefined): string | undefined => (typeof value === "string" ? value : undefined)

export const startReceiver = async (secret: string): Promise<Receiver> => {
  const keys = new Set<string>()
  let refused = 0
  const server = createServer((request, response) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => {
      const checked = verify({
        secret,
        body: Buffer.concat(chunks).toString("utf8"),
        timestamp: header(request.headers[TIMESTAMP_HEADER]),
        signature: header(request.headers[SIGNATURE_HEADER]),
        // The receiver is a real server on the wall clock; the signer stamps with the same one.
        nowSeconds: Math.floor(Date.now() / 1000)
      })
      if (!checked.ok) {
        refused++
        response.writeHead(401, { "content-type": "text/plain" }).end(checked.problem)
        return
      }
      const key = header(request.headers[IDEMPOTENCY_HEADER])
      if (key !== undefined) keys.add(key)
      response.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo // listen() on a TCP port always yields an AddressInfo
  return {
    url: `http://127.0.0.1:${port}/minyi`,
    delivered: () => keys.size,
    refused: () => refused,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e === undefined ? resolve() : reject(e))))
  }
}
