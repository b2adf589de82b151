/**
 * The rule packs minyi ships, as the JSON documents policy staff start from. Load one with
 * `loadRulePack(rulePackPresets["futian-10-30-24"], { directory })`, or copy it and edit.
 */
import futian from "./futian-10-30-24.json" with { type: "json" }
import xinfang from "./xinfang-statutory.json" with { type: "json" }

export const rulePackPresets: Readonly<Record<"futian-10-30-24" | "xinfang-statutory", unknown>> = Object.freeze({
  "futian-10-30-24": futian,
  "xinfang-statutory": xinfang
})

export type RulePackPresetName = keyof typeof rulePackPresets

export const isRulePackPreset = (name: string): name is RulePackPresetName => Object.hasOwn(rulePackPresets, name)
