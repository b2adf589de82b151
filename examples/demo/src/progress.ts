/**
 * Progress through the simulated days: a bar redrawn in place on a terminal; in a log or a pipe,
 * a plain line each time another tenth is done, so the output stays readable there.
 */
export interface Progress {
  readonly update: (done: number, total: number) => void
  readonly done: () => void
}

/** Where progress is drawn: stderr by default, so stdout keeps only the results. */
export interface ProgressStream {
  readonly isTTY?: boolean
  readonly write: (text: string) => unknown
}

export const progress = (label: string, stream: ProgressStream = process.stderr): Progress => {
  const tty = stream.isTTY === true
  const width = 30
  // Redrawn only when the figure shown changes: the simulation reports far more often than that.
  let shown = -1
  const update = (done: number, total: number): void => {
    const share = total <= 0 ? 1 : Math.min(1, done / total)
    const percent = Math.floor(share * 100)
    if (tty && percent !== shown) {
      const filled = Math.round(width * share)
      stream.write(`\r${label} [${"█".repeat(filled)}${"░".repeat(width - filled)}] ${String(percent).padStart(3)}%`)
    } else if (!tty && Math.floor(percent / 10) > Math.floor(shown / 10)) {
      stream.write(`${label} ${percent}%\n`)
    }
    shown = percent
  }
  return {
    update,
    done: () => {
      update(1, 1)
      if (tty) stream.write("\n")
    }
  }
}
