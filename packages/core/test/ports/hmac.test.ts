import { createHmac } from "node:crypto"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { hmacSha256Hex } from "../../src/shared/hmac.js"

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)))
const repeat = (byte: number, n: number) => new Uint8Array(n).fill(byte)

// RFC 4231 §4: every test case with a full-length HMAC-SHA-256 output (case 5 truncates to 128 bits).
const vectors: ReadonlyArray<{ readonly name: string; readonly key: Uint8Array; readonly data: Uint8Array | string; readonly mac: string }> = [
  { name: "4.2 (20-byte key)", key: repeat(0x0b, 20), data: "Hi There", mac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
  { name: "4.3 (key shorter than the output)", key: new TextEncoder().encode("Jefe"), data: "what do ya want for nothing?", mac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
  { name: "4.4 (50 bytes of 0xdd)", key: repeat(0xaa, 20), data: repeat(0xdd, 50), mac: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
  {
    name: "4.5 (25-byte key, 50 bytes of 0xcd)",
    key: hex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
    data: repeat(0xcd, 50),
    mac: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"
  },
  {
    name: "4.7 (131-byte key, longer than a block)",
    key: repeat(0xaa, 131),
    data: "Test Using Larger Than Block-Size Key - Hash Key First",
    mac: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
  },
  {
    name: "4.8 (131-byte key and data longer than a block)",
    key: repeat(0xaa, 131),
    data: "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
    mac: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
  }
]

describe("HMAC-SHA256", () => {
  for (const v of vectors) {
    it(`matches RFC 4231 test case ${v.name}`, () => {
      expect(hmacSha256Hex(v.key, v.data)).toBe(v.mac)
    })
  }

  it("agrees with node:crypto on keys and messages around the block size, in UTF-8", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 150, unit: "grapheme" }), fc.string({ maxLength: 300, unit: "grapheme" }), (key, message) => {
        expect(hmacSha256Hex(key, message)).toBe(createHmac("sha256", key).update(message, "utf8").digest("hex"))
      }),
      { numRuns: 300 }
    )
  })
})
