// The petition aggregate: what one command costs (decide + seal: schema-encode and SHA-256), how
// the pure-TS SHA-256 compares with node:crypto's native one, and replay/verify of a history.
import { createHash } from "node:crypto"
import { Redacted, Result } from "effect"
import { bench, describe } from "vitest"
import { sampleDirectory } from "../src/directory/index.js"
import type { PetitionCommand, PetitionEvent, PetitionState } from "../src/petition/index.js"
import { anchorOf, decide, encodeEvent, evolve, initialState, replay, verifyAnchor, verifyChain } from "../src/petition/index.js"
import { canonicalJson } from "../src/petition/chain.js"
import { sha256Hex } from "../src/shared/sha256.js"

const directory = sampleDirectory()
const context = { directory }
const PID = "P-bench"
const T0 = Date.parse("2026-03-02T01:00:00Z")
const base = (i: number) => ({ petitionId: PID, at: T0 + i * 60_000, actor: { kind: "system" as const } })
const checklist = { problemSolved: true, explanationGiven: true, assistanceGiven: true, unlawfulConductDealtWith: false }

const lifecycle: ReadonlyArray<PetitionCommand> = [
  {
    _tag: "Submit", ...base(0), petitioner: { anonymous: true }, channel: "channel.hotline",
    category: "ecology.noise.construction", jurisdiction: "community.futian.gangxia",
    title: "夜间施工噪声", content: "工地晚上十一点后仍在施工，严重影响休息。", rulePack: { id: "p", version: "1" }
  },
  { _tag: "Dispatch", ...base(1), lead: "dept.ecology", coHandlers: ["street-office.futian"] },
  { _tag: "Accept", ...base(2), unit: "dept.ecology" },
  { _tag: "ReportPart", ...base(3), unit: "street-office.futian", summary: "街道已约谈施工方" },
  { _tag: "Resolve", ...base(4), unit: "dept.ecology", checklist, summary: "已责令夜间停工" },
  { _tag: "RateSatisfaction", ...base(5), rating: "satisfied" },
  { _tag: "Close", ...base(6), reason: "满意" }
]

const run = (commands: ReadonlyArray<PetitionCommand>) => {
  let state: PetitionState = initialState(PID)
  const events: Array<PetitionEvent> = []
  for (const c of commands) {
    const r = decide(state, c, context)
    if (Result.isFailure(r)) throw new Error(r.failure.message)
    for (const e of r.success) {
      state = evolve(state, e)
      events.push(e)
    }
  }
  return { state, events }
}

// A long history: the lifecycle, then many clock warnings while it stayed open.
const longCommands: Array<PetitionCommand> = lifecycle.slice(0, 3)
for (let i = 0; i < 97; i++) longCommands.push({ _tag: "RecordClockWarning", ...base(10 + i), clock: "handling", threshold: "80%", dueAt: T0 })
const long = run(longCommands)
const afterAccept = run(lifecycle.slice(0, 3)).state
const warning: PetitionCommand = { _tag: "RecordClockWarning", ...base(9), clock: "handling", threshold: "80%", dueAt: T0 }
const refused: PetitionCommand = { _tag: "Resolve", ...base(9), unit: "street-office.futian", checklist, summary: "x" }
const text = canonicalJson(encodeEvent(long.events[0]!))
let sink = 0

describe("one command", () => {
  bench("decide → 1 sealed event (RecordClockWarning)", () => {
    const r = decide(afterAccept, warning, context)
    sink += Result.isSuccess(r) ? r.success.length : 0
  })
  bench("decide → refusal (co-handler tries to resolve)", () => {
    sink += Result.isFailure(decide(afterAccept, refused, context)) ? 1 : 0
  })
  bench("whole 7-command lifecycle (decide + evolve)", () => {
    sink += run(lifecycle).state.version
  })
})

describe(`SHA-256 of a Submitted event (${text.length} chars)`, () => {
  bench("node:crypto (native baseline)", () => {
    sink += createHash("sha256").update(text).digest("hex").length
  })
  bench("sha256Hex (pure TypeScript)", () => {
    sink += sha256Hex(text).length
  })
})

const longId = long.events[0]!.petitionId
const chainKeys = { current: Redacted.make("bench-chain-key") }
const anchor = anchorOf(longId, { version: long.events.length, hash: long.events.at(-1)!.hash }, chainKeys)

describe("a 100-event history", () => {
  bench("replay", () => {
    sink += replay(long.events).version
  })
  bench("verifyChain", () => {
    sink += Result.isSuccess(verifyChain(long.events)) ? 1 : 0
  })
  // What a load adds for the stored head of a keyed deployment: one HMAC, whatever the length.
  bench("verifyAnchor (sealed head, chain key)", () => {
    sink += Result.isSuccess(verifyAnchor(longId, long.events, anchor, chainKeys)) ? 1 : 0
  })
})

export { sink }
