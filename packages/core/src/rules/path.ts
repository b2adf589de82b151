/**
 * Paths into a fact value. json-rules-engine resolves `path` with JSONPath by default; minyi
 * accepts the subset that names one value — `$.a.b[0]`, `$['a']`, or a bare `a.b` — and
 * resolves it with a precompiled key walk, which is what makes evaluation fast. Wildcards,
 * filters and recursive descent are refused when the pack is loaded.
 */

/** The keys a path walks through, or a reason the path is not supported. */
export type ParsedPath =
  | { readonly _tag: "Keys"; readonly keys: ReadonlyArray<string> }
  | { readonly _tag: "Unsupported"; readonly reason: string }

const segment = /^(?:\.([A-Za-z_$\u0080-\uffff][\w$\u0080-\uffff-]*|\d+)|\[(\d+)\]|\['([^'\\]*)'\]|\["([^"\\]*)"\])/

export const parsePath = (path: string): ParsedPath => {
  let rest = path.startsWith("$") ? path.slice(1) : "." + path
  const keys: Array<string> = []
  while (rest.length > 0) {
    const m = segment.exec(rest)
    if (m === null) {
      return {
        _tag: "Unsupported",
        reason: `only plain paths such as $.a.b[0] are supported; cannot read "${rest}"`
      }
    }
    keys.push((m[1] ?? m[2] ?? m[3] ?? m[4])!)
    rest = rest.slice(m[0].length)
  }
  return { _tag: "Keys", keys }
}

const hasOwn = Object.prototype.hasOwnProperty

/**
 * Walks the keys like JSONPath does: only own properties count (so `length` of a string or
 * list is visible, inherited members such as `toString` are not), and falsy values (`""`, `0`,
 * `false`, `null`) have no members; a miss is `undefined`.
 */
export const walk = (value: unknown, keys: ReadonlyArray<string>): unknown => {
  // `any`: the walk steps through whatever JSON the fact holds; hasOwn has checked each key, and
  // this is the evaluation hot path, where Reflect.get would cost a call per step.
  // oxlint-disable-next-line typescript/no-explicit-any
  let current: any = value
  for (let i = 0; i < keys.length; i++) {
    // JSONPath only steps into truthy values: "".length is a miss, not 0.
    if (!current) return undefined
    const key = keys[i]!
    if (!hasOwn.call(current, key)) return undefined
    current = current[key]
  }
  return current
}

/** A compiled accessor; as in json-rules-engine a path is applied only to object fact values. */
export const compilePath = (path: string | undefined): ((value: unknown) => unknown) | undefined => {
  if (path === undefined || path === "") return undefined
  const parsed = parsePath(path)
  if (parsed._tag === "Unsupported") return undefined
  const keys = parsed.keys
  if (keys.length === 0) return undefined
  if (keys.length === 1) {
    const key = keys[0]!
    // The cast as in `walk`: hasOwn has checked the key.
    return (value) =>
      // oxlint-disable-next-line typescript/no-explicit-any
      value !== null && typeof value === "object" ? (hasOwn.call(value, key) ? (value as any)[key] : undefined) : value
  }
  return (value) => (value !== null && typeof value === "object" ? walk(value, keys) : value)
}
