// What checking a command at the boundary costs: decoding a Submit from JSON (the limits of
// petition/limits.ts scan every free text) with an ordinary content and with one at the 20,000
// character limit, and a Dispatch, which is mostly ids.
import { Result } from "effect"
import { bench, describe } from "vitest"
import { decodeCommand } from "../src/petition/index.js"

const submit = {
  _tag: "Submit",
  petitionId: "P-2026-0001",
  at: "2026-03-02T09:00:00+08:00",
  actor: { kind: "petitioner" },
  petitioner: { anonymous: false, name: "张三", phone: "13800138000" },
  channel: "channel.hotline",
  channelMessageId: "hotline:20260302-0001",
  category: "ecology.noise.construction",
  jurisdiction: "community.futian.gangxia",
  title: "夜间施工噪声",
  content: "工地晚上十一点后仍在施工，严重影响休息。",
  rulePack: { id: "futian", version: "2026.1" }
}
const longSubmit = { ...submit, content: "工地晚上十一点后仍在施工，严重影响休息。\n".repeat(1_000).slice(0, 20_000) }
const dispatch = {
  _tag: "Dispatch",
  petitionId: "P-2026-0001",
  at: "2026-03-02T09:05:00+08:00",
  actor: { kind: "unit", id: "unit.dispatch-centre" },
  lead: "dept.ecology",
  coHandlers: ["street-office.futian"]
}

const decoded = (input: unknown) => {
  if (Result.isFailure(decodeCommand(input))) throw new Error("the bench input must decode")
}

describe("decodeCommand", () => {
  bench("Submit, ordinary content", () => decoded(submit))
  bench("Submit, 20,000-character content", () => decoded(longSubmit))
  bench("Dispatch", () => decoded(dispatch))
})
