import { Result } from "effect"
import { parseInstant } from "@minyi/core"
import type { CliIO, Command } from "../io.js"
import { say, usage } from "../io.js"
import { parseArgs, wantsHelp } from "../args.js"
import { importPlugins } from "../plugins.js"
import { describeFailure, loadForCli, runForCli } from "../scenario/cli.js"
import { impactTable } from "./rules.js"

const help = (io: CliIO): string =>
  say(
    io,
    [
      "用法: minyi simulate <情景.json> [--until <ISO 时间>] [--plugin <模块>]...",
      "",
      "在虚拟时钟上运行情景：各步骤之间，每个定时器在它自己的到期时刻触发，每个时刻都投递通知。",
      "输出 JSON：{ petitions, actions, notifications, steps }，时间为规则包默认日历时区的 ISO 8601。",
      "--until 让时钟在最后一步之后继续走到该时刻。被拒绝的命令记在 steps 中，并在标准错误输出说明。",
      "情景有 \"tickEvery\" 时，定时器按该间隔的网格触发（如轮询式调度器）；有 \"whatIf\" 时，输出含 whatIf，并在标准错误输出与 rules impact 相同的差异表。",
      "--plugin 加载规则插件模块（默认导出为插件或插件数组），可重复；规则包在 \"plugins\" 中列出所需插件。",
      "情景格式见 docs/scenarios.md。",
      "例: minyi simulate examples/scenarios/02-feedback-overdue.json"
    ].join("\n"),
    [
      "Usage: minyi simulate <scenario.json> [--until <ISO instant>] [--plugin <module>]...",
      "",
      "Runs the scenario on a virtual clock: between steps every timer fires at its own due instant, and notifications are relayed at each instant.",
      "Prints JSON: { petitions, actions, notifications, steps }, instants in ISO 8601 in the zone of the rule pack's default calendar.",
      "--until runs the clock on past the last step. Refused commands are recorded in steps and explained on stderr.",
      "With \"tickEvery\" in the scenario, timers fire on that grid (as a polling scheduler's do); with \"whatIf\", the output has whatIf and stderr shows the same table as rules impact.",
      "--plugin loads a rule plugin module (default export: a plugin or a list of them); repeatable. The pack lists the plugins it needs in \"plugins\".",
      "The scenario format is described in docs/scenarios.md.",
      "Example: minyi simulate examples/scenarios/02-feedback-overdue.json"
    ].join("\n")
  )

export const simulateCommand: Command = async (args, io) => {
  if (args[0] === "help" || wantsHelp(args)) {
    io.out(help(io))
    return 0
  }
  const parsed = parseArgs(io, "simulate", args, { options: ["until", "plugin"], positional: "one", positionalName: ["情景文件", "scenario file"] })
  if (Result.isFailure(parsed)) return usage(io, `${parsed.failure}。\n${help(io)}`, `${parsed.failure}.\n${help(io)}`)
  const untilText = parsed.success.flags["until"]
  const until = untilText === undefined ? undefined : parseInstant(untilText)
  if (untilText !== undefined && until === undefined) {
    return usage(
      io,
      `--until: "${untilText}" 不是带时区偏移的 ISO 8601 时间，例如 2026-03-02T09:00:00+08:00`,
      `--until: "${untilText}" is not an ISO 8601 instant with an offset, such as 2026-03-02T09:00:00+08:00`
    )
  }
  const plugins = await importPlugins(io, parsed.success.lists["plugin"] ?? [])
  if (Result.isFailure(plugins)) return plugins.failure
  const scenario = await loadForCli(io, parsed.success.files[0]!, plugins.success)
  if (Result.isFailure(scenario)) return scenario.failure
  const ran = await runForCli(io, parsed.success.files[0]!, scenario.success, until === undefined ? {} : { until })
  if (Result.isFailure(ran)) return ran.failure
  const report = ran.success
  for (const step of report.steps) if (step.failure !== undefined) io.err(describeFailure(io, step))
  // The JSON on stdout carries each what-if in full; stderr gets the table `rules impact` prints.
  for (const w of report.whatIf ?? []) {
    const after = scenario.success.whatIf.find((c) => c.index === w.index)?.pack
    if (after === undefined) continue
    io.err(say(io, `what-if ${w.index + 1}${w.note === undefined ? "" : `（${w.note}）`}：`, `what-if ${w.index + 1}${w.note === undefined ? "" : ` (${w.note})`}:`))
    for (const line of impactTable(io, w.report, scenario.success.pack, after)) io.err(line)
  }
  io.out(JSON.stringify(report, null, 2))
  return 0
}
