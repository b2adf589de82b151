/**
 * The staff side: a JSON API over the engine (the work queue, dispatch, accept or return, a
 * co-handler's part, resolve, publishing a rule-pack version) and the daily report page.
 *
 * The portal authenticates — here with demo tokens standing in for the portal's single sign-on —
 * and passes the person as the actor; the engine authorises. Every refusal comes back with the
 * status `httpStatusOf` gives it and minyi's own words for it.
 */
import type { Minyi, Viewer } from "@minyi/core"
import { decodeInput, describeError, httpStatusOf, InvalidInput, Messages, Reports } from "@minyi/core"
import { Result, Schema } from "effect"
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify"
import type { Lang } from "./html.js"
import { esc, langOf, page, say } from "./html.js"

/** Demo sign-in: a token per person of the sample directory. A real portal asks its SSO. */
export const demoStaffTokens: Readonly<Record<string, string>> = {
  "demo-dispatcher": "person.dispatcher.1",
  "demo-urban-head": "person.head.urban-management",
  "demo-urban-handler": "person.handler.urban-management",
  "demo-ecology-handler": "person.handler.ecology",
  "demo-housing-head": "person.head.housing",
  "demo-district-head": "person.district-head",
  "demo-centre-head": "person.head.dispatch-centre"
}

export interface StaffOptions {
  /** Bearer token → person id of the directory. */
  readonly tokens: Readonly<Record<string, string>>
  /** Who may publish rule-pack versions: the portal decides this, not the engine. */
  readonly publishers: ReadonlyArray<string>
  /** Called with each version published, after the engine took it (e.g. to keep it for the next start). */
  readonly onPublished?: (source: unknown, version: string) => void
}

const COOKIE = "minyi_staff"

const cookieToken = (header: string | undefined): string | undefined =>
  header
    ?.split(";")
    .map((part) => part.trim().split("="))
    .find(([name]) => name === COOKIE)?.[1]

/** The signed-in person: from `Authorization: Bearer …`, or the cookie the sign-in page sets. */
const personOf = (request: FastifyRequest, tokens: StaffOptions["tokens"]): string | undefined => {
  const header = request.headers.authorization
  const token = header?.startsWith("Bearer ") === true ? header.slice("Bearer ".length) : cookieToken(request.headers.cookie)
  return token === undefined || !Object.hasOwn(tokens, token) ? undefined : tokens[token]
}

/** The language of an API answer: `?lang=` first, then Accept-Language; both languages by default. */
const apiLang = (request: FastifyRequest): Messages.MessageLang => {
  const query = request.query
  const asked = typeof query === "object" && query !== null && "lang" in query && typeof query.lang === "string" ? query.lang : request.headers["accept-language"]
  return Messages.parseMessageLang(asked)
}

/** An error as the API answers it: the status `httpStatusOf` gives, the tag, minyi's message, and any problems by path. */
const sendError = (request: FastifyRequest, reply: FastifyReply, minyi: Minyi, error: unknown) => {
  const status = httpStatusOf(error)
  const lang = apiLang(request)
  if (status === 500) request.log.error({ err: error }, "staff API failure")
  const tag = typeof error === "object" && error !== null && "_tag" in error && typeof error._tag === "string" ? error._tag : "InternalError"
  return reply.code(status).send({
    error: tag,
    message: status === 500 && tag === "InternalError" ? "内部错误 (internal error)" : describeError(error, { lang, directory: minyi.directory }),
    ...(error instanceof InvalidInput ? { problems: error.problems.map((p) => ({ path: p.path, message: Messages.renderMessage(Messages.problemMessage(p.message), lang) })) } : {})
  })
}

const unauthenticated = (reply: FastifyReply) =>
  reply.code(401).header("www-authenticate", "Bearer").send({ error: "Unauthenticated", message: "请先登录 (sign in first: Authorization: Bearer <token>)" })

// The request bodies, decoded at the door: a missing or mistyped field is a 400 naming its path.
const Checklist = Schema.Struct({
  problemSolved: Schema.Boolean,
  explanationGiven: Schema.Boolean,
  assistanceGiven: Schema.Boolean,
  unlawfulConductDealtWith: Schema.Boolean
})
const bodies = {
  dispatch: decodeInput(Schema.Struct({ lead: Schema.String, coHandlers: Schema.optionalKey(Schema.Array(Schema.String)) }), "request body"),
  accept: decodeInput(Schema.Struct({ unit: Schema.optionalKey(Schema.String) }), "request body"),
  return: decodeInput(Schema.Struct({ unit: Schema.optionalKey(Schema.String), reason: Schema.String }), "request body"),
  part: decodeInput(Schema.Struct({ unit: Schema.optionalKey(Schema.String), summary: Schema.String }), "request body"),
  resolve: decodeInput(Schema.Struct({ unit: Schema.optionalKey(Schema.String), summary: Schema.String, checklist: Checklist }), "request body")
}

const Statuses = Schema.Literals(["received", "dispatched", "in_progress", "suspended", "resolved", "closed", "declined", "merged"])
const decodeQueueQuery = decodeInput(
  Schema.Struct({
    status: Schema.optionalKey(Statuses),
    limit: Schema.optionalKey(Schema.String.check(Schema.isPattern(/^([1-9]\d?|100)$/, { expected: "a whole number from 1 to 100" }))),
    after: Schema.optionalKey(Schema.String),
    lang: Schema.optionalKey(Schema.String)
  }),
  "query"
)

const decodeReportQuery = decodeInput(
  Schema.Struct({
    date: Schema.optionalKey(Schema.String.check(Schema.makeFilter((date: string) => Reports.startOfLocalDate(date) !== undefined, { expected: "a date as YYYY-MM-DD" }))),
    lang: Schema.optionalKey(Schema.String)
  }),
  "query"
)

/** The work still to do: what the dispatch centre routes and the units accept, handle and resolve. */
const openStatuses = ["received", "dispatched", "in_progress", "suspended", "resolved"]

const iso = (at: number | null): string | null => (at === null ? null : new Date(at).toISOString())

export const staffRoutes = (app: FastifyInstance, minyi: Minyi, options: StaffOptions, clock: () => Date): void => {
  const d = minyi.directory
  /** Runs a handler for a signed-in person; an error becomes the answer its status says. */
  const signedIn = <R extends FastifyRequest>(handler: (request: R, reply: FastifyReply, viewer: Viewer) => Promise<unknown>) =>
    async (request: R, reply: FastifyReply) => {
      const person = personOf(request, options.tokens)
      if (person === undefined) return unauthenticated(reply)
      try {
        return await handler(request, reply, { person })
      } catch (error) {
        return sendError(request, reply, minyi, error)
      }
    }

  app.get(
    "/api/staff/queue",
    signedIn(async (request, reply, viewer) => {
      const query = decodeQueueQuery(request.query)
      if (Result.isFailure(query)) throw query.failure
      const { status, limit, after } = query.success
      const pageSize = limit === undefined ? 20 : Number(limit)
      const views = await minyi.query(viewer, { limit: pageSize, statuses: status === undefined ? openStatuses : [status], ...(after === undefined ? {} : { after }) })
      return reply.send({
        items: views.map((v) => ({
          petitionId: v.summary.petitionId,
          status: v.summary.status,
          lead: v.summary.lead,
          coHandlers: v.summary.coHandlers,
          category: v.summary.categoryPath.at(-1) ?? null,
          jurisdiction: v.summary.jurisdictionPath.at(-1) ?? null,
          receivedAt: iso(v.summary.receivedAt),
          nextDueAt: iso(v.summary.nextDueAt),
          breachedClocks: v.summary.breachedClocks,
          // Masked unless the engine lets this viewer see it (identityVisible).
          petitioner: v.petitioner
        })),
        // Petition-id order: the next page starts after the last id of a full page.
        next: views.length < pageSize ? null : views[views.length - 1]!.summary.petitionId
      })
    })
  )

  /** The unit a person acts for: the one the body names, or their own. The engine checks they belong to it. */
  const unitOf = (viewer: Viewer, given: string | undefined): string => given ?? d.person(viewer.person)?.unit ?? ""

  /** A command on one petition: the body decoded, the command built, handled, and the new status sent. */
  const command = <B>(
    name: string,
    decode: (body: unknown) => Result.Result<B, InvalidInput>,
    build: (body: B, viewer: Viewer) => { readonly _tag: string } & Readonly<Record<string, unknown>>
  ) =>
    app.post<{ Params: { id: string } }>(
      `/api/staff/petitions/:id/${name}`,
      signedIn(async (request: FastifyRequest<{ Params: { id: string } }>, reply, viewer) => {
        const body = decode(request.body ?? {})
        if (Result.isFailure(body)) throw body.failure
        const petitionId = request.params.id
        const handled = await minyi.handle({
          ...build(body.success, viewer),
          petitionId,
          at: clock().toISOString(),
          actor: { kind: "person", id: viewer.person }
        })
        const state = await minyi.state(petitionId)
        return reply.send({ petitionId, version: handled.version, events: handled.events.map((e) => e._tag), status: state.status, lead: state.lead ?? null })
      })
    )

  command("dispatch", bodies.dispatch, (b) => ({ _tag: "Dispatch", lead: b.lead, coHandlers: b.coHandlers ?? [] }))
  command("accept", bodies.accept, (b, viewer) => ({ _tag: "Accept", unit: unitOf(viewer, b.unit) }))
  command("return", bodies.return, (b, viewer) => ({ _tag: "Return", unit: unitOf(viewer, b.unit), reason: b.reason }))
  command("part", bodies.part, (b, viewer) => ({ _tag: "ReportPart", unit: unitOf(viewer, b.unit), summary: b.summary }))
  command("resolve", bodies.resolve, (b, viewer) => ({ _tag: "Resolve", unit: unitOf(viewer, b.unit), summary: b.summary, checklist: b.checklist }))

  const versions = async () => (await minyi.rulePacks()).versions.map((v) => ({ id: v.id, version: v.version, effectiveFrom: new Date(v.effectiveFrom).toISOString() }))

  app.get("/api/staff/rule-packs", signedIn(async (_request, reply) => reply.send({ versions: await versions() })))

  // Publishing is a portal decision (who may), the engine's check (what may be published).
  app.post(
    "/api/staff/rule-packs",
    signedIn(async (request, reply, viewer) => {
      if (!options.publishers.includes(viewer.person)) {
        return reply.code(403).send({ error: "NotPublisher", message: "只有规则管理员可以发布规则包 (only rule administrators may publish a rule pack)" })
      }
      const registry = await minyi.publish(request.body)
      const published = registry.versions[registry.versions.length - 1]!
      options.onPublished?.(published.source, published.version)
      return reply.code(201).send({ versions: await versions() })
    })
  )

  app.get(
    "/reports/daily",
    signedIn(async (request, reply, viewer) => {
      const lang: Lang = langOf(request.query)
      const query = decodeReportQuery(request.query)
      if (Result.isFailure(query)) throw query.failure
      const date = query.success.date ?? Reports.localDate(clock().getTime())
      // A date the query gave was checked by decodeReportQuery, and the clock's own date is one.
      const from = Reports.startOfLocalDate(date) ?? 0
      const latest = (await minyi.rulePacks()).versions.at(-1)
      const clockNames = Object.fromEntries((latest?.document.clocks ?? []).map((c) => [c.name, c.label === undefined ? { zh: c.name, en: c.name } : { zh: c.label["zh-CN"], en: c.label.en }]))
      const figures = await minyi.metrics(viewer, { from, to: from + Reports.DAY_MS, clocks: Object.keys(clockNames) })
      const html = Reports.renderHtml(Reports.dailyReport(figures, { directory: d, date, clockNames }), lang === "en" ? "en" : "zh-CN")
      return reply.type("text/html; charset=utf-8").send(html)
    })
  )

  // A sign-in form for people in a browser (the report page); API clients send the header instead.
  app.get("/staff/sign-in", async (request, reply) => {
    const lang = langOf(request.query)
    const t = (zh: string, en: string) => esc(say(lang, { zh, en }))
    const body = `<form method="post" action="/staff/sign-in"><label for="token">${t("工作人员令牌", "Staff token")}</label><input type="text" id="token" name="token"><button type="submit">${t("登录", "Sign in")}</button></form>`
    return reply.type("text/html; charset=utf-8").send(page(lang, { title: { zh: "工作人员登录", en: "Staff sign-in" }, path: "/staff/sign-in", body }))
  })

  app.post("/staff/sign-in", async (request, reply) => {
    const body = request.body
    const token = typeof body === "object" && body !== null && "token" in body && typeof body.token === "string" ? body.token : ""
    if (!Object.hasOwn(options.tokens, token)) return unauthenticated(reply)
    return reply.header("set-cookie", `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`).redirect("/reports/daily", 303)
  })
}
