import { inputContract, storeContract, tamperContract } from "@minyi/testkit"
import type { StoreHarness } from "@minyi/testkit"
import { afterAll } from "vitest"
import { layer } from "../src/index.js"
import { describePg, dropSchema, freshSchema, sql } from "./support.js"

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
  tamperContract({
    ...harness,
    tamper: async (schema, kind, petitionId, version) => {
      const where = "WHERE stream_id = $1 AND version = $2"
      if (kind === "edit") {
        await sql(url, `UPDATE ${schema}.minyi_events SET data = replace(data::text, '垃圾站异味', '已处理完毕')::jsonb ${where}`, [petitionId, version])
      } else {
        await sql(url, `DELETE FROM ${schema}.minyi_events ${where}`, [petitionId, version])
      }
    }
  })
})
