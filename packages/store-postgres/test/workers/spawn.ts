import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

const workerPath = fileURLToPath(new URL("./worker.ts", import.meta.url))

export interface Worker {
  readonly lines: Array<string>
  readonly ready: Promise<void>
  readonly exited: Promise<number | null>
  readonly go: () => void
  readonly kill: () => void
}

/** Starts test/workers/worker.ts in a process of its own (sources through tsx). */
export const spawnWorker = (args: Record<string, unknown>): Worker => {
  const child = spawn(process.execPath, ["--conditions=@minyi/source", "--import", "tsx", workerPath, JSON.stringify(args)], {
    stdio: ["pipe", "pipe", "pipe"]
  })
  const lines: Array<string> = []
  let buffer = ""
  let markReady: () => void = () => undefined
  const ready = new Promise<void>((resolve) => (markReady = resolve))
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
    child.on("exit", (code) => {
      if (code !== 0 && code !== null) process.stderr.write(`worker exited with ${code}: ${stderr}\n`)
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
