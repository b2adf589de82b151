/**
 * Holiday data published after a release of minyi: the State Council's notice for a year the
 * bundled data (`china-holidays.ts`) does not cover yet, given to the engine as a versioned
 * release. It extends every calendar with `holidays: "china"`; a year it covers is no longer
 * counted provisionally, so deadlines computed provisionally over it must be recomputed (the
 * engine's `publishHolidays`).
 */
import { Schema } from "effect"
import { decodeInput } from "../shared/validation.js"
import { bilingual } from "./errors.js"
import type { HolidayYear } from "./china-holidays.js"
import { LocalDate } from "./spec.js"

const Notice = Schema.Struct({
  title: Schema.NonEmptyString,
  number: Schema.String,
  date: LocalDate,
  url: Schema.String
})

const Block = Schema.Struct({
  name: Schema.NonEmptyString,
  nameEn: Schema.NonEmptyString,
  from: LocalDate,
  to: LocalDate,
  workdays: Schema.Array(LocalDate),
  notice: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)))
}).check(
  Schema.makeFilter((b: { readonly from: string; readonly to: string }) =>
    b.from <= b.to || { path: ["to"], issue: bilingual(`假期结束日 ${b.to} 早于开始日 ${b.from}`, `the holiday ends (${b.to}) before it starts (${b.from})`) }
  )
)

/** One year's notice in the shape of the bundled data (see `HolidayYear`). */
export const HolidayYearData = Schema.Struct({
  year: Schema.Int.check(Schema.isBetween({ minimum: 1970, maximum: 2200 })),
  notices: Schema.Array(Notice).check(
    Schema.makeFilter((list: ReadonlyArray<unknown>) =>
      list.length > 0 || bilingual("至少列出一份通知（国务院办公厅通知的标题、文号、日期、网址）", "list at least one notice (title, number, date and URL of the State Council notice)")
    )
  ),
  blocks: Schema.Array(Block)
}).check(
  Schema.makeFilter((y: HolidayYear) => {
    for (const [i, b] of y.blocks.entries()) {
      if ((b.notice ?? 0) >= y.notices.length) {
        return { path: ["blocks", i, "notice"], issue: bilingual(`没有第 ${b.notice} 号通知（共 ${y.notices.length} 个）`, `no notice ${b.notice} (there are ${y.notices.length})`) }
      }
      // A block may run into the next year (元旦 from 31 December), never start in another one.
      if (!b.from.startsWith(`${y.year}-`) && !b.to.startsWith(`${y.year}-`)) {
        return { path: ["blocks", i, "from"], issue: bilingual(`假期 ${b.from}–${b.to} 不在 ${y.year} 年`, `the holiday ${b.from}–${b.to} is not in ${y.year}`) }
      }
    }
    return true
  })
)

/**
 * A versioned release of holiday data. `version` is what each recomputed deadline records, so that
 * a petition's history says which data moved it.
 */
export const HolidayRelease = Schema.Struct({
  version: Schema.NonEmptyString,
  years: Schema.Array(HolidayYearData).check(
    Schema.makeFilter((list: ReadonlyArray<unknown>) => list.length > 0 || bilingual("至少给出一年的数据", "give at least one year"))
  )
}).annotate({ expected: 'holiday data: { "version": "2027-1", "years": [{ "year": 2027, "notices": [...], "blocks": [...] }] }' })
export type HolidayRelease = typeof HolidayRelease.Type

/** A release from JSON: every problem named by its JSON path (`/years/0/blocks/1/to`). */
export const decodeHolidayRelease = decodeInput(HolidayRelease, "holiday data")
