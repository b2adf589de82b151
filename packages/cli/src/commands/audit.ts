/**
 * `minyi audit`: what an auditor runs against a petition store. `verify` checks every petition's
 * history against its stored head and prints the heads (the anchors to keep outside the
 * database) with one digest over them; `seal` seals the heads under the deployment's chain key,
 * once after upgrading a store to stream heads and after rotating the key. The key is read from the
 * environment, never from the command line (where shell history and process lists would keep it).
 */
import { existsSync } from "node:fs"
import { resolve } from "node:path"
import type { EventStore, StoreError } from "@minyi/core"
import { Petition } from "@minyi/core"
import type { AuditedPetition, AuditOptions } from "@minyi/core/adapter"
import { auditHistories, sealHeads } from "@minyi/core/adapter"
import * as PgStore from "@minyi/store-postgres"
import * as SqliteStore from "@minyi/store-sqlite"
import { Effect, Redacted, Result } from "effect"
import { parseArgs, subCommandOf, unknownSubCommand } from "../args.js"
import type { CliIO, Command } from "../io.js"
import { errorText, say, usage } from "../io.js"

/** The environment variables the chain keys come from. */
export const CHAIN_KEY_ENV = "MINYI_CHAIN_KEY"
export const PREVIOUS_CHAIN_KEY_ENV = "MINYI_CHAIN_KEY_PREVIOUS"

const help = (io: CliIO): string =>
  say(
    io,
    [
      "用法: minyi audit verify --db <SQLite 文件 | postgres://…> [--schema <PostgreSQL schema>] [--format text|json]",
      "      minyi audit seal   --db <SQLite 文件 | postgres://…> [--schema <PostgreSQL schema>] [--format text|json]",
      "",
      "verify: 逐件校验信访件的历史（哈希链与存储的链头），输出每件 OK/TAMPERED 及原因，",
      "        并输出链头锚点（信访件、版本、链头哈希）和全部链头的摘要，供审计方在数据库之外留存。",
      `        设置了 ${CHAIN_KEY_ENV} 时同时校验链头的密钥签名（${PREVIOUS_CHAIN_KEY_ENV} 为轮换前的旧密钥）。`,
      `seal:   用 ${CHAIN_KEY_ENV} 为校验通过的链头重新签名：升级到链头表后一次，轮换密钥后一次。`,
      "",
      "退出码：0 全部通过，1 发现篡改或无法读取存储，2 用法错误。",
      "例: minyi audit verify --db petitions.db",
      "    minyi audit verify --db postgres://minyi@db.internal/minyi --schema public --format json"
    ].join("\n"),
    [
      "Usage: minyi audit verify --db <SQLite file | postgres://…> [--schema <PostgreSQL schema>] [--format text|json]",
      "       minyi audit seal   --db <SQLite file | postgres://…> [--schema <PostgreSQL schema>] [--format text|json]",
      "",
      "verify: checks every petition's history (hash chain and stored head), prints OK/TAMPERED with the",
      "        reason per petition, and the anchors (petition, version, head hash) with one digest over",
      "        all heads, for the auditor to keep outside the database.",
      `        With ${CHAIN_KEY_ENV} set, the heads' keyed seals are checked too (${PREVIOUS_CHAIN_KEY_ENV}: the key before a rotation).`,
      `seal:   seals the verified heads under ${CHAIN_KEY_ENV}: once after upgrading to stream heads, once after rotating the key.`,
      "",
      "Exit codes: 0 all verified, 1 tampering found or the store could not be read, 2 a usage error.",
      "Examples: minyi audit verify --db petitions.db",
      "          minyi audit verify --db postgres://minyi@db.internal/minyi --schema public --format json"
    ].join("\n")
  )

const isPostgres = (db: string): boolean => /^postgres(ql)?:\/\//.test(db)

const keyOptions = (): AuditOptions => {
  const current = process.env[CHAIN_KEY_ENV]
  const previous = process.env[PREVIOUS_CHAIN_KEY_ENV]
  return current === undefined || current === ""
    ? {}
    : { chainKey: Redacted.make(current), ...(previous === undefined || previous === "" ? {} : { previousChainKeys: [Redacted.make(previous)] }) }
}

/** Runs `body` on the store `db` names: a PostgreSQL URL, or a SQLite file that must exist. */
const onStore = <A>(io: CliIO, db: string, schema: string | undefined, body: Effect.Effect<A, StoreError, EventStore>): Promise<Result.Result<A, string>> => {
  const layer = isPostgres(db)
    ? PgStore.layer({ connectionString: db, ...(schema === undefined ? {} : { schema }), poolSize: 2 })
    : SqliteStore.layer({ path: resolve(io.cwd, db) })
  return Effect.runPromise(body.pipe(Effect.provide(layer), Effect.mapError((e) => errorText(io, e)), Effect.result))
}

const reasonText = (io: CliIO, p: AuditedPetition): string => {
  if (p.reason === undefined) return ""
  if (p.reason === "undecodable") return say(io, `第 ${p.version} 个事件无法解读`, `event ${p.version} cannot be read`)
  const r = Petition.chainBrokenReasons[p.reason]
  return say(io, `第 ${p.version} 个事件：${r.zh}`, `at event ${p.version}: ${r.en}`)
}

const petitionJson = (p: AuditedPetition) => ({
  petitionId: p.petitionId,
  version: p.head?.version ?? null,
  headHash: p.head?.hash ?? null,
  sealed: p.head !== null && p.head.seal !== null,
  ok: p.ok,
  ...(p.ok ? {} : { reason: p.reason, atVersion: p.version, message: p.message })
})

type Parsed = { readonly db: string; readonly schema: string | undefined; readonly format: "text" | "json" }

const parse = (io: CliIO, command: string, args: ReadonlyArray<string>): Parsed | number => {
  const parsed = parseArgs(io, command, args, { options: ["db", "schema", "format"], positional: "none" })
  if (Result.isFailure(parsed)) return usage(io, `${parsed.failure}\n${help(io)}`, `${parsed.failure}\n${help(io)}`)
  const { db, schema, format = "text" } = parsed.success.flags
  if (db === undefined) return usage(io, `缺少 --db <SQLite 文件 | postgres://…>\n${help(io)}`, `--db <SQLite file | postgres://…> is required\n${help(io)}`)
  if (!isPostgres(db) && !existsSync(resolve(io.cwd, db))) return usage(io, `--db: 文件 ${db} 不存在`, `--db: the file ${db} does not exist`)
  if (schema !== undefined && !isPostgres(db)) return usage(io, "--schema 只用于 PostgreSQL", "--schema applies to PostgreSQL only")
  if (format !== "text" && format !== "json") return usage(io, `--format: 应为 text 或 json，收到 "${format}"`, `--format: expected text or json; got "${format}"`)
  return { db, schema, format }
}

const verify = async (args: ReadonlyArray<string>, io: CliIO): Promise<number> => {
  const parsed = parse(io, "audit verify", args)
  if (typeof parsed === "number") return parsed
  const keys = keyOptions()
  const result = await onStore(io, parsed.db, parsed.schema, auditHistories(keys))
  if (Result.isFailure(result)) {
    io.err(result.failure)
    return 1
  }
  const report = result.success
  const sealsChecked = keys.chainKey !== undefined
  if (parsed.format === "json") {
    io.out(JSON.stringify({ ok: report.ok, tampered: report.tampered, sealsChecked, digest: report.digest, petitions: report.petitions.map(petitionJson) }, null, 2))
    return report.tampered === 0 ? 0 : 1
  }
  for (const p of report.petitions) {
    const head = p.head === null ? say(io, "（无链头）", "(no head)") : `v${p.head.version}  ${p.head.hash}`
    io.out([p.ok ? "OK      " : "TAMPERED", p.petitionId, head, reasonText(io, p)].filter((s) => s !== "").join("  "))
  }
  io.out(say(io, `共 ${report.petitions.length} 件：${report.ok} 件通过，${report.tampered} 件被篡改`, `${report.petitions.length} petitions: ${report.ok} verified, ${report.tampered} tampered`))
  io.out(say(io, `链头摘要（SHA-256，请在数据库之外留存）：${report.digest}`, `Digest of all heads (SHA-256; keep it outside the database): ${report.digest}`))
  if (!sealsChecked) {
    io.out(say(io, `未校验链头签名：未设置 ${CHAIN_KEY_ENV}`, `Head seals not checked: ${CHAIN_KEY_ENV} is not set`))
  }
  return report.tampered === 0 ? 0 : 1
}

const seal = async (args: ReadonlyArray<string>, io: CliIO): Promise<number> => {
  const parsed = parse(io, "audit seal", args)
  if (typeof parsed === "number") return parsed
  const keys = keyOptions()
  if (keys.chainKey === undefined) return usage(io, `audit seal 需要环境变量 ${CHAIN_KEY_ENV}（链密钥）`, `audit seal needs the chain key in ${CHAIN_KEY_ENV}`)
  const result = await onStore(io, parsed.db, parsed.schema, sealHeads({ ...keys, chainKey: keys.chainKey }))
  if (Result.isFailure(result)) {
    io.err(result.failure)
    return 1
  }
  const { sealed, current, tampered } = result.success
  if (parsed.format === "json") {
    io.out(JSON.stringify({ sealed, current, tampered: tampered.map(petitionJson) }, null, 2))
    return tampered.length === 0 ? 0 : 1
  }
  for (const p of tampered) io.out(["TAMPERED", p.petitionId, reasonText(io, p)].join("  "))
  io.out(say(io, `已签名 ${sealed} 件，${current} 件已是当前密钥，${tampered.length} 件未通过校验未签名`, `${sealed} heads sealed, ${current} already under the current key, ${tampered.length} left unsealed because they do not verify`))
  return tampered.length === 0 ? 0 : 1
}

export const auditCommand: Command = async (args, io) => {
  const line = subCommandOf(io, args, () => help(io))
  if (typeof line === "number") return line
  const { sub, rest } = line
  if (sub === "verify") return verify(rest, io)
  if (sub === "seal") return seal(rest, io)
  return unknownSubCommand(io, sub, ["verify", "seal"], help(io))
}
