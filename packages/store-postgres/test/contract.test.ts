import { storeContract } from "@minyi/testkit"
import { afterAll } from "vitest"
import { layer } from "../src/index.js"
import { describePg, dropSchema, freshSchema } from "./support.js"

describePg("PostgreSQL", (url) => {
  const schemas: Array<string> = []
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(url, schema)
  })
  storeContract({
    name: "PostgreSQL",
    capabilities: { durable: true, concurrentWriters: true, multiProcess: true },
    newLocation: () => {
      const schema = freshSchema()
      schemas.push(schema)
      return schema
    },
    open: (schema, { retry }) => layer({ connectionString: url, schema, retry, poolSize: 4 })
  })
})
