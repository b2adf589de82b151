import { Storage } from "@minyi/core"
import { inputContract, storeContract } from "@minyi/testkit"
import type { StoreHarness } from "@minyi/testkit"

let locations = 0

const memory: StoreHarness = {
  name: "in-memory (core)",
  capabilities: { durable: false, concurrentWriters: false, multiProcess: false },
  newLocation: () => `memory-${++locations}`,
  open: (_location, options) => Storage.layerMemory(options)
}
storeContract(memory)
inputContract(memory)
