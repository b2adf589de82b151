/**
 * The project's one bilingual message format. Staff in China read Simplified Chinese first; the
 * English rides along for integrators and logs. Every error and refusal carries its text as a
 * {@link Message} and renders it here, so a portal can show one language and a log both.
 */

/** A text in Simplified Chinese and in English. */
export interface Message {
  readonly zh: string
  readonly en: string
}

/** Which language(s) to render: `both` (the default: Chinese, then English in brackets), `zh` or `en`. */
export type MessageLang = "both" | "zh" | "en"

export const message = (zh: string, en: string): Message => ({ zh, en })

/**
 * Renders a message: `中文 (English)` by default — Chinese, a space, the English in ASCII
 * brackets — or one language on request. A text with no translation is not said twice.
 */
export const render = (text: Message, lang: MessageLang = "both"): string =>
  lang === "zh" ? text.zh : lang === "en" ? text.en : text.zh === text.en ? text.zh : `${text.zh} (${text.en})`

const han = /[\u4e00-\u9fff]/

/**
 * Reads a text in the default format back into its two languages: the English is the last
 * bracketed group (brackets inside it balance), the Chinese everything before it. Texts that are
 * not in the format (no Chinese before the bracket) give `undefined`.
 */
export const parseBilingual = (text: string): Message | undefined => {
  if (!text.endsWith(")")) return undefined
  let depth = 0
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text[i]
    if (c === ")") depth++
    else if (c === "(" && --depth === 0) {
      const zh = text.slice(0, i).trimEnd()
      return han.test(zh) && i > 0 && text[i - 1] === " " ? { zh, en: text.slice(i + 1, -1) } : undefined
    }
  }
  return undefined
}


/** Reads a language name as staff type it (`zh-CN`, `en-GB`, `both`); anything else is the default. */
export const parseMessageLang = (input: string | undefined): MessageLang =>
  input === undefined ? "both"
  : input.toLowerCase().startsWith("en") ? "en"
  : input.toLowerCase().startsWith("zh") ? "zh"
  : "both"
