/**
 * Group commit. Appends commit one after another (they share the global position), so each
 * costs one flush of the write-ahead log when sent alone. Appends that arrive while earlier
 * ones are committing are sent together as one statement — one transaction, one flush — and
 * each still succeeds or fails on its own (see `minyi_append_many`).
 */
export class GroupCommitter<Row extends { readonly idx: number }> {
  private readonly queue: Array<{ readonly json: string; readonly resolve: (row: Row) => void; readonly reject: (cause: unknown) => void }> = []
  private inFlight = 0

  constructor(
    private readonly send: (batchesJson: string) => Promise<ReadonlyArray<unknown>>,
    /** Decodes the rows of one group; throws if they do not decode. */
    private readonly decode: (rows: ReadonlyArray<unknown>) => ReadonlyArray<Row>,
    // Two groups in flight: one committing while the next waits for the position lock, so the
    // round trip of one overlaps the flush of the other.
    private readonly maxInFlight = 2,
    private readonly maxGroup = 128
  ) {}

  /** Sends one batch (already JSON) with whatever else is waiting; resolves with its row. */
  submit(json: string): Promise<Row> {
    return new Promise<Row>((resolve, reject) => {
      this.queue.push({ json, resolve, reject })
      this.pump()
    })
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const group = this.queue.splice(0, this.maxGroup)
      this.inFlight++
      this.send(`[${group.map((g) => g.json).join(",")}]`)
        .then((raw) => this.decode(raw))
        .then(
          (rows) => {
            const byIdx = new Map(rows.map((r) => [r.idx, r]))
            group.forEach((g, i) => {
              const row = byIdx.get(i)
              if (row === undefined) g.reject(new Error(`minyi_append_many returned no row for batch ${i}`))
              else g.resolve(row)
            })
          },
          (cause: unknown) => group.forEach((g) => g.reject(cause))
        )
        .finally(() => {
          this.inFlight--
          this.pump()
        })
    }
  }
}
