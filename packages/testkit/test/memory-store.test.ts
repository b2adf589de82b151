import { Storage } from "@minyi/core"
import { storeContract } from "@minyi/testkit"

let locations = 0

storeContract({
  name: "in-memory (core)",
  capabilities: { durable: false, concurrentWriters: false, multiProcess: false },
  newLocation: () => `memory-${++locations}`,
  open: (_location, options) => Storage.layerMemory(options)
})
