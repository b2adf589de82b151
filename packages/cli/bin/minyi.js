#!/usr/bin/env node
// The `minyi` command. It sits outside dist/ so that a fresh checkout can link it before anything
// is built (pnpm install warns about every bin whose file is missing); it runs the built CLI.
import("../dist/bin.js").catch((error) => {
  if (error?.code !== "ERR_MODULE_NOT_FOUND" || !String(error.message).includes("dist/bin.js")) throw error
  console.error("minyi: 命令行尚未构建，请先运行 pnpm build (the CLI is not built yet: run pnpm build first)")
  process.exitCode = 70
})
