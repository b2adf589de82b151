/**
 * `@minyi/core/reports` — 民情日报 and the metrics it is built from: figures, the daily report, rendering. The same module is the `Reports` namespace on the root; import from
 * this subpath in a browser bundle, where a namespace object would be kept whole.
 * @module @minyi/core/reports
 */
export { dailyReport } from "./daily.js"
export type { DailyCase, DailyReport, DailyReportOptions, Name } from "./daily.js"
export { DifficultCase, Figures, Hotspot, MetricsScope, RateFigure } from "./figures.js"
export {
  decodeReportFormulas,
  defaultReportFormulas,
  defaultReportFormulasJson,
  formatRate,
  rate,
  ReportFormulas,
  responseWindowMs
} from "./formulas.js"
export type { ReportFormulasJson } from "./formulas.js"
export { CHINA_OFFSET_MINUTES, DAY_MS, figuresFromHistories, localDate, startOfLocalDate } from "./oracle.js"
export type { FiguresOptions } from "./oracle.js"
export { renderHtml, renderJson, renderMarkdown } from "./render.js"
export type { ReportLang } from "./render.js"
export { localDay, metricDeltas, OPEN_CASES_DAY } from "./deltas.js"
export { metricScopeKeys } from "./scopes.js"
export type { MetricOptions } from "./deltas.js"
export { difficultCaseOf, figuresFromReadModel, figuresFromStore, readModelRequests, viewerMetricsScope } from "./read-model.js"
export type { ReadModelRows } from "./read-model.js"
