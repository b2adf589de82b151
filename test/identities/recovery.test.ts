// Tries to recover petitioners' phones and names the way an attacker with every view and every
// stored row would: guess the hidden digits and look for anything derived from the full number.
import { createHash } from "node:crypto"
import { rmSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createMinyi, sampleDirectory } from "@minyi/core"
import type { Minyi } from "@minyi/core"
import { layer as pgLayer } from "@minyi/store-postgres"
import { layer as sqliteLayer } from "@minyi/store-sqlite"
import { Redacted } from "effect"
import { describe, expect, it } from "vitest"
import { describePg, dropSchema, freshSchema, sql } from "../../packages/store-postgres/test/support.js"

const directory = sampleDirectory()
const identityKey = Redacted.make("recovery-test-identity-key")
const viewers = ["person.dispatcher.1", "person.head.urban-management", "person.district-secretary", "person.secretary.yuanling"]

// Known petitioners; the views hide four digits of each phone (positions 4–7).
const petitioners = [
  { name: "张三丰", phone: "13812345678" },
  { name: "李明华", phone: "13990217744" },
  { name: "王小二", phone: "15000438812" }
]

const submit = (i: number) => ({
  _tag: "Submit",
  petitionId: `p-${i}`,
  at: `2026-03-02T09:0${i}:00+08:00`,
  actor: { kind: "petitioner" },
  petitioner: { anonymous: false, ...petitioners[i]!, idNumber: "440304199001011234" },
  channel: "channel.street-secretary-online.yuanling",
  category: "city-management.sanitation.refuse-odour",
  jurisdiction: "community.yuanling.hongli",
  title: "垃圾站异味",
  content: "小区门口垃圾站异味严重"
})

const hex = (algorithm: string, text: string) => createHash(algorithm).update(text).digest("hex")
const b64 = (algorithm: string, text: string) => createHash(algorithm).update(text).digest("base64")

/** Everything that could pin a full phone or name: unkeyed hashes of it, alone or with the directory id. */
const hashes = (secret: string): ReadonlyArray<string> => {
  const inputs = [secret, `${directory.data.id}${secret}`, `${directory.data.id}:${secret}`, `${directory.data.id}|${secret}`]
  return inputs.flatMap((t) => [hex("sha256", t), hex("md5", t), hex("sha1", t), b64("sha256", t)])
}

/**
 * What an attacker can match guesses against: every token (hashes appear whole) and every
 * 11-digit window of every run of digits (a phone may sit inside a longer string).
 */
const searchable = (corpus: string) => {
  const tokens = new Set(corpus.split(/[^A-Za-z0-9+/=]+/))
  const digitWindows = new Set<string>()
  for (const run of corpus.match(/[0-9]{11,}/g) ?? []) {
    for (let i = 0; i + 11 <= run.length; i++) digitWindows.add(run.slice(i, i + 11))
  }
  return { corpus, matches: (plain: string) => digitWindows.has(plain) || hashes(plain).some((h) => tokens.has(h)) }
}

/** The guesses of the four hidden digits (all 10,000) that match something in the corpus. */
const recoveredGuesses = (search: ReturnType<typeof searchable>, phone: string): ReadonlyArray<string> => {
  const hits: Array<string> = []
  for (let g = 0; g < 10_000; g++) {
    const guess = `${phone.slice(0, 3)}${String(g).padStart(4, "0")}${phone.slice(7)}`
    if (search.matches(guess)) hits.push(guess)
  }
  return hits
}

const everythingVisible = async (minyi: Minyi, sent: ReadonlyArray<unknown>): Promise<Array<unknown>> => {
  const seen: Array<unknown> = [...sent]
  for (const person of viewers) seen.push(await minyi.query({ person }, { limit: 100 }))
  for (let i = 0; i < petitioners.length; i++) {
    seen.push(await minyi.state(`p-${i}`), await minyi.history(`p-${i}`), await minyi.clocks(`p-${i}`))
  }
  seen.push(await minyi.metrics({ person: "person.dispatcher.1" }, { from: Date.parse("2026-03-01T00:00:00+08:00"), to: Date.parse("2026-03-31T00:00:00+08:00") }))
  return seen
}

// Stored events keep the Submit's identity for the recorded identity read (docs/security.md);
// every other row, and every other event, must not.
const withoutSubmittedEvents = (rows: ReadonlyArray<Record<string, unknown>>) =>
  rows.filter((r) => !JSON.stringify(r).includes("Submitted"))

const scenario = async (store: Parameters<typeof createMinyi>[0]["store"], rawRows: () => Promise<Array<unknown>>) => {
  const sent: Array<unknown> = []
  const minyi = createMinyi({
    directory,
    rulePack: "futian-10-30-24",
    ...(store === undefined ? {} : { store }),
    notifiers: { default: async (message) => { sent.push(message) } },
    engine: { identityKey }
  })
  try {
    for (let i = 0; i < petitioners.length; i++) await minyi.handle(submit(i))
    await minyi.tick(Date.parse("2026-03-05T09:00:00+08:00"))
    await minyi.relay(Date.parse("2026-03-05T09:00:00+08:00"))
    const corpus = JSON.stringify([await everythingVisible(minyi, sent), await rawRows()])
    const search = searchable(corpus)
    for (const p of petitioners) {
      expect(recoveredGuesses(search, p.phone)).toEqual([])
      expect(corpus).not.toContain(p.name)
      expect(hashes(p.name).filter((h) => corpus.includes(h))).toEqual([])
    }
    // The corpus is not empty: the masked forms are there, so the search looked at real data.
    expect(corpus).toContain("138****5678")
    expect(sent.length).toBeGreaterThan(0)
  } finally {
    await minyi.dispose()
  }
}

describe("identities: no view or stored row gives a phone or name away", () => {
  it("in memory", async () => {
    await scenario(undefined, async () => [])
  }, 120_000)

  it("on SQLite", async () => {
    const path = join(tmpdir(), `minyi-recovery-${process.pid}-${Date.now()}.db`)
    try {
      await scenario(sqliteLayer({ path }), async () => {
        const Database = createRequire(new URL("../../packages/store-sqlite/package.json", import.meta.url))("better-sqlite3")
        const db = new Database(path, { readonly: true })
        try {
          const tables: Array<{ name: string }> = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()
          return tables.flatMap((t) => withoutSubmittedEvents(db.prepare(`SELECT * FROM "${t.name}"`).all()))
        } finally {
          db.close()
        }
      })
    } finally {
      rmSync(path, { force: true })
      rmSync(`${path}-wal`, { force: true })
      rmSync(`${path}-shm`, { force: true })
    }
  }, 120_000)
})

describePg("identities on PostgreSQL", (url) => {
  it("no view or stored row gives a phone or name away", async () => {
    const schema = freshSchema()
    try {
      await scenario(pgLayer({ connectionString: url, schema }), async () => {
        const tables = await sql(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = $1", [schema])
        const rows: Array<unknown> = []
        for (const t of tables.rows) rows.push(...withoutSubmittedEvents((await sql(url, `SELECT * FROM ${schema}."${t.table_name}"`)).rows))
        return rows
      })
    } finally {
      await dropSchema(url, schema)
    }
  }, 120_000)
})
