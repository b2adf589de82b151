/**
 * `@minyi/core/messages` — the bilingual message format: rendering, describing errors and schema problems. The same module is the `Messages` namespace on the root; import from
 * this subpath in a browser bundle, where a namespace object would be kept whole.
 * @module @minyi/core/messages
 */
export { message as makeMessage, parseBilingual, parseMessageLang, render as renderMessage } from "./message.js"
export type { Message, MessageLang } from "./message.js"
export { problemMessage, schemaMessageZh } from "./schema-zh.js"
export { describeError, isPetitionRefusal } from "./describe.js"
export type { DescribeErrorOptions } from "./describe.js"
