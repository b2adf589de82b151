/**
 * A min-queue of (instant, key) with lazy deletion: moving or removing a key leaves its old entry
 * behind, recognised as stale by its generation. Finding what is due costs O(log n + due), which
 * is the contract of timers and the outbox; a scan of everything open would not scale to 1M.
 */
interface Entry {
  readonly at: number
  readonly seq: number
  readonly key: string
  readonly gen: number
}

const before = (a: Entry, b: Entry): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq)

export class DueQueue {
  private heap: Array<Entry> = []
  private readonly live = new Map<string, number>()
  private seq = 0
  private gen = 0

  get size(): number {
    return this.live.size
  }

  /** Puts the key at `at`, replacing any earlier place. */
  set(key: string, at: number): void {
    const gen = ++this.gen
    this.live.set(key, gen)
    this.push({ at, seq: ++this.seq, key, gen })
    if (this.heap.length > 2 * this.live.size + 1024) this.compact()
  }

  delete(key: string): void {
    this.live.delete(key)
  }

  /** The earliest live entry, if any. */
  peek(): { readonly key: string; readonly at: number } | undefined {
    this.dropStale()
    return this.heap[0]
  }

  /** Removes and returns up to `limit` keys due at `now`, earliest first. */
  takeDue(now: number, limit: number): Array<string> {
    const out: Array<string> = []
    while (out.length < limit) {
      this.dropStale()
      const top = this.heap[0]
      if (top === undefined || top.at > now) break
      this.pop()
      this.live.delete(top.key)
      out.push(top.key)
    }
    return out
  }

  private dropStale(): void {
    for (let top = this.heap[0]; top !== undefined && this.live.get(top.key) !== top.gen; top = this.heap[0]) this.pop()
  }

  private compact(): void {
    const kept = this.heap.filter((e) => this.live.get(e.key) === e.gen)
    this.heap = []
    for (const e of kept) this.push(e)
  }

  private push(entry: Entry): void {
    const h = this.heap
    h.push(entry)
    let i = h.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(h[i]!, h[parent]!)) break
      ;[h[i], h[parent]] = [h[parent]!, h[i]!]
      i = parent
    }
  }

  private pop(): void {
    const h = this.heap
    const last = h.pop()!
    if (h.length === 0) return
    h[0] = last
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < h.length && before(h[l]!, h[m]!)) m = l
      if (r < h.length && before(h[r]!, h[m]!)) m = r
      if (m === i) break
      ;[h[i], h[m]] = [h[m]!, h[i]!]
      i = m
    }
  }
}
