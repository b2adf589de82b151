import { createServer } from "node:http"
import type { IncomingMessage, ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "../src/index.js"

/** One request as a loopback receiver saw it. */
export interface Received {
  readonly headers: IncomingMessage["headers"]
  readonly body: string
  readonly idempotencyKey: string
  readonly timestamp: string
  readonly signature: string
}

export interface Receiver {
  readonly url: string
  /** Every request that reached the receiver, answered or not. */
  readonly requests: Array<Received>
  close(): Promise<void>
}

const header = (req: IncomingMessage, name: string): string => {
  const value = req.headers[name]
  return typeof value === "string" ? value : ""
}

/**
 * A real HTTP server on 127.0.0.1 with a port of its own; `answer` decides each response from the
 * request and how many came before it. An answer of `undefined` never responds (a hung endpoint).
 */
export const startReceiver = async (
  answer: (request: Received, index: number, res: ServerResponse) => { status: number; headers?: Record<string, string>; body?: string } | undefined
): Promise<Receiver> => {
  const requests: Array<Received> = []
  const server = createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => {
      const received: Received = {
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        idempotencyKey: header(req, IDEMPOTENCY_HEADER),
        timestamp: header(req, TIMESTAMP_HEADER),
        signature: header(req, SIGNATURE_HEADER)
      }
      const index = requests.length
      requests.push(received)
      const reply = answer(received, index, res)
      if (reply === undefined) return
      res.writeHead(reply.status, reply.headers ?? {})
      res.end(reply.body ?? "")
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo // listen() on a TCP port always yields an AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
