// The daily report's HTML page in a real browser (Debian's chromium, driven by playwright-core):
// the charts render, nothing is fetched from the network, the console stays clean. The page and a
// screenshot are kept under test/artifacts/ for a person to look at.
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { Reports } from "@minyi/core"
import { chromium } from "playwright-core"
import { describe, expect, it } from "vitest"
import { directory, generated } from "./support.js"

const DAY = 86_400_000
const artifacts = join(import.meta.dirname, "..", "artifacts")

describe("the daily report in Chromium", () => {
  it("renders the trend, channel and risen-category charts with no console errors and no network", async () => {
    const from = Reports.startOfLocalDate("2026-03-02")!
    const { histories, minyi } = await generated({ from, days: 9, perDay: 30, seed: 7 })
    await minyi.dispose()
    const date = from + 8 * DAY
    const figures = Reports.figuresFromHistories(histories, { directory, from: date, to: date + DAY, clocks: ["feedback", "contact", "handler-named", "first-round"] })
    const html = Reports.renderHtml(Reports.dailyReport(figures, { directory, date: "2026-03-10" }))
    mkdirSync(artifacts, { recursive: true })
    const file = join(artifacts, "daily-report.html")
    writeFileSync(file, html)

    const browser = await chromium.launch({ executablePath: process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium", args: ["--no-sandbox"] })
    try {
      const page = await browser.newPage({ viewport: { width: 820, height: 1200 } })
      const problems: Array<string> = []
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`)
      })
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`))
      const fetched: Array<string> = []
      await page.route("**/*", (route) => {
        const url = route.request().url()
        if (url.startsWith("file:")) return route.continue()
        fetched.push(url)
        return route.abort()
      })
      await page.goto(pathToFileURL(file).href)
      for (const id of ["chart-trend", "chart-channels", "chart-risen"]) {
        const chart = page.locator(`svg#${id}`)
        const box = await chart.boundingBox()
        expect(box, id).not.toBeNull()
        expect(box!.width, id).toBeGreaterThan(100)
        expect(box!.height, id).toBeGreaterThan(20)
        const bars = await chart.locator("rect.bar").evaluateAll((rects) => rects.map((r) => r.getBoundingClientRect()).filter((b) => b.width > 0 && b.height > 0).length)
        expect(bars, id).toBeGreaterThan(0)
      }
      // A bar per day of the trend: the baseline week and the day itself.
      expect(await page.locator("svg#chart-trend rect.bar").count()).toBe(figures.trend.length)
      await expect(page.title()).resolves.toBe("民情日报 2026-03-10")
      await page.screenshot({ path: join(artifacts, "daily-report.png"), fullPage: true })
      expect(problems).toEqual([])
      expect(fetched).toEqual([])
    } finally {
      await browser.close()
    }
  }, 300_000)
})
