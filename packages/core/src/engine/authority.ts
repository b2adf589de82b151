/**
 * The entrance of the engine: what no caller may claim, whoever authenticated them. The portal
 * authenticates; the engine decides what a command may carry in from outside. See docs/security.md.
 */
import { Result, Schema } from "effect"
import type { PetitionCommandTag } from "../petition/index.js"
import type { Instant } from "../shared/instant.js"
import { formatInstant } from "../shared/instant.js"
import type { InvalidInput } from "../shared/validation.js"
import { invalidInput } from "../shared/validation.js"

/**
 * Commands only the engine issues: records of what happened around a petition (clock warnings and
 * breaches, identity reads, notifications, dead letters, rule problems) and the repeat links it finds
 * at Submit. A caller who could send them could forge the audit trail or silence a clock.
 */
export const engineOnlyCommands: ReadonlyArray<PetitionCommandTag> = [
  "RecordClockWarning",
  "RecordClockBreach",
  "RecordIdentityRead",
  "RecordNotification",
  "RecordDeadLetter",
  "RecordRuleProblem",
  "RecordDeadlineRecomputed",
  "LinkRepeat"
]

/** How far a command's time may run ahead of the engine's clock by default: two minutes. */
export const DEFAULT_CLOCK_SKEW_MS = 2 * 60_000

/** A caller sent what only the engine may issue: one of its own records, or a command as `system`. */
export class EngineOnly extends Schema.TaggedError<EngineOnly>()("EngineOnly", {
  command: Schema.String,
  /** `command` when the command itself is engine-only, `actor` when only the `system` actor is. */
  reason: Schema.Literals(["command", "actor"]),
  message: Schema.String
}) {}

const engineOnly = (command: string, reason: "command" | "actor"): EngineOnly =>
  new EngineOnly({
    command,
    reason,
    message:
      reason === "command"
        ? `命令 ${command} 只能由引擎自己发出，调用方不得提交（${command} is issued by the engine only; callers cannot send it）`
        : `调用方不得以 system 身份提交 ${command}，system 只代表引擎自己（callers cannot send ${command} as the system actor; system is the engine itself）`
  })

/**
 * Refuses an engine-only command by its tag alone, before decoding: the caller learns it may not
 * send the command at all, not which of the record's fields it got wrong.
 */
export const checkTag = (input: unknown): Result.Result<unknown, EngineOnly> => {
  const tag = typeof input === "object" && input !== null && "_tag" in input ? input._tag : undefined
  const engineOnlyTag = engineOnlyCommands.find((command) => command === tag)
  return engineOnlyTag === undefined ? Result.succeed(input) : Result.fail(engineOnly(engineOnlyTag, "command"))
}

/**
 * Checks a decoded command from a caller before it is handled: no engine-only command, no `system`
 * actor, no rating deadline (the engine computes it from the pack), and a time no later than the
 * engine's clock plus `skewMs` — a far-future time would otherwise freeze the petition's clocks.
 */
/** What the entrance reads of a command (api.ts's EngineCommand has it; named here so the two modules do not import each other). */
interface Entering {
  readonly _tag: PetitionCommandTag
  readonly at: Instant
  readonly actor: { readonly kind: string }
  readonly ratingDeadline?: Instant | undefined
}

export const checkEntrance = <C extends Entering>(command: C, now: Instant, skewMs: number): Result.Result<C, EngineOnly | InvalidInput> => {
  if (engineOnlyCommands.includes(command._tag)) return Result.fail(engineOnly(command._tag, "command"))
  if (command.actor.kind === "system") return Result.fail(engineOnly(command._tag, "actor"))
  if (command._tag === "Close" && command.ratingDeadline !== undefined) {
    return Result.fail(
      invalidInput("command", [
        {
          path: "/ratingDeadline",
          message: "回访期限由引擎按规则包计算，调用方不得给出（the rating deadline is computed by the engine from the rule pack; callers cannot set it）"
        }
      ])
    )
  }
  if (command.at > now + skewMs) {
    return Result.fail(
      invalidInput("command", [
        {
          path: "/at",
          message: `时间 ${formatInstant(command.at)} 晚于引擎时钟 ${formatInstant(now)} 加允许偏差 ${skewMs} 毫秒（expected a time no later than the engine's clock plus ${skewMs} ms）`
        }
      ])
    )
  }
  return Result.succeed(command)
}
