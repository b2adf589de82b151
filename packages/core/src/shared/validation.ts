import { Result, Schema, SchemaIssue } from "effect"
import type { Message, MessageLang } from "../messages/message.js"
import { render } from "../messages/message.js"
import { problemMessage } from "../messages/schema-zh.js"

/**
 * One problem found in an input, located by a JSON Pointer (RFC 6901) such as `/units/3/parent`.
 * `message` is as the check worded it: minyi's own checks in the bilingual format, effect's
 * low-level ones in English; {@link describeProblem} renders it in either language.
 */
export interface InputProblem {
  readonly path: string
  readonly message: string
}

/**
 * Raised when an input (a command, a directory, a rule pack, a stored row) does not have the
 * shape it must have. Every problem names where it is and what was expected. `message` lists
 * them in Chinese then English; {@link describeInvalidInput} renders one language.
 */
export class InvalidInput extends Schema.TaggedError<InvalidInput>()("InvalidInput", {
  what: Schema.String,
  problems: Schema.Array(Schema.Struct({ path: Schema.String, message: Schema.String })),
  message: Schema.String
}) {}

const escapePointerSegment = (segment: PropertyKey): string =>
  String(segment).replace(/~/g, "~0").replace(/\//g, "~1")

/** Turns a path of keys into a JSON Pointer: `["units", 3, "parent"]` → `/units/3/parent`. */
export const toJsonPointer = (path: ReadonlyArray<PropertyKey>): string =>
  path.length === 0 ? "/" : "/" + path.map(escapePointerSegment).join("/")

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

/** Flattens a schema issue into located problems. */
export const problemsOf = (issue: SchemaIssue.Issue): Array<InputProblem> =>
  formatter(issue).issues.map((i) => ({
    // Standard Schema path segments are keys or `{ key }` objects; the narrowing leaves `unknown` for `key`.
    path: toJsonPointer((i.path ?? []).map((p) => (typeof p === "object" && p !== null && "key" in p ? p.key : p) as PropertyKey)),
    message: i.message
  }))

// The inputs minyi names in its errors, in Chinese; others keep the name they were given.
const inputNames: Readonly<Record<string, string>> = {
  command: "指令",
  event: "事件",
  directory: "机构目录",
  "rule pack": "规则包",
  condition: "条件",
  facts: "规则事实",
  scenario: "情景文件",
  expect: "预期结果",
  "append batch": "写入批次",
  "timer specs": "定时器设置",
  calendar: "日历"
}

/** What an input is called, in both languages: `rule pack` → 规则包, `calendar china` → 日历 china. */
export const inputName = (what: string): Message => {
  const known = inputNames[what]
  if (known !== undefined) return { zh: known, en: what }
  const [head = what, ...rest] = what.split(" ")
  const zhHead = inputNames[head]
  return { zh: zhHead === undefined ? what : `${zhHead} ${rest.join(" ")}`, en: what }
}

/** One problem, rendered: `/path: text` in the language(s) asked for. */
export const describeProblem = (problem: InputProblem, lang: MessageLang = "both"): string =>
  `${problem.path}: ${render(problemMessage(problem.message), lang)}`

/** Renders problems one per line under a heading naming the input, in the language(s) asked for. */
export const describeProblems = (what: string, problems: ReadonlyArray<InputProblem>, lang: MessageLang = "both"): string => {
  const name = inputName(what)
  return (
    render({ zh: `${name.zh}有误`, en: `${name.en} is invalid` }, lang) + ":\n" + problems.map((p) => `  ${describeProblem(p, lang)}`).join("\n")
  )
}

/** An {@link InvalidInput} rendered for a reader: `lang: "zh"` or `"en"` for one language. */
export const describeInvalidInput = (error: Pick<InvalidInput, "what" | "problems">, options: { readonly lang?: MessageLang | undefined } = {}): string =>
  describeProblems(error.what, error.problems, options.lang)

export const invalidInput = (what: string, problems: ReadonlyArray<InputProblem>): InvalidInput =>
  new InvalidInput({ what, problems, message: describeProblems(what, problems) })

/**
 * Decodes unknown input with a schema, collecting every problem (not just the first) into an
 * {@link InvalidInput} that names the JSON path of each.
 */
export const decodeInput = <S extends Schema.Decoder<unknown>>(schema: S, what: string) => {
  // decodeUnknownResult wants a schema whose decoding needs no services; every schema passed here is
  // one, but `Schema.Decoder<unknown>` cannot say so, and the result is typed back to S's Type.
  // oxlint-disable-next-line typescript/no-explicit-any
  const decode = Schema.decodeUnknownResult(schema as any, { errors: "all", onExcessProperty: "error" })
  return (input: unknown): Result.Result<S["Type"], InvalidInput> => {
    const result = decode(input) as Result.Result<S["Type"], Schema.SchemaError>
    return Result.isSuccess(result)
      ? Result.succeed(result.success)
      : Result.fail(invalidInput(what, problemsOf(result.failure.issue)))
  }
}
