/**
 * The futian-grid rule plugin: what Futian's grid management adds to minyi's rules.
 *
 * - operator `withinBusinessHoursOf`: an instant (epoch milliseconds, e.g. the `now` fact or
 *   `petition.receivedAt`) falls within the business hours of the unit named by the value;
 * - fact `oldCompound`: the petition's community is an old residential compound (from the table
 *   the plugin ships);
 * - action `forwardToCity`: forward the petition to the city platform (12345) — an outbox message
 *   on the "city-platform" channel, delivered by whatever notifier the embedding registers for it,
 *   and a flag on the petition.
 *
 * Everything here is pure and synchronous: rule evaluation never waits on the network.
 */
import { Schema } from "effect"

import { definePlugin, Rules } from "@minyi/core"
import { businessHours, oldCompounds } from "./tables.js"

const BEIJING_OFFSET_MS = 8 * 3_600_000

/** Whether an instant is within a unit's business hours, in Beijing time (China keeps no daylight saving time). */
export const withinBusinessHours = (instant: unknown, unit: unknown): boolean => {
  if (typeof instant !== "number" || typeof unit !== "string" || !Object.hasOwn(businessHours, unit)) return false
  const hours = businessHours[unit]!
  const local = new Date(instant + BEIJING_OFFSET_MS)
  const weekday = local.getUTCDay() === 0 ? 7 : local.getUTCDay()
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes()
  return hours.days.includes(weekday) && hours.periods.some(([from, to]) => minute >= from && minute < to)
}

export const futianGrid = definePlugin({
  name: "futian-grid",
  version: "1.2.0",
  operators: {
    withinBusinessHoursOf: {
      test: withinBusinessHours,
      value: Schema.String,
      zh: "在以下单位的办公时间内",
      en: "is within the business hours of"
    }
  },
  facts: {
    oldCompound: Rules.pluginFact({
      value: Schema.Boolean,
      compute: ({ petition }) => petition.community !== undefined && oldCompounds.has(petition.community),
      zh: "所在社区为老旧小区",
      en: "the community is an old residential compound"
    })
  },
  actions: {
    forwardToCity: Rules.pluginAction({
      params: Schema.Struct({
        platform: Schema.Literals(["12345"]),
        reason: Schema.optionalKey(Schema.String)
      }),
      run: (params, { petition, now }): ReadonlyArray<Rules.PluginOutput> => [
        {
          _tag: "Message",
          channel: "city-platform",
          recipient: `platform:${params.platform}`,
          template: "futian-grid.forward",
          payload: {
            petitionId: petition.id,
            category: petition.category,
            jurisdiction: petition.jurisdiction,
            reason: params.reason ?? "老旧小区诉求转市12345平台",
            forwardedAt: new Date(now).toISOString()
          }
        },
        { _tag: "Flag", flag: "forwarded-to-city" }
      ],
      zh: "转市12345平台",
      en: "forward to the city 12345 platform"
    })
  }
})

export default futianGrid
