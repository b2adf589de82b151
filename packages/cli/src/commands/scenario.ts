import { Result } from "effect"
import type { CliIO, Command } from "../io.js"
import { say, usage } from "../io.js"
import type { Plugin } from "@minyi/core"
import { parseArgs, subCommandOf, unknownSubCommand } from "../args.js"
import { importPlugins } from "../plugins.js"
import { loadForCli, runForCli } from "../scenario/cli.js"
import type { Mismatch } from "../scenario/expect.js"

const help = (io: CliIO): string =>
  say(
    io,
    [
      "用法: minyi scenario test <情景.json>... [--plugin <模块>]...",
      "",
      "运行每个情景并核对各步骤的 expect 块。全部相符时输出简短摘要，退出码 0；",
      "有不符时逐条输出“<文件>: /JSON路径: 期望 …，实际 …”，退出码 1。",
      "情景的 whatIf 期望（用另一规则包重放历史的差异）也一并核对。",
      "未声明 expect.refused 的步骤若被拒绝，也算不符。--plugin 加载规则插件模块，可重复。情景格式见 docs/scenarios.md。",
      "例: minyi scenario test examples/scenarios/*.json"
    ].join("\n"),
    [
      "Usage: minyi scenario test <scenario.json>... [--plugin <module>]...",
      "",
      "Runs each scenario and checks the steps' expect blocks. When all hold, prints a short summary and exits 0;",
      "otherwise prints each difference, \"<file>: /json/path: expected …, got …\", and exits 1.",
      "The scenario's whatIf expectations (its histories replayed under another pack) are checked too.",
      "A refused command fails the test unless its step expects that refusal (expect.refused). --plugin loads a rule plugin module; repeatable. See docs/scenarios.md.",
      "Example: minyi scenario test examples/scenarios/*.json"
    ].join("\n")
  )

const show = (value: unknown): string => JSON.stringify(value)

const describe = (io: CliIO, file: string, m: Mismatch): string =>
  say(io, `${file}: ${m.path}: 期望 ${show(m.expected)}，实际 ${show(m.actual)}`, `${file}: ${m.path}: expected ${show(m.expected)}, got ${show(m.actual)}`)

const testOne = async (io: CliIO, file: string, plugins: ReadonlyArray<Plugin>): Promise<number> => {
  const scenario = await loadForCli(io, file, plugins)
  if (Result.isFailure(scenario)) return scenario.failure
  const ran = await runForCli(io, file, scenario.success)
  if (Result.isFailure(ran)) return ran.failure
  const report = ran.success
  const mismatches = [...report.steps.flatMap((s) => s.mismatches ?? []), ...(report.whatIf ?? []).flatMap((w) => w.mismatches)]
  const checked = scenario.success.steps.filter((s) => s.expect !== undefined).length + scenario.success.whatIf.length
  if (mismatches.length > 0) {
    for (const m of mismatches) io.out(describe(io, file, m))
    io.out(
      say(
        io,
        `${file}: 不通过 — ${mismatches.length} 处不符（${report.steps.length} 步，${checked} 个 expect）`,
        `${file}: FAILED — ${mismatches.length} difference(s) (${report.steps.length} steps, ${checked} expect blocks)`
      )
    )
    return 1
  }
  io.out(
    say(
      io,
      `${file}: 通过 — ${report.steps.length} 步，${checked} 个 expect 全部相符；${report.actions.length} 个规则动作，${report.notifications.length} 条通知`,
      `${file}: passed — ${report.steps.length} steps, all ${checked} expect blocks hold; ${report.actions.length} rule actions, ${report.notifications.length} notifications`
    )
  )
  return 0
}

export const scenarioCommand: Command = async (args, io) => {
  const line = subCommandOf(io, args, () => help(io))
  if (typeof line === "number") return line
  const { sub, rest } = line
  if (sub !== "test") return unknownSubCommand(io, sub, ["test"], help(io))
  const parsed = parseArgs(io, "scenario test", rest, { options: ["plugin"], positional: "some", positionalName: ["情景文件", "scenario file"] })
  if (Result.isFailure(parsed)) return usage(io, `${parsed.failure}。\n${help(io)}`, `${parsed.failure}.\n${help(io)}`)
  const plugins = await importPlugins(io, parsed.success.lists["plugin"] ?? [])
  if (Result.isFailure(plugins)) return plugins.failure
  let code = 0
  for (const file of parsed.success.files) code = Math.max(code, await testOne(io, file, plugins.success))
  return code
}
