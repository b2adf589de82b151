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
  tamper: async (path, kind, petitionId, version) => {
    const db = new Database(path)
    try {
      const where = "WHERE stream_id = ? AND version = ?"
      if (kind === "edit") db.prepare(`UPDATE events SET data = replace(data, '垃圾站异味', '已处理完毕') ${where}`).run(petitionId, version)
      else db.prepare(`DELETE FROM events ${where}`).run(petitionId, version)
    } finally {
      db.close()
    }
  }
})

storeContract({
  name: "SQLite :memory:",
  capabilities: { durable: false, concurrentWriters: false, multiProcess: false },
  newLocation: () => ":memory:",
  open: (path, { retry }) => layer({ path, retry })
})
