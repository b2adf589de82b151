/**
 * HTTP statuses for the errors the engine and its facade reject with, so that a portal's
 * handlers answer the same way for the same refusal.
 */
import type { PublishRefused, RulePackInvalid } from "../rules/index.js"
import type { OpenError } from "../ports/index.js"
import type { HandleError } from "./api.js"
import type { AccessDenied } from "./viewer.js"

/** Every error a facade method can reject with. */
export type MinyiError = HandleError | AccessDenied | RulePackInvalid | PublishRefused | OpenError

export type HttpStatus = 400 | 403 | 404 | 409 | 500 | 503

// A record keyed by every tag: a new error added to the union fails to compile here until it is
// given a status, so no refusal silently turns into a 500.
const statusByTag: { readonly [Tag in MinyiError["_tag"]]: HttpStatus } = {
  // 400: the input itself is wrong (a missing field, an unknown reference, a bad rule pack).
  InvalidInput: 400,
  InvalidDuration: 400,
  RulePackInvalid: 400,
  PublishRefused: 400,
  UnknownUnit: 400,
  UnknownPerson: 400,
  UnknownReference: 400,
  UnknownWhistle: 400,
  WrongPetition: 400,
  ReasonRequired: 400,
  DeliveryTimeImpossible: 400,
  SelfReference: 400,
  DuplicateId: 400,
  // 403: the caller may not do this (who they are, not what the petition's state is).
  AccessDenied: 403,
  EngineOnly: 403,
  ActorNotOfUnit: 403,
  PersonNotInUnit: 403,
  NotSupervisor: 403,
  NotAuthorised: 403,
  WhistleNotAllowed: 403,
  ProactiveNeedsStaff: 403,
  NotLead: 403,
  OnlyLeadMayResolve: 403,
  NotCoHandler: 403,
  NotFirstHandler: 403,
  NotAssigned: 403,
  UnitNotInvolved: 403,
  RatedByHandler: 403,
  AccusedUnitExcluded: 403,
  // 404: the petition is not there.
  PetitionNotFound: 404,
  NotSubmitted: 404,
  // 409: refused by the petition's rules or state as it stands; the same request may succeed later or never.
  AlreadySubmitted: 409,
  InvalidTransition: 409,
  PetitionClosed: 409,
  LeadCannotBeCoHandler: 409,
  ReviewWindowClosed: 409,
  ReviewWindowUnknown: 409,
  ChecklistIncomplete: 409,
  PartsOutstanding: 409,
  NotRated: 409,
  TierNotHigher: 409,
  DuplicateWhistle: 409,
  NotSummoned: 409,
  AlreadyReported: 409,
  SameLead: 409,
  BeforeLastEvent: 409,
  DeadlineNotAfter: 409,
  ExtensionRefused: 409,
  NoRulePack: 409,
  IdempotencyKeyReused: 409,
  // 500: the deployment is wrong (rules that loop, a calendar without the year, a store from a newer release).
  RuleLoop: 500,
  UnknownCalendar: 500,
  CalendarYearUnknown: 500,
  HistoryTampered: 500,
  StoreCorrupt: 500,
  SchemaTooNew: 500,
  // 503: try again later.
  StoreUnavailable: 503,
  TooMuchContention: 503
}

const isTagged = (error: unknown): error is { readonly _tag: string } =>
  typeof error === "object" && error !== null && "_tag" in error && typeof error._tag === "string"

const isKnownTag = (tag: string): tag is MinyiError["_tag"] => Object.hasOwn(statusByTag, tag)

/**
 * The HTTP status for an error a `Minyi` method rejected with: 400 invalid input, 403 not
 * authorised, 404 not found, 409 refused by the petition's rules, 503 store unavailable (retry);
 * 500 for anything else, including errors that are not minyi's.
 */
export const httpStatusOf = (error: unknown): HttpStatus =>
  isTagged(error) && isKnownTag(error._tag) ? statusByTag[error._tag] : 500
