import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { simpleParser } from "mailparser"
import { SMTPServer } from "smtp-server"

/** One mail as the loopback SMTP server took it. */
export interface ReceivedMail {
  readonly to: ReadonlyArray<string>
  readonly subject: string
  readonly text: string
  readonly messageId: string
  readonly idempotencyKey: string
  /** Whether the session was encrypted when the mail came in. */
  readonly secure: boolean
}

export interface SmtpReceiver {
  readonly port: number
  readonly mails: Array<ReceivedMail>
  close(): Promise<void>
}

export interface Certificate {
  readonly key: string
  readonly cert: string
}

/** A self-signed certificate for 127.0.0.1, made now with the openssl binary and thrown away after. */
export const selfSignedCertificate = (): Certificate => {
  const dir = mkdtempSync(join(tmpdir(), "minyi-smtp-tls-"))
  try {
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
      "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")
    ], { stdio: "ignore" })
    return { key: readFileSync(join(dir, "key.pem"), "utf8"), cert: readFileSync(join(dir, "cert.pem"), "utf8") }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export interface SmtpOptions {
  /** Mailboxes the server refuses at RCPT TO with 550. */
  readonly rejects?: ReadonlyArray<string>
  /** Implicit TLS (`secure`) or STARTTLS offered (`starttls`); default neither. */
  readonly tls?: { readonly mode: "secure" | "starttls"; readonly certificate: Certificate }
}

const header = (value: unknown): string => (typeof value === "string" ? value : "")

/** A real SMTP server (smtp-server) on 127.0.0.1 that keeps what it receives, parsed. */
export const startSmtp = async (options: SmtpOptions = {}): Promise<SmtpReceiver> => {
  const mails: Array<ReceivedMail> = []
  const rejects = new Set(options.rejects ?? [])
  const tls = options.tls
  const server = new SMTPServer({
    authOptional: true,
    logger: false,
    ...(tls === undefined
      ? { disabledCommands: ["STARTTLS", "AUTH"] }
      : { secure: tls.mode === "secure", key: tls.certificate.key, cert: tls.certificate.cert, disabledCommands: ["AUTH"] }),
    onRcptTo(address, _session, callback) {
      if (!rejects.has(address.address)) return callback()
      const error: Error & { responseCode?: number } = new Error(`mailbox ${address.address} does not exist`)
      error.responseCode = 550
      callback(error)
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          mails.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: mail.subject ?? "",
            text: mail.text ?? "",
            messageId: mail.messageId ?? "",
            idempotencyKey: header(mail.headers.get("x-minyi-idempotency-key")),
            secure: session.secure
          })
          callback()
        })
        .catch(callback)
    }
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.server.address() as AddressInfo // a TCP listener always has an AddressInfo
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}
