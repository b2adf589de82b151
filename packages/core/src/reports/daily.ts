/**
 * 民情日报: the leaders' morning digest, as a model. It is built from {@link Figures} — whether
 * they come from the oracle or from the read models — plus the names of what they mention, so
 * the renderers need nothing else. Officials are named; petitioners never appear.
 */
import type { Directory } from "../directory/index.js"
import type { Instant } from "../shared/instant.js"
import { formatInstantWithOffset } from "../shared/instant.js"
import type { DifficultCase, Figures } from "./figures.js"
import { CHINA_OFFSET_MINUTES } from "./oracle.js"

/** A name for leaders: Chinese first, English alongside. */
export interface Name {
  readonly zh: string
  readonly en: string
}

export interface DailyCase extends DifficultCase {
  /** The earliest running deadline (a clock's due instant or a whistle's), ISO 8601 with offset; null if none. */
  readonly nextDeadline: string | null
}

export interface DailyReport {
  /** The local date reported on, `YYYY-MM-DD`. */
  readonly date: string
  /** Who the figures cover, named. */
  readonly scopeName: Name
  readonly figures: Figures
  /** The hardest open cases first (tier, then overdue, then oldest); at most `maxCases`. */
  readonly cases: ReadonlyArray<DailyCase>
  /** How many hard cases there are in all (the list may be cut). */
  readonly caseCount: number
  /** Names of every channel, category, place, unit, official and clock id the report mentions. */
  readonly names: Readonly<Record<string, Name>>
}

export interface DailyReportOptions {
  readonly directory: Directory
  readonly date: string
  /** The next deadline of a petition, from the read model's `nextDueAt` (the oracle knows no calendars). */
  readonly nextDeadline?: (petitionId: string) => Instant | undefined
  readonly maxCases?: number
  readonly offsetMinutes?: number
  /** Clock names as the pack describes them (its `description`); ids are shown otherwise. */
  readonly clockNames?: Readonly<Record<string, Name>>
}

const nameOf = (directory: Directory, id: string): Name | undefined => {
  const found =
    directory.channel(id) ?? directory.category(id) ?? directory.jurisdiction(id) ?? directory.unit(id) ?? directory.person(id)
  return found === undefined ? undefined : { zh: found.name, en: found.nameEn }
}

const scopeName = (figures: Figures, directory: Directory): Name => {
  const s = figures.scope
  switch (s._tag) {
    case "All":
      return { zh: directory.data.name, en: directory.data.nameEn }
    case "Viewer": {
      const p = directory.person(s.person)
      return p === undefined ? { zh: s.person, en: s.person } : { zh: `${p.name}（${p.title}）可见范围`, en: `as seen by ${p.nameEn} (${p.titleEn})` }
    }
    default:
      return nameOf(directory, s.id) ?? { zh: s.id, en: s.id }
  }
}

/** Builds the daily report's model from the day's figures. */
export const dailyReport = (figures: Figures, options: DailyReportOptions): DailyReport => {
  const { directory } = options
  const offset = options.offsetMinutes ?? CHINA_OFFSET_MINUTES
  const cases = figures.cases.slice(0, options.maxCases ?? 20).map((c): DailyCase => {
    const next = options.nextDeadline?.(c.petitionId)
    return { ...c, nextDeadline: next === undefined ? null : formatInstantWithOffset(next, offset) }
  })
  const ids = new Set<string>([
    ...Object.keys(figures.byChannel),
    ...Object.keys(figures.byCategory),
    ...Object.keys(figures.byStreet),
    ...Object.keys(figures.byCommunity),
    ...Object.keys(figures.returnsByUnit),
    ...figures.hotspots.categories.map((h) => h.id),
    ...figures.hotspots.communities.map((h) => h.id),
    ...cases.flatMap((c) => [c.category, c.jurisdiction, c.owner, c.lead].filter((x): x is string => x !== null))
  ])
  const names: Record<string, Name> = {}
  for (const id of ids) {
    const n = nameOf(directory, id)
    if (n !== undefined) names[id] = n
  }
  for (const [clock, n] of Object.entries(options.clockNames ?? {})) names[`clock:${clock}`] = n
  return { date: options.date, scopeName: scopeName(figures, directory), figures, cases, caseCount: figures.cases.length, names }
}
