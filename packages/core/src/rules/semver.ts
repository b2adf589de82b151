/**
 * The part of semantic versioning a pack's `"plugins": { "futian-grid": "^1.2.0" }` needs: parse a
 * version, and tell whether it satisfies a range as npm writes them (`1.2.3`, `=1.2.3`, `^1.2.0`,
 * `~1.2.0`, `>=1.2.0 <2`, `1.x`, `1.2.*`, `*`, alternatives joined by `||`). Pure, no dependency:
 * core runs in browsers too.
 */

export interface Version {
  readonly major: number
  readonly minor: number
  readonly patch: number
  /** The pre-release part (`1.2.0-beta.1` → "beta.1"), compared as text after the numbers. */
  readonly pre: string
}

const versionPattern = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/

export const parseVersion = (text: string): Version | undefined => {
  const m = versionPattern.exec(text.trim())
  if (m === null) return undefined
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: m[4] ?? "" }
}

export const compareVersions = (a: Version, b: Version): number =>
  a.major - b.major || a.minor - b.minor || a.patch - b.patch ||
  // A release is newer than its pre-releases (1.2.0 > 1.2.0-beta).
  (a.pre === b.pre ? 0 : a.pre === "" ? 1 : b.pre === "" ? -1 : a.pre < b.pre ? -1 : 1)

type Comparator = { readonly op: "<" | "<=" | ">" | ">=" | "="; readonly version: Version }

const wildcard = (part: string | undefined): boolean => part === undefined || part === "x" || part === "X" || part === "*"

/** A partial version (`1`, `1.2`, `1.x`, `1.2.3`) as its numbers, undefined where it is open. */
const partial = (text: string): readonly [number | undefined, number | undefined, number | undefined, string] | undefined => {
  const m = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?$/.exec(text)
  if (m === null) return undefined
  const num = (s: string | undefined): number | undefined => (wildcard(s) ? undefined : Number(s))
  const [major, minor, patch] = [num(m[1]), num(m[2]), num(m[3])]
  // `1.x.3` names no range.
  if ((major === undefined && (minor !== undefined || patch !== undefined)) || (minor === undefined && patch !== undefined)) return undefined
  return [major, minor, patch, m[4] ?? ""]
}

const v = (major: number, minor: number, patch: number, pre = ""): Version => ({ major, minor, patch, pre })

/** One space-separated part of a range as comparators; undefined when it is not a range. */
const comparators = (part: string): ReadonlyArray<Comparator> | undefined => {
  const m = /^(\^|~|>=|<=|>|<|=)?\s*(.+)$/.exec(part)
  if (m === null) return undefined
  const op = m[1] ?? ""
  const p = partial(m[2]!)
  if (p === undefined) return undefined
  const [major, minor, patch, pre] = p
  if (major === undefined) return op === "" || op === "=" || op === ">=" ? [] : undefined
  const low = v(major, minor ?? 0, patch ?? 0, pre)
  switch (op) {
    case "^": {
      const high = major > 0 || minor === undefined ? v(major + 1, 0, 0) : minor > 0 || patch === undefined ? v(0, minor + 1, 0) : v(0, 0, (patch ?? 0) + 1)
      return [{ op: ">=", version: low }, { op: "<", version: { ...high, pre: "0" } }]
    }
    case "~": {
      const high = minor === undefined ? v(major + 1, 0, 0) : v(major, minor + 1, 0)
      return [{ op: ">=", version: low }, { op: "<", version: { ...high, pre: "0" } }]
    }
    case "":
    case "=": {
      if (patch !== undefined) return [{ op: "=", version: low }]
      const high = minor === undefined ? v(major + 1, 0, 0) : v(major, minor + 1, 0)
      return [{ op: ">=", version: low }, { op: "<", version: { ...high, pre: "0" } }]
    }
    case ">":
      if (patch !== undefined) return [{ op: ">", version: low }]
      return [{ op: ">=", version: minor === undefined ? v(major + 1, 0, 0) : v(major, minor + 1, 0) }]
    case "<=":
      if (patch !== undefined) return [{ op: "<=", version: low }]
      return [{ op: "<", version: { ...(minor === undefined ? v(major + 1, 0, 0) : v(major, minor + 1, 0)), pre: "0" } }]
    case ">=":
    case "<":
      return [{ op, version: low }]
    default:
      return undefined
  }
}

const holds = (version: Version, c: Comparator): boolean => {
  const d = compareVersions(version, c.version)
  switch (c.op) {
    case "<": return d < 0
    case "<=": return d <= 0
    case ">": return d > 0
    case ">=": return d >= 0
    case "=": return d === 0
  }
}

/** A range as alternatives of comparator sets; undefined when it cannot be read. */
export const parseRange = (range: string): ReadonlyArray<ReadonlyArray<Comparator>> | undefined => {
  const alternatives: Array<ReadonlyArray<Comparator>> = []
  for (const alternative of range.split("||")) {
    // "1.2.0 - 1.4.0" (hyphen ranges) are rare in plugin requirements and not read.
    const parts = alternative.trim().replace(/(\^|~|>=|<=|>|<|=)\s+/g, "$1").split(/\s+/).filter((s) => s !== "")
    const set: Array<Comparator> = []
    for (const part of parts.length === 0 ? ["*"] : parts) {
      const cs = comparators(part)
      if (cs === undefined) return undefined
      set.push(...cs)
    }
    alternatives.push(set)
  }
  return alternatives
}

/** Whether `version` satisfies `range`; undefined when either cannot be read. Pre-releases satisfy only a range that names one of the same major.minor.patch, as in npm. */
export const satisfies = (version: string, range: string): boolean | undefined => {
  const parsed = parseVersion(version)
  const alternatives = parseRange(range)
  if (parsed === undefined || alternatives === undefined) return undefined
  return alternatives.some(
    (set) =>
      set.every((c) => holds(parsed, c)) &&
      (parsed.pre === "" ||
        set.some((c) => c.version.pre !== "" && c.version.pre !== "0" && c.version.major === parsed.major && c.version.minor === parsed.minor && c.version.patch === parsed.patch))
  )
}
