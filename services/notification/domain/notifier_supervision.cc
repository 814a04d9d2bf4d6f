// Notifier: supervision as a workflow (督办). From the progress service's
// SupervisionOrder* events it keeps a mirror of the open orders (addressees
// and their states, the reply deadline) and tells the addressees (issued,
// returned, raised, closed), the issuer (a reply to verify, closed) and the
// organization that asked for the order (issued, raised, closed); from the
// problem ledger's events a mirror of the items not closed, telling the owner
// of a new item (交办) and of a reopening, the bureau of a claimed
// rectification, and the owner and the measure's lead of a closing; the bureau is told
// of reports, extension requests and completion declarations awaiting its
// decision, with the day to act by (Rule.respond_within_working_days). The
// schedule part: 催办 of organizations that owe a reply after the deadline and
// problem items past their rectification day, both escalating until resolved.
// The registry's supervision tasks: one SUPERVISION_TASK_ASSIGNED per measure.

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/notification/domain/notifier.h"
#include "services/notification/domain/notifier_internal.h"
#include "services/notification/domain/schedule.h"

namespace ecoplan::notification {
namespace {

using internal::MeasureResource;
using internal::OwnersOf;

// 蓝 INFO, 黄 WARNING, 红 CRITICAL; unset when the level is unknown (the rule's).
std::optional<Severity> SeverityOf(SupervisionLevel level) {
  switch (level) {
    case SupervisionLevel::kBlue:
      return Severity::kInfo;
    case SupervisionLevel::kYellow:
      return Severity::kWarning;
    case SupervisionLevel::kRed:
      return Severity::kCritical;
    case SupervisionLevel::kUnspecified:
      break;
  }
  return std::nullopt;
}

bool OwesReply(AddresseeState state) {
  return state == AddresseeState::kAwaitingReply || state == AddresseeState::kReturned;
}

bool Rectifying(ProblemState state) {
  return state == ProblemState::kOpen || state == ProblemState::kRectifying;
}

// The deadline part of a 催办's key: the instant replies are late from, in the
// plan's zone ("2026-05-11T00:00:00+08:00"), so a new deadline starts a new key.
std::string DeadlineText(const SupervisionOrderView& o, absl::TimeZone zone) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", ReplyLateFrom(o, zone), zone);
}

// What a 催办's escalation remembers (Escalation::period): the reply day, then
// the deadline instant ("2026-05-28@2026-05-29T00:00:00+08:00"); a new
// deadline resolves it. Its escalations' period is the part before the '@'.
std::string EscalationSubject(const SupervisionOrderView& o, absl::TimeZone zone) {
  return absl::StrCat(DayText(o.reply_due_date), "@", DeadlineText(o, zone));
}

// "「标题」" when a title is known.
std::string Quoted(const std::string& title) {
  return title.empty() ? "" : absl::StrCat("「", title, "」");
}

// The order's requesting organization when it is to be told besides the
// addressees and the issuer (it is neither); empty otherwise.
std::string RequesterToTell(const SupervisionOrderView& o) {
  const std::string& r = o.requesting_organization;
  if (r.empty() || r == o.issuing_organization) return "";
  for (const SupervisionAddresseeView& a : o.addressees) {
    if (a.organization_id == r) return "";
  }
  return r;
}

}  // namespace

absl::TimeZone Notifier::ZoneOf(const std::string& plan_id) const {
  absl::TimeZone zone;
  const PlanView* plan = PlanOf(plan_id);
  if (plan != nullptr && absl::LoadTimeZone(plan->time_zone, &zone)) return zone;
  if (absl::LoadTimeZone(options_.time_zone, &zone)) return zone;
  return absl::UTCTimeZone();
}

std::string Notifier::BureauOf(const std::string& plan_id) const {
  const PlanView* plan = PlanOf(plan_id);
  return plan == nullptr ? "" : plan->bureau_organization;
}

std::string Notifier::RespondByDay(const Rule& rule, const std::string& plan_id) const {
  if (rule.respond_within_working_days <= 0) return "";
  const absl::CivilDay today = absl::ToCivilDay(Now(), ZoneOf(plan_id));
  return DayText(internal::WorkingDaysOf(state_.holidays)
                     .AddWorkingDays(today, rule.respond_within_working_days));
}

// ---------------------------------------------------------------------------
// Registry: supervision tasks

void Notifier::IntakeSupervisionTask(const UpstreamInput& in, Changes* changes) {
  auto plan_it = state_.plans.find(in.plan_id);
  if (plan_it != state_.plans.end()) {
    PlanView plan = plan_it->second;
    for (const MeasureView& m : in.measures) plan.measures[m.id] = m;
    changes->plans.push_back(std::move(plan));
  }
  for (const MeasureView& m : in.measures) {
    const std::string resource = MeasureResource(in.plan_id, m.id);
    std::vector<std::string> body;
    if (!in.task_title.empty()) body.push_back(absl::StrCat("督办任务：", in.task_title));
    body.push_back(absl::StrCat("工作措施 ", m.id, "：", m.title));
    body.push_back(absl::StrCat("完成时限：", m.due.has_value() ? DayText(*m.due) : "无"));
    for (const Rule* rule : RulesOf(Kind::kSupervisionTaskAssigned)) {
      for (const std::string& org : OwnersOf(m)) {
        EmitForEvent(in, rule, org,
                     {resource, absl::StrCat("新的督办任务：", m.title), absl::StrJoin(body, "\n"),
                      "a supervision task was added to the plan; the organization leads or is "
                      "responsible for its measure",
                      m.due.has_value() ? DayText(*m.due) : ""},
                     changes, m.id);
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Supervision orders

void Notifier::IntakeSupervisionOrder(const UpstreamInput& in, Changes* changes) {
  const SupervisionOrderInput& s = in.supervision;
  const SupervisionOrderView& o = s.order;
  if (o.name.empty()) return;
  if (s.open) {
    changes->supervision_orders.push_back(o);
  } else {
    changes->deleted_supervision_orders.push_back(o.name);
  }
  const std::string level = LevelText(o.level);
  const std::string day = DayText(o.reply_due_date);
  const std::string order = absl::StrCat("督办单 ", o.order_id);
  const PlanView* plan = PlanOf(in.plan_id);
  std::vector<std::string> measures;
  for (const std::string& m : s.measure_ids) {
    std::string text = m;
    if (plan != nullptr) {
      auto view = plan->measures.find(m);
      if (view != plan->measures.end()) absl::StrAppend(&text, "（", view->second.title, "）");
    }
    measures.push_back(std::move(text));
  }
  auto add_facts = [&](std::vector<std::string>* body) {
    if (!o.source.empty()) body->push_back(absl::StrCat("来源：", o.source));
    if (!measures.empty())
      body->push_back(absl::StrCat("工作措施：", absl::StrJoin(measures, "；")));
    body->push_back(absl::StrCat("回复期限：", day));
  };
  switch (s.change) {
    case SupervisionOrderInput::Change::kIssued: {
      std::vector<std::string> body;
      add_facts(&body);
      if (!s.description.empty()) body.push_back(absl::StrCat("督办要求：", s.description));
      const std::string title =
          absl::StrCat("【", level, "】", order, Quoted(o.title), "，请于", day, "前回复");
      // The requesting organization (the command center that passed the ticket on) is told
      // that the order stands (立案), not asked to reply.
      const std::string requester = RequesterToTell(o);
      std::vector<std::string> requester_body;
      if (!requester.empty()) {
        std::vector<std::string> addressed;
        for (const SupervisionAddresseeView& a : o.addressees) {
          addressed.push_back(OrgName(in.plan_id, a.organization_id));
        }
        requester_body.push_back(absl::StrCat("被督办单位：", absl::StrJoin(addressed, "、")));
        if (!o.issuing_organization.empty()) {
          requester_body.push_back(
              absl::StrCat("督办单位：", OrgName(in.plan_id, o.issuing_organization)));
        }
        requester_body.insert(requester_body.end(), body.begin(), body.end());
      }
      for (const Rule* rule : RulesOf(Kind::kSupervisionOrderIssued)) {
        for (const SupervisionAddresseeView& a : o.addressees) {
          EmitForEvent(in, rule, a.organization_id,
                       {o.name, title, absl::StrJoin(body, "\n"),
                        "a supervision order addressed to the organization was issued", day},
                       changes, "", SeverityOf(o.level));
        }
        if (!requester.empty()) {
          EmitForEvent(
              in, rule, requester,
              {o.name,
               absl::StrCat("【", level, "】已立督办：", order, Quoted(o.title), "，回复期限", day),
               absl::StrJoin(requester_body, "\n"),
               "a supervision order the organization asked for was issued (it is told, "
               "not asked to reply)",
               day},
              changes, "", SeverityOf(o.level));
        }
      }
      break;
    }
    case SupervisionOrderInput::Change::kReplied: {
      const std::string recipient =
          o.issuing_organization.empty() ? BureauOf(in.plan_id) : o.issuing_organization;
      if (recipient.empty()) break;
      const std::string org = OrgName(in.plan_id, s.organization_id);
      std::vector<std::string> body;
      body.push_back(absl::StrCat("回复单位：", org, s.reply_late ? "（逾期回复）" : ""));
      body.push_back(absl::StrCat("回复内容：", s.reply_content));
      add_facts(&body);
      body.push_back("请核查后通过或退回。");
      const std::string title =
          absl::StrCat("待核查回复：", org, "已回复", order, "（", level, "）", Quoted(o.title));
      for (const Rule* rule : RulesOf(Kind::kSupervisionReplyReceived)) {
        EmitForEvent(in, rule, recipient,
                     {o.name, title, absl::StrJoin(body, "\n"),
                      "an addressed organization replied to the order: a reply to verify",
                      RespondByDay(*rule, in.plan_id)},
                     changes);
      }
      break;
    }
    case SupervisionOrderInput::Change::kReplyReturned: {
      if (s.organization_id.empty()) break;
      std::vector<std::string> body;
      body.push_back(absl::StrCat("退回理由：", s.comment));
      add_facts(&body);
      const std::string title = absl::StrCat(order, "（", level, "）的回复被退回，请于", day,
                                             "前重新回复", Quoted(o.title));
      for (const Rule* rule : RulesOf(Kind::kSupervisionReplyReturned)) {
        EmitForEvent(in, rule, s.organization_id,
                     {o.name, title, absl::StrJoin(body, "\n"),
                      "the issuer returned the organization's reply", day},
                     changes);
      }
      break;
    }
    case SupervisionOrderInput::Change::kLevelRaised: {
      std::vector<std::string> body;
      body.push_back(absl::StrCat("原等级：", LevelText(s.from_level), "；现等级：", level));
      if (!s.comment.empty()) body.push_back(absl::StrCat("升级理由：", s.comment));
      add_facts(&body);
      const std::string title =
          absl::StrCat("督办升级为", level, "：", order, Quoted(o.title), "，请于", day, "前回复");
      const std::string requester = RequesterToTell(o);
      for (const Rule* rule : RulesOf(Kind::kSupervisionLevelRaised)) {
        for (const SupervisionAddresseeView& a : o.addressees) {
          if (a.state == AddresseeState::kAccepted) continue;
          EmitForEvent(
              in, rule, a.organization_id,
              {o.name, title, absl::StrJoin(body, "\n"),
               "the order's level was raised; the organization's reply is not accepted", day},
              changes, "", SeverityOf(o.level));
        }
        if (!requester.empty()) {
          EmitForEvent(
              in, rule, requester,
              {o.name,
               absl::StrCat("督办升级为", level, "：", order, Quoted(o.title), "，回复期限", day),
               absl::StrJoin(body, "\n"),
               "the level of an order the organization asked for was raised", day},
              changes, "", SeverityOf(o.level));
        }
      }
      break;
    }
    case SupervisionOrderInput::Change::kClosed: {
      std::vector<std::string> recipients;
      for (const SupervisionAddresseeView& a : o.addressees) {
        recipients.push_back(a.organization_id);
      }
      for (const std::string& also : {o.issuing_organization, o.requesting_organization}) {
        if (!also.empty() &&
            std::find(recipients.begin(), recipients.end(), also) == recipients.end()) {
          recipients.push_back(also);
        }
      }
      std::vector<std::string> body;
      if (!s.comment.empty()) body.push_back(absl::StrCat("销号意见：", s.comment));
      add_facts(&body);
      const std::string title = absl::StrCat(order, "（", level, "）已销号", Quoted(o.title));
      for (const Rule* rule : RulesOf(Kind::kSupervisionOrderClosed)) {
        for (const std::string& org : recipients) {
          EmitForEvent(in, rule, org,
                       {o.name, title, absl::StrJoin(body, "\n"),
                        org == o.requesting_organization
                            ? "an order the organization asked for was closed (销号): every reply "
                              "was accepted"
                            : "the order was closed (销号): every reply was accepted",
                        day},
                       changes);
        }
      }
      break;
    }
    case SupervisionOrderInput::Change::kReplyAccepted:
    case SupervisionOrderInput::Change::kAcknowledged:
      break;  // the mirror only
  }
}

// ---------------------------------------------------------------------------
// Problem ledgers

std::string Notifier::MeasureText(const std::string& plan_id, const std::string& measure_id) const {
  const PlanView* plan = PlanOf(plan_id);
  if (plan != nullptr) {
    auto m = plan->measures.find(measure_id);
    if (m != plan->measures.end() && !m->second.title.empty()) {
      return absl::StrCat(measure_id, "（", m->second.title, "）");
    }
  }
  return measure_id;
}

void Notifier::IntakeProblemItem(const UpstreamInput& in, Changes* changes) {
  const ProblemItemInput& p = in.problem;
  const ProblemItemView& item = p.item;
  if (item.name.empty()) return;
  if (item.state == ProblemState::kClosed) {
    changes->deleted_problems.push_back(item.name);
  } else {
    changes->problems.push_back(item);
  }
  const std::string what =
      absl::StrCat("问题 ", item.code.empty() ? item.name : item.code, Quoted(item.title));
  const std::string due =
      item.rectification_due.has_value() ? DayText(*item.rectification_due) : "";
  std::vector<std::string> facts;
  if (!item.measure_id.empty()) facts.push_back(absl::StrCat("工作措施：", item.measure_id));
  facts.push_back(absl::StrCat("整改期限：", due.empty() ? "无" : due));
  if (p.transition == ProblemTransition::kClaimRectified &&
      item.state == ProblemState::kRectificationClaimed) {
    const std::string bureau = BureauOf(in.plan_id);
    if (bureau.empty()) return;
    const std::string owner = OrgName(in.plan_id, item.owner);
    std::vector<std::string> body = {absl::StrCat("责任单位：", owner)};
    if (!p.comment.empty()) body.push_back(absl::StrCat("整改情况：", p.comment));
    if (p.evidence_count > 0) body.push_back(absl::StrCat("佐证材料：", p.evidence_count, " 项"));
    body.insert(body.end(), facts.begin(), facts.end());
    body.push_back("请核查整改情况。");
    for (const Rule* rule : RulesOf(Kind::kProblemRectificationClaimed)) {
      EmitForEvent(
          in, rule, bureau,
          {item.name, absl::StrCat("待核查整改：", owner, "申报", what, "整改完成"),
           absl::StrJoin(body, "\n"), "the owner claims the problem item rectified: to verify",
           RespondByDay(*rule, in.plan_id)},
          changes);
    }
  } else if (p.transition == ProblemTransition::kUnspecified &&
             p.from_state == ProblemState::kUnspecified && !item.owner.empty()) {
    // Opened (交办): created or imported. An import of many items to one owner arrives as one
    // digest when the rule has a digest window (Emit).
    std::vector<std::string> body;
    if (!item.measure_id.empty()) {
      body.push_back(absl::StrCat("工作措施：", MeasureText(in.plan_id, item.measure_id)));
    }
    if (!p.location.empty()) body.push_back(absl::StrCat("位置：", p.location));
    if (!p.source.empty()) body.push_back(absl::StrCat("来源：", p.source));
    if (!p.description.empty()) body.push_back(absl::StrCat("问题描述：", p.description));
    body.push_back(absl::StrCat("整改期限：", due.empty() ? "无" : due));
    const std::string title = absl::StrCat(
        "新交办", what, due.empty() ? "，请整改" : absl::StrCat("，请于", due, "前整改"));
    for (const Rule* rule : RulesOf(Kind::kProblemItemOpened)) {
      EmitForEvent(in, rule, item.owner,
                   {item.name, title, absl::StrJoin(body, "\n"),
                    "a problem item owned by the organization was put on the ledger (交办)", due},
                   changes);
    }
  } else if (p.transition == ProblemTransition::kClose && item.state == ProblemState::kClosed) {
    // 销号: the owner and the measure's lead organizations that are not the owner.
    std::vector<std::string> recipients;
    if (!item.owner.empty()) recipients.push_back(item.owner);
    const PlanView* plan = PlanOf(in.plan_id);
    if (plan != nullptr) {
      auto m = plan->measures.find(item.measure_id);
      if (m != plan->measures.end()) {
        for (const std::string& lead : m->second.lead_organizations) {
          if (std::find(recipients.begin(), recipients.end(), lead) == recipients.end()) {
            recipients.push_back(lead);
          }
        }
      }
    }
    const absl::TimeZone zone = ZoneOf(in.plan_id);
    const std::string closed_on =
        DayText(absl::ToCivilDay(p.step_time == absl::InfinitePast() ? Now() : p.step_time, zone));
    std::vector<std::string> body;
    if (!p.comment.empty()) body.push_back(absl::StrCat("销号意见：", p.comment));
    body.push_back(absl::StrCat("责任单位：", OrgName(in.plan_id, item.owner)));
    if (!item.measure_id.empty()) {
      body.push_back(absl::StrCat("工作措施：", MeasureText(in.plan_id, item.measure_id)));
    }
    body.push_back(absl::StrCat("整改期限：", due.empty() ? "无" : due));
    body.push_back(absl::StrCat("销号日期：", closed_on));
    for (const Rule* rule : RulesOf(Kind::kProblemItemClosed)) {
      for (const std::string& org : recipients) {
        EmitForEvent(in, rule, org,
                     {item.name, absl::StrCat(what, "已销号"), absl::StrJoin(body, "\n"),
                      org == item.owner ? "the organization's problem item was closed (销号)"
                                        : "a problem item on the ledger of a measure the "
                                          "organization leads was closed (销号)",
                      closed_on},
                     changes);
      }
    }
  } else if (p.transition == ProblemTransition::kReopen && !item.owner.empty()) {
    std::vector<std::string> body = {absl::StrCat("重新打开理由：", p.comment)};
    body.insert(body.end(), facts.begin(), facts.end());
    for (const Rule* rule : RulesOf(Kind::kProblemItemReopened)) {
      EmitForEvent(in, rule, item.owner,
                   {item.name, absl::StrCat(what, "被重新打开，请继续整改"),
                    absl::StrJoin(body, "\n"), "the problem item was reopened", due},
                   changes);
    }
  }
}

// ---------------------------------------------------------------------------
// What awaits the bureau

void Notifier::IntakeAwaitingReview(const UpstreamInput& in, Changes* changes) {
  const std::string bureau = BureauOf(in.plan_id);
  if (bureau.empty()) return;
  const std::string org = OrgName(in.plan_id, in.organization_id);
  const std::string resource =
      in.resource.empty() ? internal::ReportResource(in.plan_id, in.organization_id, in.period)
                          : in.resource;
  for (const Rule* rule : RulesOf(Kind::kReportAwaitingReview)) {
    const std::string by = RespondByDay(*rule, in.plan_id);
    EmitForEvent(
        in, rule, bureau,
        {resource, absl::StrCat("待审报告：", org, "已报送", in.period, "报告，请审核"),
         absl::StrCat("报告：", resource,
                      by.empty() ? "" : absl::StrCat("\n请于", by, "前审核（通过或退回）")),
         "a report was submitted or revised and awaits the bureau's review", by},
        changes);
  }
}

void Notifier::IntakeBureauRequest(const UpstreamInput& in, Changes* changes) {
  const std::string bureau = BureauOf(in.plan_id);
  if (bureau.empty()) return;
  const BureauRequestInput& r = in.bureau_request;
  const std::string org = OrgName(in.plan_id, r.organization_id);
  const PlanView* plan = PlanOf(in.plan_id);
  std::string measure = absl::StrCat("工作措施 ", r.measure_id);
  if (plan != nullptr) {
    auto m = plan->measures.find(r.measure_id);
    if (m != plan->measures.end()) absl::StrAppend(&measure, "（", m->second.title, "）");
  }
  const bool extension = in.type == UpstreamInput::Type::kExtensionRequested;
  std::string title;
  std::vector<std::string> body;
  if (extension) {
    title =
        absl::StrCat("延期申请：", org, "申请将", measure, "的完成时限",
                     r.current_due.has_value() ? absl::StrCat("由", DayText(*r.current_due)) : "",
                     "延至", r.requested_due.has_value() ? DayText(*r.requested_due) : "？");
    body.push_back(absl::StrCat("第 ", r.number, " 次申请"));
    body.push_back(absl::StrCat("理由：", r.text));
  } else {
    title = absl::StrCat("办结申请：", org, "申报", measure, "已办结");
    body.push_back(absl::StrCat("第 ", r.number, " 次申报"));
    body.push_back(absl::StrCat("完成情况：", r.text));
  }
  for (const Rule* rule :
       RulesOf(extension ? Kind::kExtensionRequested : Kind::kCompletionDeclared)) {
    const std::string by = RespondByDay(*rule, in.plan_id);
    std::vector<std::string> text = body;
    if (!by.empty()) text.push_back(absl::StrCat("请于", by, "前决定"));
    EmitForEvent(in, rule, bureau,
                 {r.name, title, absl::StrJoin(text, "\n"),
                  extension ? "an organization asked for an extension (延期申请)"
                            : "an organization declared a measure completed (办结申请)",
                  by},
                 changes);
  }
}

// ---------------------------------------------------------------------------
// The schedule: 催办 and overdue problem items

void Notifier::ScheduleSupervision(Changes* changes) {
  const absl::Time now = Now();
  for (const auto& [name, o] : state_.supervision_orders) {
    const absl::TimeZone zone = ZoneOf(o.plan_id);
    if (now < ReplyLateFrom(o, zone)) continue;
    const absl::CivilDay today = absl::ToCivilDay(now, zone);
    const std::string deadline = DeadlineText(o, zone);
    const std::string day = DayText(o.reply_due_date);
    for (const SupervisionAddresseeView& a : o.addressees) {
      if (!OwesReply(a.state)) continue;
      for (const Rule* rule : RulesOf(Kind::kSupervisionReplyOverdue)) {
        Candidate c;
        c.rule = rule;
        c.key = ScheduleKey(rule->id, o.name, deadline, a.organization_id);
        c.recipient = a.organization_id;
        c.plan_id = o.plan_id;
        c.resource = o.name;
        c.period = day;
        c.title = absl::StrCat("催办：督办单 ", o.order_id, "（", LevelText(o.level),
                               "）已超过回复期限（", day, "），请尽快回复", Quoted(o.title));
        c.explanation = absl::StrCat(
            "the order's reply deadline ", deadline, " passed and the organization ",
            a.state == AddresseeState::kReturned ? "has not replied again after a return"
                                                 : "has not replied");
        c.escalation_key = c.key;
        EmitEscalating(c, EscalationSubject(o, zone), today, changes);
      }
    }
  }
}

void Notifier::ScheduleProblems(Changes* changes) {
  for (const auto& [name, p] : state_.problems) {
    if (!Rectifying(p.state) || !p.rectification_due.has_value() || p.owner.empty()) continue;
    const absl::CivilDay today = absl::ToCivilDay(Now(), ZoneOf(p.plan_id));
    const absl::CivilDay due = *p.rectification_due;
    if (today <= due) continue;
    for (const Rule* rule : RulesOf(Kind::kProblemItemOverdue)) {
      Candidate c;
      c.rule = rule;
      c.key = ScheduleKey(rule->id, p.name, DayText(due), p.owner);
      c.recipient = p.owner;
      c.plan_id = p.plan_id;
      c.resource = p.name;
      c.period = DayText(due);
      c.title = absl::StrCat("问题 ", p.code.empty() ? p.name : p.code, Quoted(p.title),
                             "已超过整改期限（", DayText(due), "），请尽快整改");
      c.explanation = absl::StrCat("rectification deadline ", DayText(due),
                                   " passed while the item is open or rectifying");
      c.escalation_key = c.key;
      EmitEscalating(c, DayText(due), today, changes);
    }
  }
}

bool Notifier::SupervisionEscalationResolved(const Escalation& e) const {
  if (e.kind == Kind::kProblemItemOverdue) {
    auto p = state_.problems.find(e.resource);
    return p == state_.problems.end() || !Rectifying(p->second.state) ||
           !p->second.rectification_due.has_value() ||
           DayText(*p->second.rectification_due) != e.period;
  }
  auto o = state_.supervision_orders.find(e.resource);
  if (o == state_.supervision_orders.end()) return true;  // closed
  if (EscalationSubject(o->second, ZoneOf(o->second.plan_id)) != e.period) return true;
  for (const SupervisionAddresseeView& a : o->second.addressees) {
    if (a.organization_id == e.organization_id) return !OwesReply(a.state);
  }
  return true;
}

}  // namespace ecoplan::notification
