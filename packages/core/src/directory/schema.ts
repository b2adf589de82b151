import { Schema } from "effect"

const Id = Schema.String.check(
  Schema.isPattern(/^[a-z0-9][a-z0-9._-]*$/, {
    expected: "a stable ASCII id of lowercase letters, digits, '.', '_' or '-' (e.g. \"street.yuanling\")"
  })
)
const Text = Schema.String.check(Schema.isNonEmpty({ expected: "a non-empty text" }))

const named = { id: Id, name: Text, nameEn: Text } as const

export const UnitKind = Schema.Literals(["department", "street_office", "community", "dispatch_centre", "third_party"])
export type UnitKind = typeof UnitKind.Type

/** A unit that can receive, lead or co-handle petitions. */
export const Unit = Schema.Struct({
  ...named,
  kind: UnitKind,
  /** The person in charge of the unit. */
  leader: Id,
  /** The jurisdiction node the unit serves (a department serves the whole district). */
  jurisdiction: Id,
  /** The unit it reports to, e.g. a community office under its street office. */
  parent: Schema.optionalKey(Id)
})
export type Unit = typeof Unit.Type

export const Role = Schema.Literals([
  "district_secretary",
  "district_head",
  "deputy_district_head",
  "street_secretary",
  "street_director",
  "community_secretary",
  "department_head",
  "dispatcher",
  "case_handler",
  "grid_member",
  "supervisor",
  "reception_officer"
])
export type Role = typeof Role.Type

export const Person = Schema.Struct({
  ...named,
  title: Text,
  titleEn: Text,
  unit: Id,
  roles: Schema.Array(Role).check(Schema.isMinLength(1, { expected: "at least one role" })),
  /** The jurisdiction node the person's roles cover; defaults to the unit's. */
  jurisdiction: Schema.optionalKey(Id)
})
export type Person = typeof Person.Type

export const JurisdictionLevel = Schema.Literals(["district", "street", "community", "grid"])
export type JurisdictionLevel = typeof JurisdictionLevel.Type

export const Jurisdiction = Schema.Struct({
  ...named,
  level: JurisdictionLevel,
  parent: Schema.optionalKey(Id),
  /** Leaders linked to this node (分片包联); empty means "ask the parent". */
  leaders: Schema.Array(Id)
})
export type Jurisdiction = typeof Jurisdiction.Type

export const Category = Schema.Struct({ ...named, parent: Schema.optionalKey(Id) })
export type Category = typeof Category.Type

export const CategoryCatalogue = Schema.Struct({ version: Text, nodes: Schema.Array(Category) })
export type CategoryCatalogue = typeof CategoryCatalogue.Type

/** Every channel names the unit that receives on it: the default first handler. */
const channel = { ...named, unit: Id } as const
export const Channel = Schema.Union([
  Schema.Struct({ ...channel, kind: Schema.Literals(["hotline", "web", "wechat_qr", "letter", "walk_in"]) }),
  Schema.Struct({ ...channel, kind: Schema.Literal("field_stall"), eventId: Text }),
  Schema.Struct({ ...channel, kind: Schema.Literal("leader_channel"), person: Id }),
  Schema.Struct({ ...channel, kind: Schema.Literal("proactive"), by: Schema.Literals(["staff", "grid_member"]) })
])
export type Channel = typeof Channel.Type
export type ChannelKind = Channel["kind"]

/** The directory as it is written in JSON. */
export const DirectoryData = Schema.Struct({
  id: Id,
  name: Text,
  nameEn: Text,
  version: Text,
  units: Schema.Array(Unit),
  people: Schema.Array(Person),
  jurisdictions: Schema.Array(Jurisdiction),
  categories: CategoryCatalogue,
  channels: Schema.Array(Channel)
})
export type DirectoryData = typeof DirectoryData.Type
