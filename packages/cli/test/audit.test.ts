// `minyi audit verify` and `minyi audit seal` against real stores: a SQLite file and a PostgreSQL
// schema written by an engine, then changed by appending an event the engine did not write.
import { mkdtempSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Storage } from "@minyi/core"
import { createMinyi, EventStore, sampleDirectory } from "@minyi/core"
import * as PgStore from "@minyi/store-postgres"
import * as SqliteStore from "@minyi/store-sqlite"
import { sampleSubmit } from "@minyi/testkit"
import { Effect, Layer, Redacted } from "effect"
import { afterAll, afterEach, describe, expect, it } from "vitest"
import type { CliIO, Lang } from "../src/index.js"
import { runCli } from "../src/index.js"
import { describePg, dropSchema, freshSchema } from "../../store-postgres/test/support.js"

const dir = mkdtempSync(join(tmpdir(), "minyi-cli-audit-"))
const T0 = Date.parse("2026-03-02T09:00:00+08:00")
const chainKey = "cli-audit-chain-key"

const run = async (args: ReadonlyArray<string>, lang: Lang = "zh-CN") => {
  const [out, err]: [Array<string>, Array<string>] = [[], []]
  const io: CliIO = { lang, out: (l) => void out.push(l), err: (l) => void err.push(l), readText: (p) => readFile(p, "utf8"), cwd: dir }
  const code = await runCli(args, io)
  return { code, out: out.join("\n"), err: err.join("\n") }
}

afterEach(() => {
  delete process.env["MINYI_CHAIN_KEY"]
  delete process.env["MINYI_CHAIN_KEY_PREVIOUS"]
})

/** Two petitions handled by an engine that seals heads with the chain key. */
const populate = async (store: Layer.Layer<Storage, unknown>): Promise<void> => {
  const minyi = createMinyi({ directory: sampleDirectory(), rulePack: "futian-10-30-24", store, engine: { chainKey: Redacted.make(chainKey) } })
  try {
    for (const id of ["a-1", "a-2"]) await minyi.handle(sampleSubmit(id, T0))
  } finally {
    await minyi.dispose()
  }
}

/** Appends a copy of a-2's first event (version 1 inside) as a new event, without moving the head: a write past the engine. */
const forge = (store: Layer.Layer<Storage, unknown>) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.provide(
        EventStore.use((s) =>
          Effect.gen(function*() {
            const rows = yield* s.readStream("a-2")
            const first = rows[0]!
            yield* s.append({
              streamId: "a-2",
              expectedVersion: rows.length,
              events: [{ eventId: "forged", type: first.type, at: first.at, data: first.data }],
              outbox: [],
              timers: { schedule: [], cancel: [] }
            })
          })
        ),
        store
      )
    )
  )

const checkStore = (db: string, store: () => Layer.Layer<Storage, unknown>, extra: ReadonlyArray<string> = []) => async () => {
  await populate(store())
  process.env["MINYI_CHAIN_KEY"] = chainKey
  const clean = await run(["audit", "verify", "--db", db, ...extra])
  expect(clean.code).toBe(0)
  expect(clean.out).toMatch(/^OK {8}a-1 {2}v\d+ {2}[0-9a-f]{64}$/m)
  expect(clean.out).toContain("共 2 件：2 件通过，0 件被篡改")
  const digest = /([0-9a-f]{64})$/m.exec(clean.out.split("\n").find((l) => l.startsWith("链头摘要")) ?? "")?.[1]
  expect(digest).toMatch(/^[0-9a-f]{64}$/)

  const json = await run(["audit", "verify", "--db", db, ...extra, "--format", "json"])
  const report = JSON.parse(json.out) as { ok: number; tampered: number; digest: string; sealsChecked: boolean; petitions: Array<{ petitionId: string; sealed: boolean }> }
  expect(report).toMatchObject({ ok: 2, tampered: 0, digest, sealsChecked: true })
  expect(report.petitions.map((p) => [p.petitionId, p.sealed])).toEqual([["a-1", true], ["a-2", true]])

  // The seal is checked with the key only: a wrong key finds every head's seal wrong.
  process.env["MINYI_CHAIN_KEY"] = "not-the-key"
  const wrongKey = await run(["audit", "verify", "--db", db, ...extra], "en")
  expect(wrongKey.code).toBe(1)
  expect(wrongKey.out).toContain("the head's keyed seal does not match")
  process.env["MINYI_CHAIN_KEY"] = chainKey

  await forge(store())
  const tampered = await run(["audit", "verify", "--db", db, ...extra], "en")
  expect(tampered.code).toBe(1)
  expect(tampered.out).toMatch(/^TAMPERED {2}a-2 {2}v\d+ {2}[0-9a-f]{64} {2}at event 3: a version is missing or out of order$/m)
  expect(tampered.out).toMatch(/^OK {8}a-1/m)
  expect(tampered.out).toContain("2 petitions: 1 verified, 1 tampered")
  // The heads did not move, so the digest an auditor kept still matches: the rows changed, not the anchors.
  expect(tampered.out).toContain(digest!)

  const sealed = await run(["audit", "seal", "--db", db, ...extra, "--format", "json"])
  expect(sealed.code).toBe(1)
  expect(JSON.parse(sealed.out)).toMatchObject({ sealed: 0, current: 1, tampered: [{ petitionId: "a-2", reason: "version_gap" }] })
}

describe("minyi audit", () => {
  it("verify on a SQLite file: OK per petition with its anchor and a digest; a raw append is TAMPERED (exit 1)", checkStore("audit.db", () => SqliteStore.layer({ path: join(dir, "audit.db") })))

  it("explains itself and refuses what it cannot use", async () => {
    const helped = await run(["audit", "--help"], "en")
    expect(helped.code).toBe(0)
    expect(helped.out).toContain("minyi audit verify --db")
    expect((await run(["audit", "verify"])).code).toBe(2)
    expect((await run(["audit", "verify", "--db", "missing.db"], "en")).err).toContain("the file missing.db does not exist")
    expect((await run(["audit", "verify", "--db", "x.db", "--format", "xml"])).code).toBe(2)
    const unkeyed = await run(["audit", "seal", "--db", "audit.db"], "en")
    expect(unkeyed.code).toBe(2)
    expect(unkeyed.err).toContain("MINYI_CHAIN_KEY")
  })
})

describePg("minyi audit on PostgreSQL", (url) => {
  const schema = freshSchema()
  afterAll(() => dropSchema(url, schema))
  it("verify on a PostgreSQL URL and schema: the same checks as on SQLite", checkStore(url, () => PgStore.layer({ connectionString: url, schema, poolSize: 2 }), ["--schema", schema]))
})
