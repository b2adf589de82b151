/**
 * The public intake page of the QR-code channel (扫码反映): a server-rendered form a resident opens
 * by scanning the code posted in their community. minyi checks what was typed; each problem it
 * names by JSON path is shown under the field it belongs to.
 */
import { randomBytes } from "node:crypto"
import type { Minyi } from "@minyi/core"
import { decodeInput, describeError, httpStatusOf, InvalidInput, Messages } from "@minyi/core"
import { Result, Schema } from "effect"
import type { FastifyInstance } from "fastify"
import type { Lang } from "./html.js"
import { esc, langOf, page, say, withLang } from "./html.js"

/** The channel this page is: 民意速办扫码 in the sample directory. */
export const QR_CHANNEL = "channel.wechat-qr"

// Crockford's base32 (no I, L, O, U): read aloud over the phone and typed back without confusion.
const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
/** Tracking codes: `QR-` and ten random characters (50 bits), so that nobody finds a case by guessing. */
export const trackingCodePattern = /^QR-[0-9ABCDEFGHJKMNPQRSTVWXYZ]{10}$/

const randomCode = (length: number): string => Array.from(randomBytes(length), (b) => codeAlphabet[b % 32]).join("")

/** A new tracking code; it is the petition's id, so the status page needs no table of its own. */
export const newTrackingCode = (): string => `QR-${randomCode(10)}`

/** The form as posted: every field a string, checkboxes present only when ticked. */
const IntakeForm = Schema.Struct({
  submission: Schema.String,
  category: Schema.optionalKey(Schema.String),
  jurisdiction: Schema.optionalKey(Schema.String),
  title: Schema.optionalKey(Schema.String),
  content: Schema.optionalKey(Schema.String),
  anonymous: Schema.optionalKey(Schema.Literal("on")),
  name: Schema.optionalKey(Schema.String),
  phone: Schema.optionalKey(Schema.String)
})
type IntakeForm = typeof IntakeForm.Type

const decodeForm = decodeInput(IntakeForm, "intake form")

/** The form's fields, and the JSON path under which minyi reports a problem with each. */
type Field = "category" | "jurisdiction" | "title" | "content" | "anonymous" | "name" | "phone"
const fieldOfPath: Readonly<Record<string, Field>> = {
  "/category": "category",
  "/jurisdiction": "jurisdiction",
  "/title": "title",
  "/content": "content",
  // The petitioner as a whole is wrong when an anonymous petition carries a name or phone.
  "/petitioner": "anonymous",
  "/petitioner/anonymous": "anonymous",
  "/petitioner/name": "name",
  "/petitioner/phone": "phone"
}

/** What went wrong, per field, and what belongs to no field, in the page's language. */
interface Problems {
  readonly fields: Partial<Record<Field, ReadonlyArray<string>>>
  readonly general: ReadonlyArray<string>
}

const noProblems: Problems = { fields: {}, general: [] }

/** minyi's problems placed under their fields: each path to its field, the text without the path. */
export const problemsByField = (error: InvalidInput, lang: Lang): Problems => {
  const fields: Partial<Record<Field, Array<string>>> = {}
  const general: Array<string> = []
  for (const problem of error.problems) {
    const text = Messages.renderMessage(Messages.problemMessage(problem.message), lang)
    const field = fieldOfPath[problem.path]
    if (field === undefined) general.push(`${problem.path}: ${text}`)
    else (fields[field] ??= []).push(text)
  }
  return { fields, general }
}

const present = (value: string | undefined): string | undefined => (value === undefined || value.trim() === "" ? undefined : value.trim())

/** The Submit minyi receives, as JSON: minyi decodes it and names every problem by its path. */
export const submitOf = (form: IntakeForm, petitionId: string, at: Date) => {
  const name = present(form.name)
  const phone = present(form.phone)
  return {
    _tag: "Submit",
    petitionId,
    at: at.toISOString(),
    actor: { kind: "petitioner" },
    petitioner: { anonymous: form.anonymous === "on", ...(name === undefined ? {} : { name }), ...(phone === undefined ? {} : { phone }) },
    channel: QR_CHANNEL,
    category: form.category ?? "",
    jurisdiction: form.jurisdiction ?? "",
    title: form.title ?? "",
    content: form.content ?? "",
    // One form, one petition: posting it twice (a double click, a reload) gives the first one back.
    channelMessageId: `qr-form:${form.submission}`
  }
}

interface FormView {
  readonly values: Partial<IntakeForm>
  readonly problems: Problems
}

const renderForm = (minyi: Minyi, lang: Lang, view: FormView): string => {
  const d = minyi.directory
  const v = view.values
  const nameOf = (n: { readonly name: string; readonly nameEn?: string | undefined }) => (lang === "en" ? n.nameEn ?? n.name : n.name)
  const errors = (field: Field) => (view.problems.fields[field] ?? []).map((text) => `<p class="field-error" id="${field}-error">${esc(text)}</p>`).join("")
  const wrap = (field: Field, inner: string) => `<div class="${view.problems.fields[field] === undefined ? "field" : "field invalid"}" data-field="${field}">${inner}${errors(field)}</div>`
  const option = (id: string, label: string, selected: string | undefined) => `<option value="${esc(id)}"${id === selected ? " selected" : ""}>${esc(label)}</option>`
  // The catalogue's leaves, each under its parent's name: the kinds a resident can tell apart.
  const nodes = d.data.categories.nodes
  const leaves = nodes.filter((node) => !nodes.some((other) => other.parent === node.id))
  const categories = leaves.map((leaf) => option(leaf.id, d.categoryPath(leaf.id).map(nameOf).join(" / "), v.category)).join("")
  const streets = d.data.jurisdictions.filter((j) => j.level === "street")
  const places = streets
    .map((street) => `<optgroup label="${esc(nameOf(street))}">${d.data.jurisdictions.filter((j) => j.parent === street.id && j.level === "community").map((c) => option(c.id, nameOf(c), v.jurisdiction)).join("")}</optgroup>`)
    .join("")
  const general = view.problems.general.length === 0 ? "" : `<div class="notice" role="alert">${view.problems.general.map((t) => `<p>${esc(t)}</p>`).join("")}</div>`
  const t = (zh: string, en: string) => esc(say(lang, { zh, en }))
  return `${general}
<p>${t("请如实填写您反映的问题，我们将在10分钟内签收反馈。提交后您会得到一个查询码，凭码查看办理进度。", "Describe the matter you are raising; it will be acknowledged within 10 minutes. You get a tracking code to follow its handling.")}</p>
<form method="post" action="${esc(withLang(lang, "/intake"))}" novalidate>
<input type="hidden" name="submission" value="${esc(v.submission ?? "")}">
${wrap("category", `<label for="category">${t("问题类别", "Category")}</label><select id="category" name="category"><option value="">${t("请选择", "Choose")}</option>${categories}</select>`)}
${wrap("jurisdiction", `<label for="jurisdiction">${t("所在社区", "Community")}</label><select id="jurisdiction" name="jurisdiction"><option value="">${t("请选择", "Choose")}</option>${places}</select>`)}
${wrap("title", `<label for="title">${t("标题", "Title")}</label><input type="text" id="title" name="title" value="${esc(v.title ?? "")}">`)}
${wrap("content", `<label for="content">${t("具体内容", "What happened")}</label><textarea id="content" name="content" rows="5">${esc(v.content ?? "")}</textarea>`)}
${wrap("anonymous", `<label class="check"><input type="checkbox" id="anonymous" name="anonymous"${v.anonymous === "on" ? " checked" : ""}> ${t("匿名反映（不留姓名和电话，将无法电话回访）", "Anonymous (no name or phone; nobody can call you back)")}</label>`)}
${wrap("name", `<label for="name">${t("姓名", "Name")}</label><input type="text" id="name" name="name" autocomplete="name" value="${esc(v.name ?? "")}">`)}
${wrap("phone", `<label for="phone">${t("手机号码", "Phone")}</label><input type="tel" id="phone" name="phone" autocomplete="tel" value="${esc(v.phone ?? "")}">`)}
<button type="submit">${t("提交", "Submit")}</button>
</form>
<p><a href="${esc(withLang(lang, "/track"))}">${t("已有查询码？查看办理进度", "Have a tracking code? Follow your case")}</a></p>`
}

const title = { zh: "扫码反映", en: "Raise a matter (QR code)" }

export const intakeRoutes = (app: FastifyInstance, minyi: Minyi, clock: () => Date): void => {
  // The QR code posted in a community opens the form with that community chosen.
  app.get("/intake", async (request, reply) => {
    const lang = langOf(request.query)
    const place = typeof request.query === "object" && request.query !== null && "place" in request.query && typeof request.query.place === "string" ? request.query.place : undefined
    const values = { submission: randomCode(16), ...(place === undefined ? {} : { jurisdiction: place }) }
    return reply.type("text/html; charset=utf-8").send(page(lang, { title, path: "/intake", body: renderForm(minyi, lang, { values, problems: noProblems }) }))
  })

  app.post("/intake", async (request, reply) => {
    const lang = langOf(request.query)
    const show = (status: number, values: Partial<IntakeForm>, problems: Problems) =>
      reply.code(status).type("text/html; charset=utf-8").send(page(lang, { title, path: "/intake", body: renderForm(minyi, lang, { values, problems }) }))
    const decoded = decodeForm(request.body)
    if (Result.isFailure(decoded)) return show(400, { submission: randomCode(16) }, problemsByField(decoded.failure, lang))
    const form = decoded.success
    try {
      const handled = await minyi.handle(submitOf(form, newTrackingCode(), clock()))
      return reply.redirect(withLang(lang, `/submitted/${encodeURIComponent(handled.petitionId)}`), 303)
    } catch (error) {
      if (error instanceof InvalidInput) return show(400, form, problemsByField(error, lang))
      request.log.warn({ err: error }, "intake refused")
      return show(httpStatusOf(error), form, { fields: {}, general: [describeError(error, { lang, directory: minyi.directory })] })
    }
  })

  app.get<{ Params: { code: string } }>("/submitted/:code", async (request, reply) => {
    const lang = langOf(request.query)
    const code = request.params.code
    if (!trackingCodePattern.test(code)) return reply.code(404).send()
    const t = (zh: string, en: string) => esc(say(lang, { zh, en }))
    const body = `<p>${t("您的诉求已提交。请保存查询码：", "Your matter has been submitted. Keep this tracking code:")}</p>
<p class="code" id="tracking-code">${esc(code)}</p>
<p><a id="track-link" href="${esc(withLang(lang, `/track/${encodeURIComponent(code)}`))}">${t("查看办理进度", "Follow its handling")}</a></p>`
    return reply.type("text/html; charset=utf-8").send(page(lang, { title: { zh: "提交成功", en: "Submitted" }, path: `/submitted/${code}`, body }))
  })
}
