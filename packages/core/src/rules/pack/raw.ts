/**
 * Reading the raw JSON of a pack before (and beside) decoding it. Only own entries count, so that
 * a name such as `constructor`, `toString` or `__proto__` is never found on the prototype of every
 * object and taken for something minyi knows.
 */

const hasOwn = Object.prototype.hasOwnProperty

/** A field of a raw JSON value, if it has that field as its own. */
export const record = (raw: unknown, key: string): unknown =>
  raw !== null && typeof raw === "object" && hasOwn.call(raw, key) ? Reflect.get(raw, key) : undefined

export const keysOf = (raw: unknown): ReadonlyArray<string> => (raw !== null && typeof raw === "object" && !Array.isArray(raw) ? Object.keys(raw) : [])

/** The entry of a lookup table under `key`, if the table has it as its own. */
export const own = <V>(table: Readonly<Record<string, V>>, key: string): V | undefined => (hasOwn.call(table, key) ? table[key] : undefined)
