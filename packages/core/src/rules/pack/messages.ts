/**
 * What a pack check says: problems and warnings located by JSON Pointer, in Chinese first with
 * English beside it, and Effect's terse schema messages reworded the way a clerk reads them.
 */
import { Schema } from "effect"
import type { InputProblem } from "../../shared/validation.js"
import { factCatalogue } from "../facts.js"
import { record } from "./raw.js"
import { closest, didYouMean } from "../suggest.js"

/** One problem or warning: where (JSON Pointer), and what, in English (`message`) and Chinese (`zh`, when minyi wrote it). */
export interface PackProblem {
  readonly path: string
  readonly message: string
  readonly zh?: string
}
export const PackProblemSchema = Schema.Struct({ path: Schema.String, message: Schema.String, zh: Schema.optionalKey(Schema.String) })

export const say = (zh: string, en: string): { readonly message: string; readonly zh: string } => ({ message: en, zh })

export const join = (base: string, sub: string): string => (sub === "/" ? base : base + sub)
const lastKey = (path: string): string => path.slice(path.lastIndexOf("/") + 1)
/** A record key as one JSON Pointer segment. */
export const pointerKey = (key: string): string => key.replace(/~/g, "~0").replace(/\//g, "~1")

/** Chinese for the messages minyi's own schemas give. */
const schemaMessagesZh: Readonly<Record<string, string>> = {
  'name exactly one of "role", "unit", "person" or "linkedLeader"': '只能写 "role"、"unit"、"person"、"linkedLeader" 中的一个'
}

/** The value at a JSON Pointer in the raw document, if any. */
const valueAt = (root: unknown, pointer: string): unknown =>
  pointer
    .split("/")
    .slice(1)
    .filter((k) => k !== "")
    .map((k) => k.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<unknown>((node, key) => record(node, key), root)

/** Effect's terse messages, said the way a clerk reads them — with "did you mean" for a misspelt choice. */
export const reword = (root: unknown, p: InputProblem, keysHere?: ReadonlyArray<string>): PackProblem => {
  if (p.message === "Missing key") return { path: p.path, ...say(`缺少必填字段 "${lastKey(p.path)}"`, `required field "${lastKey(p.path)}" is missing`) }
  if (p.message === "Expected no excess property") {
    const key = lastKey(p.path)
    const [zh, en] = keysHere === undefined ? ["", ""] : [didYouMean(key, keysHere, "zh-CN"), didYouMean(key, keysHere)]
    return { path: p.path, ...say(`未知字段 "${key}"${zh}`, `unknown field "${key}"${en}`) }
  }
  const choices = /^Expected "[^"]*"( \| "[^"]*")*$/.test(p.message) ? [...p.message.matchAll(/"([^"]*)"/g)].map((m) => m[1]!) : undefined
  const actual = valueAt(root, p.path)
  if (choices !== undefined && typeof actual === "string") {
    const near = closest(actual, choices)
    const list = choices.map((c) => `"${c}"`)
    return {
      path: p.path,
      ...say(
        `"${actual}" 不是可用的取值${near === undefined ? `；应为以下之一：${list.join("、")}` : `；是否应为 "${near}"？`}`,
        `"${actual}" is not allowed${near === undefined ? `; expected one of ${list.join(", ")}` : `; did you mean "${near}"?`}`
      )
    }
  }
  const zh = schemaMessagesZh[p.message]
  return zh === undefined ? p : { ...p, zh }
}

export const kindZh = { category: "事项分类", jurisdiction: "辖区", unit: "单位", person: "人员", channel: "渠道" } as const

const factNames = Object.keys(factCatalogue)
export const unknownFact = (fact: string, pluginFacts: Iterable<string> = [], hint?: { readonly zh: string; readonly en: string }) => {
  const names = [...factNames, ...pluginFacts]
  return hint === undefined
    ? say(`未知的事实 "${fact}"${didYouMean(fact, names, "zh-CN")}`, `unknown fact "${fact}"${didYouMean(fact, names)}`)
    : say(`未知的事实 "${fact}"${hint.zh}`, `unknown fact "${fact}"${hint.en}`)
}

/**
 * For a name the pack's plugins do not have: the plugin that was given but is not listed in
 * "plugins" and provides it (the fix is one line in the pack); failing that, the plugins the pack
 * lists that were not given (or not in a fitting version), which may be where it comes from.
 */
export const pluginHint = (unlisted: string | undefined, missing: ReadonlyArray<string>) =>
  unlisted !== undefined
    ? {
        zh: `；它由插件 ${unlisted} 提供，但规则包的 "plugins" 中没有列出该插件`,
        en: `; plugin ${unlisted} provides it, but the pack does not list that plugin in "plugins"`
      }
    : missing.length > 0
      ? {
          zh: `；可能来自规则包所需但未能加载的插件 ${missing.join("、")}`,
          en: `; it may come from ${missing.join(", ")}, which the pack needs but could not be loaded`
        }
      : undefined

export const neverFires = (clockNames: ReadonlySet<string>, ruleLabel: string, clock: string) =>
  say(
    `${ruleLabel} 永远不会触发：没有名为 "${clock}" 的时钟${didYouMean(clock, clockNames, "zh-CN")}`,
    `${ruleLabel} can never fire: no clock policy is named "${clock}"${didYouMean(clock, clockNames)}`
  )
