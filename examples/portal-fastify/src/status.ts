/**
 * The status page: a petitioner follows a case by its tracking code. Whoever holds the code sees
 * it, so the page shows nothing personal — no name, no phone, not even the text typed in (it may
 * name people) — only where the case stands and the public steps of its history, in plain words.
 */
import type { Minyi, PetitionEvent } from "@minyi/core"
import { formatInstantWithOffset, httpStatusOf, Petition } from "@minyi/core"
import type { Messages } from "@minyi/core"
import type { FastifyInstance } from "fastify"
import type { Lang } from "./html.js"
import { esc, langOf, page, say, withLang } from "./html.js"
import { trackingCodePattern } from "./intake.js"

/** One step of the public timeline. */
export interface PublicStep {
  readonly at: number
  readonly text: Messages.Message
}

const CHINA_OFFSET_MINUTES = 8 * 60

/**
 * The steps a petitioner is told about, in plain words. Everything else — clock warnings, who read
 * the identity, notifications, flags, internal notes and reasons (a return's or a decline's reason
 * may name people) — stays inside.
 */
export const publicStep = (event: PetitionEvent, unitName: (id: string) => Messages.Message): Messages.Message | undefined => {
  switch (event._tag) {
    case "Submitted":
      return { zh: "您的诉求已登记", en: "Your matter was registered" }
    case "Acknowledged":
      return { zh: "已告知您诉求已收到", en: "You were told it has been received" }
    case "Contacted":
      return { zh: "工作人员已与您联系", en: "Staff contacted you" }
    case "Dispatched":
      return { zh: `已派至${unitName(event.lead).zh}办理`, en: `Sent to ${unitName(event.lead).en} to handle` }
    case "Transferred":
      return { zh: `已转至${unitName(event.lead).zh}办理`, en: `Transferred to ${unitName(event.lead).en}` }
    case "Accepted":
      return { zh: `${unitName(event.unit).zh}已签收，正在办理`, en: `${unitName(event.unit).en} accepted it and is handling it` }
    case "Returned":
      return { zh: "承办单位退回，正在重新派单", en: "The unit sent it back; it is being dispatched again" }
    case "Declined":
      return { zh: "不予受理，将书面告知您理由", en: "Not accepted; you will be told why in writing" }
    case "HandlerAssigned":
      return { zh: "已明确责任人", en: "A responsible person was named" }
    case "FirstRoundCompleted":
      return { zh: "首轮办理已完成", en: "The first round of handling is done" }
    case "Suspended":
      return { zh: "暂停办理，等待补充情况", en: "Paused, waiting for more information" }
    case "Resumed":
      return { zh: "恢复办理", en: "Handling resumed" }
    case "Extended":
      return { zh: "办理期限已依规延长", en: "The deadline was extended as the rules allow" }
    case "Escalated":
      return { zh: "已提级办理，由领导包案", en: "Escalated: a leader now owns the case" }
    case "Resolved":
      return { zh: "已办结，请留意回访", en: "Resolved; expect a call asking how it went" }
    case "SatisfactionRated":
      return { zh: "已收到您的评价", en: "Your rating was recorded" }
    case "Closed":
      return { zh: "已结案", en: "Closed" }
    case "Reopened":
      return { zh: "重新办理", en: "Reopened for more handling" }
    case "ReviewRequested":
      return { zh: "已收到复查申请", en: "Your request for review was received" }
    case "ReReviewRequested":
      return { zh: "已收到复核申请", en: "Your request for re-review was received" }
    case "ReviewDecided":
      return { zh: "复查（复核）已有结论", en: "The review has been decided" }
    case "Merged":
      return { zh: "与同一事项合并办理", en: "Handled together with the same matter raised before" }
    default:
      return undefined
  }
}

/** The public timeline of a history, oldest first. */
export const publicTimeline = (events: ReadonlyArray<PetitionEvent>, unitName: (id: string) => Messages.Message): ReadonlyArray<PublicStep> =>
  events.flatMap((event) => {
    const text = publicStep(event, unitName)
    return text === undefined ? [] : [{ at: event.at, text }]
  })

const title = { zh: "办理进度查询", en: "Follow your case" }

export const statusRoutes = (app: FastifyInstance, minyi: Minyi): void => {
  const d = minyi.directory
  const unitName = (id: string): Messages.Message => {
    const unit = d.unit(id)
    return unit === undefined ? { zh: "承办单位", en: "the handling unit" } : { zh: unit.name, en: unit.nameEn ?? unit.name }
  }
  const nodeName = (node: { readonly name: string; readonly nameEn?: string | undefined } | undefined, lang: Lang): string =>
    node === undefined ? "—" : lang === "en" ? node.nameEn ?? node.name : node.name
  const lookup = (lang: Lang, notice: string) => `${notice}
<form method="get" action="/track/">
${lang === "en" ? '<input type="hidden" name="lang" value="en">' : ""}
<label for="code">${esc(say(lang, { zh: "查询码", en: "Tracking code" }))}</label>
<input type="text" id="code" name="code" placeholder="QR-…">
<button type="submit">${esc(say(lang, { zh: "查询", en: "Look up" }))}</button>
</form>`

  app.get("/track", async (request, reply) => {
    const lang = langOf(request.query)
    return reply.type("text/html; charset=utf-8").send(page(lang, { title, path: "/track", body: lookup(lang, "") }))
  })

  // The lookup form's GET lands here with ?code=…; normalised so a code typed in lower case works.
  app.get("/track/", async (request, reply) => {
    const lang = langOf(request.query)
    const code = typeof request.query === "object" && request.query !== null && "code" in request.query && typeof request.query.code === "string" ? request.query.code.trim().toUpperCase() : ""
    return reply.redirect(withLang(lang, code === "" ? "/track" : `/track/${encodeURIComponent(code)}`), 303)
  })

  app.get<{ Params: { code: string } }>("/track/:code", async (request, reply) => {
    const lang = langOf(request.query)
    const code = request.params.code
    const path = `/track/${code}`
    const notFound = () =>
      reply.code(404).type("text/html; charset=utf-8").send(
        page(lang, { title, path: "/track", body: lookup(lang, `<p class="notice" role="alert">${esc(say(lang, { zh: `查询码 ${code} 不存在，请核对后重新输入`, en: `No case has the tracking code ${code}; check it and try again` }))}</p>`) })
      )
    // Only codes this page hands out: the ids of other channels' petitions are not secrets.
    if (!trackingCodePattern.test(code)) return notFound()
    try {
      const [state, history] = await Promise.all([minyi.state(code), minyi.history(code)])
      const steps = publicTimeline(history, unitName)
      const time = (at: number) => formatInstantWithOffset(at, CHINA_OFFSET_MINUTES).slice(0, 16).replace("T", " ")
      const t = (zh: string, en: string) => esc(say(lang, { zh, en }))
      const body = `<dl>
<dt>${t("查询码", "Tracking code")}</dt><dd id="code">${esc(code)}</dd>
<dt>${t("当前状态", "Status")}</dt><dd id="status">${esc(say(lang, Petition.statusLabels[state.status]))}</dd>
<dt>${t("问题类别", "Category")}</dt><dd>${esc(nodeName(state.category === undefined ? undefined : d.category(state.category), lang))}</dd>
<dt>${t("所在社区", "Community")}</dt><dd>${esc(nodeName(state.jurisdiction === undefined ? undefined : d.jurisdiction(state.jurisdiction), lang))}</dd>
</dl>
<h2>${t("办理过程", "What has happened")}</h2>
<ol class="timeline" id="timeline">${steps.map((s) => `<li><time>${esc(time(s.at))}</time>${esc(say(lang, s.text))}</li>`).join("")}</ol>
<p><a href="${esc(withLang(lang, "/intake"))}">${t("反映新的问题", "Raise another matter")}</a></p>`
      return reply.type("text/html; charset=utf-8").send(page(lang, { title, path, body }))
    } catch (error) {
      if (httpStatusOf(error) === 404) return notFound()
      throw error
    }
  })
}
