/**
 * The data the plugin ships: which communities are old residential compounds (老旧小区), and the
 * business hours of the units rules ask about. An integrator keeps these in their own package and
 * publishes a new plugin version when they change — a pack names the version range it was written for.
 */

/** Communities (directory jurisdiction ids) listed as old residential compounds in the district's renovation plan. */
export const oldCompounds: ReadonlySet<string> = new Set([
  "community.yuanling.hongli",
  "community.fubao.mingyue",
  "community.huafu.huangmugang"
])

/** Opening hours in Beijing time (UTC+8), `[from, to)` in minutes after midnight, by weekday (1 = Monday … 7 = Sunday). */
export interface BusinessHours {
  readonly days: ReadonlyArray<number>
  readonly periods: ReadonlyArray<readonly [number, number]>
}

const officeHours: BusinessHours = { days: [1, 2, 3, 4, 5], periods: [[9 * 60, 12 * 60], [14 * 60, 18 * 60]] }

/** Business hours by unit id. A unit not listed has none: a condition on it never holds. */
export const businessHours: Readonly<Record<string, BusinessHours>> = {
  "street-office.yuanling": officeHours,
  "street-office.fubao": officeHours,
  "street-office.huafu": officeHours,
  "dept.urban-management": { days: [1, 2, 3, 4, 5, 6], periods: [[8 * 60 + 30, 17 * 60 + 30]] }
}
