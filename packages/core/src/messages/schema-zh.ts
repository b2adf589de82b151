import type { Message } from "./message.js"
import { parseBilingual } from "./message.js"

// effect's Schema words its problems in English ("Expected string, got 1", "Missing key"). A portal
// form in China needs them in Chinese: these are the frames effect uses (SchemaIssue.defaultLeafHook)
// and the names of the types and expectations it fills in, in Chinese. What is not known here keeps
// its English inside the Chinese frame rather than being guessed at.
const typeNames: Readonly<Record<string, string>> = {
  string: "字符串",
  number: "数字",
  "a finite number": "有限数字",
  "an integer": "整数",
  boolean: "布尔值 (true/false)",
  bigint: "大整数",
  symbol: "符号",
  array: "列表",
  "ReadonlyArray<unknown>": "列表",
  object: "对象",
  "object | array": "对象或列表",
  "{ readonly [x: string]: unknown }": "对象",
  null: "null",
  undefined: "undefined",
  never: "不存在的值",
  unknown: "任意值",
  // The expectations minyi's own schemas state.
  "a non-empty id": "非空编号",
  "a non-empty text": "非空文本",
  "a non-empty name": "非空姓名",
  "a whole number ≥ 0": "不小于 0 的整数",
  "a version ≥ 1": "不小于 1 的版本号",
  "a list of unit ids without repeats": "不重复的单位编号列表",
  "an ISO 8601 duration such as PT24H or P15D": "ISO 8601 时长，例如 PT24H 或 P15D",
  "a duration longer than zero, such as P30D": "大于零的时长，例如 P30D",
  "an ISO 8601 instant with an offset, such as 2026-01-05T09:30:00+08:00": "带时区偏移的 ISO 8601 时刻，例如 2026-01-05T09:30:00+08:00",
  "a phone number: a mobile such as 13912345678, a landline such as 0755-83001234, or an international number such as +85291234567":
    "可回拨的电话号码：手机如 13912345678，座机如 0755-83001234，或国际号码如 +85291234567",
  "at least 1 batch": "至少 1 批",
  "at least 1 person": "至少 1 人",
  "at least one summoned unit": "至少召集一个单位",
  "at least one role": "至少一个角色"
}

const typeName = (expected: string): string => typeNames[expected] ?? expected

/** A schema problem's English text in Chinese, by the frames effect and minyi word them in. */
export const schemaMessageZh = (en: string): string => {
  if (en === "Missing key") return "缺少此字段"
  if (en === "Expected no excess property") return "不应有此字段"
  if (en === "Expected a valid value") return "值无效"
  if (en === "Forbidden operation") return "不允许的操作"
  if (en === "Expected exactly one member to match") return "应恰好符合其中一种形式"
  let m = /^Unexpected key with value (.*)$/s.exec(en)
  if (m !== null) return `不应有此字段（值为 ${m[1]}）`
  m = /^Invalid data (.*)$/s.exec(en)
  if (m !== null) return `数据无效：${m[1]}`
  m = /^Expected exactly one member to match the input (.*)$/s.exec(en)
  if (m !== null) return `输入 ${m[1]} 应恰好符合其中一种形式`
  m = /^Expected (.*), got (.*)$/s.exec(en)
  if (m !== null) return `应为${typeName(m[1] ?? "")}，实际为 ${m[2]}`
  m = /^Expected (.*)$/s.exec(en)
  if (m !== null) return `应为${typeName(m[1] ?? "")}`
  return en
}

/**
 * A problem's text in both languages: minyi's own checks already word theirs in the one bilingual
 * format (`中文 (English)`); effect's English is put into Chinese by {@link schemaMessageZh}.
 */
export const problemMessage = (text: string): Message => parseBilingual(text) ?? { zh: schemaMessageZh(text), en: text }
