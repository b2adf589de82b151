/**
 * `@minyi/core/directory` — the directory: units, people, jurisdictions, categories, channels, the sample district, who stands accused. The same module is the `Directory` namespace on the root; import from
 * this subpath in a browser bundle, where a namespace object would be kept whole.
 * @module @minyi/core/directory
 */
export type { Directory } from "./directory.js"
export { loadDirectory } from "./directory.js"
export { sampleDirectory } from "./sample.js"
export {
  Category,
  CategoryCatalogue,
  Channel,
  DirectoryData,
  Jurisdiction,
  JurisdictionLevel,
  Person,
  Role,
  Unit,
  UnitKind
} from "./schema.js"
export type { ChannelKind } from "./schema.js"
