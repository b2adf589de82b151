import type { Directory } from "../directory/index.js"
import type { RuleFacts, RulePack } from "../rules/index.js"

/** A notification's text in both languages, rendered from the pack's template. */
export interface RenderedMessage {
  [lang: string]: { subject: string; body: string }
  "zh-CN": { subject: string; body: string }
  en: { subject: string; body: string }
}

type Lang = "zh-CN" | "en"

/**
 * The values a template may name, e.g. `{petitionId}`, `{lead}`, `{clock}`. Names resolve through
 * the directory in the template's language. Personal data is never among them: notifications
 * travel outside the system and the petitioner's identity must not go with them.
 */
const variables = (facts: RuleFacts, directory: Directory, lang: Lang): Record<string, string> => {
  const p = facts.petition
  const name = (x: { readonly name: string; readonly nameEn: string } | undefined, fallback: string) =>
    x === undefined ? fallback : lang === "en" ? x.nameEn : x.name
  const unit = (id: string | undefined) => (id === undefined ? "—" : name(directory.unit(id), id))
  const trigger = facts.trigger
  return {
    petitionId: p.id,
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
    clock: typeof trigger["clock"] === "string" ? trigger["clock"] : "—",
    unit: typeof trigger["unit"] === "string" ? unit(trigger["unit"]) : "—"
  }
}

const fill = (text: string, values: Record<string, string>): string =>
  text.replace(/\{([A-Za-z]+)\}/g, (whole, key: string) => values[key] ?? whole)

/** Renders a pack template for a petition; an unknown template id renders as the id itself. */
export const renderTemplate = (pack: RulePack, templateId: string, facts: RuleFacts, directory: Directory): RenderedMessage => {
  const template = pack.document.templates[templateId]
  const zh = variables(facts, directory, "zh-CN")
  const en = variables(facts, directory, "en")
  if (template === undefined) {
    return { "zh-CN": { subject: templateId, body: templateId }, en: { subject: templateId, body: templateId } }
  }
  return {
    "zh-CN": { subject: fill(template["zh-CN"].subject, zh), body: fill(template["zh-CN"].body, zh) },
    en: { subject: fill(template.en.subject, en), body: fill(template.en.body, en) }
  }
}
