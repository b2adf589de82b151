/**
 * What the engine answers without changing anything (bar recording who read an identity): a
 * petition's state, history and clocks, and the viewer-scoped queries over the read models.
 */
import { Clock, Effect, Option } from "effect"
import type { ClockEvaluation } from "../clocks/index.js"
import type { PetitionEvent, Petitioner, PetitionState } from "../petition/index.js"
import type { Page, PageRequest, PetitionSummary, StoreError } from "../ports/index.js"
import type { Instant } from "../shared/instant.js"
import type { InvalidInput } from "../shared/validation.js"
import type { HandleError, HistoryTampered, PetitionNotFound, PetitionView } from "./api.js"
import { notFound } from "./api.js"
import { clocksAt } from "./clocks.js"
import type { EngineContext } from "./context.js"
import type { makeHandle } from "./handle.js"
import { firstMatching } from "./repeats.js"
import { maskedHistory, maskedPetitioner, maskedState } from "./summary.js"
import type { Viewer } from "./viewer.js"
import { AccessDenied, canSee, canSeeIdentity, denied, scopeOf } from "./viewer.js"

export const makeReads = (ctx: EngineContext, handling: ReturnType<typeof makeHandle>) => {
  const { directory, identityRoles, queries } = ctx

  const loaded = Effect.fnUntraced(function*(petitionId: string) {
    const petition = yield* ctx.load(petitionId)
    if (petition.events.length === 0) return yield* notFound(petitionId)
    return petition
  })

  const state = Effect.fn("Engine.state")(function*(petitionId: string): Effect.fn.Return<PetitionState, PetitionNotFound | HistoryTampered | StoreError | InvalidInput> {
    return maskedState((yield* loaded(petitionId)).state)
  })

  const history = Effect.fn("Engine.history")(
    function*(petitionId: string): Effect.fn.Return<ReadonlyArray<PetitionEvent>, PetitionNotFound | HistoryTampered | StoreError | InvalidInput> {
      return maskedHistory((yield* loaded(petitionId)).events)
    }
  )

  const clocks = Effect.fn("Engine.clocks")(function*(petitionId: string, at?: Instant): Effect.fn.Return<ClockEvaluation, HandleError> {
    const now = at ?? (yield* Clock.currentTimeMillis)
    const petition = yield* loaded(petitionId)
    const pack = yield* Effect.fromResult(ctx.packOf(petition.state, petition.state.receivedAt ?? now))
    const answered = yield* Effect.fromResult(clocksAt(petition.clockFold, petition.state, petition.events, ctx.stepContext(pack), now))
    ctx.remember(petitionId, { ...petition, clockFold: answered.fold })
    return answered.evaluation
  })

  const view = (scope: Exclude<ReturnType<typeof scopeOf>, AccessDenied>, summary: PetitionSummary): PetitionView => ({
    summary,
    // The row's data is what toSummary wrote; the store gives it back as untyped JSON.
    petitioner: (summary.data as { petitioner?: { name: string; phone: string } }).petitioner ?? maskedPetitioner(undefined),
    identityVisible: canSeeIdentity(scope, summary, identityRoles)
  })

  const query = Effect.fn("Engine.query")(function*(
    viewer: Viewer,
    request: PageRequest & { readonly overdue?: boolean }
  ): Effect.fn.Return<ReadonlyArray<PetitionView>, AccessDenied | StoreError> {
    const scope = scopeOf(viewer, directory)
    if (scope instanceof AccessDenied) return yield* scope
    const now = yield* Clock.currentTimeMillis
    const limit = Math.max(1, request.limit)
    const pageAfter = (after: string | undefined): PageRequest => ({
      limit,
      ...(after === undefined ? {} : { after }),
      ...(request.statuses === undefined ? {} : { statuses: request.statuses })
    })
    const overdue = (s: PetitionSummary) =>
      request.overdue !== true || s.breachedClocks.length > 0 || (s.nextDueAt !== null && s.nextDueAt <= now)
    const sources: Array<(page: PageRequest) => Effect.Effect<Page<PetitionSummary>, StoreError>> = scope.all
      ? [request.overdue === true ? (page) => queries.overdue(now, page) : (page) => queries.all(page)]
      : [
          ...scope.units.map((u) => (page: PageRequest) => queries.byUnit(u, page)),
          ...scope.jurisdictions.map((j) => (page: PageRequest) => queries.byJurisdiction(j, page)),
          (page: PageRequest) => queries.byPerson(scope.person.id, page)
        ]
    const found = yield* Effect.all(
      sources.map((source) => firstMatching((after) => source(pageAfter(after)), request.after, overdue, limit))
    )
    const seen = new Map<string, PetitionSummary>()
    for (const items of found) for (const s of items) seen.set(s.petitionId, s)
    return [...seen.values()]
      .filter((s) => canSee(scope, s))
      .sort((a, b) => (a.petitionId < b.petitionId ? -1 : a.petitionId > b.petitionId ? 1 : 0))
      .slice(0, limit)
      .map((s) => view(scope, s))
  })

  const readIdentity = Effect.fn("Engine.readIdentity")(
    function*(viewer: Viewer, petitionId: string, reason: string, at?: Instant): Effect.fn.Return<Petitioner, AccessDenied | HandleError> {
      const scope = scopeOf(viewer, directory)
      if (scope instanceof AccessDenied) return yield* scope
      const summary = yield* queries.get(petitionId)
      if (Option.isNone(summary)) return yield* notFound(petitionId)
      if (!canSeeIdentity(scope, summary.value, identityRoles)) {
        return yield* denied(
          viewer.person,
          `${scope.person.name} 无权查看信访件 ${petitionId} 的信访人身份`,
          `${scope.person.nameEn} may not see the petitioner's identity on ${petitionId}`,
          petitionId
        )
      }
      const { state: before } = yield* loaded(petitionId)
      // The read happens now; a history never runs backwards, so a clock behind the last event waits for it.
      const now = at ?? Math.max(yield* Clock.currentTimeMillis, before.lastAt ?? 0)
      yield* handling.record({
        _tag: "RecordIdentityRead",
        petitionId,
        at: now,
        actor: { kind: "person", id: viewer.person },
        person: viewer.person,
        reason
      })
      const { state } = yield* loaded(petitionId)
      return state.petitioner ?? { anonymous: true }
    },
    (effect, _viewer, petitionId) => Effect.annotateLogs(effect, { petitionId })
  )

  return { state, history, clocks, query, readIdentity }
}
