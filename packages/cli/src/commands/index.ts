// Each command group registers itself here, lazily loaded so `minyi --help` stays fast.
// One line per group; the owning module lives beside this file.
import { registerGroup } from "../main.js"

registerGroup("calendar", () => import("./calendar.js").then((m) => m.calendarCommand), "工作日历：计算期限、查询工作日", "working calendars: due instants, working days")
registerGroup("rules", () => import("./rules.js").then((m) => m.rulesCommand), "规则包：从预设开始、校验、JSON Schema、解释规则为何触发、评估改动对历史信访件的影响", "rule packs: start from a preset, validate, JSON Schema, explain why rules fire, the impact of a change on past petitions")
registerGroup("simulate", () => import("./simulate.js").then((m) => m.simulateCommand), "在虚拟时钟上运行情景，输出信访件、规则动作与通知", "run a scenario on a virtual clock: petitions, rule actions, notifications")
registerGroup("scenario", () => import("./scenario.js").then((m) => m.scenarioCommand), "情景测试：核对情景中的 expect", "scenario tests: check a scenario's expect blocks")
registerGroup("generate", () => import("./generate.js").then((m) => m.generateCommand), "生成类似福田的辖区与信访件数据（经引擎办理）", "generate a Futian-like district's petitions, handled by the engine")
registerGroup("report", () => import("./report.js").then((m) => m.reportCommand), "民情日报与考核指标", "the daily report and KPIs")
registerGroup("audit", () => import("./audit.js").then((m) => m.auditCommand), "审计：校验每件信访件的历史，输出可在库外留存的链头锚点", "audit: verify every petition's history, print the head anchors to keep outside the database")
