import type { Directory } from "../directory/directory.js"
import type { Message, MessageLang } from "../messages/message.js"
import { message as m, render } from "../messages/message.js"
import type { Instant } from "../shared/instant.js"
import { formatInstantWithOffset } from "../shared/instant.js"
import { grantLabel } from "./authority-policy.js"
import { commandLabels, statusLabels } from "./labels.js"
import type { Label } from "./labels.js"
import type { PetitionRefusal, RefusalData, RefusalTag, TransitionDetail } from "./refusals.js"
import { refusalClasses } from "./refusals.js"

/** How to render a refusal: names from the directory when given (ids otherwise), in which language(s). */
export interface DescribeOptions {
  readonly directory?: Directory | undefined
  readonly lang?: MessageLang | undefined
}

interface Names {
  /** A unit's name from the directory, or its id. */
  readonly unit: (id: string) => string
  /** Whoever acted: a person's or unit's name, "the petitioner", or the id as given. */
  readonly actor: (id: string) => Message
  readonly channel: (id: string) => string
}

const namesFrom = (dir: Directory | undefined): Names => {
  const unit = (id: string) => (id === "—" ? id : (dir?.unit(id)?.name ?? id))
  return {
    unit,
    actor: (id) =>
      id === "petitioner" ? m("信访人", "the petitioner")
      : m(dir?.person(id)?.name ?? unit(id), id),
    channel: (id) => dir?.channel(id)?.name ?? id
  }
}

// Refusal fields hold plain strings (a refusal read back from JSON may name a command this version
// does not know), so labels are looked up by string, falling back to the name itself.
const commandLabelOf: ReadonlyMap<string, Label> = new Map(Object.entries(commandLabels))
const statusLabelOf: ReadonlyMap<string, Label> = new Map(Object.entries(statusLabels))
const commandLabel = (command: string): Label => commandLabelOf.get(command) ?? { zh: command, en: command }
const statusLabel = (status: string): Label => statusLabelOf.get(status) ?? { zh: status, en: status }

/** Instants in refusals are read by clerks in China: Beijing time, to the minute. */
const beijing = (at: Instant): string => formatInstantWithOffset(at, 480).replace("T", " ").slice(0, 16)
const offset = (at: Instant): string => formatInstantWithOffset(at, 480)

/**
 * A time limit's end as the statute counts it: a period that ends at midnight Beijing time ends
 * at "24:00" of the day before (期间最后一日的截止时间为二十四时), which is how the petitioner was told it.
 */
const endOfPeriod = (at: Instant): string => {
  const text = beijing(at)
  return text.endsWith("00:00") ? `${beijing(at - 86_400_000).slice(0, 10)} 24:00` : text
}

/** `P30D` → 30日 / 30 days; any other duration as written. */
const periodLength = (iso: string): Message => {
  const days = /^P(\d+)D$/.exec(iso)
  return days === null ? m(iso, iso) : m(`${days[1]}日`, `${days[1]} days`)
}

const transitionDetail: Readonly<Record<TransitionDetail, Message>> = {
  first_round_completed: m("首轮办结已记录", "the first round is already completed"),
  already_rated: m("本次办理结果已评价", "this resolution is already rated"),
  review_already_requested: m("已申请过复查", "a review was already requested"),
  review_not_decided: m("须在复查结论作出后申请复核", "a re-review follows a decided review"),
  no_review_pending: m("没有待决的复查或复核申请", "no review is pending"),
  no_re_review_pending: m("没有待决的复查或复核申请", "no re-review is pending"),
  no_re_review_for_hearing: m("结案后只有复核期间可以为听证挂起", "after closing, only a pending re-review may be suspended for a hearing"),
  hearing_running: m("听证尚未结束", "a hearing is still running"),
  no_hearing: m("没有进行中的听证", "no hearing is running"),
  no_written_reply: m("尚未作出书面答复（办结或不予受理）", "there is no written reply yet (a resolution or a decline)"),
  no_review_opinion: m("尚未作出复查意见", "no review opinion has been given yet"),
  reply_already_delivered: m("该书面答复的送达已记录", "this reply's delivery is already recorded"),
  same_dispatch: m("重新派单须派给其他牵头单位", "a re-dispatch must name another lead")
}

const referenceKind = { channel: "渠道", category: "事项分类", jurisdiction: "辖区" } as const

type Texts = { readonly [K in RefusalTag]: (r: RefusalData<K>, n: Names) => Message }

// One entry per refusal: the compiler checks that every tag has its text.
const texts: Texts = {
  NotSubmitted: (r) => {
    const l = commandLabel(r.command)
    return m(`信访件 ${r.petitionId} 尚未登记，不能${l.zh}`, `petition ${r.petitionId} has not been submitted; cannot ${l.en}`)
  },
  AlreadySubmitted: (r) => m(`信访件 ${r.petitionId} 已登记，不能重复登记`, `petition ${r.petitionId} has already been submitted`),
  WrongPetition: (r) =>
    m(`指令针对信访件 ${r.commandPetitionId}，不是 ${r.petitionId}`, `the command is for petition ${r.commandPetitionId}, not ${r.petitionId}`),
  InvalidTransition: (r) => {
    const l = commandLabel(r.command)
    const s = statusLabel(r.status)
    const why = r.detail === undefined ? undefined : transitionDetail[r.detail]
    return m(
      `信访件 ${r.petitionId} 当前状态为“${s.zh}”，不能${l.zh}${why === undefined ? "" : "：" + why.zh}`,
      `petition ${r.petitionId} is ${s.en} and cannot ${l.en}${why === undefined ? "" : ": " + why.en}`
    )
  },
  PetitionClosed: (r) => {
    if (r.command === "Reopen") {
      return m(`信访件 ${r.petitionId} 已结案，只有复查复核决定撤销原处理后才能重新办理`, `petition ${r.petitionId} is closed; it reopens only after a review overturns it`)
    }
    const l = commandLabel(r.command)
    return m(
      `信访件 ${r.petitionId} 已结案，不能${l.zh}；结案后只能在期限内申请复查、复核`,
      `petition ${r.petitionId} is closed and cannot ${l.en}; only a review or re-review may be requested, within its window`
    )
  },
  NotFirstHandler: (r, n) => {
    if (r.command === "Decline") {
      return m(`派单前只有首办单位“${n.unit(r.firstHandler)}”可以决定不予受理`, `before dispatch only the first handler ${r.firstHandler} may decline`)
    }
    const l = commandLabel(r.command)
    return m(
      `${l.zh}须由首办单位“${n.unit(r.firstHandler)}”或分拨中心作出，“${n.actor(r.actor).zh}”无权${l.zh}`,
      `only the first handler ${r.firstHandler} or the dispatch centre may ${l.en}; ${r.actor} may not`
    )
  },
  NotLead: (r, n) => {
    const l = commandLabel(r.command)
    return m(
      `只有牵头单位“${n.unit(r.lead)}”可以${l.zh}，“${n.unit(r.unit)}”不是牵头单位`,
      `only the lead unit ${r.lead} may ${l.en}; ${r.unit} is not the lead`
    )
  },
  OnlyLeadMayResolve: (r, n) =>
    r.coHandler
      ? m(
          `“${n.unit(r.unit)}”是协办单位，只能向牵头单位报送办理情况，不能办结；办结由牵头单位“${n.unit(r.lead)}”负责`,
          `${r.unit} is a co-handler: it reports to the lead ${r.lead} and cannot resolve`
        )
      : m(`只有牵头单位“${n.unit(r.lead)}”可以办结`, `only the lead unit ${r.lead} may resolve`),
  LeadCannotBeCoHandler: (r, n) =>
    m(`“${n.unit(r.unit)}”已是牵头单位，不能同时作为协办单位`, `${r.unit} is the lead unit and cannot also be a co-handler`),
  NotCoHandler: (r, n) =>
    r.isLead
      ? m(`“${n.unit(r.unit)}”是牵头单位，由协办单位向其报送，而非自行报送`, `${r.unit} is the lead: co-handlers report to it`)
      : m(`“${n.unit(r.unit)}”不是本件的协办单位`, `${r.unit} is not a co-handler of this petition`),
  NotAssigned: (r, n) =>
    m(`“${n.unit(r.unit)}”不是本件的承办单位，无从退单`, `${r.unit} was not dispatched this petition and cannot return it`),
  UnitNotInvolved: (r, n) =>
    m(`“${n.unit(r.unit)}”不是本件的首办、牵头或协办单位`, `${r.unit} is neither first handler, lead nor co-handler of this petition`),
  ReasonRequired: (r) => {
    const l = commandLabel(r.command)
    return m(`${l.zh}必须说明理由`, `a reason is required to ${l.en}`)
  },
  ReviewWindowClosed: (r) => {
    const review = r.stage === "review"
    const end = endOfPeriod(r.windowEndsAt)
    if (r.windowLength === undefined) {
      return m(
        `${review ? "复查" : "复核"}申请期限已于 ${end} 届满，不能再申请${review ? "复查" : "复核"}`,
        `the window to request a ${review ? "review" : "re-review"} ended at ${end} (Beijing time)`
      )
    }
    const length = periodLength(r.windowLength)
    return m(
      `${review ? "复查" : "复核"}申请期限为收到${review ? "书面答复" : "复查意见"}之日起${length.zh}，已于 ${end} 届满`,
      `the window to request a ${review ? "review" : "re-review"} is ${length.en} from receiving the ${review ? "written reply" : "review opinion"}; it ended at ${end} (Beijing time)`
    )
  },
  DeliveryTimeImpossible: (r) => {
    const opinion = r.reply === "review_opinion"
    return m(
      `${opinion ? "复查意见" : "书面答复"}的送达时间 ${beijing(r.deliveredAt)} 须不早于${opinion ? "复查意见作出" : "答复作出"}的时间 ${beijing(r.earliest)}、不晚于记录时间 ${beijing(r.recordedAt)}`,
      `the ${opinion ? "review opinion" : "written reply"} cannot have been delivered at ${offset(r.deliveredAt)}: not before it was given (${offset(r.earliest)}) nor after the delivery is recorded (${offset(r.recordedAt)})`
    )
  },
  UnknownUnit: (r) => m(`单位目录中没有编号为 ${r.unit} 的单位（${r.field}）`, `no unit "${r.unit}" in the directory (${r.field})`),
  UnknownPerson: (r) => m(`人员目录中没有编号为 ${r.person} 的人员（${r.field}）`, `no person "${r.person}" in the directory (${r.field})`),
  UnknownReference: (r) => m(`目录中没有编号为 ${r.id} 的${referenceKind[r.kind]}`, `no ${r.kind} "${r.id}" in the directory`),
  PersonNotInUnit: (r, n) =>
    m(`${n.actor(r.person).zh} 不是“${n.unit(r.unit)}”的工作人员，不能担任责任人`, `${r.person} does not work in ${r.unit}`),
  ChecklistIncomplete: () => m(`办结前必须向信访人解释说明到位（三到位一处理）`, `a resolution needs the explanation to the petitioner to be given`),
  PartsOutstanding: (r, n) =>
    m(
      `协办单位${r.units.map((u) => `“${n.unit(u)}”`).join("、")}尚未报送办理情况，牵头单位暂不能办结`,
      `co-handlers ${r.units.join(", ")} have not reported their part yet`
    ),
  NotRated: (r) =>
    m(
      `信访件 ${r.petitionId} 尚未取得信访人满意度评价，且评价期限未到，不能结案`,
      `petition ${r.petitionId} has no satisfaction rating yet and the rating deadline has not passed`
    ),
  TierNotHigher: (r) =>
    m(`本件已在第 ${r.current} 级包案，提级须高于当前级别`, `the petition is already at tier ${r.current}; escalation must go higher than that`),
  WhistleNotAllowed: (r, n) =>
    m(`只有街道或社区可以吹哨，“${n.unit(r.unit)}”不能吹哨`, `only street offices and communities blow the whistle; ${r.unit} cannot`),
  DuplicateWhistle: (r) => m(`吹哨编号 ${r.whistleId} 已使用`, `whistle ${r.whistleId} already exists`),
  UnknownWhistle: (r) => m(`本件没有编号为 ${r.whistleId} 的吹哨`, `no whistle ${r.whistleId} on this petition`),
  NotSummoned: (r, n) => m(`“${n.unit(r.unit)}”不在本次吹哨召集之列`, `${r.unit} was not summoned by whistle ${r.whistleId}`),
  AlreadyReported: (r, n) => m(`“${n.unit(r.unit)}”已经报到`, `${r.unit} has already reported for duty`),
  SelfReference: (r) =>
    r.field === "summoned"
      ? m(`吹哨单位不能召集自己`, `a unit cannot summon itself`)
      : m(`信访件 ${r.petitionId} 不能引用自身（${r.field}）`, `petition ${r.petitionId} cannot refer to itself (${r.field})`),
  AccusedUnitExcluded: (r, n) =>
    m(`本件为检举控告件，不得交由被检举单位或其下属单位“${n.unit(r.unit)}”办理`, `an accusation never goes to the accused unit or a unit under it (${r.unit})`),
  SameLead: (r, n) => m(`“${n.unit(r.unit)}”已是牵头单位，转办须转给其他单位`, `${r.unit} is already the lead; a transfer must go elsewhere`),
  BeforeLastEvent: (r) => {
    const l = commandLabel(r.command)
    return m(
      `${l.zh}的时间 ${beijing(r.at)} 早于信访件 ${r.petitionId} 最近一次记录的时间 ${beijing(r.lastAt)}，办理记录不能倒序`,
      `cannot ${l.en} at ${offset(r.at)}: petition ${r.petitionId} already has an event at ${offset(r.lastAt)}, and its history never runs backwards`
    )
  },
  DeadlineNotAfter: (r) =>
    m(
      `报到期限 ${beijing(r.deadline)} 须晚于吹哨时间 ${beijing(r.at)}`,
      `the deadline to report for duty (${offset(r.deadline)}) must be after the whistle is blown (${offset(r.at)})`
    ),
  ActorNotOfUnit: (r, n) => {
    const l = commandLabel(r.command)
    return m(
      `${n.actor(r.actor).zh}不属于“${n.unit(r.unit)}”，不能以其名义${l.zh}`,
      `${r.actor} does not belong to ${r.unit} and cannot ${l.en} in its name`
    )
  },
  RatedByHandler: (r, n) =>
    m(
      `“${n.unit(r.unit)}”是本件的办理单位，不能评价自己的办理结果；满意度须由信访人或回访人员评价`,
      `${r.unit} handled this petition and cannot rate its own work; the petitioner or the callback staff rate it`
    ),
  NotSupervisor: (r, n) =>
    m(
      `督查建议须由督查人员或督查部门提出，${r.actor === "petitioner" ? "信访人" : `“${n.actor(r.actor).zh}”`}无权提出`,
      `only supervisors and their unit issue recommendations; ${r.actor} may not`
    ),
  NotAuthorised: (r, n) => {
    const l = commandLabel(r.command)
    const needed = r.needed.map(grantLabel)
    const who = r.actor === "petitioner" ? "信访人" : `“${n.actor(r.actor).zh}”`
    return needed.length === 0
      ? m(`按权限规则，任何调用方都不能对本件${l.zh}，${who}也不能`, `under the authority policy no caller may ${l.en} on this petition; ${r.actor} may not`)
      : m(
          `${who}无权对本件${l.zh}：须为${needed.map((x) => x.zh).join("或")}`,
          `${r.actor} may not ${l.en} on this petition: it takes ${needed.map((x) => x.en).join(" or ")}`
        )
  },
  ProactiveNeedsStaff: (r, n) => {
    const who = r.by === "grid_member" ? m("网格员", "a grid member") : m("工作人员", "a member of staff")
    return m(`“${n.channel(r.channel)}”是未诉先办渠道，须由${who.zh}本人登记`, `${r.channel} is for proactive cases, opened by ${who.en} in person`)
  }
}

// `texts` is keyed by tag, so the entry for `refusal._tag` takes exactly that refusal; TypeScript
// cannot correlate the union's tag with the mapped entry without this narrowing helper.
const textOf = <K extends RefusalTag>(refusal: RefusalData<K>, names: Names): Message =>
  (texts[refusal._tag] as (r: RefusalData<K>, n: Names) => Message)(refusal, names)

/** The refusal's text in Chinese and English, unit and person names taken from the directory when given. */
export const refusalMessage = (refusal: RefusalData, directory?: Directory): Message => textOf(refusal, namesFrom(directory))

/**
 * Renders a refusal for a reader: by default Chinese, then English in brackets (the project's one
 * bilingual format); `lang: "zh"` or `"en"` for one language.
 */
export const describeRefusal = (refusal: RefusalData, options: DescribeOptions = {}): string =>
  render(refusalMessage(refusal, options.directory), options.lang)

/** Builds the refusal error from its facts, with `message` in the default bilingual rendering. */
export const refuse = (data: RefusalData, directory?: Directory): PetitionRefusal => {
  // `refusalClasses` is keyed by tag and its type ties each class to that tag's fields, but
  // TypeScript cannot correlate `data._tag` with the entry it picks out of the union.
  const make = refusalClasses[data._tag] as new (props: RefusalData & { readonly message: string }) => PetitionRefusal
  return new make({ ...data, message: describeRefusal(data, { directory }) })
}
