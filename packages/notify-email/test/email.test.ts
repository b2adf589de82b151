import type { NotifyFailed } from "@minyi/core"
import { closedLoopbackPort, notifierContract, sampleNotification, sendThrough } from "@minyi/testkit"
import { ConfigProvider, Effect, Exit, Layer, Option } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { classify, composeMail, layer, layerConfig, make, maskPersonalData } from "../src/index.js"
import type { EmailConfig } from "../src/index.js"
import { selfSignedCertificate, startSmtp } from "./smtp.js"
import type { SmtpReceiver } from "./smtp.js"

const unit = "unit:dept.housing"
const mailbox = "duty@housing.example.gov.cn"
const from = "民意平台 <noreply@minyi.example.gov.cn>"
const certificate = selfSignedCertificate()

const servers: Array<SmtpReceiver> = []
const smtp = async (...args: Parameters<typeof startSmtp>) => {
  const s = await startSmtp(...args)
  servers.push(s)
  return s
}
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close()
})

const config = (port: number, smtpExtra: Partial<EmailConfig["smtp"]> = {}): EmailConfig => ({
  smtp: { host: "127.0.0.1", port, timeoutMs: 5_000, ...smtpExtra },
  from,
  addresses: { [unit]: mailbox, "unit:dept.accused": "boss@accused.example.gov.cn" }
})

const send = (cfg: EmailConfig, recipient = unit) =>
  Effect.runPromise(Effect.exit(Effect.flatMap(make(cfg), (n) => n.send(sampleNotification(recipient)))))

const failureOf = (exit: Exit.Exit<unknown, unknown>) =>
  Option.getOrThrowWith(Exit.findErrorOption(exit), () => new Error("expected a failure")) as NotifyFailed

notifierContract({
  name: "@minyi/notify-email",
  start: async (behaviour) => {
    const server = behaviour === "unavailable" ? undefined : await startSmtp(behaviour === "reject" ? { rejects: [mailbox] } : {})
    const port = server?.port ?? (await closedLoopbackPort())
    return {
      notifier: layer(config(port)),
      recipient: unit,
      received: async () => (server?.mails ?? []).map((m) => ({ idempotencyKey: m.idempotencyKey, text: `${m.subject}\n${m.text}` })),
      close: async () => server?.close()
    }
  }
})

describe("@minyi/notify-email against a real SMTP server on loopback", () => {
  it("delivers to the unit's mailbox, Chinese first, with a Message-ID that is the same on every retry", async () => {
    const s = await smtp()
    expect(Exit.isSuccess(await send(config(s.port)))).toBe(true)
    expect(Exit.isSuccess(await send(config(s.port)))).toBe(true)
    expect(s.mails.map((m) => m.to)).toEqual([[mailbox], [mailbox]])
    const [first, second] = s.mails
    expect(first!.subject).toBe("诉求 P-2026-0001 超过15分钟未反馈 / Petition P-2026-0001: no feedback within 15 minutes")
    expect(first!.text.indexOf("已超过反馈时限")).toBeLessThan(first!.text.indexOf("has breached"))
    expect(first!.messageId).toBe(second!.messageId)
    expect(first!.messageId).toMatch(/@minyi\.example\.gov\.cn>$/)
    expect(first!.secure).toBe(false)
  })

  it("turns a recipient the server rejects (550) into a permanent failure naming the reply", async () => {
    const s = await smtp({ rejects: [mailbox] })
    const failure = failureOf(await send(config(s.port)))
    expect(failure.retryable).toBe(false)
    expect(failure.reason).toContain("550")
    expect(s.mails).toHaveLength(0)
  })

  it("treats a server that is down as retryable", async () => {
    const failure = failureOf(await send(config(await closedLoopbackPort())))
    expect(failure.retryable).toBe(true)
    expect(failure.reason).toContain("ECONNREFUSED")
  })

  it("delivers over implicit TLS, trusting the relay's own certificate", async () => {
    const s = await smtp({ tls: { mode: "secure", certificate } })
    expect(Exit.isSuccess(await send(config(s.port, { secure: true, ca: certificate.cert })))).toBe(true)
    expect(s.mails.map((m) => m.secure)).toEqual([true])
  })

  it("upgrades with STARTTLS when required, and does not send to an untrusted certificate", async () => {
    const s = await smtp({ tls: { mode: "starttls", certificate } })
    expect(Exit.isSuccess(await send(config(s.port, { requireTLS: true, ca: certificate.cert })))).toBe(true)
    expect(s.mails.map((m) => m.secure)).toEqual([true])
    const untrusted = failureOf(await send(config(s.port, { requireTLS: true })))
    expect(untrusted.reason).toMatch(/certificate/i)
    expect(s.mails).toHaveLength(1)
  })

  it("never mails the accused unit", async () => {
    const s = await smtp()
    const exit = await Effect.runPromise(
      Effect.exit(Effect.flatMap(make(config(s.port)), (n) => n.send(sampleNotification("unit:dept.accused", { accusedUnit: "dept.accused" }))))
    )
    expect(failureOf(exit).retryable).toBe(false)
    expect(s.mails).toHaveLength(0)
  })

  it("fails permanently for a recipient without a mailbox", async () => {
    const s = await smtp()
    const failure = failureOf(await send(config(s.port), "person:p.li"))
    expect(failure.retryable).toBe(false)
    expect(failure.reason).toContain("person:p.li")
  })

  it("masks phone numbers, id numbers and mail addresses that a template let through", () => {
    expect(maskPersonalData("来电 13812345678，身份证 44030419900101123X，邮箱 zhang.san@qq.com")).toBe(
      "来电 138****5678，身份证 440304********123X，邮箱 z***@qq.com"
    )
    const n = sampleNotification(unit)
    const mail = composeMail(n, {
      petitionId: "P-1",
      message: { "zh-CN": { subject: "回电 13812345678", body: "正文" }, en: { subject: "Call back", body: "Body" } }
    })
    expect(mail.subject).not.toContain("13812345678")
  })

  it("classifies SMTP replies: 5xx permanent, 4xx and no reply retryable, a refused envelope permanent", () => {
    expect(classify({ responseCode: 550, code: "EENVELOPE", message: "no such user" }).retryable).toBe(false)
    expect(classify({ responseCode: 451, code: "EENVELOPE", message: "try later" }).retryable).toBe(true)
    expect(classify({ code: "ETIMEDOUT", message: "timeout" }).retryable).toBe(true)
    expect(classify({ code: "EENVELOPE", message: "Invalid recipient" }).retryable).toBe(false)
  })

  it("names every bad config field by its path", async () => {
    const exit = await Effect.runPromise(Effect.exit(make({ smtp: { host: "", port: 0 }, from, addresses: { [unit]: "not-an-address" } })))
    const error = Option.getOrThrow(Exit.findErrorOption(exit))
    expect(error).toMatchObject({ _tag: "InvalidInput" })
    const paths = (error as unknown as { problems: ReadonlyArray<{ path: string }> }).problems.map((p) => p.path)
    expect(paths).toEqual(expect.arrayContaining(["/smtp/host", "/smtp/port", `/addresses/${unit}`]))
  })
})

describe("layerConfig", () => {
  const sendWith = (env: Record<string, string>) =>
    sendThrough(layerConfig.pipe(Layer.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env })))), sampleNotification(unit))

  it("mails through the server and to the mailboxes the environment names", async () => {
    const s = await smtp()
    const exit = await sendWith({
      MINYI_SMTP_HOST: "127.0.0.1",
      MINYI_SMTP_PORT: String(s.port),
      MINYI_EMAIL_FROM: from,
      MINYI_EMAIL_ADDRESSES: JSON.stringify({ [unit]: mailbox })
    })
    expect(Exit.isSuccess(exit)).toBe(true)
    expect(s.mails.map((m) => m.to)).toEqual([[mailbox]])
  })

  it("fails naming the variable that is missing or wrong", async () => {
    expect(String(failureOf(await sendWith({ MINYI_EMAIL_FROM: from, MINYI_EMAIL_ADDRESSES: "{}" })))).toContain("MINYI_SMTP_HOST")
    expect(String(failureOf(await sendWith({ MINYI_SMTP_HOST: "h", MINYI_SMTP_PORT: "smtp", MINYI_EMAIL_FROM: from, MINYI_EMAIL_ADDRESSES: "{}" })))).toContain("MINYI_SMTP_PORT")
  })
})
