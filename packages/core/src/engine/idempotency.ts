/**
 * Idempotent intake: a Submit with a channel message id that was seen before answers with the
 * first petition (`replayed: true`) — but only when it is the same submission. A different
 * complaint under a reused message id is refused rather than answered with the first petition,
 * which would silently lose it.
 */
import { Redacted, Schema } from "effect"
import type { CommandOf, Petitioner, PetitionEvent } from "../petition/index.js"

/** The idempotency key of a Submit: one per (channel, channel message id). */
export const submitKey = (command: { readonly channel: string; readonly channelMessageId?: string | undefined }): string | undefined =>
  command.channelMessageId === undefined ? undefined : `submit:${command.channel}:${command.channelMessageId}`

/** A channel message id came again with content other than the first Submit's. */
export class IdempotencyKeyReused extends Schema.TaggedError<IdempotencyKeyReused>()("IdempotencyKeyReused", {
  /** The idempotency key, `submit:<channel>:<channel message id>`. */
  key: Schema.String,
  /** The petition the key first created. */
  firstPetitionId: Schema.String,
  /** The fields in which this Submit differs from the first (`title`, `petitioner.phone`, …). */
  fields: Schema.Array(Schema.String),
  message: Schema.String
}) {}

const secret = (value: Redacted.Redacted<string> | undefined) => (value === undefined ? undefined : Redacted.value(value))

const petitionerDifferences = (first: Petitioner, retry: Petitioner): Array<string> =>
  [
    first.anonymous !== retry.anonymous ? "petitioner.anonymous" : undefined,
    secret(first.name) !== secret(retry.name) ? "petitioner.name" : undefined,
    secret(first.phone) !== secret(retry.phone) ? "petitioner.phone" : undefined,
    secret(first.idNumber) !== secret(retry.idNumber) ? "petitioner.idNumber" : undefined
  ].filter((f): f is string => f !== undefined)

/**
 * The fields of what a Submit says (not when it was sent, nor the petition id a retry may have
 * drawn afresh) in which `retry` differs from the first petition's Submitted event.
 */
export const submitDifferences = (
  first: Extract<PetitionEvent, { readonly _tag: "Submitted" }>,
  retry: Pick<CommandOf<"Submit">, "title" | "content" | "category" | "jurisdiction" | "petitioner" | "accusedUnit">
): Array<string> => [
  ...(["title", "content", "category", "jurisdiction", "accusedUnit"] as const).filter((f) => first[f] !== retry[f]),
  ...petitionerDifferences(first.petitioner, retry.petitioner)
]

export const idempotencyKeyReused = (key: string, firstPetitionId: string, fields: ReadonlyArray<string>): IdempotencyKeyReused =>
  new IdempotencyKeyReused({
    key,
    firstPetitionId,
    fields: [...fields],
    message:
      `渠道消息 ${key} 已用于信访件 ${firstPetitionId}，本次提交的内容不同（${fields.join("、")}），未予登记，请使用新的消息编号` +
      `（message id ${key} already created petition ${firstPetitionId}; this Submit differs in ${fields.join(", ")} and was not recorded: use a new message id）`
  })
