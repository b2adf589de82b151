export { joinLines, message, parseBilingual, parseMessageLang, render } from "./message.js"
export type { Message, MessageLang } from "./message.js"
