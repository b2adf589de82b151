/**
 * Holiday data published at run time: the engine takes it into every calendar, then counts again
 * the provisional deadlines of the open petitions and records each one that moved. The core part
 * (which deadlines moved, the records) is the pure step's `Recount` cause; this is the shell that
 * finds the petitions and carries it out.
 */
import { Clock, Effect, Result, Schema } from "effect"
import { decodeHolidayRelease } from "../calendar/index.js"
import type { PetitionEvent } from "../petition/index.js"
import type { PetitionSummary } from "../ports/index.js"
import type { RulePack } from "../rules/index.js"
import type { Instant } from "../shared/instant.js"
import type { HolidaysPublished } from "./api.js"
import { evaluateAt } from "./clocks.js"
import type { EngineContext } from "./context.js"
import type { makeHandle } from "./handle.js"
import type { StepContext } from "./step-context.js"

// The read model's `data` is JSON; of it only this is read here.
const Flagged = Schema.Struct({ provisionalDeadlines: Schema.optionalKey(Schema.Array(Schema.Unknown)) })
const isFlagged = (row: PetitionSummary): boolean => {
  const data = Schema.decodeUnknownResult(Flagged)(row.data)
  return Result.isSuccess(data) && (data.success.provisionalDeadlines?.length ?? 0) > 0
}

const ended: ReadonlyArray<string> = ["closed", "declined", "merged"]
const PAGE = 500

export const makeHolidays = (ctx: EngineContext, handling: ReturnType<typeof makeHandle>) => {
  /** The petitions whose read-model row shows a provisional deadline on a clock still open. */
  const flaggedPetitions = Effect.fnUntraced(function*() {
    const ids: Array<string> = []
    let after: string | undefined
    while (true) {
      const page = yield* ctx.queries.all({ limit: PAGE, ...(after === undefined ? {} : { after }) })
      for (const row of page.items) if (!ended.includes(row.status) && isFlagged(row)) ids.push(row.petitionId)
      if (page.next === null) return ids
      after = page.next
    }
  })

  /** One petition: its clocks as counted before the release, then the recount with it. */
  const recount = Effect.fnUntraced(function*(petitionId: string, version: string, now: Instant, without: Map<RulePack, StepContext>) {
    const { events, state } = yield* ctx.load(petitionId)
    const pack = yield* Effect.fromResult(ctx.packOf(state, state.receivedAt ?? now))
    let old = without.get(pack)
    if (old === undefined) {
      old = ctx.stepContextWithout(pack, version)
      without.set(pack, old)
    }
    // Never before the petition's latest event: the clocks answer from there on.
    const at = Math.max(now, state.lastAt ?? now)
    const before = yield* Effect.fromResult(evaluateAt(state, events, old, at))
    return yield* handling.run(petitionId, [{ _tag: "Recount", now: at, before, calendarVersion: version }], at, { mustExist: true })
  })

  const publishHolidays = Effect.fn("Engine.publishHolidays")(function*(input: unknown, at?: Instant) {
    const release = yield* Effect.fromResult(decodeHolidayRelease(input))
    const clock = at ?? (yield* Clock.currentTimeMillis)
    ctx.addHolidays(release)
    const ids = yield* flaggedPetitions()
    const recomputed: Array<{ readonly petitionId: string; readonly events: ReadonlyArray<PetitionEvent> }> = []
    const failed: Array<HolidaysPublished["failed"][number]> = []
    // The calendars without the release are built once per pack, not per petition.
    const without = new Map<RulePack, StepContext>()
    for (const petitionId of ids) {
      const done = yield* Effect.result(recount(petitionId, release.version, clock, without))
      if (Result.isFailure(done)) {
        // A store that is down fails every petition alike: stop, and let the caller publish again.
        if (done.failure._tag === "StoreUnavailable") return yield* Effect.fail(done.failure)
        failed.push({ petitionId, error: done.failure })
        continue
      }
      const events = done.success.events.filter((e) => e._tag === "DeadlineRecomputed")
      if (events.length > 0) recomputed.push({ petitionId, events })
    }
    return { version: release.version, years: release.years.map((y) => y.year), checked: ids.length, recomputed, failed } satisfies HolidaysPublished
  })

  return { publishHolidays }
}
