/**
 * The daily report on paper: JSON for machines, Markdown for chat and mail, and one HTML page
 * that works offline (inline CSS and SVG, no scripts, no fonts or images fetched).
 */
import { statusLabels } from "../petition/index.js"
import { formatInstantWithOffset } from "../shared/instant.js"
import type { DailyCase, DailyReport, Name } from "./daily.js"
import type { Hotspot, RateFigure } from "./figures.js"
import { formatRate } from "./formulas.js"
import { CHINA_OFFSET_MINUTES } from "./oracle.js"

export type ReportLang = "zh-CN" | "en"

const L = {
  title: { zh: "民情日报", en: "Daily Public Opinion Report" },
  scope: { zh: "范围", en: "Scope" },
  overview: { zh: "总览", en: "Overview" },
  received: { zh: "受理量", en: "Received" },
  response: { zh: "响应率", en: "Response rate" },
  resolution: { zh: "解决率", en: "Resolution rate" },
  satisfaction: { zh: "满意率", en: "Satisfaction rate" },
  closure: { zh: "办结率", en: "Closure rate" },
  trend: { zh: "每日受理趋势", en: "Daily intake" },
  channels: { zh: "渠道分布", en: "By channel" },
  channel: { zh: "渠道", en: "Channel" },
  closed: { zh: "办结", en: "Closed" },
  categories: { zh: "分类分布", en: "By category" },
  category: { zh: "分类", en: "Category" },
  streets: { zh: "街道分布", en: "By street" },
  street: { zh: "街道", en: "Street" },
  count: { zh: "件数", en: "Count" },
  risen: { zh: "上升的热点分类", en: "Categories that rose" },
  hotCommunities: { zh: "热点社区", en: "Hot communities" },
  community: { zh: "社区", en: "Community" },
  baseline: { zh: "前7日日均", en: "Prev. 7-day daily avg" },
  rise: { zh: "升幅", en: "Rise" },
  sla: { zh: "时限达标", en: "Deadline compliance" },
  clock: { zh: "时限", en: "Clock" },
  breached: { zh: "超时", en: "Breached" },
  compliance: { zh: "达标率", en: "Compliance" },
  work: { zh: "吹哨、包案、走访", en: "Whistles, owned cases, visits" },
  whistles: { zh: "吹哨报到", en: "Whistles" },
  whistleResponse: { zh: "报到率", en: "Report-for-duty rate" },
  owned: { zh: "提级包案", en: "Owned cases" },
  ownedResolved: { zh: "已化解", en: "resolved" },
  visits: { zh: "家访接访（批次/人次）", en: "Visits (batches / persons)" },
  overdue: { zh: "超期件", en: "Overdue" },
  repeats: { zh: "重复件", en: "Repeats" },
  proactive: { zh: "未诉先办", en: "Proactive cases" },
  returns: { zh: "退单（按单位）", en: "Returns by unit" },
  unit: { zh: "单位", en: "Unit" },
  cases: { zh: "疑难件", en: "Difficult cases" },
  petition: { zh: "信访件", en: "Petition" },
  status: { zh: "状态", en: "Status" },
  tier: { zh: "层级", en: "Tier" },
  owner: { zh: "包案领导", en: "Owner" },
  lead: { zh: "牵头单位", en: "Lead unit" },
  next: { zh: "下一期限", en: "Next deadline" },
  none: { zh: "无", en: "none" },
  shown: { zh: "仅列前", en: "showing the first" },
  of: { zh: "件，共", en: "of" },
  privacy: { zh: "本报告不含信访人个人信息。", en: "This report contains no petitioner's personal data." }
} as const satisfies Record<string, Name>

const t = (lang: ReportLang, n: Name): string => (lang === "en" ? n.en : n.zh)

const namer = (report: DailyReport, lang: ReportLang) => (id: string | null): string => {
  if (id === null) return "—"
  const n = report.names[id]
  return n === undefined ? id : t(lang, n)
}

const statusName = (status: string): Name => Object.entries(statusLabels).find(([k]) => k === status)?.[1] ?? { zh: status, en: status }
const clockName = (report: DailyReport, lang: ReportLang, clock: string): string => {
  const n = report.names[`clock:${clock}`]
  return n === undefined ? clock : t(lang, n)
}
/** One difficult case as a table row: the same columns on every format. */
const caseRow = (report: DailyReport, lang: ReportLang, c: DailyCase): ReadonlyArray<string> => {
  const name = namer(report, lang)
  return [
    `${c.petitionId} ${c.title}`,
    t(lang, statusName(c.status)),
    String(c.tier),
    name(c.owner),
    name(c.lead),
    c.breachedClocks.join(", ") || "—",
    c.nextDeadline ?? "—"
  ]
}
const percent = (r: RateFigure): string => `${formatRate(r)} (${round(r.numerator)}/${r.denominator})`
const round = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(2))
const rise = (h: Hotspot): string => (h.rise === null ? "—" : `${h.rise >= 0 ? "+" : ""}${(h.rise * 100).toFixed(0)}%`)
const sorted = (counts: Readonly<Record<string, number>>): Array<[string, number]> =>
  Object.entries(counts).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))

/** The report as JSON: the model itself, instants as ISO 8601 with the report's offset. */
export const renderJson = (report: DailyReport, offsetMinutes: number = CHINA_OFFSET_MINUTES): string =>
  JSON.stringify(
    {
      ...report,
      figures: {
        ...report.figures,
        from: formatInstantWithOffset(report.figures.from, offsetMinutes),
        to: formatInstantWithOffset(report.figures.to, offsetMinutes),
        cases: undefined
      },
      cases: report.cases.map((c) => ({ ...c, receivedAt: formatInstantWithOffset(c.receivedAt, offsetMinutes) }))
    },
    null,
    2
  )

/** The report as Markdown tables. */
export const renderMarkdown = (report: DailyReport, lang: ReportLang = "zh-CN"): string => {
  const f = report.figures
  const name = namer(report, lang)
  const s = (n: Name) => t(lang, n)
  const table = (head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): Array<string> =>
    rows.length === 0
      ? [`_${s(L.none)}_`, ""]
      : [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`), ""]
  return [
    `# ${s(L.title)} ${report.date}`,
    "",
    `${s(L.scope)}: ${s(report.scopeName)}`,
    "",
    `## ${s(L.overview)}`,
    "",
    ...table(
      [s(L.received), s(L.response), s(L.resolution), s(L.satisfaction), s(L.closure), s(L.overdue), s(L.repeats), s(L.proactive)],
      [[String(f.received), percent(f.rates.response), percent(f.rates.resolution), percent(f.rates.satisfaction), percent(f.closure), String(f.overdue), String(f.repeats), String(f.proactive)]]
    ),
    `## ${s(L.trend)}`,
    "",
    ...table([lang === "en" ? "Date" : "日期", s(L.received)], f.trend.map((d) => [d.date, String(d.received)])),
    `## ${s(L.channels)}`,
    "",
    ...table(
      [s(L.channel), s(L.received), s(L.closure)],
      sorted(f.byChannel).map(([id, n]) => [name(id), String(n), f.closureByChannel[id] === undefined ? "—" : percent(f.closureByChannel[id])])
    ),
    `## ${s(L.categories)}`,
    "",
    ...table([s(L.category), s(L.count)], sorted(f.byCategory).map(([id, n]) => [name(id), String(n)])),
    `## ${s(L.streets)}`,
    "",
    ...table([s(L.street), s(L.count)], sorted(f.byStreet).map(([id, n]) => [name(id), String(n)])),
    `## ${s(L.risen)}`,
    "",
    ...table(
      [s(L.category), s(L.count), s(L.baseline), s(L.rise)],
      f.hotspots.categories.map((h) => [name(h.id), String(h.count), h.baselineDailyAverage.toFixed(1), rise(h)])
    ),
    `## ${s(L.hotCommunities)}`,
    "",
    ...table(
      [s(L.community), s(L.count), s(L.baseline), s(L.rise)],
      f.hotspots.communities.map((h) => [name(h.id), String(h.count), h.baselineDailyAverage.toFixed(1), rise(h)])
    ),
    `## ${s(L.sla)}`,
    "",
    ...table(
      [s(L.clock), s(L.breached), s(L.compliance)],
      Object.entries(f.sla).map(([clock, v]) => [clockName(report, lang, clock), String(v.breached), percent(v.compliance)])
    ),
    `## ${s(L.work)}`,
    "",
    ...table(
      [s(L.whistles), s(L.whistleResponse), s(L.owned), s(L.visits)],
      [[
        String(f.whistles.blown),
        percent(f.whistles.response),
        `${f.ownedCases.taken}（${s(L.ownedResolved)} ${f.ownedCases.resolved}）`,
        `${f.visits.batches} / ${f.visits.persons}`
      ]]
    ),
    `## ${s(L.returns)}`,
    "",
    ...table([s(L.unit), s(L.count)], sorted(f.returnsByUnit).map(([id, n]) => [name(id), String(n)])),
    `## ${s(L.cases)}`,
    "",
    ...(report.cases.length < report.caseCount ? [`${s(L.shown)} ${report.cases.length} ${s(L.of)} ${report.caseCount}`, ""] : []),
    ...table(
      [s(L.petition), s(L.status), s(L.tier), s(L.owner), s(L.lead), s(L.overdue), s(L.next)],
      report.cases.map((c) => caseRow(report, lang, c))
    ),
    `_${s(L.privacy)}_`,
    ""
  ].join("\n")
}

const esc = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

/** A vertical bar chart of the daily intake. */
const trendChart = (points: ReadonlyArray<{ readonly date: string; readonly received: number }>, title: string): string => {
  const w = 640, h = 220, left = 40, bottom = 40, top = 20
  const max = Math.max(1, ...points.map((p) => p.received))
  const step = (w - left - 10) / Math.max(1, points.length)
  const bars = points
    .map((p, i) => {
      const bh = ((h - bottom - top) * p.received) / max
      const x = left + i * step + step * 0.15
      const y = h - bottom - bh
      return (
        `<rect class="bar" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(step * 0.7).toFixed(1)}" height="${Math.max(bh, 0.5).toFixed(1)}"><title>${esc(p.date)}: ${p.received}</title></rect>` +
        `<text x="${(x + step * 0.35).toFixed(1)}" y="${(y - 4).toFixed(1)}" class="value">${p.received}</text>` +
        `<text x="${(x + step * 0.35).toFixed(1)}" y="${h - bottom + 16}" class="axis">${esc(p.date.slice(5))}</text>`
      )
    })
    .join("")
  return `<svg class="chart" id="chart-trend" role="img" aria-label="${esc(title)}" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}"><line x1="${left}" y1="${h - bottom}" x2="${w - 10}" y2="${h - bottom}" class="rule"/>${bars}</svg>`
}

/** A horizontal bar chart; `second` draws a thinner comparison bar (e.g. the baseline average). */
const barChart = (
  id: string,
  title: string,
  rows: ReadonlyArray<{ readonly label: string; readonly value: number; readonly second?: number; readonly note?: string }>
): string => {
  const w = 640, rowH = 26, labelW = 200, right = 90
  const h = Math.max(1, rows.length) * rowH + 10
  const max = Math.max(1, ...rows.flatMap((r) => [r.value, r.second ?? 0]))
  const scale = (v: number) => ((w - labelW - right) * v) / max
  const body = rows
    .map((r, i) => {
      const y = 5 + i * rowH
      return (
        `<text x="${labelW - 6}" y="${y + 16}" class="label">${esc(r.label)}</text>` +
        `<rect class="bar" x="${labelW}" y="${y + 3}" width="${Math.max(scale(r.value), 0.5).toFixed(1)}" height="${r.second === undefined ? 18 : 12}"><title>${esc(r.label)}: ${r.value}</title></rect>` +
        (r.second === undefined ? "" : `<rect class="bar second" x="${labelW}" y="${y + 16}" width="${Math.max(scale(r.second), 0.5).toFixed(1)}" height="6"/>`) +
        `<text x="${(labelW + scale(r.value) + 6).toFixed(1)}" y="${y + 16}" class="value-left">${r.value}${r.note === undefined ? "" : ` ${esc(r.note)}`}</text>`
      )
    })
    .join("")
  return `<svg class="chart" id="${id}" role="img" aria-label="${esc(title)}" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}">${body}</svg>`
}

const style = `
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:24px auto;max-width:760px;color:#1f2328;background:#fff}
h1{font-size:26px;border-bottom:3px solid #b22222;padding-bottom:8px}h2{font-size:18px;margin-top:28px;color:#8b1a1a}
.kpis{display:grid;grid-template-columns:repeat(4,1fr);gap:8px}.kpi{border:1px solid #ddd;border-radius:6px;padding:8px}
.kpi b{display:block;font-size:22px}.kpi span{font-size:12px;color:#57606a}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid #ddd;padding:4px 6px;text-align:left}th{background:#f6f8fa}
.chart .bar{fill:#c0392b}.chart .bar.second{fill:#7f8c8d}.chart text{font-size:11px;fill:#333}.chart .label{text-anchor:end}
.chart .value,.chart .axis{text-anchor:middle}.chart .rule{stroke:#999}.note{font-size:12px;color:#57606a}`

/** The report as one self-contained HTML page with inline SVG charts. */
export const renderHtml = (report: DailyReport, lang: ReportLang = "zh-CN"): string => {
  const f = report.figures
  const name = namer(report, lang)
  const s = (n: Name) => esc(t(lang, n))
  const kpi = (label: Name, value: string, detail = "") => `<div class="kpi"><span>${s(label)}</span><b>${esc(value)}</b><span>${esc(detail)}</span></div>`
  const table = (head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>) =>
    rows.length === 0
      ? `<p class="note">${s(L.none)}</p>`
      : `<table><thead><tr>${head.map((x) => `<th>${x}</th>`).join("")}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("")}</tbody></table>`
  const ratePart = (r: RateFigure) => `${round(r.numerator)}/${r.denominator}`
  const channels = sorted(f.byChannel).slice(0, 12).map(([id, n]) => ({
    label: name(id),
    value: n,
    note: f.closureByChannel[id] === undefined ? "" : `(${t(lang, L.closure)} ${formatRate(f.closureByChannel[id])})`
  }))
  const risen = f.hotspots.categories.map((h) => ({ label: name(h.id), value: h.count, second: h.baselineDailyAverage, note: rise(h) }))
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${s(L.title)} ${esc(report.date)}</title><style>${style}</style></head><body>
<h1>${s(L.title)} · ${esc(report.date)}</h1>
<p>${s(L.scope)}：${s(report.scopeName)}</p>
<section><h2>${s(L.overview)}</h2><div class="kpis">
${kpi(L.received, String(f.received))}${kpi(L.response, formatRate(f.rates.response), ratePart(f.rates.response))}${kpi(L.resolution, formatRate(f.rates.resolution), ratePart(f.rates.resolution))}${kpi(L.satisfaction, formatRate(f.rates.satisfaction), ratePart(f.rates.satisfaction))}
${kpi(L.closure, formatRate(f.closure), ratePart(f.closure))}${kpi(L.overdue, String(f.overdue))}${kpi(L.repeats, String(f.repeats))}${kpi(L.proactive, String(f.proactive))}
</div></section>
<section><h2>${s(L.trend)}</h2>${trendChart(f.trend, t(lang, L.trend))}</section>
<section><h2>${s(L.channels)}</h2>${barChart("chart-channels", t(lang, L.channels), channels)}</section>
<section><h2>${s(L.risen)}</h2><p class="note">${s(L.count)} / <span style="color:#7f8c8d">${s(L.baseline)}</span></p>${barChart("chart-risen", t(lang, L.risen), risen)}</section>
<section><h2>${s(L.streets)}</h2>${table([s(L.street), s(L.count)], sorted(f.byStreet).map(([id, n]) => [name(id), String(n)]))}</section>
<section><h2>${s(L.hotCommunities)}</h2>${table([s(L.community), s(L.count), s(L.baseline), s(L.rise)], f.hotspots.communities.map((h) => [name(h.id), String(h.count), h.baselineDailyAverage.toFixed(1), rise(h)]))}</section>
<section><h2>${s(L.sla)}</h2>${table([s(L.clock), s(L.breached), s(L.compliance)], Object.entries(f.sla).map(([clock, v]) => [clockName(report, lang, clock), String(v.breached), percent(v.compliance)]))}</section>
<section><h2>${s(L.work)}</h2>${table([s(L.whistles), s(L.whistleResponse), s(L.owned), s(L.visits)], [[String(f.whistles.blown), percent(f.whistles.response), `${f.ownedCases.taken} (${t(lang, L.ownedResolved)} ${f.ownedCases.resolved})`, `${f.visits.batches} / ${f.visits.persons}`]])}</section>
<section><h2>${s(L.returns)}</h2>${table([s(L.unit), s(L.count)], sorted(f.returnsByUnit).map(([id, n]) => [name(id), String(n)]))}</section>
<section><h2>${s(L.cases)}</h2>${report.cases.length < report.caseCount ? `<p class="note">${s(L.shown)} ${report.cases.length} ${s(L.of)} ${report.caseCount}</p>` : ""}
${table([s(L.petition), s(L.status), s(L.tier), s(L.owner), s(L.lead), s(L.overdue), s(L.next)], report.cases.map((c) => caseRow(report, lang, c)))}</section>
<p class="note">${s(L.privacy)}</p>
</body></html>
`
}
