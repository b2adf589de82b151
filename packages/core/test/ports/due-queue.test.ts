import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { DueQueue } from "../../src/ports/due-queue.js"

type Op = { op: "set"; key: string; at: number } | { op: "delete"; key: string } | { op: "take"; now: number; limit: number }

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("set" as const), key: fc.constantFrom("a", "b", "c", "d", "e", "f"), at: fc.integer({ min: 0, max: 50 }) }),
  fc.record({ op: fc.constant("delete" as const), key: fc.constantFrom("a", "b", "c", "d", "e", "f") }),
  fc.record({ op: fc.constant("take" as const), now: fc.integer({ min: 0, max: 60 }), limit: fc.integer({ min: 1, max: 4 }) })
)

describe("DueQueue", () => {
  it("behaves like a sorted list of (instant, insertion order) with replace and delete", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const queue = new DueQueue()
        let model: Array<{ key: string; at: number; seq: number }> = []
        let seq = 0
        for (const o of ops) {
          if (o.op === "set") {
            model = model.filter((e) => e.key !== o.key).concat({ key: o.key, at: o.at, seq: seq++ })
            queue.set(o.key, o.at)
          } else if (o.op === "delete") {
            model = model.filter((e) => e.key !== o.key)
            queue.delete(o.key)
          } else {
            const due = model.filter((e) => e.at <= o.now).sort((x, y) => x.at - y.at || x.seq - y.seq).slice(0, o.limit)
            expect(queue.takeDue(o.now, o.limit)).toEqual(due.map((e) => e.key))
            model = model.filter((e) => !due.includes(e))
          }
          const earliest = [...model].sort((x, y) => x.at - y.at || x.seq - y.seq)[0]
          expect(queue.peek()?.key).toBe(earliest?.key)
          expect(queue.size).toBe(model.length)
        }
      }),
      { numRuns: 300 }
    )
  })

  it("keeps its heap bounded when the same keys are moved over and over", () => {
    const queue = new DueQueue()
    for (let i = 0; i < 100_000; i++) queue.set(`k${i % 10}`, i)
    expect(queue.size).toBe(10)
    expect(queue.takeDue(Number.MAX_SAFE_INTEGER, 100)).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`))
    expect((queue as unknown as { heap: Array<unknown> }).heap.length).toBeLessThan(2_000)
  })
})
