/**
 * Group commit, shared by the durable stores. Appends commit one after another (they share the
 * global position), so each costs one flush of the log when it goes alone; appends that arrive
 * while the store is busy go together in one transaction — one flush — and each still succeeds or
 * fails on its own (the store isolates them: savepoints, subtransactions). Every caller is
 * answered only after the group's commit.
 *
 * The stores differ only in when a group starts and how many may be in flight: a synchronous
 * driver (SQLite) commits on the spot, so it gathers what arrives during one turn of the event
 * loop and has one group at a time; a driver with round trips (PostgreSQL) starts a group at once
 * and lets the next one form while it is in flight.
 */
import { Effect } from "effect"

export interface GroupCommitOptions<I, O, E> {
  /**
   * Commits one group and returns one outcome per item, in the group's order. A failure of the
   * whole group (the connection dropped, say) answers every item in it with that failure.
   */
  readonly commit: (group: ReadonlyArray<I>) => Effect.Effect<ReadonlyArray<Effect.Effect<O, E>>, E>
  /** Groups committing at once. */
  readonly maxInFlight: number
  /** Items per group at most. */
  readonly maxGroup: number
  /**
   * What an idle committer waits for before it starts a group, so that the items that arrive
   * meanwhile join it; none: start at once.
   */
  readonly gather?: Effect.Effect<void>
}

/** A committer: `submit(item)` joins the next group and completes with the item's own outcome. */
export const makeGroupCommit = <I, O, E>(options: GroupCommitOptions<I, O, E>): { readonly submit: (item: I) => Effect.Effect<O, E> } => {
  let queue: Array<{ readonly item: I; readonly resume: (outcome: Effect.Effect<O, E>) => void }> = []
  let inFlight = 0
  let gathering = false

  const pump = (): void => {
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const group = queue.slice(0, options.maxGroup)
      queue = queue.slice(group.length)
      inFlight++
      Effect.runFork(
        options.commit(group.map((g) => g.item)).pipe(
          Effect.matchCause({
            onFailure: (cause) => group.forEach((g) => g.resume(Effect.failCause(cause))),
            onSuccess: (outcomes) =>
              group.forEach((g, i) => g.resume(outcomes[i] ?? Effect.die(new Error(`the group commit returned no outcome for item ${i}`))))
          }),
          Effect.ensuring(
            Effect.sync(() => {
              inFlight--
              pump()
            })
          )
        )
      )
    }
  }

  const start = (): void => {
    if (options.gather === undefined) return pump()
    if (gathering) return
    gathering = true
    Effect.runFork(
      options.gather.pipe(
        Effect.ensuring(
          Effect.sync(() => {
            gathering = false
            pump()
          })
        )
      )
    )
  }

  return {
    submit: (item) =>
      Effect.callback<O, E>((resume) => {
        queue.push({ item, resume })
        start()
      })
  }
}
