/**
 * Mainland China public holidays and make-up working days (调休), transcribed from the State
 * Council General Office (国务院办公厅) notices, one entry per year. Shipped as code, not fetched:
 * core does no I/O and runs in browsers. A year missing here is unknown — calendars refuse to
 * guess it (see CalendarYearUnknown).
 *
 * To add a year: copy the notice's title, number, date and URL, then list every day off
 * (including weekends inside a holiday block) and every make-up working day, named after the
 * holiday they belong to. The test in test/calendar/china-holidays.test.ts checks every day
 * against an independent data set.
 */

export interface HolidayNotice {
  readonly title: string
  readonly number: string
  readonly date: string
  readonly url: string
}

export interface HolidayBlock {
  /** The holiday's name as the notice gives it. */
  readonly name: string
  readonly nameEn: string
  /** First and last day off, inclusive (`YYYY-MM-DD`). */
  readonly from: string
  readonly to: string
  /** Make-up working days that pay for this block. */
  readonly workdays: ReadonlyArray<string>
  /** Which of the year's notices set this block (index; default the first). */
  readonly notice?: number
}

export interface HolidayYear {
  readonly year: number
  readonly notices: ReadonlyArray<HolidayNotice>
  readonly blocks: ReadonlyArray<HolidayBlock>
}

const b = (name: string, nameEn: string, from: string, to: string, ...workdays: Array<string>): HolidayBlock => ({
  name,
  nameEn,
  from,
  to,
  workdays
})

const NY = ["元旦", "New Year's Day"] as const
const SF = ["春节", "Spring Festival"] as const
const QM = ["清明节", "Qingming Festival"] as const
const LD = ["劳动节", "Labour Day"] as const
const DW = ["端午节", "Dragon Boat Festival"] as const
const ZQ = ["中秋节", "Mid-Autumn Festival"] as const
const GQ = ["国庆节", "National Day"] as const
const ZQGQ = ["中秋节、国庆节", "Mid-Autumn Festival and National Day"] as const

export const chinaHolidayYears: ReadonlyArray<HolidayYear> = [
  {
    year: 2019,
    notices: [
      {
        title: "国务院办公厅关于2019年部分节假日安排的通知",
        number: "国办发明电〔2018〕15号",
        date: "2018-12-06",
        url: "http://www.gov.cn/zhengce/content/2018-12/06/content_5346276.htm"
      },
      {
        title: "国务院办公厅关于调整2019年劳动节假期安排的通知",
        number: "国办发明电〔2019〕2号",
        date: "2019-03-22",
        url: "http://www.gov.cn/zhengce/content/2019-03/22/content_5375877.htm"
      }
    ],
    blocks: [
      b(...NY, "2019-01-01", "2019-01-01"),
      b(...SF, "2019-02-04", "2019-02-10", "2019-02-02", "2019-02-03"),
      b(...QM, "2019-04-05", "2019-04-07"),
      { ...b(...LD, "2019-05-01", "2019-05-04", "2019-04-28", "2019-05-05"), notice: 1 },
      b(...DW, "2019-06-07", "2019-06-09"),
      b(...ZQ, "2019-09-13", "2019-09-15"),
      b(...GQ, "2019-10-01", "2019-10-07", "2019-09-29", "2019-10-12")
    ]
  },
  {
    year: 2020,
    notices: [
      {
        title: "国务院办公厅关于2020年部分节假日安排的通知",
        number: "国办发明电〔2019〕16号",
        date: "2019-11-21",
        url: "http://www.gov.cn/zhengce/content/2019-11/21/content_5454164.htm"
      },
      {
        // Extended the Spring Festival to 2 February during the COVID-19 outbreak, which cancelled
        // the make-up working day of Saturday 1 February.
        title: "国务院办公厅关于延长2020年春节假期的通知",
        number: "国办发明电〔2020〕1号",
        date: "2020-01-26",
        url: "http://www.gov.cn/zhengce/content/2020-01/27/content_5472352.htm"
      }
    ],
    blocks: [
      b(...NY, "2020-01-01", "2020-01-01"),
      { ...b(...SF, "2020-01-24", "2020-02-02", "2020-01-19"), notice: 1 },
      b(...QM, "2020-04-04", "2020-04-06"),
      b(...LD, "2020-05-01", "2020-05-05", "2020-04-26", "2020-05-09"),
      b(...DW, "2020-06-25", "2020-06-27", "2020-06-28"),
      b(...ZQGQ, "2020-10-01", "2020-10-08", "2020-09-27", "2020-10-10")
    ]
  },
  {
    year: 2021,
    notices: [
      {
        title: "国务院办公厅关于2021年部分节假日安排的通知",
        number: "国办发明电〔2020〕27号",
        date: "2020-11-25",
        url: "http://www.gov.cn/zhengce/content/2020-11/25/content_5564127.htm"
      }
    ],
    blocks: [
      b(...NY, "2021-01-01", "2021-01-03"),
      b(...SF, "2021-02-11", "2021-02-17", "2021-02-07", "2021-02-20"),
      b(...QM, "2021-04-03", "2021-04-05"),
      b(...LD, "2021-05-01", "2021-05-05", "2021-04-25", "2021-05-08"),
      b(...DW, "2021-06-12", "2021-06-14"),
      b(...ZQ, "2021-09-19", "2021-09-21", "2021-09-18"),
      b(...GQ, "2021-10-01", "2021-10-07", "2021-09-26", "2021-10-09")
    ]
  },
  {
    year: 2022,
    notices: [
      {
        title: "国务院办公厅关于2022年部分节假日安排的通知",
        number: "国办发明电〔2021〕11号",
        date: "2021-10-25",
        url: "http://www.gov.cn/zhengce/content/2021-10/25/content_5644835.htm"
      }
    ],
    blocks: [
      b(...NY, "2022-01-01", "2022-01-03"),
      b(...SF, "2022-01-31", "2022-02-06", "2022-01-29", "2022-01-30"),
      b(...QM, "2022-04-03", "2022-04-05", "2022-04-02"),
      b(...LD, "2022-04-30", "2022-05-04", "2022-04-24", "2022-05-07"),
      b(...DW, "2022-06-03", "2022-06-05"),
      b(...ZQ, "2022-09-10", "2022-09-12"),
      b(...GQ, "2022-10-01", "2022-10-07", "2022-10-08", "2022-10-09")
    ]
  },
  {
    year: 2023,
    notices: [
      {
        title: "国务院办公厅关于2023年部分节假日安排的通知",
        number: "国办发明电〔2022〕16号",
        date: "2022-12-08",
        url: "http://www.gov.cn/zhengce/content/2022-12/08/content_5730844.htm"
      }
    ],
    blocks: [
      b(...NY, "2022-12-31", "2023-01-02"),
      b(...SF, "2023-01-21", "2023-01-27", "2023-01-28", "2023-01-29"),
      b(...QM, "2023-04-05", "2023-04-05"),
      b(...LD, "2023-04-29", "2023-05-03", "2023-04-23", "2023-05-06"),
      b(...DW, "2023-06-22", "2023-06-24", "2023-06-25"),
      b(...ZQGQ, "2023-09-29", "2023-10-06", "2023-10-07", "2023-10-08")
    ]
  },
  {
    year: 2024,
    notices: [
      {
        title: "国务院办公厅关于2024年部分节假日安排的通知",
        number: "国办发明电〔2023〕7号",
        date: "2023-10-25",
        url: "https://www.gov.cn/zhengce/content/202310/content_6911527.htm"
      }
    ],
    blocks: [
      b(...NY, "2024-01-01", "2024-01-01"),
      b(...SF, "2024-02-10", "2024-02-17", "2024-02-04", "2024-02-18"),
      b(...QM, "2024-04-04", "2024-04-06", "2024-04-07"),
      b(...LD, "2024-05-01", "2024-05-05", "2024-04-28", "2024-05-11"),
      b(...DW, "2024-06-10", "2024-06-10"),
      b(...ZQ, "2024-09-15", "2024-09-17", "2024-09-14"),
      b(...GQ, "2024-10-01", "2024-10-07", "2024-09-29", "2024-10-12")
    ]
  },
  {
    year: 2025,
    notices: [
      {
        title: "国务院办公厅关于2025年部分节假日安排的通知",
        number: "国办发明电〔2024〕12号",
        date: "2024-11-12",
        url: "https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm"
      }
    ],
    blocks: [
      b(...NY, "2025-01-01", "2025-01-01"),
      b(...SF, "2025-01-28", "2025-02-04", "2025-01-26", "2025-02-08"),
      b(...QM, "2025-04-04", "2025-04-06"),
      b(...LD, "2025-05-01", "2025-05-05", "2025-04-27"),
      b(...DW, "2025-05-31", "2025-06-02"),
      b(...ZQGQ, "2025-10-01", "2025-10-08", "2025-09-28", "2025-10-11")
    ]
  },
  {
    year: 2026,
    notices: [
      {
        title: "国务院办公厅关于2026年部分节假日安排的通知",
        number: "国办发明电〔2025〕7号",
        date: "2025-11-04",
        url: "https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm"
      }
    ],
    blocks: [
      b(...NY, "2026-01-01", "2026-01-03", "2026-01-04"),
      b(...SF, "2026-02-15", "2026-02-23", "2026-02-14", "2026-02-28"),
      b(...QM, "2026-04-04", "2026-04-06"),
      b(...LD, "2026-05-01", "2026-05-05", "2026-05-09"),
      b(...DW, "2026-06-19", "2026-06-21"),
      b(...ZQ, "2026-09-25", "2026-09-27"),
      b(...GQ, "2026-10-01", "2026-10-07", "2026-09-20", "2026-10-10")
    ]
  }
]

/** A statutory holiday that falls on the same Gregorian date every year. */
export interface FixedHoliday {
  /** `MM-DD`. */
  readonly monthDay: string
  readonly name: string
  readonly nameEn: string
}

/**
 * The days off that 《全国年节及纪念日放假办法》 art. 2 (as amended by 国务院令第795号, 10 November
 * 2024, in force 1 January 2025) fixes by Gregorian date: 元旦 1 January, 劳动节 1–2 May, 国庆节
 * 1–3 October. The Spring Festival (农历除夕、正月初一至初三), Qingming (农历清明当日), the Dragon
 * Boat and Mid-Autumn festivals follow the lunar calendar or a solar term, and every holiday's
 * bridging days and make-up working days (调休) exist only once the year's notice is published —
 * so a year without a notice can be counted only provisionally, with these days and weekends.
 */
export const chinaFixedHolidays: ReadonlyArray<FixedHoliday> = [
  { monthDay: "01-01", name: NY[0], nameEn: NY[1] },
  { monthDay: "05-01", name: LD[0], nameEn: LD[1] },
  { monthDay: "05-02", name: LD[0], nameEn: LD[1] },
  { monthDay: "10-01", name: GQ[0], nameEn: GQ[1] },
  { monthDay: "10-02", name: GQ[0], nameEn: GQ[1] },
  { monthDay: "10-03", name: GQ[0], nameEn: GQ[1] }
]

/** Where the fixed dates come from, cited on every provisional day off. */
export const fixedHolidaysSource = {
  title: "全国年节及纪念日放假办法",
  number: "国务院令第795号",
  date: "2024-11-10",
  url: "https://www.gov.cn/gongbao/2024/issue_11726/202411/content_6989774.html"
} as const satisfies HolidayNotice
