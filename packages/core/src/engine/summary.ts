import { Redacted } from "effect"
import type { ClockEvaluation } from "../clocks/index.js"
import type { Directory } from "../directory/index.js"
import type { PetitionEvent, Petitioner, PetitionState } from "../petition/index.js"
import type { PetitionSummary } from "../ports/index.js"
import type { Instant } from "../shared/instant.js"
import { maskName, maskPhone } from "../petition/mask.js"
import type { ReviewWindow } from "./review-window.js"


/** The petitioner as anyone without the right to see identities sees them. */
export const maskedPetitioner = (p: Petitioner | undefined): { readonly name: string; readonly phone: string } => {
  if (p === undefined || p.anonymous) return { name: "匿名 anonymous", phone: "—" }
  return {
    name: p.name === undefined ? "—" : maskName(Redacted.value(p.name)),
    phone: p.phone === undefined ? "—" : maskPhone(Redacted.value(p.phone))
  }
}

/**
 * The petitioner as `state` and `history` give it: name and phone masked as in the views, no
 * identity number. Whoever needs the real identity reads it through `readIdentity`, which records
 * the read; everyone else works with this.
 */
export const maskedIdentity = (p: Petitioner): Petitioner => {
  if (p.anonymous) return { anonymous: true }
  const masked = maskedPetitioner(p)
  return {
    anonymous: false,
    ...(p.name === undefined ? {} : { name: Redacted.make(masked.name) }),
    ...(p.phone === undefined ? {} : { phone: Redacted.make(masked.phone) })
  }
}

/** A petition's state with its petitioner masked (see {@link maskedIdentity}). */
export const maskedState = (state: PetitionState): PetitionState =>
  state.petitioner === undefined ? state : { ...state, petitioner: maskedIdentity(state.petitioner) }

/**
 * A petition's history with the petitioner masked in its Submitted event. The masked event no
 * longer matches its stored hash: the chain is verified where the events are loaded, not by callers.
 */
export const maskedHistory = (events: ReadonlyArray<PetitionEvent>): ReadonlyArray<PetitionEvent> =>
  events.map((e) => (e._tag === "Submitted" ? { ...e, petitioner: maskedIdentity(e.petitioner) } : e))

/** The read-model row for a petition, written in the same append as its events. */
export const toSummary = (
  state: PetitionState,
  clocks: ClockEvaluation,
  directory: Directory,
  now: Instant,
  /** The review or re-review window the petitioner is in, for the portal ("not started" until the reply's delivery is recorded). */
  reviewWindow?: ReviewWindow
): PetitionSummary => {
  const channel = state.channel === undefined ? undefined : directory.channel(state.channel)
  const whistleUnits = Object.values(state.whistles).flatMap((w) => w.summoned)
  const chain = [state.firstHandler, state.lead, ...state.coHandlers, ...whistleUnits].filter(
    (u): u is string => u !== undefined
  )
  const running = clocks.clocks.filter((c) => c.state === "running" && c.dueAt !== undefined)
  const place = state.jurisdiction === undefined ? [] : directory.jurisdictionPath(state.jurisdiction)
  const masked = maskedPetitioner(state.petitioner)
  const provisional = clocks.clocks.filter((c) => c.provisional !== undefined && c.dueAt !== undefined && (c.state === "running" || c.state === "paused"))
  return {
    petitionId: state.id,
    status: state.status,
    tier: state.tier,
    priority: state.priority,
    owner: state.owner ?? null,
    firstHandler: state.firstHandler ?? null,
    lead: state.lead ?? null,
    coHandlers: [...state.coHandlers],
    chainUnits: [...new Set(chain)],
    jurisdictionPath: place.map((j) => j.id),
    categoryPath: state.category === undefined ? [] : directory.categoryPath(state.category).map((c) => c.id),
    channel: state.channel ?? "unknown",
    leaderPerson: channel?.kind === "leader_channel" ? channel.person : null,
    watchers: [...state.watchers],
    accusedUnit: state.accusedUnit ?? null,
    receivedAt: state.receivedAt ?? now,
    updatedAt: now,
    nextDueAt: running.length === 0 ? null : Math.min(...running.map((c) => c.dueAt!)),
    breachedClocks: [...new Set(clocks.clocks.filter((c) => c.state === "breached").map((c) => c.name))],
    data: {
      title: state.title ?? "",
      category: state.category ?? null,
      jurisdiction: state.jurisdiction ?? null,
      channelKind: channel?.kind ?? null,
      persons: state.persons,
      handler: state.handler ?? null,
      petitioner: masked,
      rulePack: state.rulePack === undefined ? null : { id: state.rulePack.id, version: state.rulePack.version },
      version: state.version,
      reviewWindow:
        reviewWindow === undefined
          ? null
          : {
            stage: reviewWindow.stage,
            state: reviewWindow.state,
            startsAt: reviewWindow.startsAt ?? null,
            endsAt: reviewWindow.endsAt ?? null,
            length: reviewWindow.length ?? null
          },
      // Only when there are some: the deadlines a holiday release may move (see publishHolidays).
      ...(provisional.length === 0
        ? {}
        : {
          provisionalDeadlines: provisional.map((c) => ({
            clock: c.name,
            unit: c.unit ?? null,
            dueAt: c.dueAt!,
            years: [...(c.provisional?.years ?? [])]
          }))
        })
    }
  }
}
