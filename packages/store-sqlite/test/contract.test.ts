import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { layer } from "@minyi/store-sqlite"
import { inputContract, storeContract, tamperContract } from "@minyi/testkit"
import type { StoreHarness } from "@minyi/testkit"
import Database from "better-sqlite3"
import { afterAll } from "vitest"

const dir = mkdtempSync(join(tmpdir(), "minyi-sqlite-contract-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0

/** A raw connection, as someone with access to the file has: no store, no engine. */
const withDb = <A>(path: string, work: (db: Database.Database) => A): A => {
  const db = new Database(path)
  try {
    return work(db)
  } finally {
    db.close()
  }
}

const file: StoreHarness = {
  name: "SQLite file",
  capabilities: { durable: true, concurrentWriters: true, multiProcess: true },
  newLocation: () => join(dir, `store-${++n}.db`),
  open: (path, { retry }) => layer({ path, retry })
}
storeContract(file)
inputContract(file)
tamperContract({
  ...file,
  rows: async (path, petitionId) => withDb(path, (db) =>
    (db.prepare("SELECT version, data FROM events WHERE stream_id = ? ORDER BY version").all(petitionId) as Array<{ version: number; data: string }>)
      .map((r) => ({ version: r.version, data: JSON.parse(r.data) as unknown }))
  ),
  rewrite: async (path, petitionId, version, data) =>
    withDb(path, (db) => void db.prepare("UPDATE events SET data = ? WHERE stream_id = ? AND version = ?").run(JSON.stringify(data), petitionId, version)),
  remove: async (path, petitionId, version) =>
    withDb(path, (db) => void db.prepare("DELETE FROM events WHERE stream_id = ? AND version = ?").run(petitionId, version)),
  setHead: async (path, petitionId, head) =>
    withDb(path, (db) => void db.prepare("UPDATE stream_heads SET version = ?, hash = ?, seal = ? WHERE stream_id = ?").run(head.version, head.hash, head.seal, petitionId)),
  forgetHeads: async (path) =>
    withDb(path, (db) => {
      db.exec("DROP TABLE stream_heads")
      db.pragma("user_version = 3")
    })
})

storeContract({
  name: "SQLite :memory:",
  capabilities: { durable: false, concurrentWriters: false, multiProcess: false },
  newLocation: () => ":memory:",
  open: (path, { retry }) => layer({ path, retry })
})
