import { describe, expect, it } from "vitest"
import * as core from "../../src/index.js"

// The package index is the public surface: what embedders may rely on, and nothing they should not.
describe("the public surface of petitions and shared helpers", () => {
  it("exports the petition API and the boundary helpers", () => {
    for (const name of ["decide", "evolve", "replay", "initialState", "verifyChain", "verifyContinuation", "decodeCommand", "decodeEvent", "encodeEvent", "ratingLabels", "decodeInput", "invalidInput", "InstantFromString", "parseInstant", "formatInstantWithOffset", "loadDirectory", "sampleDirectory", "describeRefusal", "describeInvalidInput", "describeError", "renderMessage", "lifecycle", "inputLimits"]) {
      expect(core, name).toHaveProperty(name)
    }
  })
  it("keeps internals inside: sealing, hashing and issue formatting", () => {
    for (const name of ["seal", "hashOf", "canonicalJson", "sha256Hex", "problemsOf", "toJsonPointer", "describeProblems"]) {
      expect(core, name).not.toHaveProperty(name)
    }
  })
})
