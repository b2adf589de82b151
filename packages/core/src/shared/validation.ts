import { Result, Schema, SchemaIssue } from "effect"

/** One problem found in an input, located by a JSON Pointer (RFC 6901) such as `/units/3/parent`. */
export interface InputProblem {
  readonly path: string
  readonly message: string
}

/**
 * Raised when an input (a command, a directory, a rule pack, a stored row) does not have the
 * shape it must have. Every problem names where it is and what was expected.
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
    path: toJsonPointer((i.path ?? []).map((p) => (typeof p === "object" && p !== null && "key" in p ? p.key : p) as PropertyKey)),
    message: i.message
  }))

/** Renders problems one per line: `/path: message`. */
export const describeProblems = (what: string, problems: ReadonlyArray<InputProblem>): string =>
  `${what} is invalid:\n` + problems.map((p) => `  ${p.path}: ${p.message}`).join("\n")

export const invalidInput = (what: string, problems: ReadonlyArray<InputProblem>): InvalidInput =>
  new InvalidInput({ what, problems, message: describeProblems(what, problems) })

/**
 * Decodes unknown input with a schema, collecting every problem (not just the first) into an
 * {@link InvalidInput} that names the JSON path of each.
 */
export const decodeInput = <S extends Schema.Decoder<unknown>>(schema: S, what: string) => {
  const decode = Schema.decodeUnknownResult(schema as any, { errors: "all", onExcessProperty: "error" })
  return (input: unknown): Result.Result<S["Type"], InvalidInput> => {
    const result = decode(input) as Result.Result<S["Type"], Schema.SchemaError>
    return Result.isSuccess(result)
      ? Result.succeed(result.success)
      : Result.fail(invalidInput(what, problemsOf(result.failure.issue)))
  }
}
