/**
 * Reading JSON that people typed. Node 20's `JSON.parse` names at most an offset, so the place of
 * a syntax error is found here and given as line and column; and a Chinese input method slips in
 * full-width punctuation (：，“”) that looks right on screen, so the message says which character
 * to replace with what.
 */
import { Result } from "effect"
import type { CliIO } from "./io.js"
import { say } from "./io.js"

/** Full-width punctuation an input method types, and what JSON needs in its place. */
const fullWidth: Readonly<Record<string, string>> = {
  "：": ":", "，": ",", "“": '"', "”": '"', "‘": '"', "’": '"', "｛": "{", "｝": "}", "［": "[", "］": "]"
}

export interface JsonSyntaxError {
  readonly line: number
  readonly column: number
  readonly zh: string
  readonly en: string
}

/**
 * The offset of the first syntax error, or undefined when the text is JSON. A scanner of the
 * JSON grammar (RFC 8259), kept because the offset is what `JSON.parse` does not report.
 */
const firstError = (text: string): number | undefined => {
  let i = 0
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++
  }
  const literal = (word: string): boolean => (text.startsWith(word, i) ? ((i += word.length), true) : false)
  const string = (): boolean => {
    if (text[i] !== '"') return false
    i++
    while (i < text.length) {
      const c = text[i]!
      if (c === '"') return (i++, true)
      if (c === "\\") {
        const e = text[i + 1]
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return (i++, false)
          i += 6
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2
        else return (i++, false)
      } else if (c < " ") return false
      else i++
    }
    return false
  }
  const number = (): boolean => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400))
    if (m === null) return false
    i += m[0].length
    return true
  }
  const value = (): boolean => {
    ws()
    const c = text[i]
    if (c === "{") {
      i++
      ws()
      if (text[i] === "}") return (i++, true)
      for (;;) {
        ws()
        if (!string()) return false
        ws()
        if (text[i] !== ":") return false
        i++
        if (!value()) return false
        ws()
        if (text[i] === "}") return (i++, true)
        if (text[i] !== ",") return false
        i++
      }
    }
    if (c === "[") {
      i++
      ws()
      if (text[i] === "]") return (i++, true)
      for (;;) {
        if (!value()) return false
        ws()
        if (text[i] === "]") return (i++, true)
        if (text[i] !== ",") return false
        i++
      }
    }
    if (c === '"') return string()
    return literal("true") || literal("false") || literal("null") || number()
  }
  if (!value()) return i
  ws()
  return i < text.length ? i : undefined
}

/** Line and column (both from 1, columns in characters as an editor counts them) of an offset. */
const place = (text: string, offset: number): { line: number; column: number } => {
  const before = text.slice(0, offset)
  const lineStart = before.lastIndexOf("\n") + 1
  return { line: before.split("\n").length, column: Array.from(before.slice(lineStart)).length + 1 }
}

/** Describes the error at `offset`: the full-width character at or just before it when there is one. */
const describe = (text: string, offset: number): JsonSyntaxError => {
  const at = place(text, offset)
  const here = text[offset]
  // The scanner stops at the culprit itself (`{"a"：1}`), or just after it when the full-width
  // character sat inside what it took for a string (`{"a”: 1}` runs on to the end).
  const candidates = [offset, offset - 1, offset + 1]
  const culprit = candidates.find((o) => o >= 0 && fullWidth[text[o] ?? ""] !== undefined)
  if (culprit !== undefined) {
    const c = text[culprit]!
    const where = place(text, culprit)
    const fix = fullWidth[c]!
    return {
      ...where,
      zh: `第 ${where.line} 行第 ${where.column} 列的“${c}”是中文全角标点，请改为半角的 ${fix}`,
      en: `line ${where.line}, column ${where.column}: "${c}" is full-width punctuation (typed with a Chinese input method); replace it with ${fix}`
    }
  }
  if (here === undefined) {
    // Running off the end is often a string that a full-width closing quote never closed.
    const last = Math.max(...Object.keys(fullWidth).map((c) => text.lastIndexOf(c)))
    if (last !== -1) {
      const where = place(text, last)
      const c = text[last]!
      return {
        ...at,
        zh: `第 ${at.line} 行第 ${at.column} 列：文件意外结束；第 ${where.line} 行第 ${where.column} 列的“${c}”是中文全角标点，请改为半角的 ${fullWidth[c]}`,
        en: `line ${at.line}, column ${at.column}: unexpected end of the file; the "${c}" at line ${where.line}, column ${where.column} is full-width punctuation, replace it with ${fullWidth[c]}`
      }
    }
    return { ...at, zh: `第 ${at.line} 行第 ${at.column} 列：文件意外结束（缺少引号或括号？）`, en: `line ${at.line}, column ${at.column}: unexpected end of the file (a missing quote or bracket?)` }
  }
  // A full-width character further back on the line often opened a string that swallowed the rest.
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1
  const earlier = Array.from(text.slice(lineStart, offset)).findIndex((ch) => fullWidth[ch] !== undefined)
  const shown = JSON.stringify(here)
  if (earlier !== -1) {
    const c = Array.from(text.slice(lineStart, offset))[earlier]!
    return {
      ...at,
      zh: `第 ${at.line} 行第 ${at.column} 列：此处不应出现 ${shown}；本行第 ${earlier + 1} 列的“${c}”是中文全角标点，请改为半角的 ${fullWidth[c]}`,
      en: `line ${at.line}, column ${at.column}: unexpected ${shown}; the "${c}" at column ${earlier + 1} of this line is full-width punctuation, replace it with ${fullWidth[c]}`
    }
  }
  return { ...at, zh: `第 ${at.line} 行第 ${at.column} 列：此处不应出现 ${shown}`, en: `line ${at.line}, column ${at.column}: unexpected ${shown}` }
}

/** Parses JSON text; a syntax error comes back with its line, column and, where it helps, the character to replace. */
export const parseJson = (raw: string): Result.Result<unknown, JsonSyntaxError> => {
  // Some Windows editors start a UTF-8 file with a byte-order mark, which JSON.parse refuses.
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw
  try {
    return Result.succeed(JSON.parse(text))
  } catch {
    // JSON.parse and the scanner agree on what is JSON; should they ever not, the start is named.
    return Result.fail(describe(text, firstError(text) ?? 0))
  }
}

/** The message for a JSON syntax error, in the reader's language(s). */
export const jsonErrorMessage = (io: Pick<CliIO, "lang" | "messages">, e: JsonSyntaxError): string =>
  say(io, `不是有效的 JSON：${e.zh}`, `not valid JSON: ${e.en}`)

/**
 * Reads and parses a JSON file. The failure is a sentence without the file name (callers print
 * `<file>: …`): the file could not be read, or where its JSON goes wrong.
 */
export const readJsonFile = async (
  io: Pick<CliIO, "lang" | "messages" | "readText">,
  path: string
): Promise<Result.Result<unknown, string>> => {
  let text: string
  try {
    text = await io.readText(path)
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e)
    return Result.fail(say(io, `无法读取文件：${why}`, `cannot read the file: ${why}`))
  }
  const parsed = parseJson(text)
  return Result.isFailure(parsed) ? Result.fail(jsonErrorMessage(io, parsed.failure)) : Result.succeed(parsed.success)
}
