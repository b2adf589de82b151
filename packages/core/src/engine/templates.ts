import { DateTime, Info } from "luxon"
import { calendarPresets, defaultTimeZone } from "../calendar/index.js"
import type { CalendarSpec, Duration } from "../calendar/index.js"
import { effectiveLimit } from "../clocks/index.js"
import type { ClockPolicy } from "../clocks/index.js"
import type { Directory } from "../directory/index.js"
import type { RuleFacts, RulePack } from "../rules/index.js"
import type { Instant } from "../shared/instant.js"

/** A notification's text in both languages, rendered from the pack's template. */
export interface RenderedMessage {
  [lang: string]: { subject: string; body: string }
  "zh-CN": { subject: string; body: string }
  en: { subject: string; body: string }
}

type Lang = "zh-CN" | "en"

/** What a template may say about the petition beyond the rule facts. */
export interface TemplatePetition {
  readonly title?: string | undefined
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`

/**
 * Milliseconds as people say them, to the minute: 10分钟, 1小时30分钟, 2天3小时 / 10 minutes,
 * 1 hour 30 minutes. Rounded up, so that "remaining 1 minute" is never shown when 30 s are left.
 */
export const formatSpan = (ms: number, lang: Lang): string => {
  const minutes = Math.ceil(Math.max(0, ms) / MINUTE)
  if (minutes === 0) return lang === "en" ? "0 minutes" : "0分钟"
  const days = Math.floor(minutes / (DAY / MINUTE))
  const hours = Math.floor((minutes % (DAY / MINUTE)) / 60)
  const mins = minutes % 60
  if (lang === "en") {
    return [days > 0 ? plural(days, "day") : "", hours > 0 ? plural(hours, "hour") : "", mins > 0 ? plural(mins, "minute") : ""].filter((x) => x !== "").join(" ")
  }
  return `${days > 0 ? `${days}天` : ""}${hours > 0 ? `${hours}小时` : ""}${mins > 0 ? `${mins}分钟` : ""}`
}

/** A clock limit as people say it; days of a working calendar are working days (15个工作日). */
export const formatLimit = (limit: Duration, working: boolean, lang: Lang): string => {
  const days = limit.days === 0 ? "" : lang === "en" ? plural(limit.days, working ? "working day" : "day") : `${limit.days}${working ? "个工作日" : "天"}`
  const rest = limit.ms === 0 ? "" : formatSpan(limit.ms, lang)
  return [days, rest].filter((x) => x !== "").join(lang === "en" ? " " : "") || formatSpan(0, lang)
}

// The short month names luxon's "LLL" gives in en-GB ("Sept", not "Sep"), looked up once.
const monthsEn = Info.months("short", { locale: "en-GB" })
const twoDigits = (n: number): string => (n < 10 ? `0${n}` : String(n))

// A message quotes the same instant in both languages, in subject and body: the zone's offset
// (which luxon asks Intl for) is looked up once for it.
let lastLocal: { readonly at: Instant; readonly timeZone: string; readonly local: DateTime } | undefined
const localTime = (at: Instant, timeZone: string): DateTime => {
  if (lastLocal?.at === at && lastLocal.timeZone === timeZone) return lastLocal.local
  const local = DateTime.fromMillis(at, { zone: timeZone })
  lastLocal = { at, timeZone, local }
  return local
}

/**
 * An instant as a local date and time in the clock's zone: 3月2日 09:10 / 2 Mar 09:10 — luxon's
 * "M月d日 HH:mm" and en-GB "d LLL HH:mm", put together from the local fields (formatting through
 * luxon took most of a notification's rendering).
 */
export const formatInstant = (at: Instant, timeZone: string, lang: Lang): string => {
  const local = localTime(at, timeZone)
  const time = `${twoDigits(local.hour)}:${twoDigits(local.minute)}`
  return lang === "en" ? `${local.day} ${monthsEn[local.month - 1]} ${time}` : `${local.month}月${local.day}日 ${time}`
}

const calendarOf = (pack: RulePack, name: string): CalendarSpec | undefined =>
  pack.document.calendars[name] ?? (name === "china" || name === "natural" ? calendarPresets[name] : undefined)

/** The policy of the clock a trigger names: by name, or by instance key (`name:unit`, `name:whistle:unit`). */
const policyOf = (pack: RulePack, clock: string): ClockPolicy | undefined =>
  pack.document.clocks.find((c) => c.name === clock) ?? pack.document.clocks.find((c) => clock.startsWith(`${c.name}:`))

/**
 * The clock the template speaks of: the trigger's, named in the template's language, with its limit
 * and due time — each value computed when a template names it (only `remaining`, and `dueAt` for a
 * trigger without one, read the petition's clocks).
 */
const clockValues = (pack: RulePack, facts: RuleFacts, lang: Lang): ((key: string) => string | undefined) => {
  const clock = typeof facts.trigger["clock"] === "string" ? facts.trigger["clock"] : undefined
  const policy = clock === undefined ? undefined : policyOf(pack, clock)
  if (clock === undefined || policy === undefined) {
    const none: Record<string, string> = { clock: clock ?? "—", clockId: clock ?? "—", limit: "—", dueAt: "—", remaining: "—" }
    return (key) => none[key]
  }
  const calendar = calendarOf(pack, policy.calendar)
  const state = () => facts.clocks[clock] ?? facts.clocks[policy.name]
  const limit = () => {
    const p = facts.petition
    return effectiveLimit(policy, {
      channel: p.channel,
      channelKind: p.channelKind,
      categoryPath: p.categoryPath,
      flags: p.flags,
      persons: p.persons,
      priority: p.priority
    })
  }
  return (key) => {
    switch (key) {
      case "clock":
        return policy.label?.[lang] ?? policy.name
      case "clockId":
        return policy.name
      case "limit":
        return formatLimit(limit(), calendar?.kind === "working", lang)
      case "dueAt": {
        const dueAt = typeof facts.trigger["dueAt"] === "number" ? facts.trigger["dueAt"] : state()?.dueAt
        return dueAt === undefined ? "—" : formatInstant(dueAt, calendar?.timeZone ?? defaultTimeZone, lang)
      }
      case "remaining": {
        const now = state()
        return now === undefined ? "—" : formatSpan(now.remaining, lang)
      }
      default:
        return undefined
    }
  }
}

/**
 * The values a template may name, e.g. `{petitionId}`, `{lead}`, `{clock}`. Names resolve through
 * the directory in the template's language. Personal data is never among them: notifications
 * travel outside the system and the petitioner's identity must not go with them.
 */
const petitionVariables = (facts: RuleFacts, directory: Directory, petition: TemplatePetition, lang: Lang): Record<string, string> => {
  const p = facts.petition
  const name = (x: { readonly name: string; readonly nameEn: string } | undefined, fallback: string) =>
    x === undefined ? fallback : lang === "en" ? x.nameEn : x.name
  const unit = (id: string | undefined) => (id === undefined ? "—" : name(directory.unit(id), id))
  const trigger = facts.trigger
  return {
    petitionId: p.id,
    trackingCode: p.id,
    title: petition.title ?? "—",
    category: name(directory.category(p.category), p.category),
    jurisdiction: name(directory.jurisdiction(p.jurisdiction), p.jurisdiction),
    street: p.street === undefined ? "—" : name(directory.jurisdiction(p.street), p.street),
    community: p.community === undefined ? "—" : name(directory.jurisdiction(p.community), p.community),
    channel: name(directory.channel(p.channel), p.channel),
    lead: unit(p.lead),
    firstHandler: unit(p.firstHandler),
    owner: p.owner === undefined ? "—" : name(directory.person(p.owner), p.owner),
    tier: String(p.tier),
    persons: String(p.persons),
    status: p.status,
    priority: p.priority,
    trigger: trigger.type,
    unit: typeof trigger["unit"] === "string" ? unit(trigger["unit"]) : "—"
  }
}

const clockKeys: ReadonlySet<string> = new Set(["clock", "clockId", "limit", "dueAt", "remaining"])

/**
 * The value of a placeholder in one language, computed when a template names it: the clock values
 * read the petition's clocks, which the step then evaluates only for templates that quote them.
 */
const valuesFor = (pack: RulePack, facts: RuleFacts, directory: Directory, petition: TemplatePetition, lang: Lang) => {
  let ofPetition: Record<string, string> | undefined
  let ofClock: ((key: string) => string | undefined) | undefined
  return (key: string): string | undefined =>
    clockKeys.has(key)
      ? (ofClock ??= clockValues(pack, facts, lang))(key)
      : (ofPetition ??= petitionVariables(facts, directory, petition, lang))[key]
}

const fill = (text: string, value: (key: string) => string | undefined): string =>
  text.replace(/\{([A-Za-z]+)\}/g, (whole, key: string) => value(key) ?? whole)

/**
 * Renders a pack template for a petition; an unknown template id renders as the id itself.
 * Clock values ({clock}, {limit}, {dueAt}, {remaining}) come from the pack, so a policy officer who
 * changes a limit changes every message that quotes it.
 */
export const renderTemplate = (
  pack: RulePack,
  templateId: string,
  facts: RuleFacts,
  directory: Directory,
  petition: TemplatePetition = {}
): RenderedMessage => {
  const template = pack.document.templates[templateId]
  if (template === undefined) {
    return { "zh-CN": { subject: templateId, body: templateId }, en: { subject: templateId, body: templateId } }
  }
  const zh = valuesFor(pack, facts, directory, petition, "zh-CN")
  const en = valuesFor(pack, facts, directory, petition, "en")
  return {
    "zh-CN": { subject: fill(template["zh-CN"].subject, zh), body: fill(template["zh-CN"].body, zh) },
    en: { subject: fill(template.en.subject, en), body: fill(template.en.body, en) }
  }
}
