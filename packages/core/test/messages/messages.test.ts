import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { calendarYearUnknown, unknownCalendar } from "../../src/calendar/errors.js"
import { sampleDirectory } from "../../src/directory/index.js"
import { describeError, makeMessage, parseBilingual, parseMessageLang, renderMessage } from "../../src/messages/index.js"
import { decide, decodeCommand, describeRefusal, initialState } from "../../src/petition/index.js"
import { storeUnavailable, versionConflict } from "../../src/ports/errors.js"
import { describeInvalidInput } from "../../src/shared/validation.js"
import { cmd, context, decideAll, dispatch, PID, submit } from "../petition/fixtures.js"

const directory = sampleDirectory()
const han = /[\u4e00-\u9fff]/

describe("the one bilingual format", () => {
  it("renders Chinese then English in brackets by default, or one language", () => {
    const text = makeMessage("不能结案", "cannot close")
    expect(renderMessage(text)).toBe("不能结案 (cannot close)")
    expect(renderMessage(text, "zh")).toBe("不能结案")
    expect(renderMessage(text, "en")).toBe("cannot close")
  })
  it("reads its own rendering back, brackets inside the English included", () => {
    const text = makeMessage("比例须在 0 与 1 之间（不含）", "not a fraction between 0 and 1 (exclusive)")
    expect(parseBilingual(renderMessage(text))).toEqual(text)
    expect(parseBilingual("Missing key")).toBeUndefined()
    expect(parseBilingual("Expected string (or number)")).toBeUndefined()
  })
  it("takes the language names staff type", () => {
    expect([parseMessageLang("en"), parseMessageLang("en-GB"), parseMessageLang("zh-CN"), parseMessageLang("zh"), parseMessageLang(undefined), parseMessageLang("both")]).toEqual([
      "en", "en", "zh", "zh", "both", "both"
    ])
  })
})

describe("refusals", () => {
  const { state } = decideAll([submit(), dispatch()])
  const r = decide(state, cmd("Resolve", { unit: "street-office.yuanling", checklist: { problemSolved: true, explanationGiven: true, assistanceGiven: true, unlawfulConductDealtWith: false }, summary: "x" }), context)
  if (Result.isSuccess(r)) throw new Error("expected a refusal")
  const refusal = r.failure

  it("are data: the rule broken and its facts, the message rendered from them", () => {
    expect(refusal._tag).toBe("InvalidTransition")
    expect(refusal.message).toBe(describeRefusal(refusal, { directory }))
    expect(describeRefusal(refusal, { directory, lang: "zh" })).toBe(`信访件 ${PID} 当前状态为“已派单”，不能办结`)
    expect(describeRefusal(refusal, { lang: "en" })).toBe(`petition ${PID} is dispatched and cannot resolve`)
  })
  it("name units from the directory when given one, by id otherwise", () => {
    const data = { _tag: "OnlyLeadMayResolve", petitionId: PID, unit: "street-office.yuanling", lead: "dept.urban-management", coHandler: true } as const
    expect(describeRefusal(data, { directory, lang: "zh" })).toContain("“园岭街道办事处”是协办单位")
    expect(describeRefusal(data, { lang: "zh" })).toContain("“street-office.yuanling”是协办单位")
    expect(describeRefusal(data, { lang: "en" })).toBe("street-office.yuanling is a co-handler: it reports to the lead dept.urban-management and cannot resolve")
  })
  it("render through describeError like every other error", () => {
    expect(describeError(refusal, { lang: "en" })).toBe(describeRefusal(refusal, { lang: "en" }))
    const notSubmitted = decide(initialState(PID), dispatch(), context)
    if (Result.isSuccess(notSubmitted)) throw new Error("expected a refusal")
    expect(describeError(notSubmitted.failure, { lang: "zh" })).toBe(`信访件 ${PID} 尚未登记，不能派单`)
  })
})

describe("InvalidInput", () => {
  const bad = decodeCommand({ _tag: "Dispatch", petitionId: 7, at: "2026-03-02T09:00:00+08:00", actor: { kind: "system" }, coHandlers: [], extra: true })
  if (Result.isSuccess(bad)) throw new Error("expected InvalidInput")
  const error = bad.failure

  it("says what is wrong in Chinese first, effect's own wording included", () => {
    const lines = error.message.split("\n")
    expect(lines[0]).toBe("指令有误 (command is invalid):")
    expect(lines).toContain("  /lead: 缺少此字段 (Missing key)")
    expect(lines).toContain("  /petitionId: 应为字符串 (Expected string)")
    expect(lines).toContain("  /extra: 不应有此字段 (Expected no excess property)")
  })
  it("renders one language on request", () => {
    const en = describeInvalidInput(error, { lang: "en" })
    expect(en.split("\n")).toEqual(["command is invalid:", ...[...error.problems].map((p) => `  ${p.path}: ${p.message}`)])
    const zh = describeInvalidInput(error, { lang: "zh" })
    expect(zh).not.toMatch(/Expected|Missing|Unexpected/)
    expect(zh).toContain("/lead: 缺少此字段")
    expect(describeError(error, { lang: "zh" })).toBe(zh)
  })
  it("keeps minyi's own bilingual problems bilingual, and splits them by language", () => {
    const untagged = decodeCommand({ petitionId: "P-1" })
    if (Result.isSuccess(untagged)) throw new Error("expected InvalidInput")
    expect(describeInvalidInput(untagged.failure, { lang: "en" })).toContain("/_tag: Expected one of Submit, Acknowledge")
    expect(describeInvalidInput(untagged.failure, { lang: "zh" })).toContain("/_tag: 应为以下之一：Submit, Acknowledge")
  })
})

describe("store and calendar errors", () => {
  it("carry the default rendering in `message` and render one language through describeError", () => {
    for (const error of [versionConflict("P-1", 3, 4), storeUnavailable("disk full"), unknownCalendar("mars", ["china"]), calendarYearUnknown("china", 2031)]) {
      const zh = describeError(error, { lang: "zh" })
      const en = describeError(error, { lang: "en" })
      expect(zh).toMatch(han)
      expect(en).not.toMatch(han)
      expect(error.message).toBe(`${zh} (${en})`)
    }
  })
})
