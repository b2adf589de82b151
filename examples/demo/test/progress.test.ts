import { describe, expect, it } from "vitest"
import { progress } from "../src/progress.js"

const capture = (isTTY: boolean) => {
  const written: Array<string> = []
  return { stream: { isTTY, write: (text: string) => written.push(text) }, written }
}

describe("the demo's progress", () => {
  it("redraws one bar in place on a terminal, only when the percentage changes, and ends the line when done", () => {
    const { stream, written } = capture(true)
    const bar = progress("模拟 simulating", stream)
    for (let done = 0; done <= 1000; done++) bar.update(done, 4000)
    bar.done()
    expect(written.every((w) => w.startsWith("\r") || w === "\n")).toBe(true)
    // 0 … 25% while updating, then 100% from done(): one frame each.
    expect(written).toHaveLength(26 + 1 + 1)
    expect(written[0]).toBe(`\r模拟 simulating [${"░".repeat(30)}]   0%`)
    expect(written.at(-2)).toBe(`\r模拟 simulating [${"█".repeat(30)}] 100%`)
    expect(written.at(-1)).toBe("\n")
  })

  it("writes a plain line per tenth when not on a terminal, ending at 100%", () => {
    const { stream, written } = capture(false)
    const bar = progress("模拟 simulating", stream)
    for (let done = 0; done <= 97; done++) bar.update(done, 100)
    bar.done()
    expect(written).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((p) => `模拟 simulating ${p}%\n`))
  })
})
