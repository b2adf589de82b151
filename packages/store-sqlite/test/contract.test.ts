import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { layer } from "@minyi/store-sqlite"
import { inputContract, storeContract } from "@minyi/testkit"
import type { StoreHarness } from "@minyi/testkit"
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

storeContract({
  name: "SQLite :memory:",
  capabilities: { durable: false, concurrentWriters: false, multiProcess: false },
  newLocation: () => ":memory:",
  open: (path, { retry }) => layer({ path, retry })
})
