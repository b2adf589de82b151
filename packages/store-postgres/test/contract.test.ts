import { inputContract, storeContract } from "@minyi/testkit"
import type { StoreHarness } from "@minyi/testkit"
import { afterAll } from "vitest"
import { layer } from "../src/index.js"
import { describePg, dropSchema, freshSchema } from "./support.js"

describePg("PostgreSQL", (url) => {
  const schemas: Array<string> = []
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(url, schema)
  })
  const harness: StoreHarness = {
    name: "PostgreSQL",
    capabilities: { durable: true, concurrentWriters: true, multiProcess: true },
    newLocation: () => {
      const schema = freshSchema()
      schemas.push(schema)
      return schema
    },
    open: (schema, { retry }) => layer({ connectionString: url, schema, retry, poolSize: 4 })
  }
  storeContract(harness)
  // Bad input is InvalidInput before PostgreSQL sees it (it refuses a NUL itself, as a store failure).
  inputContract(harness)
})
