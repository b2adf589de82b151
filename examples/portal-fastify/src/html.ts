/**
 * The pages' common parts: the language a visitor reads (Chinese unless `?lang=en`), escaping,
 * and the page frame. Every text on a page is written in both languages and shown in one.
 */
import type { Messages } from "@minyi/core"

/** The language a page is shown in. Chinese first: English only when asked for. */
export type Lang = "zh" | "en"

export const langOf = (query: unknown): Lang =>
  typeof query === "object" && query !== null && "lang" in query && query.lang === "en" ? "en" : "zh"

/** A text in the page's language. */
export const say = (lang: Lang, text: Messages.Message): string => (lang === "en" ? text.en : text.zh)

const entities: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }

/** Escapes text for HTML content and attribute values: everything shown may come from a visitor. */
export const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => entities[c] ?? c)

/** `path` with the language kept, so links and forms stay in the language the visitor chose. */
export const withLang = (lang: Lang, path: string): string =>
  lang === "en" ? `${path}${path.includes("?") ? "&" : "?"}lang=en` : path

const style = `
  body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 0; background: #f5f6f8; color: #1d2129; }
  header { background: #c8102e; color: #fff; padding: 12px 20px; display: flex; justify-content: space-between; align-items: center; }
  header a { color: #fff; }
  main { max-width: 720px; margin: 20px auto; background: #fff; padding: 20px 28px; border-radius: 6px; }
  label { display: block; margin-top: 14px; font-weight: 600; }
  input[type=text], input[type=tel], select, textarea { width: 100%; box-sizing: border-box; padding: 8px; font-size: 15px; margin-top: 4px; border: 1px solid #c9cdd4; border-radius: 4px; }
  .check { font-weight: 400; }
  .invalid input, .invalid select, .invalid textarea { border-color: #c8102e; }
  .field-error { color: #c8102e; font-size: 14px; margin: 4px 0 0; }
  .notice { background: #fff1f0; border: 1px solid #ffa39e; padding: 10px; border-radius: 4px; }
  button { margin-top: 18px; background: #c8102e; color: #fff; border: 0; padding: 10px 26px; font-size: 16px; border-radius: 4px; }
  .code { font-size: 28px; letter-spacing: 2px; font-family: monospace; background: #f0f5ff; padding: 8px 14px; display: inline-block; }
  ol.timeline { list-style: none; padding: 0; border-left: 3px solid #c8102e; }
  ol.timeline li { margin: 0 0 14px 14px; }
  ol.timeline time { color: #86909c; font-size: 13px; display: block; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 6px 16px; }
  dt { color: #86909c; }
`

/** A whole page: title, the language switch (to the same page in the other language), the body. */
export const page = (lang: Lang, options: { readonly title: Messages.Message; readonly path: string; readonly body: string }): string => {
  const other = lang === "en" ? { label: "中文", href: options.path } : { label: "English", href: withLang("en", options.path) }
  return `<!doctype html>
<html lang="${lang === "en" ? "en" : "zh-CN"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(say(lang, options.title))}</title>
<style>${style}</style>
</head>
<body>
<header><strong>${esc(say(lang, { zh: "民意速办 · 福田区（示例）", en: "Minyi Express · Futian District (sample)" }))}</strong><a href="${esc(other.href)}" hreflang="${lang === "en" ? "zh-CN" : "en"}">${other.label}</a></header>
<main>
<h1>${esc(say(lang, options.title))}</h1>
${options.body}
</main>
</body>
</html>`
}
