/**
 * Starts the portal: `pnpm --filter @minyi/example-portal-fastify start`, then open
 * http://127.0.0.1:3000/intake. PORT, HOST, MINYI_DB and MINYI_PACKS_DIR override the defaults.
 */
import { createPortal } from "./portal.js"

const portal = createPortal({
  dbPath: process.env["MINYI_DB"] ?? "portal.sqlite",
  packsDir: process.env["MINYI_PACKS_DIR"] ?? "portal-packs",
  logger: true
})
const address = await portal.app.listen({ port: Number(process.env["PORT"] ?? 3000), host: process.env["HOST"] ?? "127.0.0.1" })
portal.app.log.info(`扫码反映 intake page: ${address}/intake · staff sign-in: ${address}/staff/sign-in`)

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void portal.close().then(() => process.exit(0))
  })
}
