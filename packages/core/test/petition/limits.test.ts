// The limits on what a command may carry (docs/domain.md, "Input limits"): every one refused as
// InvalidInput naming the field, in both languages, by the JSON decoder and by the typed one the
// Promise facade uses for epoch-ms commands.
import { readFileSync } from "node:fs"
import { Redacted, Result, Schema } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { InputProblem } from "../../src/shared/validation.js"
import { decodeInput, describeInvalidInput, describeProblem } from "../../src/shared/validation.js"
import { inputLimits } from "../../src/petition/limits.js"
import { decodeCommand, decodeEvent, encodeCommand, encodeEvent, PetitionCommand } from "../../src/petition/index.js"
import { decideAll, submit, T0 } from "./fixtures.js"

const decodeTyped = decodeInput(Schema.toType(PetitionCommand), "command")

const submitJson = (): Record<string, unknown> => ({ ...encodeCommand(submit()) })

/** Sets the value at a JSON Pointer of a copy of `input`. */
const withValueAt = (input: Record<string, unknown>, pointer: string, value: unknown): Record<string, unknown> => {
  const copy: Record<string, unknown> = structuredClone(input)
  const keys = pointer.slice(1).split("/")
  let node: Record<string, unknown> = copy
  for (const key of keys.slice(0, -1)) {
    const next = node[key]
    if (typeof next !== "object" || next === null) throw new Error(`no object at ${key} of ${pointer}`)
    // JSON objects and arrays both index by string key.
    node = next as Record<string, unknown>
  }
  node[keys[keys.length - 1]!] = value
  return copy
}

const problemsOf = (result: Result.Result<unknown, { readonly problems: ReadonlyArray<InputProblem> }>): ReadonlyArray<InputProblem> => {
  if (Result.isSuccess(result)) throw new Error("expected InvalidInput, but the command was accepted")
  return result.failure.problems
}

/** The only problem of a refused JSON command, which must be at `path`. */
const refusedAt = (input: unknown, path: string): InputProblem => {
  const problems = problemsOf(decodeCommand(input))
  expect(problems.map((p) => p.path)).toEqual([path])
  return problems[0]!
}

const accepted = (input: unknown): void => {
  const r = decodeCommand(input)
  if (Result.isFailure(r)) throw new Error(r.failure.message)
}

const bothLanguages = (problem: InputProblem, zh: string, en: string) => {
  expect(describeProblem(problem, "zh")).toContain(zh)
  expect(describeProblem(problem, "zh")).not.toMatch(/[a-z]{4,} [a-z]{4,}/)
  expect(describeProblem(problem, "en")).toContain(en)
  expect(describeProblem(problem, "en")).not.toMatch(/[\u4e00-\u9fff]/)
}

const declineJson = (reason: string) => ({ _tag: "Decline", petitionId: "P-1", at: "2026-03-02T09:00:00+08:00", actor: { kind: "unit", id: "dept.a" }, unit: "dept.a", reason })
const reportJson = (summary: string) => ({ _tag: "ReportPart", petitionId: "P-1", at: "2026-03-02T09:00:00+08:00", actor: { kind: "unit", id: "dept.a" }, unit: "dept.a", summary })

// Free-text fields of a Submit, and where they are.
const submitTexts = ["/title", "/content", "/petitioner/name"] as const
// Id fields of a Submit (petition id, references, the channel's message id).
const submitIds = ["/petitionId", "/channel", "/category", "/jurisdiction", "/channelMessageId", "/actor/id", "/rulePack/id"] as const

describe("free text", () => {
  const forbidden: ReadonlyArray<readonly [string, string, string]> = [
    ["\u0000", "空字符 NUL (U+0000)", "a NUL (U+0000)"],
    ["\ud800", "不成对的代理项 U+D800", "a lone surrogate U+D800"],
    ["\udfff", "不成对的代理项 U+DFFF", "a lone surrogate U+DFFF"],
    ["\u0007", "控制字符 U+0007", "the control character U+0007"],
    ["\r", "控制字符 U+000D", "the control character U+000D"],
    ["\u001b", "控制字符 U+001B", "the control character U+001B"],
    ["\u007f", "控制字符 U+007F", "the control character U+007F"],
    ["\u0085", "控制字符 U+0085", "the control character U+0085"]
  ]
  for (const path of submitTexts) {
    it(`refuses a NUL, a lone surrogate or a control character in ${path}, naming the field and the character's place`, () => {
      for (const [bad, zh, en] of forbidden) {
        const problem = refusedAt(withValueAt(submitJson(), path, `垃圾站${bad}异味`), path)
        bothLanguages(problem, `第 4 个字符是${zh}`, `character 4 is ${en}`)
      }
    })
  }
  it("refuses them in reasons, summaries and identity numbers too", () => {
    refusedAt(declineJson("不属于本单位\u0000"), "/reason")
    refusedAt(reportJson("已清理\ud83d"), "/summary")
    refusedAt(withValueAt(submitJson(), "/petitioner/idNumber", "44030\u000119900101"), "/petitioner/idNumber")
  })
  it("keeps newlines, tabs and characters outside the BMP", () => {
    accepted(withValueAt(submitJson(), "/content", "第一行\n\t第二行 🚮 𠀀"))
    accepted(declineJson("一、不属于本单位\n二、已告知"))
  })
  it("never echoes the text, which may be personal data", () => {
    const problem = refusedAt(withValueAt(submitJson(), "/petitioner/name", "王小明\u0000"), "/petitioner/name")
    expect(problem.message).not.toContain("王小明")
  })
})

describe("lengths", () => {
  const cases: ReadonlyArray<readonly [string, (s: string) => unknown, string, number]> = [
    ["/title", (s) => withValueAt(submitJson(), "/title", s), "标题", inputLimits.title],
    ["/content", (s) => withValueAt(submitJson(), "/content", s), "内容", inputLimits.content],
    ["/petitioner/name", (s) => withValueAt(submitJson(), "/petitioner/name", s), "姓名", inputLimits.name],
    ["/petitioner/idNumber", (s) => withValueAt(submitJson(), "/petitioner/idNumber", s), "证件号码", inputLimits.idNumber],
    ["/petitionId", (s) => withValueAt(submitJson(), "/petitionId", s), "编号", inputLimits.id],
    ["/category", (s) => withValueAt(submitJson(), "/category", s), "编号", inputLimits.id],
    ["/channelMessageId", (s) => withValueAt(submitJson(), "/channelMessageId", s), "渠道消息编号", inputLimits.messageId],
    ["/reason", declineJson, "理由", inputLimits.reason],
    ["/summary", reportJson, "说明", inputLimits.note]
  ]
  for (const [path, build, zh, max] of cases) {
    it(`${path}: ${max} characters pass, ${max + 1} are refused`, () => {
      accepted(build("a".repeat(max)))
      const problem = refusedAt(build("a".repeat(max + 1)), path)
      bothLanguages(problem, `${zh}最多 ${max} 个字符，实际为 ${max + 1} 个`, `at most ${max} characters; this one has ${max + 1}`)
    })
  }
  it("counts characters, not UTF-16 units: a title of 200 characters outside the BMP passes", () => {
    accepted(withValueAt(submitJson(), "/title", "𠀀".repeat(inputLimits.title)))
    refusedAt(withValueAt(submitJson(), "/title", "𠀀".repeat(inputLimits.title + 1)), "/title")
  })
})

describe("blank titles and names", () => {
  for (const path of ["/title", "/petitioner/name"]) {
    it(`${path} of whitespace alone is refused; empty is refused too`, () => {
      for (const blank of ["   ", "\u3000\u3000", "\t\n "]) {
        bothLanguages(refusedAt(withValueAt(submitJson(), path, blank), path), "不能只有空白", "must not be blank")
      }
      bothLanguages(refusedAt(withValueAt(submitJson(), path, ""), path), "不能为空", "must not be empty")
    })
  }
})

describe("ids", () => {
  it("take letters, digits and ._:- only", () => {
    for (const path of submitIds) {
      accepted(withValueAt(submitJson(), path, "Ab-9_x.y:z"))
      for (const bad of [...(path === "/channelMessageId" ? [] : ["p/1", "a@b"]), "P 1", "信访-1", "a\u0000", "p#1", "<p>"]) {
        const problem = refusedAt(withValueAt(submitJson(), path, bad), path)
        expect(problem.message, `${path} ${JSON.stringify(bad)}`).toMatch(/字母、数字和|NUL/)
      }
    }
  })
  it("a channel's message id may also hold @ / + =, as e-mail message ids and tokens do", () => {
    accepted(withValueAt(submitJson(), "/channelMessageId", "20260302.1234@mail.example.gov.cn/a+b="))
    bothLanguages(
      refusedAt(withValueAt(submitJson(), "/channelMessageId", "msg 1"), "/channelMessageId"),
      "渠道消息编号只能由字母、数字和 ._:@/+=- 组成",
      "a channel message id may only hold letters, digits and ._:@/+=-"
    )
  })
  it("in lists, the item is named", () => {
    const dispatch = { _tag: "Dispatch", petitionId: "P-1", at: "2026-03-02T09:00:00+08:00", actor: { kind: "system" }, lead: "dept.a", coHandlers: ["dept.b", "dept c"] }
    refusedAt(dispatch, "/coHandlers/1")
    refusedAt(withValueAt(submitJson(), "/flags", ["ok", "重复"]), "/flags/1")
  })
})

describe("instants", () => {
  const atJson = (at: string) => withValueAt(submitJson(), "/at", at)
  it("Date.parse rolls impossible dates over; parsing refuses them instead", () => {
    // What the platform does, so that the test fails if this ever changes and the check can go.
    expect(new Date(Date.parse("2026-02-30T09:00:00Z")).toISOString()).toBe("2026-03-02T09:00:00.000Z")
    expect(new Date(Date.parse("2026-01-01T24:00:00Z")).toISOString()).toBe("2026-01-02T00:00:00.000Z")
    for (const at of [
      "2026-02-30T09:00:00+08:00",
      "2025-02-29T09:00:00+08:00",
      "2026-04-31T09:00:00+08:00",
      "2026-13-01T09:00:00+08:00",
      "2026-00-10T09:00:00+08:00",
      "2026-01-00T09:00:00+08:00",
      "2026-01-01T24:00:00+08:00",
      "2026-01-01T24:00Z",
      "2026-01-01T23:60:00Z",
      "2026-01-01T23:59:60Z",
      "2026-01-01T09:00:00+24:00",
      "2026-01-01T09:00:00+08:60"
    ]) {
      expect(refusedAt(atJson(at), "/at").message, at).toContain("ISO 8601")
    }
  })
  it("real dates pass, leap days included", () => {
    for (const at of ["2024-02-29T09:00:00+08:00", "2000-02-29T00:00:00Z", "2026-12-31T23:59:59.999+08:00", "2026-04-30T00:00Z"]) accepted(atJson(at))
  })
  it("a command's instant lies in the years 2000–2199", () => {
    for (const at of ["1999-12-31T23:59:59Z", "2200-01-01T00:00:00Z", "1970-01-01T00:00:00Z"]) {
      bothLanguages(refusedAt(atJson(at), "/at"), "应为 2000-01-01 至 2199-12-31 之间的时刻", "Expected an instant between 2000-01-01 and 2199-12-31")
    }
    accepted(atJson("2000-01-01T00:00:00Z"))
    accepted(atJson("2199-12-31T23:59:59.999Z"))
  })
  it("in the typed form, NaN, ±Infinity and instants out of range are refused at their path", () => {
    const typed = submit()
    expect(Result.isSuccess(decodeTyped(typed))).toBe(true)
    for (const at of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, T0 / 1000, 1e20, -1e20]) {
      const problems = problemsOf(decodeTyped({ ...typed, at }))
      expect(problems.map((p) => p.path), String(at)).toEqual(["/at"])
      bothLanguages(problems[0]!, `之间的时刻（Unix 纪元毫秒数），实际为 ${String(at)}`, `(milliseconds since the Unix epoch), got ${String(at)}`)
    }
    const base = { petitionId: "P-1", at: T0, actor: { kind: "system" } }
    const whistle = { ...base, _tag: "BlowWhistle", whistleId: "w1", unit: "street.a", summoned: ["dept.a"], deadline: Number.NaN }
    expect(problemsOf(decodeTyped(whistle)).map((p) => p.path)).toEqual(["/deadline"])
    expect(problemsOf(decodeTyped({ ...base, _tag: "Close", reason: "r", ratingDeadline: Number.POSITIVE_INFINITY })).map((p) => p.path)).toEqual(["/ratingDeadline"])
    expect(problemsOf(decodeTyped({ ...base, _tag: "RecordClockBreach", clock: "c", dueAt: Number.NaN })).map((p) => p.path)).toEqual(["/dueAt"])
    const review = { ...base, _tag: "RequestReview", reason: "r", windowEndsAt: Number.NaN }
    expect(problemsOf(decodeTyped(review)).map((p) => p.path)).toEqual(["/windowEndsAt"])
    // a window the pack sets is left out, never stood in for by epoch 0
    expect(problemsOf(decodeTyped({ ...review, windowEndsAt: 0 })).map((p) => p.path)).toEqual(["/windowEndsAt"])
  })
})

describe("an anonymous petitioner", () => {
  const petitioner = (p: object) => withValueAt(submitJson(), "/petitioner", p)
  it("carries no name, phone or identity number", () => {
    accepted(petitioner({ anonymous: true }))
    accepted(petitioner({ anonymous: false, name: "张三", phone: "13800138000" }))
    const both = refusedAt(petitioner({ anonymous: true, name: "张三", phone: "13800138000" }), "/petitioner")
    bothLanguages(both, "匿名信访不保存身份信息，却给出了 name、phone", "an anonymous petition stores no identity, but name, phone were given")
    expect(both.message).not.toContain("13800138000")
    expect(both.message).not.toContain("张三")
    refusedAt(petitioner({ anonymous: true, phone: "13800138000" }), "/petitioner")
    refusedAt(petitioner({ anonymous: true, idNumber: "440301199001011234" }), "/petitioner")
  })
  it("is refused in the typed form as well", () => {
    const r = decodeTyped(submit({ petitioner: { anonymous: true, name: Redacted.make("张三") } }))
    const problems = problemsOf(r)
    expect(problems.map((p) => p.path)).toEqual(["/petitioner"])
    if (Result.isFailure(r)) expect(describeInvalidInput(r.failure, { lang: "en" })).toContain("anonymous")
  })
})

describe("stored events stay lenient", () => {
  it("an event with what a command may no longer carry still decodes", () => {
    const event = encodeEvent(decideAll([submit()]).events[0]!)
    const old = { ...event, title: "t".repeat(inputLimits.title + 50), petitioner: { anonymous: true, name: "张三" }, channelMessageId: "old id with spaces" }
    expect(Result.isSuccess(decodeEvent(old))).toBe(true)
  })
})

describe("property: a bad character in any free-text or id field of a Submit", () => {
  const fields = [...submitTexts, ...submitIds, "/petitioner/idNumber", "/accusedUnit", "/firstHandler"] as const
  const badCharacter = fc.oneof(
    fc.integer({ min: 0, max: 0x1f }).filter((c) => c !== 0x0a && c !== 0x09).map((c) => String.fromCharCode(c)),
    fc.integer({ min: 0x7f, max: 0x9f }).map((c) => String.fromCharCode(c)),
    fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c))
  )
  // Well-formed text around it: a grapheme neither ends in a high nor starts with a low surrogate.
  const around = fc.string({ unit: "grapheme", maxLength: 20 })
  it("is refused at that field's path, never thrown", () =>
    fc.assert(
      fc.property(fc.constantFrom(...fields), around, badCharacter, around, (path, before, bad, after) => {
        const problems = problemsOf(decodeCommand(withValueAt(submitJson(), path, `${before}${bad}${after}`)))
        expect(problems.map((p) => p.path)).toContain(path)
      }),
      { numRuns: 500 }
    ))
})

describe("docs/domain.md", () => {
  it("lists every limit as the code has it", () => {
    const doc = readFileSync(new URL("../../../../docs/domain.md", import.meta.url), "utf8")
    const rowOf = (field: string) => doc.split("\n").find((line) => line.startsWith(`| ${field}`)) ?? `no row for ${field}`
    const rows: ReadonlyArray<readonly [number, string]> = [
      [inputLimits.id, "ids:"],
      [inputLimits.messageId, "`channelMessageId`"],
      [inputLimits.title, "`title`"],
      [inputLimits.content, "`content`"],
      [inputLimits.name, "`petitioner.name`"],
      [inputLimits.idNumber, "`petitioner.idNumber`"],
      [inputLimits.reason, "reasons"],
      [inputLimits.note, "`summary`"]
    ]
    expect(rows).toHaveLength(Object.keys(inputLimits).length)
    for (const [limit, field] of rows) expect(rowOf(field)).toMatch(new RegExp(`\\| ${limit.toLocaleString("en-US")} \\|`))
  })
})
