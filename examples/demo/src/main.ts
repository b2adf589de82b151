/**
 * The minyi demo: one petition from the district secretary's online channel (区委书记在线)
 * to closure, through the public API of @minyi/core, printed as a readable history.
 */
import {
  decide,
  eventLabels,
  evolve,
  formatInstantWithOffset,
  initialState,
  parseInstant,
  sampleDirectory,
  statusLabels,
  verifyChain
} from "@minyi/core"
import type { PetitionCommand, PetitionEvent, PetitionState } from "@minyi/core"
import { Redacted, Result } from "effect"

const directory = sampleDirectory()
const petitionId = "FT-2026-000123"
const SHANGHAI = 8 * 60

const at = (local: string): number => {
  const instant = parseInstant(`${local}:00+08:00`)
  if (instant === undefined) throw new Error(`bad demo time ${local}`)
  return instant
}
const clock = (instant: number) => formatInstantWithOffset(instant, SHANGHAI).slice(0, 16).replace("T", " ")

/** "中文名 (English name)" for any id in the directory. */
const named = (id: string | undefined): string => {
  if (id === undefined) return "—"
  const entry = directory.unit(id) ?? directory.person(id) ?? directory.channel(id) ?? directory.jurisdiction(id) ?? directory.category(id)
  return entry === undefined ? id : `${entry.name} (${entry.nameEn})`
}
const person = (id: string) => {
  const p = directory.person(id)
  return p === undefined ? id : `${p.title}${p.name} (${p.titleEn} ${p.nameEn})`
}

const checklist = { problemSolved: true, explanationGiven: true, assistanceGiven: true, unlawfulConductDealtWith: false }
const unit = (id: string) => ({ kind: "unit" as const, id })
const staff = (id: string) => ({ kind: "person" as const, id })

const script: ReadonlyArray<PetitionCommand> = [
  {
    _tag: "Submit", petitionId, at: at("2026-03-02T09:00"), actor: { kind: "petitioner" },
    petitioner: { anonymous: false, name: Redacted.make("李秀英"), phone: Redacted.make("13912345678") },
    channel: "channel.district-secretary-online",
    category: "city-management.sanitation.refuse-odour",
    jurisdiction: "community.yuanling.hongli",
    title: "红荔社区垃圾站异味扰民",
    content: "小区旁垃圾转运站夏季异味严重，清运不及时，希望尽快整改。",
    rulePack: { id: "futian-standard", version: "2026.1" }
  },
  { _tag: "Acknowledge", petitionId, at: at("2026-03-02T09:06"), actor: staff("person.dispatcher.1"), unit: "unit.dispatch-centre" },
  { _tag: "Contact", petitionId, at: at("2026-03-02T09:25"), actor: staff("person.dispatcher.1"), unit: "unit.dispatch-centre", method: "phone" },
  {
    _tag: "Dispatch", petitionId, at: at("2026-03-02T09:40"), actor: unit("unit.dispatch-centre"),
    lead: "dept.urban-management", coHandlers: ["street-office.yuanling"]
  },
  { _tag: "Accept", petitionId, at: at("2026-03-02T10:05"), actor: unit("dept.urban-management"), unit: "dept.urban-management" },
  {
    _tag: "AssignHandler", petitionId, at: at("2026-03-02T10:10"), actor: staff("person.head.urban-management"),
    unit: "dept.urban-management", person: "person.handler.urban-management"
  },
  {
    _tag: "CompleteFirstRound", petitionId, at: at("2026-03-02T16:30"), actor: staff("person.handler.urban-management"),
    unit: "dept.urban-management", summary: "现场核查：转运站除臭设备故障，已安排当日加密清运两次。"
  },
  {
    _tag: "ReportPart", petitionId, at: at("2026-03-03T11:00"), actor: unit("street-office.yuanling"),
    unit: "street-office.yuanling", summary: "街道已协调物业每日冲洗站点，社区张贴清运时间表。"
  },
  {
    _tag: "Resolve", petitionId, at: at("2026-03-04T15:00"), actor: staff("person.handler.urban-management"),
    unit: "dept.urban-management", checklist, summary: "除臭设备已更换，清运频次由每日一次增至两次，已向信访人当面说明。"
  },
  { _tag: "RateSatisfaction", petitionId, at: at("2026-03-05T10:00"), actor: { kind: "petitioner" }, rating: "satisfied" },
  { _tag: "Close", petitionId, at: at("2026-03-05T10:30"), actor: staff("person.dispatcher.2"), reason: "问题已解决，信访人满意。" }
]

const details = (e: PetitionEvent): string => {
  switch (e._tag) {
    case "Submitted":
      return `渠道 ${named(e.channel)} · 分类 ${directory.categoryPath(e.category).map((c) => c.name).join("/")} · 信访人 ${String(e.petitioner.name)} ${String(e.petitioner.phone)} · 首办 ${named(e.firstHandler)}`
    case "Acknowledged":
    case "Accepted":
      return named(e.unit)
    case "Contacted":
      return `${named(e.unit)} · ${e.method}`
    case "Dispatched":
      return `牵头 ${named(e.lead)} · 协办 ${e.coHandlers.map(named).join("、") || "—"}`
    case "HandlerAssigned":
      return `责任人 ${person(e.person)}`
    case "FirstRoundCompleted":
    case "PartReported":
      return `${named(e.unit)}：${e.summary}`
    case "Resolved":
      return `${named(e.unit)}：${e.summary}`
    case "SatisfactionRated":
      return { satisfied: "满意 satisfied", basically_satisfied: "基本满意 basically satisfied", unsatisfied: "不满意 unsatisfied" }[e.rating]
    case "Closed":
      return e.reason
    default:
      return ""
  }
}

let state: PetitionState = initialState(petitionId)
const history: Array<PetitionEvent> = []
for (const command of script) {
  const decision = decide(state, command, { directory })
  if (Result.isFailure(decision)) {
    console.error(`拒绝 refused: ${decision.failure.message}`)
    process.exitCode = 1
    break
  }
  for (const event of decision.success) {
    state = evolve(state, event)
    history.push(event)
  }
}

console.log(`信访件 ${petitionId}「${state.title ?? ""}」办理记录 (history)\n`)
for (const e of history) {
  const label = eventLabels[e._tag]
  const who = e.actor.id === undefined ? (e.actor.kind === "petitioner" ? "信访人 petitioner" : e.actor.kind) : e.actor.kind === "person" ? person(e.actor.id) : named(e.actor.id)
  console.log(`${clock(e.at)}  ${label.zh} ${label.en}  ${details(e)}`)
  console.log(`                  by ${who}`)
}

// Someone tries to soften the record: the hash chain notices.
const tampered = history.map((e) => (e._tag === "SatisfactionRated" ? { ...e, at: e.at - 86_400_000 } : e))
const chain = verifyChain(history, { version: state.version, hash: state.lastHash })
const forged = verifyChain(tampered)

console.log(`
状态 status: ${statusLabels[state.status].zh} ${statusLabels[state.status].en} · 版本 version ${state.version}
首办 first handler: ${named(state.firstHandler)} · 牵头 lead: ${named(state.lead)}
退单 returns: ${state.counters.returns} · 转办 transfers: ${state.counters.transfers} · 重办 reworks: ${state.counters.reworks}
信访人 petitioner: ${JSON.stringify(state.petitioner)}
哈希链 hash chain: ${Result.isSuccess(chain) ? "完整 intact" : chain.failure.message}
篡改后 after tampering: ${Result.isFailure(forged) ? forged.failure.message : "未发现 (not detected!)"}`)
