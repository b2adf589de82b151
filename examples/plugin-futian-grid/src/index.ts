export { futianGrid, futianGrid as default, withinBusinessHours } from "./plugin.js"
export { businessHours, oldCompounds } from "./tables.js"
export type { BusinessHours } from "./tables.js"
