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
    rows: async (schema, petitionId) =>
      (await sql(url, `SELECT version, data FROM ${schema}.minyi_events WHERE stream_id = $1 ORDER BY version`, [petitionId])).rows.map(
        (r: { version: number; data: unknown }) => ({ version: r.version, data: r.data })
      ),
    rewrite: async (schema, petitionId, version, data) =>
      void (await sql(url, `UPDATE ${schema}.minyi_events SET data = $3::jsonb WHERE stream_id = $1 AND version = $2`, [petitionId, version, JSON.stringify(data)])),
    remove: async (schema, petitionId, version) =>
      void (await sql(url, `DELETE FROM ${schema}.minyi_events WHERE stream_id = $1 AND version = $2`, [petitionId, version])),
    setHead: async (schema, petitionId, head) =>
      void (await sql(url, `UPDATE ${schema}.minyi_stream_heads SET version = $2, hash = $3, seal = $4 WHERE stream_id = $1`, [petitionId, head.version, head.hash, head.seal])),
    forgetHeads: async (schema) =>
      void (await sql(url, `DROP TABLE ${schema}.minyi_stream_heads; UPDATE ${schema}.minyi_meta SET value = '3' WHERE key = 'schema_version'`))
  })
})
