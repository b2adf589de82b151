import "./commands/index.js"
export type { CliIO, Command, Lang } from "./io.js"
export { pickLang, runCli } from "./main.js"
