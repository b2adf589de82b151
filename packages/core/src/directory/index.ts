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
