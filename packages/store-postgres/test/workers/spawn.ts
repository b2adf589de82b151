import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

import { bundleScript } from "../../../../test/durability/processes.js"

/** Bundles worker.ts once into `dir`; pass the result to {@link spawnWorker}. */
export const bundleWorker = (dir: string): Promise<string> => bundleScript(fileURLToPath(new URL("./worker.ts", import.meta.url)), dir)

export interface Worker {
  readonly lines: Array<string>
  readonly ready: Promise<void>
  readonly exited: Promise<number | null>
  readonly go: () => void
  readonly kill: () => void
}

/** Starts the bundled worker (see {@link bundleWorker}) in a process of its own. */
export const spawnWorker = (script: string, args: Record<string, unknown>): Worker => {
  const child = spawn(process.execPath, [script, JSON.stringify(args)], {
    stdio: ["pipe", "pipe", "pipe"]
  })
  const lines: Array<string> = []
  let buffer = ""
  let markReady: () => void = () => undefined
  let failReady: (error: Error) => void = () => undefined
  let isReady = false
  const ready = new Promise<void>((resolve, reject) => {
    markReady = () => {
      isReady = true
      resolve()
    }
    failReady = reject
  })
  // Callers that never wait for READY (drains) must not see an unhandled rejection.
  ready.catch(() => undefined)
  child.stdout.setEncoding("utf8")
  child.stdout.on("data", (chunk: string) => {
    buffer += chunk
    const parts = buffer.split("\n")
    buffer = parts.pop() ?? ""
    for (const line of parts) {
      if (line === "READY") markReady()
      else if (line !== "") lines.push(line)
    }
  })
  let stderr = ""
  child.stderr.setEncoding("utf8")
  child.stderr.on("data", (chunk: string) => (stderr += chunk))
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code, signal) => {
      if (code !== 0 && code !== null) process.stderr.write(`worker exited with ${code}: ${stderr}\n`)
      // A worker that dies before READY would otherwise leave its test waiting until the timeout.
      if (!isReady) failReady(new Error(`the worker exited (${code ?? signal}) before it was ready: ${stderr.trim()}`))
      resolve(code)
    })
  )
  return {
    lines,
    ready,
    exited,
    go: () => child.stdin.write("go\n"),
    kill: () => {
      child.kill("SIGKILL")
    }
  }
}
