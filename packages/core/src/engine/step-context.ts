/** What a step is given besides the petition, and how it reports a rule action: shared by step.ts and the modules it calls. */
import type { Calendars } from "../calendar/index.js"
import type { Directory } from "../directory/index.js"
import type { RuleAction } from "../rules/actions-eval.js"
import type { RulePack } from "../rules/index.js"
import type { Instant } from "../shared/instant.js"

/** What the engine consults besides the petition: the directory and the petition's pinned pack. */
export interface StepContext {
  readonly directory: Directory
  readonly pack: RulePack
  readonly calendars: Calendars
  /** Follow-up commands caused by rules, at most, per step — a guard against rules that feed each other. */
  readonly maxFollowUps?: number
}

/** A rule action as it is reported (and printed by `minyi simulate`). */
export interface FiredAction {
  readonly at: Instant
  readonly petitionId: string
  readonly rule: string
  readonly packId: string
  readonly packVersion: string
  readonly type: RuleAction["type"] | "route" | "watch" | "problem"
  readonly params: Readonly<Record<string, unknown>>
  /** Why the action was not carried out, when it was refused (e.g. an escalation to a lower tier). */
  readonly refused?: string
}
