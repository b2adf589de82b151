/**
 * The matcher language of `expect` blocks. A pattern is matched against the items exactly as
 * `minyi simulate` prints them: an object pattern matches when each of its fields matches
 * (other fields are ignored), arrays match element by element, and two instants match when they
 * are the same moment whatever their offsets.
 */
import { parseInstant } from "@minyi/core"
import type { StepExpect } from "./schema.js"

/** One difference between an `expect` block and what happened. */
export interface Mismatch {
  /** JSON path of the expectation in the scenario, e.g. `/steps/3/expect/clocks/feedback`. */
  readonly path: string
  readonly expected: unknown
  readonly actual: unknown
}

export const matches = (pattern: unknown, actual: unknown): boolean => {
  if (typeof pattern === "string" && typeof actual === "string") {
    const [p, a] = [parseInstant(pattern), parseInstant(actual)]
    return p !== undefined && a !== undefined ? p === a : pattern === actual
  }
  if (Array.isArray(pattern)) {
    return Array.isArray(actual) && actual.length === pattern.length && pattern.every((p, i) => matches(p, actual[i]))
  }
  if (typeof pattern === "object" && pattern !== null) {
    if (typeof actual !== "object" || actual === null || Array.isArray(actual)) return false
    return Object.entries(pattern).every(([k, p]) => matches(p, (actual as Record<string, unknown>)[k]))
  }
  return Object.is(pattern, actual)
}

type ListExpect = {
  readonly where?: Readonly<Record<string, unknown>>
  readonly include?: ReadonlyArray<Readonly<Record<string, unknown>>>
  readonly exclude?: ReadonlyArray<Readonly<Record<string, unknown>>>
  readonly count?: number
}

/** Of the items `where` matches: include: each pattern matches some item; exclude: none matches any; count: how many. */
export const checkList = (
  path: string,
  expected: ListExpect | ReadonlyArray<Readonly<Record<string, unknown>>>,
  all: ReadonlyArray<unknown>
): Array<Mismatch> => {
  const spec: ListExpect = Array.isArray(expected) ? { include: expected } : (expected as ListExpect)
  const items = spec.where === undefined ? all : all.filter((item) => matches(spec.where, item))
  const out: Array<Mismatch> = []
  const prefix = Array.isArray(expected) ? path : `${path}/include`
  spec.include?.forEach((p, i) => {
    if (!items.some((item) => matches(p, item))) out.push({ path: `${prefix}/${i}`, expected: p, actual: items })
  })
  spec.exclude?.forEach((p, i) => {
    const found = items.filter((item) => matches(p, item))
    if (found.length > 0) out.push({ path: `${path}/exclude/${i}`, expected: { none: p }, actual: found })
  })
  if (spec.count !== undefined && items.length !== spec.count) {
    out.push({ path: `${path}/count`, expected: spec.count, actual: items.length })
  }
  return out
}

/** What an `expect` block is checked against: the petition's printed report and its items so far. */
export interface Observed {
  readonly petition: Readonly<Record<string, unknown>> & {
    readonly clocks: ReadonlyArray<Readonly<Record<string, unknown>> & { readonly name: string; readonly key: string }>
    readonly events: ReadonlyArray<unknown>
  }
  readonly actions: ReadonlyArray<unknown>
  readonly notifications: ReadonlyArray<{ readonly to: string; readonly template: string | null }>
  /** The step's refusal (or failure), if any. */
  readonly failure: { readonly _tag: string; readonly message: string } | null
  /** The petition the step's command was answered with. */
  readonly answered: { readonly petitionId: string; readonly replayed: boolean } | null
}

interface WhistleSeen {
  readonly whistleId: string
  readonly summoned: ReadonlyArray<string>
  readonly reported: ReadonlyArray<string>
  readonly rate: number
}

const sorted = (list: ReadonlyArray<string>): Array<string> => [...new Set(list)].sort()

const fields = ["status", "tier", "owner"] as const
const responsibility = ["firstHandler", "lead", "coHandlers", "handler", "accountable"] as const

/** Checks everything but `refused` (the runner checks that against the command's outcome). */
export const checkExpect = (path: string, expect: StepExpect, observed: Observed, format: (at: number) => string): Array<Mismatch> => {
  const out: Array<Mismatch> = []
  const p = observed.petition
  const compare = (at: string, want: unknown, got: unknown) => {
    if (!matches(want, got)) out.push({ path: at, expected: want, actual: got })
  }
  for (const f of fields) if (expect[f] !== undefined) compare(`${path}/${f}`, expect[f], p[f])
  const resp = p["responsibility"] as Record<string, unknown>
  for (const f of responsibility) if (expect[f] !== undefined) compare(`${path}/${f}`, expect[f], resp[f])
  if (expect.repeats !== undefined) compare(`${path}/repeats`, expect.repeats, p["repeats"])
  if (expect.answeredWith !== undefined) compare(`${path}/answeredWith`, expect.answeredWith, observed.answered?.petitionId ?? null)
  if (expect.replayed !== undefined) compare(`${path}/replayed`, expect.replayed, observed.answered?.replayed ?? null)
  if (expect.refusalContains !== undefined) {
    const texts = typeof expect.refusalContains === "string" ? [expect.refusalContains] : expect.refusalContains
    const message = observed.failure?.message ?? null
    texts.forEach((t, i) => {
      if (message === null || !message.includes(t)) {
        out.push({ path: typeof expect.refusalContains === "string" ? `${path}/refusalContains` : `${path}/refusalContains/${i}`, expected: { contains: t }, actual: message })
      }
    })
  }
  const returns = (p["returnsByUnit"] ?? {}) as Readonly<Record<string, number>>
  for (const [unit, count] of Object.entries(expect.returns ?? {})) compare(`${path}/returns/${pointer(unit)}`, count, returns[unit] ?? 0)
  const whistles = (p["whistles"] ?? []) as ReadonlyArray<WhistleSeen>
  for (const [id, want] of Object.entries(expect.whistles ?? {})) {
    const at = `${path}/whistles/${pointer(id)}`
    const seen = whistles.find((w) => w.whistleId === id)
    if (seen === undefined) {
      out.push({ path: at, expected: want, actual: null })
      continue
    }
    if (want.summoned !== undefined) compare(`${at}/summoned`, sorted(want.summoned), sorted(seen.summoned))
    if (want.reported !== undefined) compare(`${at}/reported`, sorted(want.reported), sorted(seen.reported))
    // Two decimals: what a report shows, and 1/3 written as 0.33 still holds.
    if (want.rate !== undefined && Math.abs(want.rate - seen.rate) >= 0.005) out.push({ path: `${at}/rate`, expected: want.rate, actual: seen.rate })
  }
  for (const [name, want] of Object.entries(expect.clocks ?? {})) {
    const at = `${path}/clocks/${pointer(name)}`
    // A key names one instance (`whistle-report:w-1:dept.housing`); a bare name all its instances.
    const byKey = p.clocks.filter((c) => c.key === name)
    const found = byKey.length > 0 ? byKey : p.clocks.filter((c) => c.name === name)
    if (found.length === 0) {
      out.push({ path: at, expected: want, actual: null })
      continue
    }
    const pattern = typeof want === "string" ? { state: want } : instantsAsText(want, format)
    const wrong = found.filter((c) => !matches(pattern, provisionalAsAsked(c, want)))
    // Show only what was asked about, so the difference stands out.
    const shown = wrong.map((c) => {
      const seen = provisionalAsAsked(c, want)
      return typeof want === "string" ? c.state : Object.fromEntries(Object.keys(pattern).map((k) => [k, seen[k]]))
    })
    if (wrong.length > 0) out.push({ path: at, expected: typeof want === "string" ? want : pattern, actual: shown.length === 1 ? shown[0] : shown })
  }
  if (expect.actions !== undefined) out.push(...checkList(`${path}/actions`, expect.actions, observed.actions))
  if (expect.events !== undefined) out.push(...checkList(`${path}/events`, expect.events, p.events))
  if (expect.notifications !== undefined) {
    const n = expect.notifications
    const items = n.template === undefined ? observed.notifications : observed.notifications.filter((x) => x.template === n.template)
    out.push(...checkList(`${path}/notifications`, n, items))
    if (n.to !== undefined) {
      const got = [...new Set(items.map((x) => x.to))].sort()
      const want = [...new Set(n.to)].sort()
      compare(`${path}/notifications/to`, want, got)
    }
  }
  return out
}

/** Clock expectations decode instants to numbers; the printed clocks carry ISO text, compared as instants. */
const instantsAsText = (want: Readonly<Record<string, unknown>>, format: (at: number) => string): Record<string, unknown> =>
  Object.fromEntries(Object.entries(want).map(([k, v]) => [k, typeof v === "number" ? format(v) : v]))

/** A JSON pointer segment (RFC 6901): `~` and `/` escaped. */
const pointer = (key: string): string => key.replace(/~/g, "~0").replace(/\//g, "~1")

/**
 * `provisional: true/false` asks only whether the deadline was provisional; `{ years }` asks which
 * years it assumed. The printed clock carries what was assumed, or null.
 */
const provisionalAsAsked = (
  clock: Readonly<Record<string, unknown>>,
  want: unknown
): Readonly<Record<string, unknown>> => {
  const asked = typeof want === "object" && want !== null ? (want as { readonly provisional?: unknown }).provisional : undefined
  if (typeof asked !== "boolean") return clock
  return { ...clock, provisional: clock["provisional"] !== null && clock["provisional"] !== undefined }
}
