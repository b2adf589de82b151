/**
 * The short walkthrough (`pnpm demo -- --story`): two petitions from the district secretary's
 * online channel (区委书记在线) through the engine — dispatched by rule at once, run on the
 * 10-30-24 clocks, escalated when a clock runs out, resolved, rated and closed — printed as a
 * readable bilingual record of every event.
 *
 *   pnpm demo -- --story                      in memory
 *   pnpm demo -- --story --db demo.sqlite     durable, on SQLite (run it twice: the second run finds the first's petitions)
 */
import { Clocks, createMinyi, formatInstantWithOffset, Notifiers, parseInstant, Petition, sampleDirectory } from "@minyi/core"
import type { PetitionEvent } from "@minyi/core"
import * as SqliteStore from "@minyi/store-sqlite"
import { Redacted } from "effect"

const directory = sampleDirectory()

/** Runs the walkthrough, in memory or (given `db`) on SQLite, and prints it. */
export const runStory = (db: string | undefined): Promise<void> => {
  // Notifications go to an in-memory recorder so the demo can print them in order.
  const notifier = Notifiers.layerMemory
  const minyi = createMinyi({
    directory,
    rulePack: "futian-10-30-24",
    notifier,
    // Keys the repeat index (重复件): a deployment reads it from its secrets, never from the code.
    engine: { identityKey: Redacted.make(process.env.MINYI_IDENTITY_KEY ?? "demo-only-identity-key") },
    ...(db === undefined ? {} : { store: SqliteStore.layer({ path: db }) })
  })

  const at = (local: string): number => parseInstant(`${local}:00+08:00`)!
  const clock = (instant: number | undefined) =>
    instant === undefined ? "—" : formatInstantWithOffset(instant, 8 * 60).slice(0, 16).replace("T", " ")
  const named = (id: string | undefined): string => {
    if (id === undefined) return "—"
    const e = directory.unit(id) ?? directory.person(id) ?? directory.channel(id) ?? directory.jurisdiction(id) ?? directory.category(id)
    return e === undefined ? id : `${e.name} (${e.nameEn})`
  }

  const clockStates: Readonly<Record<Clocks.ClockState, string>> = {
    pending: "未开始 pending",
    running: "计时中 running",
    paused: "暂停 paused",
    met: "按时 met",
    breached: "超时 breached"
  }

  const run = `${Date.now().toString(36)}`
  const A = `FT-${run}-A`
  const B = `FT-${run}-B`
  const unit = "dept.urban-management"
  const as = (id: string) => ({ kind: "unit" as const, id })

  const submit = (petitionId: string, local: string, title: string) =>
    minyi.handle({
      _tag: "Submit",
      petitionId,
      at: `${local}:00+08:00`,
      actor: { kind: "petitioner" },
      petitioner: { anonymous: false, name: "李秀英", phone: "13912345678" },
      channel: "channel.district-secretary-online",
      category: "city-management.sanitation.refuse-odour",
      jurisdiction: "community.yuanling.hongli",
      title,
      content: "小区旁垃圾转运站异味严重，清运不及时，希望尽快整改。"
    })

  const details = (e: PetitionEvent): string => {
    switch (e._tag) {
      case "Submitted":
        return `${named(e.channel)} · ${directory.categoryPath(e.category).map((c) => c.name).join("/")} · 首办 first handler ${named(e.firstHandler)}`
      case "Dispatched":
        return `牵头 lead ${named(e.lead)} · 协办 co-handlers ${e.coHandlers.map(named).join("、") || "—"}`
      case "WatcherAdded":
        return `关注 watcher ${named(e.person)}`
      case "Accepted":
      case "Acknowledged":
      case "Contacted":
        return named(e.unit)
      case "HandlerAssigned":
        return `责任人 handler ${named(e.person)}`
      case "FirstRoundCompleted":
      case "PartReported":
      case "Resolved":
        return `${named(e.unit)}：${e.summary}`
      case "ClockBreached":
        return `时钟 clock ${e.clock} 到期 due ${clock(e.dueAt)}`
      case "ClockWarned":
        return `时钟 clock ${e.clock} 已过 passed ${e.threshold} · 到期 due ${clock(e.dueAt)}`
      case "Escalated":
        return `第 ${e.tier} 级 tier ${e.tier} · 包案人 owner ${named(e.owner)}：${e.reason}`
      case "SatisfactionRated":
        return `${Petition.ratingLabels[e.rating].zh} ${Petition.ratingLabels[e.rating].en}`
      case "Closed":
        return e.reason
      case "RepeatLinked":
        return `重复件 repeat of ${e.of}`
      case "IdentityRead":
        return `${named(e.person)}：${e.reason}`
      default:
        return ""
    }
  }

  const print = (history: ReadonlyArray<PetitionEvent>) => {
    for (const e of history) {
      const label = Petition.eventLabels[e._tag]
      const rule = e.rule === undefined ? "" : `  ⟵ 规则 rule ${e.rule.ruleId}@${e.rule.packVersion}`
      console.log(`  ${clock(e.at)}  ${label.zh} ${label.en}  ${details(e)}${rule}`)
    }
  }

  const main = async () => {
    console.log(`民意 minyi — 演示 demo${db === undefined ? "（内存 in memory）" : `（SQLite ${db}）`}\n`)

    // A: handled on time — every 10-30-24 clock met.
    const a = await submit(A, "2026-03-02T09:00", "红荔社区垃圾站异味扰民")
    console.log(`① ${A} 受理即派单 dispatched on receipt: ${a.actions.map((x) => `${x.type}(${x.rule})`).join(", ")}`)
    await minyi.handle({ _tag: "Accept", petitionId: A, at: at("2026-03-02T09:03"), actor: as(unit), unit })
    await minyi.handle({ _tag: "Acknowledge", petitionId: A, at: at("2026-03-02T09:05"), actor: as(unit), unit })
    await minyi.handle({ _tag: "Contact", petitionId: A, at: at("2026-03-02T09:08"), actor: as(unit), unit, method: "phone" })
    await minyi.handle({ _tag: "AssignHandler", petitionId: A, at: at("2026-03-02T09:20"), actor: as(unit), unit, person: "person.handler.urban-management" })
    await minyi.handle({ _tag: "CompleteFirstRound", petitionId: A, at: at("2026-03-02T16:30"), actor: as(unit), unit, summary: "现场核查：除臭设备故障，当日加密清运两次。" })

    // B: nobody gives feedback within 10 minutes — the pack notifies the street's linked leader.
    await submit(B, "2026-03-02T09:30", "红荔社区垃圾站夜间清运噪声")
    const tick = await minyi.tick(at("2026-03-02T09:41"))
    const relay = await minyi.relay(at("2026-03-02T09:41"))
    console.log(`② ${B} 10分钟未反馈 no feedback in 10 minutes: ${tick.actions.map((x) => `${x.type}(${x.rule})`).join(", ")}; 已发送通知 notifications sent: ${relay.delivered}`)
    // Still untouched a day later: the first round is overdue and the case goes up to the lead unit's leader.
    const dayLater = await minyi.tick(at("2026-03-03T10:00"))
    console.log(`③ ${B} 24小时首轮未办结 first round overdue: ${dayLater.actions.map((x) => `${x.type}(${x.rule})`).join(", ")}`)

    await minyi.handle({
      _tag: "ReportPart", petitionId: A, at: at("2026-03-03T11:00"), actor: as("dept.ecology"), unit: "dept.ecology",
      summary: "生态环境局检测转运站周边臭气浓度，已达标。"
    })
    await minyi.handle({
      _tag: "Resolve", petitionId: A, at: at("2026-03-04T15:00"), actor: as(unit), unit,
      checklist: { problemSolved: true, explanationGiven: true, assistanceGiven: true, unlawfulConductDealtWith: false },
      summary: "除臭设备已更换，清运频次增至每日两次，已当面说明。"
    })
    await minyi.handle({ _tag: "RateSatisfaction", petitionId: A, at: at("2026-03-05T10:00"), actor: { kind: "petitioner" }, rating: "satisfied" })
    await minyi.handle({ _tag: "Close", petitionId: A, at: at("2026-03-05T10:30"), actor: { kind: "person", id: "person.dispatcher.2" }, reason: "问题已解决，信访人满意。" })

    // Identity: masked for the department, readable (and recorded) for the dispatcher.
    const seenByDept = await minyi.query({ person: "person.head.urban-management" }, { limit: 10 })
    const identity = await minyi.readIdentity({ person: "person.dispatcher.1" }, A, "回访核实满意度", at("2026-03-05T11:00"))

    for (const id of [A, B]) {
      const state = await minyi.state(id)
      const history = await minyi.history(id)
      const clocks = await minyi.clocks(id, at("2026-03-05T12:00"))
      console.log(`\n信访件 ${id}「${state.title ?? ""}」 ${Petition.statusLabels[state.status].zh} ${Petition.statusLabels[state.status].en} · 提级 tier ${state.tier}`)
      print(history)
      console.log(`  时钟 clocks: ${clocks.clocks.map((c) => `${c.name} ${clockStates[c.state]}`).join(" · ")}`)
      // The engine verifies the stored chain whenever it loads a petition: `history` fails with
      // HistoryTampered on a broken one. What it returns has the petitioner masked, so a portal cannot
      // re-hash it itself; the version it reached is the proof here.
      const verified = history.length === state.version && history.at(-1)?.hash === state.lastHash
      console.log(`  哈希链 hash chain: ${verified ? `完整 intact（载入时逐条校验 ${history.length} 件事件 verified on load）` : "不完整 incomplete"}`)
    }

    console.log(`\n部门视角 department view: ${seenByDept.map((v) => `${v.summary.petitionId} ${v.petitioner.name} ${v.petitioner.phone}`).join("; ")}`)
    console.log(`调度员查阅身份 dispatcher reads identity: ${identity.anonymous ? "匿名" : "已查阅并记录 read and recorded"} `)
  }

  return main().finally(() => minyi.dispose())
}
