import type { Directory } from "../directory/directory.js"
import { describeRefusal } from "../petition/refusal-text.js"
import type { PetitionRefusal } from "../petition/refusals.js"
import { refusalClasses } from "../petition/refusals.js"
import { describeInvalidInput, InvalidInput } from "../shared/validation.js"
import type { MessageLang } from "./message.js"
import { parseBilingual, render } from "./message.js"

/** How to render an error for a reader. */
export interface DescribeErrorOptions {
  readonly lang?: MessageLang | undefined
  /** Names units and people in refusals; ids are shown without it. */
  readonly directory?: Directory | undefined
}

const refusalClassList: ReadonlyArray<abstract new (...args: never) => PetitionRefusal> = Object.values(refusalClasses)

/** Whether a value is one of `decide`'s refusals. */
export const isPetitionRefusal = (u: unknown): u is PetitionRefusal => refusalClassList.some((C) => u instanceof C)

// A message in the one format, one line at a time: lines that are not in it stay as they are.
const renderText = (text: string, lang: MessageLang): string => {
  const whole = parseBilingual(text)
  if (whole !== undefined) return render(whole, lang)
  return text
    .split("\n")
    .map((line) => {
      const parsed = parseBilingual(line)
      return parsed === undefined ? line : render(parsed, lang)
    })
    .join("\n")
}

/**
 * Renders any minyi error for a reader: refusals and invalid input from their data, every other
 * error from its `message` in the one bilingual format (`中文 (English)`). Default: both languages.
 */
export const describeError = (error: unknown, options: DescribeErrorOptions = {}): string => {
  const lang = options.lang ?? "both"
  if (isPetitionRefusal(error)) return describeRefusal(error, { directory: options.directory, lang })
  if (error instanceof InvalidInput) return describeInvalidInput(error, { lang })
  if (typeof error === "object" && error !== null && "message" in error && typeof error.message === "string") return renderText(error.message, lang)
  return String(error)
}
