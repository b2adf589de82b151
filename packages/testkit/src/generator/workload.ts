/**
 * A year (or a day) of petitions in a Futian-like district, driven through the real engine: every
 * petition is a Submit through `handle`, every later step a command at its own instant, and the
 * clocks' timers fire through `tick` as simulated time passes — so breaches, escalations and
 * whistles are the engine's own, and the histories are real histories.
 *
 * The shape: fewer petitions at night and at weekends, a channel mix led by the 12345 hotline,
 * repeats from the same caller about the same matter, returns, late answers that breach the
 * 10-30-24 clocks, group visits and home visits, and ratings that sometimes send the work back.
 */
import type { EngineCommand, Handled, Instant, PetitionEvent, TickReport, Directory } from "@minyi/core"
import { Redacted } from "effect"
import type { Random } from "./random.js"
import { makeRandom } from "./random.js"

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** What the generator needs of an engine: the Promise facade (`createMinyi`) has it. */
export interface WorkloadEngine {
  readonly handle: (command: EngineCommand) => Promise<Handled>
  readonly tick: (at?: Instant) => Promise<TickReport>
}

export interface WorkloadOptions {
  readonly directory: Directory.Directory
  /** The first day's start (local midnight). */
  readonly from: Instant
  readonly days: number
  /** Petitions on an ordinary weekday (default 200); weekends and nights have fewer. */
  readonly perDay?: number
  readonly seed?: number
  /**
   * Fixes one channel's totals over the run, e.g. the district secretary online channel's 7,614
   * received and 7,528 closed: that many petitions come in on it (and no others), and exactly
   * `closed` of them are closed by the end; the last ones received stay open.
   */
  readonly fixedChannel?: { readonly channel: string; readonly received: number; readonly closed: number }
  /** Called after each simulated day. */
  readonly onProgress?: (daysDone: number, days: number) => void
}

export interface WorkloadReport {
  readonly petitions: number
  readonly commands: number
  readonly ticks: number
  /** Commands the engine refused (a generator bug if not zero), with the first few reasons. */
  readonly refused: number
  readonly refusals: ReadonlyArray<string>
  readonly end: Instant
}

interface Pending {
  readonly at: Instant
  readonly seq: number
  readonly run: () => Promise<void>
}

/** A binary min-heap on (at, seq): the simulation's agenda. */
class Agenda {
  private readonly items: Array<Pending> = []
  private seq = 0
  get size(): number {
    return this.items.length
  }
  push(at: Instant, run: () => Promise<void>): void {
    const items = this.items
    items.push({ at, seq: this.seq++, run })
    let i = items.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!before(items[i]!, items[p]!)) break
      ;[items[i], items[p]] = [items[p]!, items[i]!]
      i = p
    }
  }
  peek(): Pending | undefined {
    return this.items[0]
  }
  pop(): Pending | undefined {
    const items = this.items
    const top = items[0]
    const last = items.pop()
    if (top === undefined || last === undefined || items.length === 0) return top
    items[0] = last
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < items.length && before(items[l]!, items[m]!)) m = l
      if (r < items.length && before(items[r]!, items[m]!)) m = r
      if (m === i) break
      ;[items[i], items[m]] = [items[m]!, items[i]!]
      i = m
    }
    return top
  }
}
const before = (a: Pending, b: Pending): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq)

/** Share of a day's petitions per local hour: quiet nights, a morning and an afternoon peak. */
const hourWeights: ReadonlyArray<number> = [1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 3, 6, 8, 8.5, 7.5, 5, 5.5, 7, 7.5, 7, 6, 4.5, 4, 3.5, 3, 2.2, 1.5]
/** Monday … Sunday. */
const weekdayWeights: ReadonlyArray<number> = [1.15, 1.05, 1, 1, 0.95, 0.7, 0.65]
/** Channel kinds' shares; a channel's share is its kind's, split among the channels of that kind. */
const kindWeights: Readonly<Record<string, number>> = {
  hotline: 0.5,
  web: 14,
  wechat_qr: 14,
  leader_channel: 9,
  walk_in: 4,
  letter: 2,
  field_stall: 1,
  proactive: 4
}
/** Channels whose share is set apart from their kind's: the 12345 hotline takes most calls. */
const channelWeights: Readonly<Record<string, number>> = {
  "channel.hotline": 40,
  "channel.12315": 4,
  "channel.12369": 3,
  "channel.12333": 3,
  "channel.110-linkage": 2
}
/** Top-level categories' shares. */
const topWeights: Readonly<Record<string, number>> = {
  "city-management": 24,
  ecology: 16,
  housing: 20,
  labour: 10,
  market: 12,
  transport: 10,
  education: 6,
  accusation: 2
}

const submittedAt = (events: ReadonlyArray<PetitionEvent>) => {
  const first = events[0]
  return first?._tag === "Submitted" ? first : undefined
}

const names = ["陈", "林", "黄", "张", "李", "王", "吴", "刘", "蔡", "杨"]

/** What is wrong with the options, naming the field and what was expected; undefined when they are fine. */
export const workloadProblem = (options: WorkloadOptions): string | undefined => {
  const whole = (n: number | undefined, min: number) => n === undefined || (Number.isInteger(n) && n >= min)
  if (!Number.isFinite(options.from)) return `from: expected an instant (epoch ms), got ${options.from}`
  if (!whole(options.days, 1)) return `days: expected a whole number ≥ 1, got ${options.days}`
  if (!whole(options.perDay, 0)) return `perDay: expected a whole number ≥ 0, got ${options.perDay}`
  const fixed = options.fixedChannel
  if (fixed === undefined) return undefined
  if (options.directory.channel(fixed.channel) === undefined) return `fixedChannel.channel: no channel "${fixed.channel}" in the directory`
  if (!whole(fixed.received, 0)) return `fixedChannel.received: expected a whole number ≥ 0, got ${fixed.received}`
  if (!whole(fixed.closed, 0) || fixed.closed > fixed.received) {
    return `fixedChannel.closed: expected a whole number between 0 and received (${fixed.received}), got ${fixed.closed}`
  }
  if (fixed.closed > 0 && options.days < 3) return `days: a fixed channel's closures need at least 3 days, got ${options.days}`
  return undefined
}

/** Generates petitions from `from` for `days` days through the engine; resolves when the last day is done. */
export const generateWorkload = async (engine: WorkloadEngine, options: WorkloadOptions): Promise<WorkloadReport> => {
  const { directory, from, days } = options
  const problem = workloadProblem(options)
  if (problem !== undefined) throw new RangeError(`generateWorkload: ${problem}`)
  const random: Random = makeRandom(options.seed ?? 1)
  const end = from + days * DAY
  const perDay = options.perDay ?? 200
  const centre = directory.dispatchCentre.id
  const data = directory.data
  const fixed = options.fixedChannel

  const channels = data.channels.filter((c) => c.id !== fixed?.channel)
  const kindCount: Record<string, number> = {}
  for (const c of channels) kindCount[c.kind] = (kindCount[c.kind] ?? 0) + 1
  const channelMix = channels.map((c) => [c, channelWeights[c.id] ?? (kindWeights[c.kind] ?? 1) / (kindCount[c.kind] ?? 1)] as const)
  const leaves = data.categories.nodes.filter((c) => !data.categories.nodes.some((d) => d.parent === c.id))
  const categoryMix = leaves.map((c) => [c.id, topWeights[directory.categoryPath(c.id)[0]?.id ?? ""] ?? 1] as const)
  const communities = data.jurisdictions.filter((j) => j.level === "community")
  // Some communities are busier than others (old estates, urban villages).
  const communityMix = communities.map((j) => [j.id, 0.5 + random.next() * 2] as const)
  const handlerOf = (unit: string): string | undefined =>
    (data.people.find((p) => p.unit === unit && p.roles.includes("case_handler")) ?? data.people.find((p) => p.unit === unit))?.id
  const leaderOf = (unit: string): string | undefined => directory.unit(unit)?.leader
  const districtHead = data.people.find((p) => p.roles.includes("district_head"))?.id

  const agenda = new Agenda()
  let commands = 0
  let petitions = 0
  let refused = 0
  const refusals: Array<string> = []
  const recent: Array<{ readonly phone: string; readonly category: string; readonly community: string; readonly at: Instant }> = []

  const send = async (command: EngineCommand): Promise<Handled | undefined> => {
    commands++
    try {
      return await engine.handle(command)
    } catch (error) {
      refused++
      if (refusals.length < 10) refusals.push(`${command._tag} ${command.petitionId}: ${error instanceof Error ? error.message : String(error)}`)
      return undefined
    }
  }
  const later = (at: Instant, command: () => EngineCommand | undefined, then?: (h: Handled) => void): void => {
    if (at >= end) return
    agenda.push(at, async () => {
      const c = command()
      if (c === undefined) return
      // Builders leave `at` at 0: the agenda knows the instant, so it is stamped in one place.
      const done = await send({ ...c, at })
      if (done !== undefined) then?.(done)
    })
  }
  const unitActor = (unit: string) => ({ kind: "unit" as const, id: unit })

  /** What happens to a petition after it is submitted: the handling, closure and what goes wrong. */
  const lifecycle = (id: string, t0: Instant, submitted: Handled, persons: number, mode: "ordinary" | "close-fast" | "stay-open"): void => {
    const events: ReadonlyArray<PetitionEvent> = submitted.events
    const dispatched = events.find((e) => e._tag === "Dispatched")
    if (dispatched === undefined || dispatched._tag !== "Dispatched") return
    const lead = dispatched.lead
    const co = dispatched.coHandlers
    // Reporting for duty needs an open petition: closure waits until every summoned unit has reported.
    let closeNotBefore = t0
    const answer = (whistles: ReadonlyArray<PetitionEvent>) => {
      for (const e of whistles) {
        if (e._tag !== "WhistleBlown") continue
        for (const unit of e.summoned) {
          const late = random.chance(0.04)
          const reportAt = e.at + (late ? random.int(25, 30) * HOUR : random.int(60, 20 * 60) * MINUTE)
          closeNotBefore = Math.max(closeNotBefore, reportAt + MINUTE)
          later(reportAt, () => ({
            _tag: "ReportForDuty", petitionId: id, at: 0, actor: unitActor(unit), whistleId: e.whistleId, unit
          }))
        }
      }
    }
    answer(events)
    // 吹哨报到: the street blows the whistle on illegal construction (when the pack's routing did
    // not already) and, now and then, on another matter, summoning the departments it needs.
    const street = directory.jurisdictionPath(submittedAt(events)?.jurisdiction ?? "").find((j) => j.level === "street")
    const office = street === undefined ? undefined : data.units.find((u) => u.kind === "street_office" && u.jurisdiction === street.id)
    const category = submittedAt(events)?.category ?? ""
    const wanted = directory.isWithin(category, "city-management.illegal-construction") || random.chance(0.01)
    if (mode === "ordinary" && office !== undefined && wanted && !events.some((e) => e._tag === "WhistleBlown")) {
      const blowAt = t0 + random.int(20, 90) * MINUTE
      // The reports come within 30 hours of the whistle (see answer).
      closeNotBefore = Math.max(closeNotBefore, blowAt + 30 * HOUR + MINUTE)
      const summoned = [...new Set([lead, random.pick(["dept.planning", "dept.housing", "dept.public-security", "dept.emergency"])])]
      later(
        blowAt,
        () => ({
          _tag: "BlowWhistle", petitionId: id, at: 0, actor: unitActor(office.id),
          whistleId: `w-${id}`, unit: office.id, summoned, deadline: blowAt + 24 * HOUR
        }),
        (done) => answer(done.events)
      )
    }
    const base = { petitionId: id, actor: unitActor(lead) }
    let t = t0
    if (mode === "ordinary" && random.chance(0.04)) {
      t += random.int(10, 40) * MINUTE
      later(t, () => ({ _tag: "Return", ...base, at: 0, unit: lead, reason: "非本单位职责，请重新分拨 (not our remit; please re-dispatch)" }))
      t += random.int(5, 30) * MINUTE
      later(t, () => ({ _tag: "Dispatch", petitionId: id, actor: unitActor(centre), at: 0, lead, coHandlers: co }))
    }
    const accept = t + random.int(1, 8) * MINUTE
    later(accept, () => ({ _tag: "Accept", ...base, at: 0, unit: lead }))
    const ack = Math.max(accept + MINUTE, t0 + (random.chance(0.05) ? random.int(11, 40) : random.int(2, 9)) * MINUTE)
    later(ack, () => ({ _tag: "Acknowledge", ...base, at: 0, unit: lead }))
    const contact = ack + (random.chance(0.05) ? random.int(30, 120) : random.int(3, 18)) * MINUTE
    later(contact, () => ({ _tag: "Contact", ...base, at: 0, unit: lead, method: "phone" }))
    if (persons >= 5 && districtHead !== undefined) {
      later(t0 + random.int(2, 6) * HOUR, () => ({
        _tag: "RecordVisit", petitionId: id, at: 0, actor: { kind: "person", id: districtHead }, kind: "reception", leader: districtHead, batches: 1, persons
      }))
    }
    if (mode === "stay-open") return
    const handler = handlerOf(lead)
    const assign = contact + (mode === "ordinary" && random.chance(0.03) ? random.int(25, 40) * HOUR : random.int(20, 8 * 60) * MINUTE)
    if (handler !== undefined) later(assign, () => ({ _tag: "AssignHandler", ...base, at: 0, unit: lead, person: handler }))
    const first = assign + (mode === "ordinary" && random.chance(0.06) ? random.int(24, 48) * HOUR : random.int(30, 12 * 60) * MINUTE)
    later(first, () => ({ _tag: "CompleteFirstRound", ...base, at: 0, unit: lead, summary: "已到现场核查并开展首轮处置 (on site; first round of handling done)" }))
    const resolveAt = (after: Instant) => after + (mode === "close-fast" ? random.int(1, 8) * HOUR : random.int(1, 72) * HOUR)
    const resolve = (rAt: Instant, round: number): void => {
      // Co-handlers report their part before every resolution (a rework starts the round afresh).
      co.forEach((unit, i) =>
        later(rAt - (co.length - i) * MINUTE, () => ({ _tag: "ReportPart", petitionId: id, actor: unitActor(unit), at: 0, unit, summary: "协办部分已完成 (our part is done)" }))
      )
      const solved = random.chance(0.93)
      later(rAt, () => ({
        _tag: "Resolve", ...base, at: 0, unit: lead,
        checklist: { problemSolved: solved, explanationGiven: true, assistanceGiven: true, unlawfulConductDealtWith: random.chance(0.2) },
        summary: solved ? "问题已解决，已向信访人解释说明 (solved and explained)" : "已解释政策，诉求暂无法满足 (explained; cannot be met for now)"
      }))
      if (mode === "ordinary" && random.chance(0.02)) {
        const leader = leaderOf(lead)
        if (leader !== undefined) {
          later(rAt - 30 * MINUTE, () => ({
            _tag: "RecordVisit", petitionId: id, at: 0, actor: { kind: "person", id: leader }, kind: "home", leader, batches: 1, persons: random.int(1, 3)
          }))
        }
      }
      const rateAt = rAt + (mode === "close-fast" ? random.int(1, 6) : random.int(4, 48)) * HOUR
      const rating =
        mode === "close-fast" || round > 1
          ? random.weighted([["satisfied", 88], ["basically_satisfied", 12]] as const)
          : random.weighted([["satisfied", 82], ["basically_satisfied", 11], ["unsatisfied", 7]] as const)
      later(rateAt, () => ({ _tag: "RateSatisfaction", petitionId: id, at: 0, actor: { kind: "petitioner" }, rating }))
      if (rating === "unsatisfied") {
        resolve(resolveAt(rateAt), round + 1)
        return
      }
      later(Math.max(rateAt + random.int(1, 6) * HOUR, closeNotBefore), () => ({
        // Only the first handler closes (the default authority policy).
        _tag: "Close", petitionId: id, at: 0, actor: unitActor(submittedAt(events)?.firstHandler ?? centre), reason: "回访满意，予以结案 (rated; closed)"
      }))
    }
    resolve(resolveAt(first) + co.length * MINUTE, 1)
  }

  /** Schedules one Submit and, once it is in, its lifecycle. */
  const submit = (at: Instant, channelId: string, mode: "ordinary" | "close-fast" | "stay-open"): void => {
    const n = ++petitions
    const id = `p-${String(n).padStart(7, "0")}`
    const channel = directory.channel(channelId)
    const repeat = mode === "ordinary" && recent.length > 0 && random.chance(0.06) ? random.pick(recent) : undefined
    const category = repeat?.category ?? random.weighted(categoryMix)
    const community = repeat?.community ?? random.weighted(communityMix)
    const anonymous = mode === "ordinary" && random.chance(0.08)
    const phone = repeat?.phone ?? `13${random.int(0, 9)}${String(random.int(0, 99_999_999)).padStart(8, "0")}`
    const persons = mode === "ordinary" && random.chance(0.006) ? random.int(5, 30) : 1
    if (!anonymous && repeat === undefined && random.chance(0.3)) {
      recent.push({ phone, category, community, at })
      if (recent.length > 500) recent.shift()
    }
    const proactive = channel?.kind === "proactive"
    const opener = proactive
      ? data.people.find((p) => p.roles.includes(channel.by === "grid_member" ? "grid_member" : "case_handler"))?.id
      : undefined
    const title = directory.category(category)?.name ?? category
    agenda.push(at, async () => {
      const done = await send({
        _tag: "Submit",
        petitionId: id,
        at,
        actor: opener === undefined ? { kind: "petitioner" } : { kind: "person", id: opener },
        petitioner: anonymous || proactive ? { anonymous: true } : { anonymous: false, name: Redacted.make(`${random.pick(names)}先生`), phone: Redacted.make(phone) },
        channel: channelId,
        channelMessageId: `${channelId}:${id}`,
        category,
        jurisdiction: community,
        title,
        content: `${title}，请尽快处理 (please deal with it)`,
        ...(persons > 1 ? { persons } : {})
      })
      if (done !== undefined && done.events.length > 0) lifecycle(id, at, done, persons, mode)
    })
  }

  // The fixed channel's petitions, spread evenly over the run (all but the last two days, so that
  // the ones meant to close have time to); the last ones received stay open.
  if (fixed !== undefined) {
    const span = Math.max(DAY, end - 2 * DAY - from)
    for (let i = 0; i < fixed.received; i++) {
      const at = from + Math.floor(((i + random.next()) * span) / fixed.received)
      submit(at, fixed.channel, i < fixed.closed ? "close-fast" : "stay-open")
    }
  }

  let ticks = 0
  let lastTick = from
  const runUntil = async (until: Instant): Promise<void> => {
    for (let next = agenda.peek(); next !== undefined && next.at < until; next = agenda.peek()) {
      agenda.pop()
      // Fire the clocks' timers as simulated time passes, so breaches land when they happen.
      if (next.at - lastTick >= 15 * MINUTE) {
        await engine.tick(next.at)
        ticks++
        lastTick = next.at
      }
      await next.run()
    }
  }

  for (let d = 0; d < days; d++) {
    const dayStart = from + d * DAY
    // from is a local midnight; the weekday of a local date (UTC+8) is that of the UTC instant 8 h later.
    const weekday = (new globalThis.Date(dayStart + 8 * HOUR).getUTCDay() + 6) % 7
    const count = Math.round(perDay * weekdayWeights[weekday]! * (0.9 + random.next() * 0.2))
    for (let i = 0; i < count; i++) {
      const hour = random.weighted(hourWeights.map((w, h) => [h, w] as const))
      const at = dayStart + hour * HOUR + random.int(0, HOUR / 1000 - 1) * 1000
      submit(at, random.weighted(channelMix).id, "ordinary")
    }
    await runUntil(dayStart + DAY)
    options.onProgress?.(d + 1, days)
  }
  await runUntil(end)
  await engine.tick(end - 1)
  ticks++
  return { petitions, commands, ticks, refused, refusals, end }
}
