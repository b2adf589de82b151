/**
 * Published rule-pack versions. A registry is a plain immutable value: publishing returns a new
 * registry. Each version is in force from its `effectiveFrom` until the next version's (or its
 * own `effectiveTo`); a petition stays pinned to the version in force when it was received.
 */
import { Result, Schema } from "effect"
import type { Directory } from "../directory/directory.js"
import type { Instant } from "../shared/instant.js"
import { formatInstant } from "../shared/instant.js"
import type { RulePack } from "./pack/load.js"
import { loadRulePack } from "./pack/load.js"
import { PackProblemSchema } from "./pack/messages.js"

export interface RulePackRegistry {
  readonly packId: string | undefined
  /** Oldest first. */
  readonly versions: ReadonlyArray<RulePack>
}

export const emptyRegistry: RulePackRegistry = Object.freeze({ packId: undefined, versions: Object.freeze([]) })

/** A version that cannot be published, with the reason in words staff understand. */
export class PublishRefused extends Schema.TaggedError<PublishRefused>()("PublishRefused", {
  packId: Schema.String,
  version: Schema.String,
  reason: Schema.Literals(["other-pack", "duplicate-version", "overlap", "retroactive", "invalid"]),
  problems: Schema.Array(PackProblemSchema),
  message: Schema.String
}) {}

const refuse = (pack: RulePack, reason: PublishRefused["reason"], zh: string, en: string, problems: PublishRefused["problems"] = []) =>
  Result.fail(new PublishRefused({ packId: pack.id, version: pack.version, reason, problems, message: `不能发布 ${pack.id}@${pack.version}：${zh}。(Cannot publish ${pack.id}@${pack.version}: ${en}.)` }))

/**
 * Publishes a version: it is checked against the directory first; it must be a new version
 * name, start after every published version, and not start inside a published version's
 * explicit `effectiveTo` window.
 */
export const publish = (
  registry: RulePackRegistry,
  pack: RulePack,
  options: { readonly directory: Directory }
): Result.Result<RulePackRegistry, PublishRefused> => {
  if (registry.packId !== undefined && registry.packId !== pack.id) {
    return refuse(pack, "other-pack", `此登记簿属于规则包 ${registry.packId}`, `this registry holds pack ${registry.packId}`)
  }
  if (registry.versions.some((v) => v.version === pack.version)) {
    return refuse(pack, "duplicate-version", `版本 ${pack.version} 已发布，已发布的版本不可更改，请用新版本号`, `version ${pack.version} is already published and cannot change; use a new version name`)
  }
  const latest = registry.versions[registry.versions.length - 1]
  if (latest !== undefined && pack.effectiveFrom <= latest.effectiveFrom) {
    return refuse(pack, "retroactive", `生效时间须晚于 ${latest.version} 的生效时间 ${formatInstant(latest.effectiveFrom)}`, `it must take effect after ${latest.version} (from ${formatInstant(latest.effectiveFrom)})`)
  }
  if (latest?.effectiveTo !== undefined && pack.effectiveFrom < latest.effectiveTo) {
    return refuse(pack, "overlap", `与 ${latest.version} 的有效期（至 ${formatInstant(latest.effectiveTo)}）重叠`, `its period overlaps ${latest.version}, in force until ${formatInstant(latest.effectiveTo)}`)
  }
  // Loaded again with the plugins it was loaded with: a pack whose plugins are missing or of the
  // wrong version (a RulePack not made by loadRulePack) is refused here.
  const checked = loadRulePack(pack.source, { directory: options.directory, plugins: pack.plugins.plugins })
  if (Result.isFailure(checked)) {
    const plugins = checked.failure.problems.some((p) => p.path.startsWith("/plugins"))
    return plugins
      ? refuse(pack, "invalid", "缺少所需插件或插件版本不符", "the plugins it needs are missing or of the wrong version", checked.failure.problems)
      : refuse(pack, "invalid", "与当前机构目录不符", "it does not agree with the directory", checked.failure.problems)
  }
  return Result.succeed(Object.freeze({ packId: pack.id, versions: Object.freeze([...registry.versions, checked.success]) }))
}

/** The version in force at `instant`, if any. */
export const packFor = (registry: RulePackRegistry, instant: Instant): RulePack | undefined => {
  for (let i = registry.versions.length - 1; i >= 0; i--) {
    const v = registry.versions[i]!
    if (v.effectiveFrom <= instant) return v.effectiveTo === undefined || instant < v.effectiveTo ? v : undefined
  }
  return undefined
}

/** The version a petition is pinned to (by the `rulePack` its `Submitted` event recorded). */
export const pinnedPack = (registry: RulePackRegistry, ref: { readonly id: string; readonly version: string }): RulePack | undefined =>
  registry.versions.find((v) => v.id === ref.id && v.version === ref.version)
