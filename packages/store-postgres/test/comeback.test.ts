// A store that is not there yet at boot: the facade fails with StoreUnavailable while the server
// is down, and works as soon as it is up, without a restart. A second PostgreSQL server of its
// own, started by scripts/pg-start.sh in the middle of the test, plays the late database.
import { execFile } from "node:child_process"
import { existsSync, readFileSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { join } from "node:path"
import { promisify } from "node:util"
import { createMinyi, emptyRegistry, Engine, engineLayer, loadRulePack, Notifiers, publish, rulePackPresets, sampleDirectory } from "@minyi/core"
import { sampleSubmit } from "@minyi/testkit"
import { Effect, Layer, Result } from "effect"
import { afterAll, expect, it } from "vitest"
import { layer } from "../src/index.js"
import { describePg, freshSchema } from "./support.js"

const run = promisify(execFile)
const script = join(import.meta.dirname, "../../../scripts/pg-start.sh")
const dir = `/tmp/minyi-pg-comeback-${process.pid}`
const effectDir = `${dir}-effect`

/** A loopback port nobody listens on right now. */
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))))
    })
  })

afterAll(() => {
  // Stops only the servers this file started (each postmaster's pid from its own data directory).
  for (const d of [dir, effectDir]) {
    const pidFile = join(d, "data", "postmaster.pid")
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0])
      if (Number.isInteger(pid) && pid > 0) {
        try {
          process.kill(pid, "SIGQUIT")
        } catch {
          // Already gone.
        }
      }
    }
    rmSync(d, { recursive: true, force: true })
  }
})

describePg("a PostgreSQL server that comes up after the engine", () => {
  it("ready() and calls fail with StoreUnavailable while it is down, and work once it is up", async () => {
    const port = await freePort()
    const url = `postgres://postgres@127.0.0.1:${port}/minyi_test`
    const minyi = createMinyi({
      directory: sampleDirectory(),
      rulePack: "futian-10-30-24",
      store: layer({ connectionString: url, schema: freshSchema(), connectTimeoutMs: 2_000, poolSize: 2 })
    })
    try {
      const submit = sampleSubmit("late-1", Date.parse("2026-03-02T09:00:00+08:00"))
      await expect(minyi.ready()).rejects.toMatchObject({ _tag: "StoreUnavailable" })
      await expect(minyi.handle(submit)).rejects.toMatchObject({ _tag: "StoreUnavailable" })
      await expect(minyi.ready()).rejects.toMatchObject({ _tag: "StoreUnavailable" })

      const started = await run("bash", [script], { env: { ...process.env, MINYI_PG_DIR: dir, MINYI_PG_PORT: String(port) }, timeout: 180_000 })
      expect(started.stdout).toContain(`127.0.0.1:${port}/`)

      await minyi.ready()
      const handled = await minyi.handle(submit)
      expect(handled.events.length).toBeGreaterThan(0)
      expect((await minyi.state("late-1")).version).toBe(handled.version)
    } finally {
      await minyi.dispose()
    }
  }, 240_000)

  it("an Effect program over the engine layer fails while it is down and runs once it is up: a failed build is not kept", async () => {
    const port = await freePort()
    const directory = sampleDirectory()
    const packs = Result.getOrThrow(publish(emptyRegistry, Result.getOrThrow(loadRulePack(rulePackPresets["futian-10-30-24"], { directory })), { directory }))
    const store = layer({ connectionString: `postgres://postgres@127.0.0.1:${port}/minyi_test`, schema: freshSchema(), connectTimeoutMs: 2_000, poolSize: 2 })
    const live = engineLayer({ directory, packs }).pipe(Layer.provideMerge(Layer.merge(store, Notifiers.layerMemory)))
    const submit = sampleSubmit("late-effect-1", Date.parse("2026-03-02T09:00:00+08:00"))
    const program = Effect.gen(function*() {
      const engine = yield* Engine
      return yield* engine.handle(submit)
    }).pipe(Effect.provide(live))

    await expect(Effect.runPromise(Effect.flip(program))).resolves.toMatchObject({ _tag: "StoreUnavailable" })
    await run("bash", [script], { env: { ...process.env, MINYI_PG_DIR: effectDir, MINYI_PG_PORT: String(port) }, timeout: 180_000 })
    const handled = await Effect.runPromise(program)
    expect(handled.events.length).toBeGreaterThan(0)
  }, 240_000)
})
