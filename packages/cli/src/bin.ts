#!/usr/bin/env node
import "./commands/index.js"
import { nodeIO } from "./io.js"
import { pickLang, pickMessageLang, runCli } from "./main.js"

const [lang, args] = pickLang(process.argv.slice(2), process.env)
const io = nodeIO(lang, pickMessageLang(process.argv.slice(2), process.env))
runCli(args, io).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    io.err(error instanceof Error ? (error.stack ?? error.message) : String(error))
    process.exitCode = 70
  }
)
