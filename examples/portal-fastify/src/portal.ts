/**
 * The portal: one fastify server with minyi embedded over a SQLite file. Public pages for
 * residents (intake by QR code, status by tracking code), a JSON API and the daily report for
 * staff. See README.md.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { Minyi, MinyiOptions } from "@minyi/core"
import { createMinyi, sampleDirectory } from "@minyi/core"
import * as SqliteStore from "@minyi/store-sqlite"
import Fastify from "fastify"
import type { FastifyInstance } from "fastify"
import { intakeRoutes } from "./intake.js"
import { staffRoutes, demoStaffTokens } from "./staff.js"
import { statusRoutes } from "./status.js"

export interface PortalOptions {
  /** The SQLite file minyi keeps its petitions in (created when missing). */
  readonly dbPath: string
  /**
   * Where published rule-pack versions are kept, one JSON file each, so that a restart loads them
   * all again: the engine holds its versions in memory, and a pinned petition needs its version.
   */
  readonly packsDir?: string
  /** Bearer token → person id; default the demo tokens (see README.md). */
  readonly staffTokens?: Readonly<Record<string, string>>
  /** People who may publish rule-pack versions; default the dispatch centre's head. */
  readonly publishers?: ReadonlyArray<string>
  /** Fire clock timers and deliver notifications in the background (default true). */
  readonly scheduler?: MinyiOptions["scheduler"]
  /** The portal's clock for the commands it builds (default the wall clock; the engine keeps its own). */
  readonly clock?: () => Date
  readonly logger?: boolean
}

export interface Portal {
  readonly app: FastifyInstance
  readonly minyi: Minyi
  /** Closes the server, then the engine and its store. */
  readonly close: () => Promise<void>
}

/** The versions kept in `packsDir`, oldest first: each file is named after its version. */
const keptVersions = (packsDir: string | undefined): ReadonlyArray<unknown> =>
  packsDir === undefined || !existsSync(packsDir)
    ? []
    : readdirSync(packsDir)
      .filter((f) => f.endsWith(".json"))
      .map((f): unknown => JSON.parse(readFileSync(join(packsDir, f), "utf8")))
      .sort((a, b) => effectiveFromOf(a) - effectiveFromOf(b))

const effectiveFromOf = (source: unknown): number =>
  typeof source === "object" && source !== null && "effectiveFrom" in source && typeof source.effectiveFrom === "string" ? Date.parse(source.effectiveFrom) : 0

export const createPortal = (options: PortalOptions): Portal => {
  const clock = options.clock ?? (() => new Date())
  const app = Fastify({ logger: options.logger ?? false })
  const minyi = createMinyi({
    directory: sampleDirectory(),
    rulePack: "futian-10-30-24",
    rulePacks: keptVersions(options.packsDir),
    store: SqliteStore.layer({ path: options.dbPath }),
    scheduler: options.scheduler ?? true,
    // Where the rules' notifications (to petitioners and staff) go; a real portal sends SMS or
    // WeChat messages here, e.g. through @minyi/notify-webhook.
    notifiers: { default: async (message) => app.log.info({ petitionId: message.petitionId, recipient: message.recipient }, "notification") }
  })

  // HTML forms post urlencoded bodies; fastify parses only JSON and text itself.
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(typeof body === "string" ? body : body.toString("utf8"))))
  })

  app.get("/", async (_request, reply) => reply.redirect("/intake"))
  // Browsers ask for it on every page; an answer keeps their consoles free of 404s.
  app.get("/favicon.ico", async (_request, reply) => reply.code(204).send())
  intakeRoutes(app, minyi, clock)
  statusRoutes(app, minyi)
  staffRoutes(
    app,
    minyi,
    {
      tokens: options.staffTokens ?? demoStaffTokens,
      publishers: options.publishers ?? ["person.head.dispatch-centre"],
      onPublished: (source, version) => {
        if (options.packsDir === undefined) return
        mkdirSync(options.packsDir, { recursive: true })
        writeFileSync(join(options.packsDir, `${version}.json`), JSON.stringify(source, null, 2))
      }
    },
    clock
  )

  return {
    app,
    minyi,
    close: async () => {
      await app.close()
      await minyi.dispose()
    }
  }
}
