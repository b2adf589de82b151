import { decide, decodeCommand, evolve, initialState, replay, sampleDirectory, verifyChain } from "@minyi/core"
import type { PetitionEvent } from "@minyi/core"
import { Result } from "effect"

const directory = sampleDirectory()
let state = initialState("FT-1")
const history: Array<PetitionEvent> = []

// Commands arrive as JSON (instants as ISO 8601 with an offset) and are decoded first.
const handle = (json: unknown) => {
  const command = decodeCommand(json)
  if (Result.isFailure(command)) return command.failure.message // names every bad field by JSON path
  const decision = decide(state, command.success, { directory })
  if (Result.isFailure(decision)) return decision.failure.message // which rule was broken, for a clerk
  for (const event of decision.success) {
    state = evolve(state, event)
    history.push(event)
  }
  return "ok"
}

const common = { petitionId: "FT-1", actor: { kind: "system" } }
handle({
  ...common, _tag: "Submit", at: "2026-03-02T09:00:00+08:00",
  petitioner: { anonymous: false, phone: "13912345678" },
  channel: "channel.hotline", category: "ecology.noise.construction", jurisdiction: "community.futian.gangxia",
  title: "夜间施工噪声", content: "工地晚上十一点后仍在施工", rulePack: { id: "futian-standard", version: "2026.1" }
})
handle({ ...common, _tag: "Dispatch", at: "2026-03-02T09:20:00+08:00", lead: "dept.ecology", coHandlers: ["street-office.futian"] })
export const refusal = handle({ ...common, _tag: "Accept", at: "2026-03-02T09:30:00+08:00", unit: "street-office.futian" })
// → "只有牵头单位“生态环境局”可以签收，“福田街道办事处”不是牵头单位 (only the lead unit dept.ecology may accept; …)"

export const status = state.status // "dispatched"
export const intact = Result.isSuccess(verifyChain(history)) && replay(history).version === state.version // true
