import { Schema } from "effect"
import type { Message } from "../messages/message.js"
import { message, render } from "../messages/message.js"

/**
 * The limits on what a command may carry, in characters (Unicode code points). They hold for
 * commands coming in; stored events are read back without them, so tightening a limit never makes
 * a history unreadable. docs/domain.md lists them.
 */
export const inputLimits = {
  /** Petition ids, unit, person, channel, category and jurisdiction references, rule and clock names. */
  id: 128,
  /** The channel's own message id (the idempotency key of a Submit). */
  messageId: 256,
  title: 200,
  content: 20_000,
  /** The petitioner's name. */
  name: 100,
  /** The petitioner's identity document number. */
  idNumber: 32,
  /** Reasons given for a decline, a return, a suspension, a closure and the like. */
  reason: 2_000,
  /** Handling summaries and recommendation texts. */
  note: 10_000
} as const

/** Letters, digits and `._:-`: ids end up in URLs, file names, log lines and SQL keys. */
const idCharacters = /^[A-Za-z0-9._:-]+$/
/** A channel's message ids come from other systems: e-mail message ids and base64 tokens as well. */
const messageIdCharacters = /^[A-Za-z0-9._:@/+=-]+$/

const hex = (code: number): string => `U+${code.toString(16).toUpperCase().padStart(4, "0")}`

/**
 * The first character a free text may not hold, as a message naming its position (1-based) and
 * code: a NUL, a lone surrogate half, or a control character other than newline and tab. The
 * character itself is not shown — it would not print, and the text may be personal data.
 */
const forbiddenCharacter = (s: string): Message | undefined => {
  let position = 0
  for (let i = 0; i < s.length; i++) {
    position++
    const code = s.charCodeAt(i)
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = s.charCodeAt(i + 1)
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++
        continue
      }
      return message(`第 ${position} 个字符是不成对的代理项 ${hex(code)}（不是有效的 Unicode 文本）`, `character ${position} is a lone surrogate ${hex(code)} (not valid Unicode text)`)
    }
    if (code === 0) return message(`第 ${position} 个字符是空字符 NUL (U+0000)`, `character ${position} is a NUL (U+0000)`)
    if ((code < 0x20 && code !== 0x0a && code !== 0x09) || (code >= 0x7f && code <= 0x9f)) {
      return message(`第 ${position} 个字符是控制字符 ${hex(code)}；只允许换行和制表符`, `character ${position} is the control character ${hex(code)}; only newline and tab are allowed`)
    }
  }
  return undefined
}

/** Length in code points, so that a Chinese character outside the BMP counts once. */
const lengthOf = (s: string): number => {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i)
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < s.length) i++
    n++
  }
  return n
}

const tooLong = (what: Message, max: number, length: number): Message =>
  message(`${what.zh}最多 ${max} 个字符，实际为 ${length} 个`, `${what.en} may have at most ${max} characters; this one has ${length}`)

const fail = (m: Message): string => render(m)

interface TextRule {
  /** What the field holds, in both languages, for the messages. */
  readonly what: Message
  readonly max: number
  /** Whitespace alone is refused (titles, names); otherwise only the empty text is. */
  readonly notBlank?: boolean
  /** Blank texts pass (a reason's absence is a domain refusal, not a shape error). */
  readonly mayBeEmpty?: boolean
}

/** A free text: no NUL, lone surrogate or control character but newline and tab; at most `max` characters. */
const freeText = (rule: TextRule) =>
  Schema.String.check(
    Schema.makeFilter(
      (s: string) => {
        const bad = forbiddenCharacter(s)
        if (bad !== undefined) return fail(bad)
        if (!rule.mayBeEmpty && s.length === 0) return fail(message(`${rule.what.zh}不能为空`, `${rule.what.en} must not be empty`))
        if (rule.notBlank && s.trim().length === 0) return fail(message(`${rule.what.zh}不能只有空白`, `${rule.what.en} must not be blank`))
        const length = s.length <= rule.max ? s.length : lengthOf(s)
        return length <= rule.max || fail(tooLong(rule.what, rule.max, length))
      },
      { expected: `${rule.what.en}: text of at most ${rule.max} characters` }
    )
  )

const idOf = (what: Message, max: number, characters: RegExp, symbols: string) =>
  Schema.String.check(
    Schema.makeFilter(
      (s: string) => {
        const bad = forbiddenCharacter(s)
        if (bad !== undefined) return fail(bad)
        if (s.length === 0) return fail(message(`${what.zh}不能为空`, `${what.en} must not be empty`))
        if (s.length > max) return fail(tooLong(what, max, lengthOf(s)))
        return characters.test(s) || fail(message(`${what.zh}只能由字母、数字和 ${symbols} 组成`, `${what.en} may only hold letters, digits and ${symbols}`))
      },
      { expected: `${what.en}: at most ${max} letters, digits and ${symbols}` }
    )
  )

/** A reference: a petition id, or a unit, person, channel, category, jurisdiction, clock or rule. */
export const Id = idOf(message("编号", "an id"), inputLimits.id, idCharacters, "._:-")
/** A channel's message id. */
export const MessageId = idOf(message("渠道消息编号", "a channel message id"), inputLimits.messageId, messageIdCharacters, "._:@/+=-")
export const Title = freeText({ what: message("标题", "a title"), max: inputLimits.title, notBlank: true })
export const Content = freeText({ what: message("内容", "the content"), max: inputLimits.content })
export const Name = freeText({ what: message("姓名", "a name"), max: inputLimits.name, notBlank: true })
export const IdNumber = freeText({ what: message("证件号码", "an identity number"), max: inputLimits.idNumber, notBlank: true })
/** Whether a reason may be blank is the decider's business (ReasonRequired), not the shape's. */
export const Reason = freeText({ what: message("理由", "a reason"), max: inputLimits.reason, mayBeEmpty: true })
export const Note = freeText({ what: message("说明", "a text"), max: inputLimits.note })
