/** Starting engine worker processes for the durability tests: a bundled child script, line protocol on stdout. */
import { spawn } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { basename, dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import type { ChildArgs } from "./support.js"

export const tempDir = (name: string): string => mkdtempSync(join(tmpdir(), `minyi-durability-${name}-`))

const here = dirname(fileURLToPath(import.meta.url))

/**
 * Bundles a child-process script (`entry`, TypeScript) once into `dir` and returns the bundle's
 * path: loading the sources through tsx costs ~2 s per process, which dozens of short child lives
 * cannot afford. The native and driver packages stay external, imported by absolute path so the
 * bundle resolves them from anywhere. The adapters' own process tests use it too.
 */
export const bundleScript = async (entry: string, dir: string): Promise<string> => {
  const fromRoot = createRequire(join(here, "..", "..", "package.json"))
  const esbuild = (await import(createRequire(fromRoot.resolve("tsx")).resolve("esbuild"))) as {
    build(options: Record<string, unknown>): Promise<unknown>
  }
  const fromPackage = (pkg: string, dep: string) =>
    createRequire(join(here, "..", "..", "packages", pkg, "package.json")).resolve(dep)
  const externals: Record<string, string> = {
    "better-sqlite3": fromPackage("store-sqlite", "better-sqlite3"),
    pg: fromPackage("store-postgres", "pg")
  }
  const outfile = join(dir, `${basename(entry, ".ts")}.mjs`)
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["@minyi/source"],
    logLevel: "error",
    plugins: [
      {
        name: "absolute-externals",
        setup(build: { onResolve(o: { filter: RegExp }, f: (a: { path: string }) => { path: string; external: boolean }): void }) {
          build.onResolve({ filter: /^(better-sqlite3|pg)$/ }, (a) => ({ path: externals[a.path]!, external: true }))
        }
      }
    ]
  })
  return outfile
}

/** Bundles child.ts, the engine worker of these tests. */
export const bundleChild = (dir: string): Promise<string> => bundleScript(join(here, "child.ts"), dir)

export interface Child {
  readonly lines: Array<string>
  /** Resolves when the child has printed this exact line. */
  readonly saw: (line: string) => Promise<void>
  readonly send: () => void
  readonly kill: () => void
  /** The exit code, or the signal that ended it. */
  readonly exited: Promise<{ readonly code: number | null; readonly signal: string | null; readonly stderr: string }>
}

export const spawnChild = (script: string, args: ChildArgs): Child => {
  const child = spawn(process.execPath, [script, JSON.stringify(args)], { stdio: ["pipe", "pipe", "pipe"] })
  const lines: Array<string> = []
  const waiting = new Map<string, Array<() => void>>()
  let buffer = ""
  child.stdout.setEncoding("utf8")
  child.stdout.on("data", (chunk: string) => {
    buffer += chunk
    const parts = buffer.split("\n")
    buffer = parts.pop() ?? ""
    for (const line of parts) {
      lines.push(line)
      for (const resolve of waiting.get(line) ?? []) resolve()
      waiting.delete(line)
    }
  })
  let stderr = ""
  child.stderr.setEncoding("utf8")
  child.stderr.on("data", (chunk: string) => void (stderr += chunk))
  // A killed child may leave the pipe closed under a pending write.
  child.stdin.on("error", () => undefined)
  const exited = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, stderr }))
  )
  return {
    lines,
    saw: (line) =>
      lines.includes(line)
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiting.set(line, [...(waiting.get(line) ?? []), resolve])),
    send: () => void child.stdin.write("go\n"),
    kill: () => void child.kill("SIGKILL"),
    exited
  }
}
