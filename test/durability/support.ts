/**
 * What the durability tests and their child processes share: the engine on a given store, the
 * petitions they submit, the instants they use, and a notifier that appends every delivery to a
 * file (so deliveries survive the process that made them).
 */
import { appendFileSync } from "node:fs"
import { emptyRegistry, Engine, engineLayer, loadRulePack, Notifier, publish, rulePackPresets, sampleDirectory } from "@minyi/core"
import type { Notification, SubmitInput } from "@minyi/core"
import * as Sqlite from "@minyi/store-sqlite"
import * as Postgres from "@minyi/store-postgres"
import { Effect, Layer, Result } from "effect"

export const directory = sampleDirectory()
const pack = Result.getOrThrow(loadRulePack(rulePackPresets["futian-10-30-24"], { directory }))
export const packs = Result.getOrThrow(publish(emptyRegistry, pack, { directory }))

/** Every petition is received at T0; its 10-minute feedback clock is due at T0 + 10 min. */
export const T0 = Date.parse("2026-03-02T09:00:00+08:00")
export const MINUTE = 60_000
export const FEEDBACK_DUE = T0 + 10 * MINUTE
/**
 * Ticks and relays run from here on: past the feedback breach, before the contact clock's
 * PT2M warning (28 min), so every run records the same clock events whatever instant it uses.
 */
export const WORK_FROM = T0 + 15 * MINUTE
export const WORK_UNTIL = T0 + 27 * MINUTE

export const petitionId = (i: number): string => `p-${String(i).padStart(5, "0")}`

/** A Submit with a channel message id, so a resubmission after a crash is an idempotent replay. */
export const submitOf = (id: string): SubmitInput => ({
  _tag: "Submit",
  petitionId: id,
  at: T0,
  actor: { kind: "petitioner" },
  petitioner: { anonymous: false },
  channel: "channel.district-secretary-online",
  channelMessageId: id,
  category: "city-management.sanitation.refuse-odour",
  jurisdiction: "community.yuanling.hongli",
  title: "垃圾站异味",
  content: "小区门口垃圾站异味严重"
})

export type StoreSpec =
  | { readonly kind: "sqlite"; readonly path: string }
  | { readonly kind: "pg"; readonly url: string; readonly schema: string; readonly poolSize?: number; readonly synchronousCommit?: boolean }

/** One line per delivery: `<idempotency key>\t<message id>\t<worker>`, appended synchronously before the send returns. */
export const recordingNotifier = (file: string, workerId: string) =>
  Layer.succeed(
    Notifier,
    Notifier.of({
      send: (n: Notification) => Effect.sync(() => appendFileSync(file, `${n.idempotencyKey}\t${n.id}\t${workerId}\n`))
    })
  )

export interface EngineSetup {
  readonly store: StoreSpec
  readonly notifyLog: string
  readonly workerId: string
  readonly leaseMs: number
  readonly batchSize: number
}

export const storageLayer = (spec: StoreSpec) =>
  spec.kind === "sqlite"
    ? Sqlite.layer({ path: spec.path })
    : Postgres.layer({
        connectionString: spec.url,
        schema: spec.schema,
        poolSize: spec.poolSize ?? 4,
        ...(spec.synchronousCommit === undefined ? {} : { synchronousCommit: spec.synchronousCommit })
      })

/** The real engine over a real store and the recording notifier. */
export const engineOn = (setup: EngineSetup): Layer.Layer<Engine, unknown> =>
  engineLayer({ directory, packs, workerId: setup.workerId, leaseMs: setup.leaseMs, batchSize: setup.batchSize }).pipe(
    Layer.provide(Layer.merge(storageLayer(setup.store), recordingNotifier(setup.notifyLog, setup.workerId)))
  )

/** A child's plan: its steps run in order; `wait` holds until the parent writes a line on stdin. */
export type Step =
  | {
      readonly op: "submit"
      readonly ids: ReadonlyArray<string>
      readonly concurrency: number
      /** Appended to each petition id (the channel message id stays the id): a copy that drew its own petition id. */
      readonly petitionIdSuffix?: string
    }
  | { readonly op: "tick"; readonly at: number; readonly forever?: boolean }
  | { readonly op: "relay"; readonly at: number; readonly forever?: boolean }
  | { readonly op: "wait" }

export interface ChildArgs extends EngineSetup {
  readonly steps: ReadonlyArray<Step>
}

