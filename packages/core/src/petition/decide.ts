import { Result } from "effect"
import type { Directory } from "../directory/directory.js"
import type { Instant } from "../shared/instant.js"
import { formatInstantWithOffset } from "../shared/instant.js"
import { seal } from "./chain.js"
import { commandLabels, statusLabels } from "./labels.js"
import type { PetitionRefusal } from "./refusals.js"
import * as R from "./refusals.js"
import type { PetitionCommand, PetitionCommandTag, PetitionEvent, UnsealedEvent } from "./schema.js"
import type { PetitionState, PetitionStatus } from "./state.js"

/** What `decide` may consult besides the petition itself. */
export interface DecideContext {
  readonly directory: Directory
}

type Refusal = PetitionRefusal
type Check = () => Refusal | undefined
type Decision = Result.Result<ReadonlyArray<UnsealedEvent>, Refusal>

const bi = (zh: string, en: string): string => `${zh}（${en}）`
/** Instants in refusals are read by clerks in China: Beijing time, to the minute. */
const beijing = (at: Instant): string => formatInstantWithOffset(at, 480).replace("T", " ").slice(0, 16)

const ACTIVE: ReadonlyArray<PetitionStatus> = ["received", "dispatched", "in_progress", "suspended"]
const OPEN: ReadonlyArray<PetitionStatus> = [...ACTIVE, "resolved"]

// What a petition still accepts once it has left normal handling. Closed: review and the records
// of supervision and delivery, which are facts about the petition rather than changes to it.
const stillAccepted: Partial<Record<PetitionStatus, ReadonlySet<PetitionCommandTag>>> = {
  closed: new Set(["RequestReview", "RequestReReview", "DecideReview", "Reopen", "IssueRecommendation", "RecordDeadLetter", "RecordIdentityRead", "RecordNotification", "RecordRuleProblem"]),
  declined: new Set(["Close", "IssueRecommendation", "RecordDeadLetter", "RecordIdentityRead", "RecordNotification", "RecordRuleProblem"]),
  merged: new Set(["RecordDeadLetter", "RecordIdentityRead", "RecordNotification", "RecordRuleProblem"])
}

// Records the shell makes of facts that happened by themselves (a deadline passed, a delivery
// failed), stamped by the engine's clock. That clock may lag a caller's by a little; refusing the
// record would lose the breach, so these may sit slightly before the latest event.
const shellRecords: ReadonlySet<PetitionCommandTag> = new Set(["RecordClockWarning", "RecordClockBreach", "RecordDeadLetter"])

// Commands whose `unit` is the unit acting (not a unit acted upon, like a breach's or a recommendation's).
const actingUnit: ReadonlySet<PetitionCommandTag> = new Set([
  "Acknowledge", "Contact", "Accept", "Decline", "Return", "AssignHandler", "ReportPart", "CompleteFirstRound", "Resolve",
  "BlowWhistle", "ReportForDuty"
])

const run = (checks: ReadonlyArray<Check>, events: () => ReadonlyArray<UnsealedEvent>): Decision => {
  for (const check of checks) {
    const refusal = check()
    if (refusal !== undefined) return Result.fail(refusal)
  }
  return Result.succeed(events())
}

/**
 * Decides what a command means for a petition: the sealed events to append (versions, links and
 * hashes filled in), or the refusal that says which rule the command broke. Pure and synchronous.
 */
export const decide = (
  state: PetitionState,
  command: PetitionCommand,
  context: DecideContext
): Result.Result<ReadonlyArray<PetitionEvent>, PetitionRefusal> =>
  Result.map(handle(state, command, context.directory), (events) => seal(state.version, state.lastHash, events))

const handle = (s: PetitionState, cmd: PetitionCommand, dir: Directory): Decision => {
  const petitionId = s.id
  const label = commandLabels[cmd._tag]
  const unitName = (id: string | undefined) => (id === undefined ? "—" : (dir.unit(id)?.name ?? id))

  const invalid = (zhWhy?: string, enWhy?: string) =>
    new R.InvalidTransition({
      petitionId,
      command: cmd._tag,
      status: s.status,
      message: bi(
        `信访件 ${petitionId} 当前状态为“${statusLabels[s.status].zh}”，不能${label.zh}${zhWhy === undefined ? "" : "：" + zhWhy}`,
        `petition ${petitionId} is ${statusLabels[s.status].en} and cannot ${label.en}${enWhy === undefined ? "" : ": " + enWhy}`
      )
    })
  const statusIn = (statuses: ReadonlyArray<PetitionStatus>): Check => () =>
    statuses.includes(s.status) ? undefined : invalid()
  const unit = (id: string | undefined, field: string): Check => () =>
    id === undefined || dir.unit(id) !== undefined
      ? undefined
      : new R.UnknownUnit({
          petitionId,
          unit: id,
          field,
          message: bi(`单位目录中没有编号为 ${id} 的单位（${field}）`, `no unit "${id}" in the directory (${field})`)
        })
  const units = (ids: ReadonlyArray<string>, field: string): ReadonlyArray<Check> => ids.map((id, i) => unit(id, `${field}/${i}`))
  const person = (id: string | undefined, field: string): Check => () =>
    id === undefined || dir.person(id) !== undefined
      ? undefined
      : new R.UnknownPerson({
          petitionId,
          person: id,
          field,
          message: bi(`人员目录中没有编号为 ${id} 的人员（${field}）`, `no person "${id}" in the directory (${field})`)
        })
  const reference = (kind: "channel" | "category" | "jurisdiction", id: string, known: boolean): Check => () =>
    known
      ? undefined
      : new R.UnknownReference({
          petitionId,
          kind,
          id,
          field: kind,
          message: bi(`目录中没有编号为 ${id} 的${{ channel: "渠道", category: "事项分类", jurisdiction: "辖区" }[kind]}`, `no ${kind} "${id}" in the directory`)
        })
  const reason = (text: string): Check => () =>
    text.trim() !== ""
      ? undefined
      : new R.ReasonRequired({
          petitionId,
          command: cmd._tag,
          message: bi(`${label.zh}必须说明理由`, `a reason is required to ${label.en}`)
        })
  const notSelf = (other: string, field: string): Check => () =>
    other !== petitionId
      ? undefined
      : new R.SelfReference({
          petitionId,
          field,
          message: bi(`信访件 ${petitionId} 不能引用自身（${field}）`, `petition ${petitionId} cannot refer to itself (${field})`)
        })
  const notAccused = (ids: ReadonlyArray<string>, accusedUnit = s.accusedUnit): Check => () => {
    const accused = ids.find((id) => id === accusedUnit)
    return accused === undefined
      ? undefined
      : new R.AccusedUnitExcluded({
          petitionId,
          unit: accused,
          message: bi(`本件为检举控告件，不得交由被检举单位“${unitName(accused)}”办理`, `an accusation never goes to the accused unit ${accused}`)
        })
  }
  const leadNotCo = (lead: string, coHandlers: ReadonlyArray<string>): Check => () =>
    !coHandlers.includes(lead)
      ? undefined
      : new R.LeadCannotBeCoHandler({
          petitionId,
          unit: lead,
          message: bi(`“${unitName(lead)}”已是牵头单位，不能同时作为协办单位`, `${lead} is the lead unit and cannot also be a co-handler`)
        })
  const isLead = (id: string, refuse: "NotLead" | "OnlyLeadMayResolve"): Check => () => {
    if (id === s.lead) return undefined
    const lead = s.lead ?? "—"
    return refuse === "NotLead"
      ? new R.NotLead({
          petitionId,
          unit: id,
          lead,
          message: bi(`只有牵头单位“${unitName(s.lead)}”可以${label.zh}，“${unitName(id)}”不是牵头单位`, `only the lead unit ${lead} may ${label.en}; ${id} is not the lead`)
        })
      : new R.OnlyLeadMayResolve({
          petitionId,
          unit: id,
          lead,
          message: s.coHandlers.includes(id)
            ? bi(`“${unitName(id)}”是协办单位，只能向牵头单位报送办理情况，不能办结；办结由牵头单位“${unitName(s.lead)}”负责`, `${id} is a co-handler: it reports to the lead ${lead} and cannot resolve`)
            : bi(`只有牵头单位“${unitName(s.lead)}”可以办结`, `only the lead unit ${lead} may resolve`)
        })
  }
  const involved = (id: string): Check => () =>
    id === s.firstHandler || id === s.lead || s.coHandlers.includes(id) || id === dir.dispatchCentre.id
      ? undefined
      : new R.UnitNotInvolved({
          petitionId,
          unit: id,
          message: bi(`“${unitName(id)}”不是本件的首办、牵头或协办单位`, `${id} is neither first handler, lead nor co-handler of this petition`)
        })

  // Dispatching and transferring are the first handler's or the dispatch centre's call, whether a
  // unit acts or one of its people; rules (system) dispatch too.
  const byDispatcher: Check = () => {
    const dispatcher = cmd.actor.kind === "unit" ? cmd.actor.id : cmd.actor.kind === "person" ? dir.person(cmd.actor.id ?? "")?.unit : undefined
    if (cmd.actor.kind === "system" || dispatcher === s.firstHandler || dispatcher === dir.dispatchCentre.id) return undefined
    const who = cmd.actor.kind === "person" ? (dir.person(cmd.actor.id ?? "")?.name ?? cmd.actor.id ?? "—") : cmd.actor.kind === "unit" ? unitName(dispatcher) : "信访人"
    return new R.NotFirstHandler({
      petitionId,
      unit: dispatcher ?? cmd.actor.kind,
      firstHandler: s.firstHandler ?? "—",
      message: bi(
        `${label.zh}须由首办单位“${unitName(s.firstHandler)}”或分拨中心作出，“${who}”无权${label.zh}`,
        `only the first handler ${s.firstHandler ?? "—"} or the dispatch centre may ${label.en}; ${cmd.actor.id ?? cmd.actor.kind} may not`
      )
    })
  }

  // Common to every command: the right petition, an existing one (except Submit), known actors,
  // and — once closed, declined or merged — only what such a petition still accepts.
  if (cmd.petitionId !== petitionId) {
    return Result.fail(
      new R.WrongPetition({
        petitionId,
        commandPetitionId: cmd.petitionId,
        message: bi(`指令针对信访件 ${cmd.petitionId}，不是 ${petitionId}`, `the command is for petition ${cmd.petitionId}, not ${petitionId}`)
      })
    )
  }
  if (cmd._tag === "Submit" && s.version > 0) {
    return Result.fail(
      new R.AlreadySubmitted({ petitionId, message: bi(`信访件 ${petitionId} 已登记，不能重复登记`, `petition ${petitionId} has already been submitted`) })
    )
  }
  if (cmd._tag !== "Submit" && s.version === 0) {
    return Result.fail(
      new R.NotSubmitted({
        petitionId,
        command: cmd._tag,
        message: bi(`信访件 ${petitionId} 尚未登记，不能${label.zh}`, `petition ${petitionId} has not been submitted; cannot ${label.en}`)
      })
    )
  }
  // Clocks and reports measure the gaps between events; a history that runs backwards would
  // make a breach vanish or a reply look faster than it was.
  if (s.lastAt !== undefined && cmd.at < s.lastAt && !shellRecords.has(cmd._tag)) {
    return Result.fail(
      new R.BeforeLastEvent({
        petitionId,
        command: cmd._tag,
        at: cmd.at,
        lastAt: s.lastAt,
        message: bi(
          `${label.zh}的时间 ${beijing(cmd.at)} 早于信访件 ${petitionId} 最近一次记录的时间 ${beijing(s.lastAt)}，办理记录不能倒序`,
          `cannot ${label.en} at ${formatInstantWithOffset(cmd.at, 480)}: petition ${petitionId} already has an event at ${formatInstantWithOffset(s.lastAt, 480)}, and its history never runs backwards`
        )
      })
    )
  }
  const actorId = cmd.actor.id
  const actorRefusal =
    actorId === undefined ? undefined
    : cmd.actor.kind === "person" ? person(actorId, "actor/id")()
    : cmd.actor.kind === "unit" ? unit(actorId, "actor/id")()
    : undefined
  if (actorRefusal !== undefined) return Result.fail(actorRefusal)
  // The responsibility chain means nothing if one unit can accept, return or resolve in another's
  // name: a person acts for their own unit, a unit for itself. Rules (system) act for anyone.
  if (actingUnit.has(cmd._tag) && "unit" in cmd && cmd.unit !== undefined && cmd.actor.kind !== "system") {
    const actorUnit = cmd.actor.kind === "person" ? dir.person(actorId ?? "")?.unit : cmd.actor.kind === "unit" ? actorId : undefined
    if (actorUnit !== cmd.unit) {
      const who = cmd.actor.kind === "person" ? (dir.person(actorId ?? "")?.name ?? actorId ?? "—") : cmd.actor.kind === "unit" ? unitName(actorId) : "信访人"
      return Result.fail(
        new R.ActorNotOfUnit({
          petitionId,
          actor: actorId ?? cmd.actor.kind,
          unit: cmd.unit,
          message: bi(
            `${who}不属于“${unitName(cmd.unit)}”，不能以其名义${label.zh}`,
            `${actorId ?? cmd.actor.kind} does not belong to ${cmd.unit} and cannot ${label.en} in its name`
          )
        })
      )
    }
  }
  const accepted = stillAccepted[s.status]
  if (s.version > 0 && accepted !== undefined && !accepted.has(cmd._tag)) {
    return Result.fail(
      s.status === "closed"
        ? new R.PetitionClosed({
            petitionId,
            command: cmd._tag,
            message: bi(
              `信访件 ${petitionId} 已结案，不能${label.zh}；结案后只能在期限内申请复查、复核`,
              `petition ${petitionId} is closed and cannot ${label.en}; only a review or re-review may be requested, within its window`
            )
          })
        : invalid()
    )
  }

  const base = {
    petitionId,
    at: cmd.at,
    actor: cmd.actor,
    ...(cmd.rule === undefined ? {} : { rule: cmd.rule })
  }

  switch (cmd._tag) {
    case "Submit": {
      const channel = dir.channel(cmd.channel)
      const firstHandler = cmd.firstHandler ?? channel?.unit ?? ""
      return run(
        [
          reference("channel", cmd.channel, channel !== undefined),
          reference("category", cmd.category, dir.category(cmd.category) !== undefined),
          reference("jurisdiction", cmd.jurisdiction, dir.jurisdiction(cmd.jurisdiction) !== undefined),
          unit(firstHandler, "firstHandler"),
          () => {
            if (channel?.kind !== "proactive" || cmd.actor.kind === "system") return undefined
            const opener = cmd.actor.kind === "person" ? dir.person(cmd.actor.id ?? "") : undefined
            if (opener !== undefined && (channel.by === "staff" || opener.roles.includes("grid_member"))) return undefined
            const who = channel.by === "grid_member" ? { zh: "网格员", en: "a grid member" } : { zh: "工作人员", en: "a member of staff" }
            return new R.ProactiveNeedsStaff({
              petitionId,
              channel: channel.id,
              message: bi(`“${channel.name}”是未诉先办渠道，须由${who.zh}本人登记`, `${channel.id} is for proactive cases, opened by ${who.en} in person`)
            })
          },
          unit(cmd.accusedUnit, "accusedUnit"),
          notAccused([firstHandler], cmd.accusedUnit)
        ],
        () => [
          {
            _tag: "Submitted",
            ...base,
            petitioner: cmd.petitioner,
            channel: cmd.channel,
            category: cmd.category,
            jurisdiction: cmd.jurisdiction,
            title: cmd.title,
            content: cmd.content,
            persons: cmd.persons ?? 1,
            flags: cmd.flags ?? [],
            priority: cmd.priority ?? "normal",
            firstHandler,
            ...(cmd.channelMessageId === undefined ? {} : { channelMessageId: cmd.channelMessageId }),
            ...(cmd.accusedUnit === undefined ? {} : { accusedUnit: cmd.accusedUnit }),
            rulePack: cmd.rulePack
          }
        ]
      )
    }
    case "Acknowledge":
      return run([statusIn(ACTIVE), unit(cmd.unit, "unit"), involved(cmd.unit)], () => [{ _tag: "Acknowledged", ...base, unit: cmd.unit }])
    case "Contact":
      return run([statusIn(ACTIVE), unit(cmd.unit, "unit"), involved(cmd.unit)], () => [
        { _tag: "Contacted", ...base, unit: cmd.unit, method: cmd.method }
      ])
    case "Dispatch":
      return run(
        [
          statusIn(["received"]),
          byDispatcher,
          unit(cmd.lead, "lead"),
          ...units(cmd.coHandlers, "coHandlers"),
          leadNotCo(cmd.lead, cmd.coHandlers),
          notAccused([cmd.lead, ...cmd.coHandlers])
        ],
        () => [{ _tag: "Dispatched", ...base, lead: cmd.lead, coHandlers: cmd.coHandlers }]
      )
    case "Accept":
      return run([statusIn(["dispatched"]), unit(cmd.unit, "unit"), isLead(cmd.unit, "NotLead")], () => [
        { _tag: "Accepted", ...base, unit: cmd.unit }
      ])
    case "Decline":
      return run(
        [
          statusIn(["received", "dispatched"]),
          unit(cmd.unit, "unit"),
          s.status === "dispatched"
            ? isLead(cmd.unit, "NotLead")
            : () =>
                cmd.unit === s.firstHandler
                  ? undefined
                  : new R.NotFirstHandler({
                      petitionId,
                      unit: cmd.unit,
                      firstHandler: s.firstHandler ?? "—",
                      message: bi(
                        `派单前只有首办单位“${unitName(s.firstHandler)}”可以决定不予受理`,
                        `before dispatch only the first handler ${s.firstHandler ?? "—"} may decline`
                      )
                    }),
          reason(cmd.reason)
        ],
        () => [{ _tag: "Declined", ...base, unit: cmd.unit, reason: cmd.reason }]
      )
    case "Return":
      return run(
        [
          statusIn(["dispatched"]),
          unit(cmd.unit, "unit"),
          () =>
            cmd.unit === s.lead || s.coHandlers.includes(cmd.unit)
              ? undefined
              : new R.NotAssigned({
                  petitionId,
                  unit: cmd.unit,
                  message: bi(`“${unitName(cmd.unit)}”不是本件的承办单位，无从退单`, `${cmd.unit} was not dispatched this petition and cannot return it`)
                }),
          reason(cmd.reason)
        ],
        () => [{ _tag: "Returned", ...base, unit: cmd.unit, reason: cmd.reason }]
      )
    case "Transfer":
      return run(
        [
          statusIn(["dispatched", "in_progress"]),
          byDispatcher,
          reason(cmd.reason),
          unit(cmd.lead, "lead"),
          ...units(cmd.coHandlers, "coHandlers"),
          () =>
            cmd.lead !== s.lead
              ? undefined
              : new R.SameLead({
                  petitionId,
                  unit: cmd.lead,
                  message: bi(`“${unitName(cmd.lead)}”已是牵头单位，转办须转给其他单位`, `${cmd.lead} is already the lead; a transfer must go elsewhere`)
                }),
          leadNotCo(cmd.lead, cmd.coHandlers),
          notAccused([cmd.lead, ...cmd.coHandlers])
        ],
        () => [
          { _tag: "Transferred", ...base, from: s.lead ?? "", lead: cmd.lead, coHandlers: cmd.coHandlers, reason: cmd.reason }
        ]
      )
    case "AssignHandler":
      return run(
        [
          statusIn(["in_progress"]),
          unit(cmd.unit, "unit"),
          isLead(cmd.unit, "NotLead"),
          person(cmd.person, "person"),
          () =>
            dir.person(cmd.person)?.unit === cmd.unit
              ? undefined
              : new R.PersonNotInUnit({
                  petitionId,
                  person: cmd.person,
                  unit: cmd.unit,
                  message: bi(`${dir.person(cmd.person)?.name ?? cmd.person} 不是“${unitName(cmd.unit)}”的工作人员，不能担任责任人`, `${cmd.person} does not work in ${cmd.unit}`)
                })
        ],
        () => [{ _tag: "HandlerAssigned", ...base, unit: cmd.unit, person: cmd.person }]
      )
    case "ReportPart":
      return run(
        [
          statusIn(["in_progress"]),
          unit(cmd.unit, "unit"),
          () =>
            s.coHandlers.includes(cmd.unit)
              ? undefined
              : new R.NotCoHandler({
                  petitionId,
                  unit: cmd.unit,
                  message:
                    cmd.unit === s.lead
                      ? bi(`“${unitName(cmd.unit)}”是牵头单位，由协办单位向其报送，而非自行报送`, `${cmd.unit} is the lead: co-handlers report to it`)
                      : bi(`“${unitName(cmd.unit)}”不是本件的协办单位`, `${cmd.unit} is not a co-handler of this petition`)
                })
        ],
        () => [{ _tag: "PartReported", ...base, unit: cmd.unit, summary: cmd.summary }]
      )
    case "CompleteFirstRound":
      return run(
        [
          statusIn(["in_progress"]),
          unit(cmd.unit, "unit"),
          isLead(cmd.unit, "NotLead"),
          () => (s.firstRoundCompletedAt === undefined ? undefined : invalid("首轮办结已记录", "the first round is already completed"))
        ],
        () => [{ _tag: "FirstRoundCompleted", ...base, unit: cmd.unit, summary: cmd.summary }]
      )
    case "Suspend":
      return run([statusIn(["received", "dispatched", "in_progress"]), reason(cmd.reason)], () => [
        { _tag: "Suspended", ...base, reason: cmd.reason }
      ])
    case "Resume":
      return run([statusIn(["suspended"]), reason(cmd.reason)], () => [{ _tag: "Resumed", ...base, reason: cmd.reason }])
    case "Extend":
      return run([statusIn(ACTIVE), person(cmd.approver, "approver"), reason(cmd.reason)], () => [
        { _tag: "Extended", ...base, clock: cmd.clock, amount: cmd.amount, reason: cmd.reason, approver: cmd.approver }
      ])
    case "Resolve": {
      const outstanding = s.coHandlers.filter((u) => !s.partsReported.includes(u))
      return run(
        [
          statusIn(["in_progress"]),
          unit(cmd.unit, "unit"),
          isLead(cmd.unit, "OnlyLeadMayResolve"),
          () =>
            cmd.checklist.explanationGiven
              ? undefined
              : new R.ChecklistIncomplete({
                  petitionId,
                  message: bi(`办结前必须向信访人解释说明到位（三到位一处理）`, `a resolution needs the explanation to the petitioner to be given`)
                }),
          () =>
            outstanding.length === 0
              ? undefined
              : new R.PartsOutstanding({
                  petitionId,
                  units: outstanding,
                  message: bi(
                    `协办单位${outstanding.map((u) => `“${unitName(u)}”`).join("、")}尚未报送办理情况，牵头单位暂不能办结`,
                    `co-handlers ${outstanding.join(", ")} have not reported their part yet`
                  )
                })
        ],
        () => [{ _tag: "Resolved", ...base, unit: cmd.unit, checklist: cmd.checklist, summary: cmd.summary }]
      )
    }
    case "RateSatisfaction": {
      const raterUnit = cmd.actor.kind === "unit" ? cmd.actor.id : cmd.actor.kind === "person" ? dir.person(cmd.actor.id ?? "")?.unit : undefined
      return run(
        [
          statusIn(["resolved"]),
          () => (s.rating === undefined ? undefined : invalid("本次办理结果已评价", "this resolution is already rated")),
          // A satisfied rating closes the case; the units judged by it cannot give it.
          () =>
            raterUnit === undefined || (raterUnit !== s.lead && !s.coHandlers.includes(raterUnit))
              ? undefined
              : new R.RatedByHandler({
                  petitionId,
                  unit: raterUnit,
                  message: bi(
                    `“${unitName(raterUnit)}”是本件的办理单位，不能评价自己的办理结果；满意度须由信访人或回访人员评价`,
                    `${raterUnit} handled this petition and cannot rate its own work; the petitioner or the callback staff rate it`
                  )
                })
        ],
        () => [{ _tag: "SatisfactionRated", ...base, rating: cmd.rating }]
      )
    }
    case "Close":
      return run(
        [
          statusIn(["resolved", "declined"]),
          reason(cmd.reason),
          () =>
            s.status === "declined" ||
            s.rating === "satisfied" ||
            s.rating === "basically_satisfied" ||
            (cmd.ratingDeadline !== undefined && cmd.at >= cmd.ratingDeadline)
              ? undefined
              : new R.NotRated({
                  petitionId,
                  message: bi(
                    `信访件 ${petitionId} 尚未取得信访人满意度评价，且评价期限未到，不能结案`,
                    `petition ${petitionId} has no satisfaction rating yet and the rating deadline has not passed`
                  )
                })
        ],
        () => [{ _tag: "Closed", ...base, reason: cmd.reason }]
      )
    case "Reopen":
      return run(
        [
          () =>
            s.status === "resolved" || (s.status === "closed" && s.review.outcome === "overturned")
              ? undefined
              : s.status === "closed"
                ? new R.PetitionClosed({
                    petitionId,
                    command: cmd._tag,
                    message: bi(`信访件 ${petitionId} 已结案，只有复查复核决定撤销原处理后才能重新办理`, `petition ${petitionId} is closed; it reopens only after a review overturns it`)
                  })
                : invalid(),
          reason(cmd.reason)
        ],
        () => [{ _tag: "Reopened", ...base, reason: cmd.reason }]
      )
    case "RequestReview":
    case "RequestReReview": {
      const review = cmd._tag === "RequestReview"
      return run(
        [
          statusIn(["closed"]),
          () =>
            s.review.stage === (review ? "none" : "review_decided")
              ? undefined
              : invalid(review ? "已申请过复查" : "须在复查结论作出后申请复核", review ? "a review was already requested" : "a re-review follows a decided review"),
          reason(cmd.reason),
          () =>
            cmd.at <= cmd.windowEndsAt
              ? undefined
              : new R.ReviewWindowClosed({
                  petitionId,
                  stage: review ? "review" : "re_review",
                  windowEndsAt: cmd.windowEndsAt,
                  message: bi(
                    `${review ? "复查" : "复核"}申请期限已过，不能再申请${review ? "复查" : "复核"}`,
                    `the window to request a ${review ? "review" : "re-review"} has closed`
                  )
                })
        ],
        () => [{ _tag: review ? "ReviewRequested" : "ReReviewRequested", ...base, reason: cmd.reason }]
      )
    }
    case "DecideReview":
      return run(
        [
          statusIn(["closed"]),
          () =>
            s.review.stage === (cmd.stage === "review" ? "review_requested" : "re_review_requested")
              ? undefined
              : invalid("没有待决的复查或复核申请", `no ${cmd.stage === "review" ? "review" : "re-review"} is pending`)
        ],
        () => [{ _tag: "ReviewDecided", ...base, stage: cmd.stage, outcome: cmd.outcome }]
      )
    case "Escalate":
      return run(
        [
          statusIn(OPEN),
          person(cmd.owner, "owner"),
          () =>
            cmd.tier > s.tier
              ? undefined
              : new R.TierNotHigher({
                  petitionId,
                  tier: cmd.tier,
                  current: s.tier,
                  message: bi(`本件已在第 ${s.tier} 级包案，提级须高于当前级别`, `the petition is already at tier ${s.tier}; escalation must go higher than that`)
                }),
          reason(cmd.reason)
        ],
        () => [{ _tag: "Escalated", ...base, tier: cmd.tier, owner: cmd.owner, reason: cmd.reason }]
      )
    case "RecordVisit":
      return run([statusIn(OPEN), person(cmd.leader, "leader")], () => [
        {
          _tag: "VisitRecorded",
          ...base,
          kind: cmd.kind,
          ...(cmd.leader === undefined ? {} : { leader: cmd.leader }),
          batches: cmd.batches,
          persons: cmd.persons
        }
      ])
    case "BlowWhistle":
      return run(
        [
          statusIn(ACTIVE),
          unit(cmd.unit, "unit"),
          () => {
            const kind = dir.unit(cmd.unit)?.kind
            return kind === "street_office" || kind === "community"
              ? undefined
              : new R.WhistleNotAllowed({
                  petitionId,
                  unit: cmd.unit,
                  message: bi(`只有街道或社区可以吹哨，“${unitName(cmd.unit)}”不能吹哨`, `only street offices and communities blow the whistle; ${cmd.unit} cannot`)
                })
          },
          () =>
            cmd.deadline > cmd.at
              ? undefined
              : new R.DeadlineNotAfter({
                  petitionId,
                  deadline: cmd.deadline,
                  at: cmd.at,
                  message: bi(
                    `报到期限 ${beijing(cmd.deadline)} 须晚于吹哨时间 ${beijing(cmd.at)}`,
                    `the deadline to report for duty (${formatInstantWithOffset(cmd.deadline, 480)}) must be after the whistle is blown (${formatInstantWithOffset(cmd.at, 480)})`
                  )
                }),
          ...units(cmd.summoned, "summoned"),
          () =>
            !cmd.summoned.includes(cmd.unit)
              ? undefined
              : new R.SelfReference({ petitionId, field: "summoned", message: bi(`吹哨单位不能召集自己`, `a unit cannot summon itself`) }),
          () =>
            s.whistles[cmd.whistleId] === undefined
              ? undefined
              : new R.DuplicateWhistle({
                  petitionId,
                  whistleId: cmd.whistleId,
                  message: bi(`吹哨编号 ${cmd.whistleId} 已使用`, `whistle ${cmd.whistleId} already exists`)
                })
        ],
        () => [
          { _tag: "WhistleBlown", ...base, whistleId: cmd.whistleId, unit: cmd.unit, summoned: cmd.summoned, deadline: cmd.deadline }
        ]
      )
    case "ReportForDuty": {
      const whistle = s.whistles[cmd.whistleId]
      return run(
        [
          statusIn(OPEN),
          unit(cmd.unit, "unit"),
          () =>
            whistle !== undefined
              ? undefined
              : new R.UnknownWhistle({
                  petitionId,
                  whistleId: cmd.whistleId,
                  message: bi(`本件没有编号为 ${cmd.whistleId} 的吹哨`, `no whistle ${cmd.whistleId} on this petition`)
                }),
          () =>
            whistle === undefined || whistle.summoned.includes(cmd.unit)
              ? undefined
              : new R.NotSummoned({
                  petitionId,
                  whistleId: cmd.whistleId,
                  unit: cmd.unit,
                  message: bi(`“${unitName(cmd.unit)}”不在本次吹哨召集之列`, `${cmd.unit} was not summoned by whistle ${cmd.whistleId}`)
                }),
          () =>
            whistle === undefined || !whistle.reported.includes(cmd.unit)
              ? undefined
              : new R.AlreadyReported({
                  petitionId,
                  whistleId: cmd.whistleId,
                  unit: cmd.unit,
                  message: bi(`“${unitName(cmd.unit)}”已经报到`, `${cmd.unit} has already reported for duty`)
                })
        ],
        () => [{ _tag: "ReportedForDuty", ...base, whistleId: cmd.whistleId, unit: cmd.unit }]
      )
    }
    case "MarkDuplicate":
      return run([statusIn(ACTIVE), notSelf(cmd.of, "of")], () => [{ _tag: "MarkedDuplicate", ...base, of: cmd.of }])
    case "Merge":
      return run([statusIn(ACTIVE), notSelf(cmd.into, "into")], () => [{ _tag: "Merged", ...base, into: cmd.into }])
    case "IssueRecommendation": {
      const supervisors = dir.peopleWithRole("supervisor")
      const { kind, id } = cmd.actor
      const bySupervision =
        kind === "system" ||
        (kind === "person" && supervisors.some((p) => p.id === id)) ||
        (kind === "unit" && supervisors.some((p) => p.unit === id))
      return run([
        unit(cmd.to, "to"),
        () =>
          bySupervision
            ? undefined
            : new R.NotSupervisor({
                petitionId,
                actor: id ?? kind,
                message: bi(`督查建议须由督查人员或督查部门提出，${id === undefined ? "信访人" : `“${dir.person(id)?.name ?? unitName(id)}”`}无权提出`, `only supervisors and their unit issue recommendations; ${id ?? kind} may not`)
              })
      ], () => [
        { _tag: "RecommendationIssued", ...base, kind: cmd.kind, to: cmd.to, text: cmd.text }
      ])
    }
    case "RecordClockWarning":
      return run([statusIn(OPEN)], () => [
        { _tag: "ClockWarned", ...base, clock: cmd.clock, threshold: cmd.threshold, dueAt: cmd.dueAt }
      ])
    case "RecordClockBreach":
      return run([statusIn(OPEN), unit(cmd.unit, "unit")], () => [
        { _tag: "ClockBreached", ...base, clock: cmd.clock, dueAt: cmd.dueAt, ...(cmd.unit === undefined ? {} : { unit: cmd.unit }) }
      ])
    // Watchers, flags, priority and repeat links are idempotent: asking again changes nothing.
    case "AddWatcher":
      return run([statusIn(OPEN), person(cmd.person, "person")], () =>
        s.watchers.includes(cmd.person) ? [] : [{ _tag: "WatcherAdded", ...base, person: cmd.person }]
      )
    case "Flag":
      return run([statusIn(OPEN)], () => (s.flags.includes(cmd.flag) ? [] : [{ _tag: "Flagged", ...base, flag: cmd.flag }]))
    case "SetPriority":
      return run([statusIn(OPEN)], () =>
        s.priority === cmd.priority ? [] : [{ _tag: "PriorityChanged", ...base, priority: cmd.priority }]
      )
    case "RequireVisit":
      return run([statusIn(OPEN), reason(cmd.reason)], () => [{ _tag: "VisitRequired", ...base, reason: cmd.reason }])
    case "LinkRepeat":
      return run([statusIn(OPEN), notSelf(cmd.of, "of")], () =>
        s.repeatOf.includes(cmd.of) ? [] : [{ _tag: "RepeatLinked", ...base, of: cmd.of }]
      )
    case "RecordDeadLetter":
      return run([], () => [{ _tag: "NotificationDeadLettered", ...base, notificationId: cmd.notificationId, reason: cmd.reason }])
    case "RecordIdentityRead":
      return run([person(cmd.person, "person"), reason(cmd.reason)], () => [
        { _tag: "IdentityRead", ...base, person: cmd.person, reason: cmd.reason }
      ])
    case "RecordNotification":
      return run([], () => [{ _tag: "NotificationQueued", ...base, template: cmd.template, recipients: cmd.recipients }])
    case "RecordRuleProblem":
      return run([reason(cmd.reason)], () => [{ _tag: "RuleActionFailed", ...base, reason: cmd.reason }])
  }
}
