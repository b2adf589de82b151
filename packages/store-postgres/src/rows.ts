import { decodeInput } from "@minyi/core"
import { storeCorrupt } from "@minyi/core/adapter"
import type { StoreCorrupt } from "@minyi/core"
import { Effect, Result, Schema } from "effect"

// pg returns bigint columns as strings (a JS number cannot hold every int8); the values
// minyi stores there (positions, epoch milliseconds) are far below 2^53.
const Bigint = Schema.NumberFromString.check(Schema.isInt())
const PositiveBigint = Schema.NumberFromString.check(Schema.isInt(), Schema.isGreaterThanOrEqualTo(1))
const Positive = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))

export const EventRow = Schema.Struct({
  position: PositiveBigint,
  event_id: Schema.NonEmptyString,
  stream_id: Schema.NonEmptyString,
  version: Positive,
  type: Schema.NonEmptyString,
  at: Bigint,
  data: Schema.Json
})

export const HeadRow = Schema.Struct({
  version: Positive,
  hash: Schema.NonEmptyString,
  seal: Schema.NullOr(Schema.NonEmptyString)
})

export const StreamIdRow = Schema.Struct({ stream_id: Schema.NonEmptyString })

export const AppendRow = Schema.Struct({
  idx: Schema.Int,
  status: Schema.Literals(["appended", "replayed", "conflict", "duplicate_event", "duplicate_outbox"]),
  previous_version: Schema.Int,
  version: Schema.Int,
  detail: Schema.NullOr(Schema.String)
})

export const IdempotencyRow = Schema.Struct({
  stream_id: Schema.String,
  previous_version: Schema.Int,
  version: Schema.Int
})

export const TimerRow = Schema.Struct({
  stream_id: Schema.String,
  key: Schema.String,
  due_at: Bigint,
  payload: Schema.Json,
  token: Schema.NullOr(Schema.String),
  worker_id: Schema.NullOr(Schema.String),
  lease_until: Schema.NullOr(Bigint)
})

export const ReadyRow = Schema.Struct({ ready_at: Bigint })

export const OutboxRow = Schema.Struct({
  message: Schema.Json,
  failures: Schema.Int,
  token: Schema.NullOr(Schema.String),
  worker_id: Schema.NullOr(Schema.String),
  lease_until: Schema.NullOr(Bigint),
  dead_at: Schema.NullOr(Bigint),
  reason: Schema.NullOr(Schema.String)
})

export const RepeatRow = Schema.Struct({
  petition_id: Schema.NonEmptyString,
  received_at: Bigint,
  community: Schema.NonEmptyString,
  category_path: Schema.Array(Schema.NonEmptyString)
})

export const MetricRow = Schema.Struct({
  kind: Schema.NonEmptyString,
  dim: Schema.NonEmptyString,
  key: Schema.String,
  period_day: Schema.NullOr(Schema.Int),
  value: Schema.Number
})

export const SummaryRow = Schema.Struct({ summary: Schema.Json })

export const CountRow = Schema.Struct({ n: Bigint })

export const MetaRow = Schema.Struct({ key: Schema.String, value: Schema.String })

/**
 * Decodes rows (or values built from rows) with a schema; anything that does not decode means
 * the store holds what this version of minyi did not write.
 */
export const decodeWith = <S extends Schema.Decoder<unknown>>(schema: S, location: string) => {
  const decode = decodeInput(Schema.Array(schema), location)
  return (rows: ReadonlyArray<unknown>): Effect.Effect<ReadonlyArray<S["Type"]>, StoreCorrupt> => {
    const result = decode(rows)
    return Result.isSuccess(result)
      ? Effect.succeed(result.success as ReadonlyArray<S["Type"]>)
      : Effect.fail(storeCorrupt(location, result.failure.message))
  }
}
