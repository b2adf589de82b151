// The portal end to end: a real fastify server on a loopback port, minyi over a real SQLite file,
// the public pages driven in headless Chromium (Debian's chromium through playwright-core), the
// staff API through fetch. Screenshots go to examples/portal-fastify/artifacts/ for people to look at.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Browser, Page } from "playwright-core"
import { chromium } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { rulePackPresets } from "@minyi/core"
import type { Portal } from "../src/portal.js"
import { createPortal } from "../src/portal.js"
import { trackingCodePattern } from "../src/intake.js"

const artifacts = join(import.meta.dirname, "..", "artifacts")
const dir = mkdtempSync(join(tmpdir(), "minyi-portal-"))
const dbPath = join(dir, "portal.sqlite")
const packsDir = join(dir, "packs")

let portal: Portal
let base: string
let browser: Browser

const start = async () => {
  portal = createPortal({ dbPath, packsDir, scheduler: false })
  base = await portal.app.listen({ port: 0, host: "127.0.0.1" })
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true })
  await start()
  browser = await chromium.launch({ executablePath: process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium", args: ["--no-sandbox"] })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await portal?.close()
  rmSync(dir, { recursive: true, force: true })
})

/**
 * A page that records console errors and failed loads of what a page needs, so a broken page
 * cannot pass quietly. A page itself answered 400 or 404 is meant (the form with its problems, an
 * unknown code); Chromium logs those as console errors too, so those lines are left to `response`.
 */
const openPage = async (headers: Record<string, string> = {}) => {
  const context = await browser.newContext({ viewport: { width: 800, height: 1100 }, extraHTTPHeaders: headers })
  const page = await context.newPage()
  const problems: Array<string> = []
  page.on("console", (m) => {
    if (m.type() === "error" && m.text().startsWith("Failed to load resource")) return
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`)
  })
  page.on("response", (r) => {
    if (r.status() >= 400 && r.request().resourceType() !== "document") problems.push(`${r.status()} ${r.url()}`)
  })
  page.on("requestfailed", (r) => problems.push(`failed: ${r.url()}`))
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`))
  return { page, problems, close: () => context.close() }
}

const fieldError = (page: Page, field: string) => page.locator(`[data-field="${field}"] .field-error`)

const staff = (token: string) => (method: "GET" | "POST", path: string, body?: unknown) =>
  fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  }).then(async (r) => ({ status: r.status, body: Object(await r.json()) }))

const dispatcher = staff("demo-dispatcher")
const urbanHead = staff("demo-urban-head")
const ecology = staff("demo-ecology-handler")
const housingHead = staff("demo-housing-head")
const centreHead = staff("demo-centre-head")

/** Submits the intake form in the browser and answers the tracking code it shows. */
const submitInBrowser = async (page: Page, fields: { readonly title: string; readonly name?: string; readonly phone?: string }) => {
  await page.goto(`${base}/intake?place=community.yuanling.hongli`)
  await page.selectOption("#category", "city-management.sanitation.refuse-odour")
  await page.fill("#title", fields.title)
  await page.fill("#content", "小区旁垃圾站异味严重，夏天尤甚")
  if (fields.name !== undefined) await page.fill("#name", fields.name)
  if (fields.phone !== undefined) await page.fill("#phone", fields.phone)
  await page.click("button[type=submit]")
  await page.waitForURL(/\/submitted\//)
  return (await page.locator("#tracking-code").textContent())?.trim() ?? ""
}

describe("the public pages in Chromium", () => {
  it("shows minyi's problems under their fields, in Chinese, then in English on request", async () => {
    const { page, problems, close } = await openPage()
    try {
      await page.goto(`${base}/intake`)
      await page.fill("#phone", "12345")
      await page.click("button[type=submit]")
      await expect(page.title()).resolves.toBe("扫码反映")
      for (const field of ["category", "jurisdiction", "title", "content", "phone"]) {
        await expect(fieldError(page, field).count(), field).resolves.toBeGreaterThan(0)
      }
      // The text under the phone field is minyi's own message for /petitioner/phone, without the path.
      const phoneError = (await fieldError(page, "phone").first().textContent()) ?? ""
      expect(phoneError).toMatch(/手机|电话/)
      expect(phoneError).not.toContain("/petitioner")
      // What was typed stays in the form.
      await expect(page.inputValue("#phone")).resolves.toBe("12345")
      await page.screenshot({ path: join(artifacts, "intake-errors.png"), fullPage: true })

      // An anonymous petition with a name is refused under the anonymous box.
      await page.selectOption("#category", "city-management.sanitation.refuse-odour")
      await page.selectOption("#jurisdiction", "community.yuanling.hongli")
      await page.fill("#title", "垃圾站异味")
      await page.fill("#content", "异味严重")
      await page.fill("#phone", "")
      await page.fill("#name", "李秀英")
      await page.check("#anonymous")
      await page.click("button[type=submit]")
      await expect(fieldError(page, "anonymous").count()).resolves.toBe(1)
      await expect(fieldError(page, "title").count()).resolves.toBe(0)

      await page.goto(`${base}/intake?lang=en`)
      await page.click("button[type=submit]")
      await expect(page.title()).resolves.toBe("Raise a matter (QR code)")
      const titleError = (await fieldError(page, "title").first().textContent()) ?? ""
      expect(titleError).toMatch(/[a-z]/)
      expect(titleError).not.toMatch(/[\u4e00-\u9fff]/)
      await page.screenshot({ path: join(artifacts, "intake-errors-en.png"), fullPage: true })
      expect(problems).toEqual([])
    } finally {
      await close()
    }
  }, 120_000)

  it("takes a petition from the form and shows its tracking code and status, with nothing personal on it", async () => {
    const { page, problems, close } = await openPage()
    try {
      const code = await submitInBrowser(page, { title: "垃圾站异味", name: "李秀英", phone: "13912345678" })
      expect(code).toMatch(trackingCodePattern)
      await page.screenshot({ path: join(artifacts, "submitted.png"), fullPage: true })

      await page.click("#track-link")
      await page.waitForURL(new RegExp(`/track/${code}$`))
      await expect(page.locator("#status").textContent()).resolves.toBe("已派单")
      const steps = await page.locator("#timeline li").allTextContents()
      expect(steps.some((s) => s.includes("您的诉求已登记"))).toBe(true)
      expect(steps.some((s) => s.includes("已派至城市管理和综合执法局办理"))).toBe(true)
      const html = await page.content()
      for (const personal of ["李秀英", "13912345678", "139****5678", "5678", "小区旁垃圾站异味严重"]) expect(html).not.toContain(personal)
      await page.screenshot({ path: join(artifacts, "status.png"), fullPage: true })

      await page.click("header a[hreflang=en]")
      await page.waitForURL(new RegExp(`/track/${code}\\?lang=en$`))
      await expect(page.locator("#status").textContent()).resolves.toBe("dispatched")
      await expect(page.locator("#timeline").textContent()).resolves.toContain("Sent to Urban Management and Law Enforcement Bureau to handle")

      // The petition really is in the engine, with the identity kept (masked in reads).
      const state = await portal.minyi.state(code)
      expect(state.channel).toBe("channel.wechat-qr")
      expect(String(state.petitioner?.phone)).not.toContain("13912345678")

      // The lookup form, with the code typed in lower case.
      await page.goto(`${base}/track`)
      await page.fill("#code", code.toLowerCase())
      await page.click("button[type=submit]")
      await page.waitForURL(new RegExp(`/track/${code}$`))
      await expect(page.locator("#code").textContent()).resolves.toBe(code)
      await page.goto(`${base}/track/?code=`)
      await expect(page.locator("input#code").count()).resolves.toBe(1)

      await page.goto(`${base}/track/QR-0000000000`)
      await expect(page.locator("[role=alert]").textContent()).resolves.toContain("不存在")
      await page.goto(`${base}/track/FT-2026-0001`)
      await expect(page.locator("[role=alert]").textContent()).resolves.toContain("不存在")
      expect(problems).toEqual([])
    } finally {
      await close()
    }
  }, 120_000)
})

describe("the intake form posted twice", () => {
  it("gives the first petition back, not a second one", async () => {
    const first = await portalSubmit("重复提交", "double-click")
    const again = await portalSubmit("重复提交", "double-click")
    expect(again).toBe(first)
    expect(first).toMatch(trackingCodePattern)
    expect((await portal.minyi.history(first)).filter((e) => e._tag === "Submitted")).toHaveLength(1)
  })
})

describe("the staff API", () => {
  const submitted = async (title: string) => {
    const { page, close } = await openPage()
    try {
      return await submitInBrowser(page, { title })
    } finally {
      await close()
    }
  }

  it("lets the lead accept and resolve once the co-handler reported, refusing the rest with the status httpStatusOf gives", async () => {
    const code = await submitted("垃圾站夜间异味")
    expect((await fetch(`${base}/api/staff/queue`)).status).toBe(401)

    const queue = await urbanHead("GET", "/api/staff/queue?status=dispatched")
    expect(queue.status).toBe(200)
    const item = queue.body.items.find((i: { readonly petitionId: string }) => i.petitionId === code)
    expect(item).toMatchObject({ status: "dispatched", lead: "dept.urban-management", coHandlers: ["dept.ecology"] })

    expect(await housingHead("POST", `/api/staff/petitions/${code}/accept`, {})).toMatchObject({ status: 403, body: { error: "NotAuthorised" } })
    expect((await urbanHead("POST", `/api/staff/petitions/${code}/accept`, {})).body).toMatchObject({ status: "in_progress", events: ["Accepted"] })

    const checklist = { problemSolved: true, explanationGiven: true, assistanceGiven: true, unlawfulConductDealtWith: true }
    const early = await urbanHead("POST", `/api/staff/petitions/${code}/resolve`, { summary: "已清运并除臭", checklist })
    expect(early).toMatchObject({ status: 409, body: { error: "PartsOutstanding" } })
    expect(early.body.message).toContain("生态环境局")

    const malformed = await urbanHead("POST", `/api/staff/petitions/${code}/resolve?lang=en`, { summary: "已清运", checklist: { problemSolved: "yes" } })
    expect(malformed.status).toBe(400)
    expect(malformed.body.problems.map((p: { readonly path: string }) => p.path)).toEqual(expect.arrayContaining(["/checklist/problemSolved", "/checklist/explanationGiven"]))

    expect((await ecology("POST", `/api/staff/petitions/${code}/part`, { summary: "已监测空气质量" })).status).toBe(200)
    expect((await urbanHead("POST", `/api/staff/petitions/${code}/resolve`, { summary: "已清运并除臭", checklist })).body).toMatchObject({ status: "resolved" })
    expect((await urbanHead("POST", "/api/staff/petitions/QR-0000000000/accept", {})).status).toBe(404)

    const page = await fetch(`${base}/track/${code}`).then((r) => r.text())
    expect(page).toContain("已办结，请留意回访")
  }, 120_000)

  it("sends a returned petition back to the dispatch centre's queue, to be dispatched again", async () => {
    const code = await submitted("垃圾站异味（退单）")
    const missing = await urbanHead("POST", `/api/staff/petitions/${code}/return`, {})
    expect(missing).toMatchObject({ status: 400, body: { error: "InvalidInput" } })
    expect(missing.body.problems.map((p: { readonly path: string }) => p.path)).toEqual(["/reason"])

    expect((await urbanHead("POST", `/api/staff/petitions/${code}/return`, { reason: "属住建部门职责" })).body).toMatchObject({ status: "received", lead: null })
    const queue = await dispatcher("GET", "/api/staff/queue?status=received")
    expect(queue.body.items.map((i: { readonly petitionId: string }) => i.petitionId)).toContain(code)
    expect((await urbanHead("POST", `/api/staff/petitions/${code}/dispatch`, { lead: "dept.housing" })).status).toBe(403)
    expect((await dispatcher("POST", `/api/staff/petitions/${code}/dispatch`, { lead: "dept.housing" })).body).toMatchObject({ status: "dispatched", lead: "dept.housing" })

    const page = await fetch(`${base}/track/${code}`).then((r) => r.text())
    expect(page).toContain("承办单位退回，正在重新派单")
    expect(page).toContain("已派至住房和建设局办理")
    expect(page).not.toContain("属住建部门职责")
  }, 120_000)

  it("shows the daily report to a signed-in leader, in Chromium", async () => {
    const { page, problems, close } = await openPage({ authorization: "Bearer demo-district-head" })
    try {
      const response = await page.goto(`${base}/reports/daily`)
      expect(response?.status()).toBe(200)
      await expect(page.title()).resolves.toMatch(/^民情日报 \d{4}-\d{2}-\d{2}$/)
      const bars = await page.locator("svg#chart-channels rect.bar").count()
      expect(bars).toBeGreaterThan(0)
      // The petitions this run took in, under the channel they came by.
      await expect(page.locator("svg#chart-channels").textContent()).resolves.toContain("民意速办扫码")
      await page.screenshot({ path: join(artifacts, "daily-report.png"), fullPage: true })
      expect(problems).toEqual([])
    } finally {
      await close()
    }
    expect((await fetch(`${base}/reports/daily`)).status).toBe(401)
    const badDate = await staff("demo-district-head")("GET", "/reports/daily?date=2026-02-30")
    expect(badDate).toMatchObject({ status: 400, body: { error: "InvalidInput" } })
    expect(badDate.body.problems[0].path).toBe("/date")
  }, 120_000)
})

describe("publishing a rule-pack version through the portal", () => {
  it("applies it to new petitions, keeps the earlier ones pinned, and loads it again after a restart", async () => {
    const before = await portalSubmit("发布前")
    const effectiveFrom = new Date(Date.now() - 60_000).toISOString()
    const source: { readonly clocks: ReadonlyArray<{ readonly name: string }> } = Object(rulePackPresets["futian-10-30-24"])
    const v2 = { ...source, version: "2026.2", effectiveFrom, clocks: source.clocks.map((c) => (c.name === "feedback" ? { ...c, limit: "PT15M" } : c)) }

    expect(await urbanHead("POST", "/api/staff/rule-packs", v2)).toMatchObject({ status: 403, body: { error: "NotPublisher" } })
    const published = await centreHead("POST", "/api/staff/rule-packs", v2)
    expect(published.status).toBe(201)
    expect(published.body.versions.map((v: { readonly version: string }) => v.version)).toEqual(["2022.1", "2026.2"])
    expect(await centreHead("POST", "/api/staff/rule-packs", v2)).toMatchObject({ status: 400, body: { error: "PublishRefused" } })
    expect(readdirSync(packsDir)).toEqual(["2026.2.json"])

    const after = await portalSubmit("发布后")
    expect((await portal.minyi.state(before)).rulePack?.version).toBe("2022.1")
    expect((await portal.minyi.state(after)).rulePack?.version).toBe("2026.2")

    await portal.close()
    await start()
    expect((await portal.minyi.rulePacks()).versions.map((v) => v.version)).toEqual(["2022.1", "2026.2"])
    expect((await portal.minyi.state(after)).rulePack?.version).toBe("2026.2")
    const page = await fetch(`${base}/track/${before}`).then((r) => r.text())
    expect(page).toContain("您的诉求已登记")
  }, 120_000)
})

/** The intake form posted as a browser posts it, for tests about what happens after. */
let forms = 0
const portalSubmit = async (title: string, submission = `test-form-${++forms}`): Promise<string> => {
  const form = new URLSearchParams({
    submission,
    category: "city-management.sanitation.refuse-odour",
    jurisdiction: "community.yuanling.hongli",
    title,
    content: "异味",
    anonymous: "on"
  })
  const response = await fetch(`${base}/intake`, { method: "POST", body: form, redirect: "manual" })
  expect(response.status).toBe(303)
  return decodeURIComponent(response.headers.get("location")?.split("/").at(-1) ?? "")
}
