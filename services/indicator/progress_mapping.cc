#include "services/indicator/progress_mapping.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/status/status_macros.h"
#include "ecoplan/progress/v1/progress_service.pb.h"
#include "services/indicator/proto_mapping.h"

namespace ecoplan::indicator {
namespace {

namespace pv1 = ::ecoplan::progress::v1;

// Asia/Shanghai has no daylight saving time.
const absl::TimeZone kShanghai = absl::FixedTimeZone(8 * 3600);

// "plans/{plan}/..." → {plan}.
absl::StatusOr<std::string> PlanIdOf(absl::string_view name, absl::string_view field) {
  std::string plan_id = common::CollectionId(name, "plans");
  if (plan_id.empty()) return common::BadResourceName(field, name, "plans/{plan}/…");
  return plan_id;
}

ReportedStatus StatusOf(pv1::MeasureStatus s) {
  switch (s) {
    case pv1::MEASURE_STATUS_NOT_STARTED:
      return ReportedStatus::kNotStarted;
    case pv1::MEASURE_STATUS_COMPLETED:
      return ReportedStatus::kCompleted;
    case pv1::MEASURE_STATUS_DELAYED:
      return ReportedStatus::kDelayed;
    case pv1::MEASURE_STATUS_BLOCKED:
      return ReportedStatus::kBlocked;
    default:
      return ReportedStatus::kInProgress;
  }
}

// `committed`: the day the event was committed, for a report without a
// submission time.
absl::StatusOr<std::optional<ProgressUpdate>> FromReport(const pv1::Report& r,
                                                         std::optional<absl::CivilDay> committed) {
  absl::CivilMonth period;
  // Only monthly reports ("2026-05"); summaries ("2026-Q2", "2026-H1", "2026") are not kept.
  if (r.period().size() != 7 || !absl::ParseCivilTime(r.period(), &period)) return std::nullopt;
  if (r.state() == pv1::REPORT_STATE_DRAFT || r.state() == pv1::REPORT_STATE_UNSPECIFIED) {
    return std::nullopt;
  }
  ProgressUpdate u;
  u.kind = ProgressUpdate::Kind::kReport;
  ECOPLAN_ASSIGN_OR_RETURN(u.plan_id, PlanIdOf(r.name(), "report.name"));
  u.report = r.name();
  u.report_revision = r.revision();
  u.organization_id = common::LastSegment(r.organization());
  u.organization =
      r.organization_display_name().empty() ? u.organization_id : r.organization_display_name();
  u.period = period;
  if (r.has_due_time()) {
    // due_time ends the due day (exclusive).
    u.due_day =
        absl::ToCivilDay(common::TimeFromProto(r.due_time()) - absl::Nanoseconds(1), kShanghai);
  }
  u.on_time = r.timeliness() != pv1::TIMELINESS_LATE;
  u.returned = r.state() == pv1::REPORT_STATE_RETURNED;
  if (r.has_last_submit_time()) {
    u.submitted_day = absl::ToCivilDay(common::TimeFromProto(r.last_submit_time()), kShanghai);
  } else if (committed.has_value()) {
    u.submitted_day = committed;
  }
  for (const pv1::ReportEntry& e : r.entries()) {
    ProgressUpdate::Entry entry;
    entry.measure_id = common::LastSegment(e.measure());
    entry.status = StatusOf(e.status());
    entry.percent_done = e.percent_done();
    for (const pv1::QuantitativeValue& v : e.values()) {
      entry.values.push_back({v.name(), v.value(), v.unit(), "", ""});
    }
    for (const pv1::CheckpointMet& c : e.met_checkpoints()) {
      CheckpointStatement statement;
      ECOPLAN_ASSIGN_OR_RETURN(statement.due,
                               DateFromProto(c.due_date(), "report.entries.met_checkpoints"));
      statement.phrase = c.phrase();
      entry.met_checkpoints.push_back(std::move(statement));
    }
    u.entries.push_back(std::move(entry));
  }
  return u;
}

std::optional<absl::CivilDay> CommitDay(const ecoplan::common::v1::Event& event) {
  if (!event.has_commit_time()) return std::nullopt;
  return absl::ToCivilDay(common::TimeFromProto(event.commit_time()), kShanghai);
}

template <typename T>
absl::StatusOr<T> Unpack(const ecoplan::common::v1::Event& event) {
  T payload;
  if (!event.payload().UnpackTo(&payload)) {
    return absl::InvalidArgumentError(
        absl::StrCat(event.type(), " payload of event ", event.sequence(), " does not parse"));
  }
  return payload;
}

// A declaration event whose completion is in `expected` state → `kind` with
// the declaration; a completion in another state → nullopt.
absl::StatusOr<std::optional<ProgressUpdate>> FromCompletion(
    const pv1::Completion& c, const ecoplan::common::v1::Event& event,
    pv1::CompletionState expected, ProgressUpdate::Kind kind) {
  if (c.state() != expected) return std::nullopt;
  ProgressUpdate u;
  u.kind = kind;
  ECOPLAN_ASSIGN_OR_RETURN(u.plan_id, PlanIdOf(c.measure(), "completion.measure"));
  u.measure_id = common::LastSegment(c.measure());
  u.completion = c.name();
  const absl::Time committed =
      event.has_commit_time() ? common::TimeFromProto(event.commit_time()) : absl::UnixEpoch();
  const absl::Time declared =
      c.has_declare_time() ? common::TimeFromProto(c.declare_time()) : committed;
  const absl::Time decided =
      c.has_decision_time() ? common::TimeFromProto(c.decision_time()) : committed;
  CompletionDeclaration& d = u.declaration;
  d.name = c.name();
  d.number = c.declaration_number();
  d.organization_id = common::LastSegment(c.organization());
  d.declared = absl::ToCivilDay(declared, kShanghai);
  d.comment = c.decision_comment();
  d.indicator_check_overridden = c.indicator_check_overridden();
  d.override_reason = c.override_reason();
  switch (expected) {
    case pv1::COMPLETION_STATE_CONFIRMED:
      d.state = CompletionState::kConfirmed;
      d.decided = absl::ToCivilDay(decided, kShanghai);
      break;
    case pv1::COMPLETION_STATE_REJECTED:
      d.state = CompletionState::kRejected;
      d.decided = absl::ToCivilDay(decided, kShanghai);
      break;
    default:
      d.state = CompletionState::kDeclared;
      break;
  }
  u.day = d.decided.value_or(d.declared);
  return u;
}

std::string LevelOf(pv1::SupervisionLevel level) {
  switch (level) {
    case pv1::SUPERVISION_LEVEL_BLUE:
      return "blue";
    case pv1::SUPERVISION_LEVEL_YELLOW:
      return "yellow";
    case pv1::SUPERVISION_LEVEL_RED:
      return "red";
    default:
      return "";
  }
}

SupervisionVerdict VerdictOf(pv1::SupervisionVerdict v) {
  switch (v) {
    case pv1::SUPERVISION_VERDICT_ACCEPTED:
      return SupervisionVerdict::kAccepted;
    case pv1::SUPERVISION_VERDICT_RETURNED:
      return SupervisionVerdict::kReturned;
    case pv1::SUPERVISION_VERDICT_SUPERSEDED:
      return SupervisionVerdict::kSuperseded;
    default:
      return SupervisionVerdict::kNone;
  }
}

// The event's commit time, else the epoch: for a snapshot missing a time.
absl::Time CommitTime(const ecoplan::common::v1::Event& event) {
  return event.has_commit_time() ? common::TimeFromProto(event.commit_time()) : absl::UnixEpoch();
}

// The order snapshot of a supervision event. Deadlines: the one in force at
// issue (exact only without level changes, else `*initial_known` = false and
// the first change's reply day stands in), then each level change's reply
// day, late from the start of the next day (raises are never explicit: the
// progress service's DeadlineOnDay), the last one the order's reply_due_time.
absl::StatusOr<ProgressUpdate> FromOrder(const pv1::SupervisionOrder& o,
                                         const ecoplan::common::v1::Event& event, bool issued) {
  ProgressUpdate u;
  u.kind = ProgressUpdate::Kind::kSupervisionOrder;
  ECOPLAN_ASSIGN_OR_RETURN(u.plan_id, PlanIdOf(o.name(), "order.name"));
  SupervisionOrderFact f;
  f.name = o.name();
  f.id = common::LastSegment(o.name());
  f.title = o.title();
  f.sequence = event.sequence();
  for (const std::string& m : o.measures()) f.measure_ids.push_back(common::LastSegment(m));
  for (const pv1::SupervisionAddressee& a : o.addressees()) {
    SupervisionAddresseeFact x;
    x.organization_id = common::LastSegment(a.organization());
    x.organization = a.organization_display_name();  // empty: named from the plan view
    for (const pv1::SupervisionReply& r : a.replies()) {
      SupervisionReplyFact y;
      y.reply_time = r.has_reply_time() ? common::TimeFromProto(r.reply_time()) : CommitTime(event);
      y.verdict = VerdictOf(r.verdict());
      if (r.has_verify_time()) y.verify_time = common::TimeFromProto(r.verify_time());
      x.replies.push_back(std::move(y));
    }
    f.addressees.push_back(std::move(x));
  }
  f.issue_time = o.has_issue_time() ? common::TimeFromProto(o.issue_time()) : CommitTime(event);
  if (o.state() == pv1::SUPERVISION_ORDER_STATE_CLOSED) {
    f.close_time = o.has_close_time() ? common::TimeFromProto(o.close_time()) : CommitTime(event);
  }
  ECOPLAN_ASSIGN_OR_RETURN(absl::CivilDay due,
                           DateFromProto(o.reply_due_date(), "order.reply_due_date"));
  const absl::Time due_time =
      o.has_reply_due_time() ? common::TimeFromProto(o.reply_due_time()) : EndOfDay(due);
  const auto& changes = o.level_changes();
  if (changes.empty()) {
    f.deadlines.push_back({f.issue_time, LevelOf(o.level()), due, due_time});
  } else {
    u.initial_deadline_known = issued;
    ECOPLAN_ASSIGN_OR_RETURN(
        absl::CivilDay first,
        DateFromProto(changes[0].reply_due_date(), "order.level_changes.reply_due_date"));
    f.deadlines.push_back({f.issue_time, LevelOf(changes[0].from_level()), first, EndOfDay(first)});
    for (int k = 0; k < changes.size(); ++k) {
      const pv1::SupervisionLevelChange& c = changes[k];
      ECOPLAN_ASSIGN_OR_RETURN(
          absl::CivilDay day,
          DateFromProto(c.reply_due_date(), "order.level_changes.reply_due_date"));
      const bool last = k + 1 == changes.size();
      const absl::Time since =
          c.has_change_time() ? common::TimeFromProto(c.change_time()) : f.issue_time;
      f.deadlines.push_back(
          {since, LevelOf(c.to_level()), day, last && day == due ? due_time : EndOfDay(day)});
    }
  }
  u.order = std::move(f);
  return u;
}

ProblemState ProblemStateOf(pv1::ProblemState s) {
  switch (s) {
    case pv1::PROBLEM_STATE_RECTIFYING:
      return ProblemState::kRectifying;
    case pv1::PROBLEM_STATE_RECTIFICATION_CLAIMED:
      return ProblemState::kClaimed;
    case pv1::PROBLEM_STATE_VERIFIED:
      return ProblemState::kVerified;
    case pv1::PROBLEM_STATE_CLOSED:
      return ProblemState::kClosed;
    default:
      return ProblemState::kOpen;
  }
}

// The item snapshot of a problem event; an item without steps gets one, its
// state since its creation (or the event).
absl::StatusOr<ProgressUpdate> FromProblem(const pv1::ProblemItem& p,
                                           const ecoplan::common::v1::Event& event) {
  ProgressUpdate u;
  u.kind = ProgressUpdate::Kind::kProblemItem;
  ECOPLAN_ASSIGN_OR_RETURN(u.plan_id, PlanIdOf(p.name(), "item.name"));
  ProblemItemFact f;
  f.name = p.name();
  f.id = common::LastSegment(p.name());
  f.measure_id = common::LastSegment(p.measure());
  f.code = p.code();
  f.title = p.title();
  f.organization_id = common::LastSegment(p.organization());
  f.organization = p.organization_display_name();  // empty: named from the plan view
  ECOPLAN_ASSIGN_OR_RETURN(
      f.due, DateFromProto(p.rectification_due_date(), "item.rectification_due_date"));
  for (const pv1::ProblemStep& s : p.steps()) {
    f.steps.push_back({ProblemStateOf(s.state()),
                       s.has_step_time() ? common::TimeFromProto(s.step_time()) : CommitTime(event),
                       s.transition() == pv1::PROBLEM_TRANSITION_REOPEN});
  }
  if (f.steps.empty()) {
    f.steps.push_back(
        {ProblemStateOf(p.state()),
         p.has_create_time() ? common::TimeFromProto(p.create_time()) : CommitTime(event), false});
  }
  f.sequence = event.sequence();
  u.problem = std::move(f);
  return u;
}

common::DueRule DueRuleFromProto(const pv1::DueRule& rule) {
  common::DueRule out;
  if (rule.rule_case() == pv1::DueRule::kNthWorkingDay && rule.nth_working_day() > 0) {
    out.kind = common::DueRule::Kind::kNthWorkingDay;
    out.n = rule.nth_working_day();
  } else {
    out.kind = common::DueRule::Kind::kDayOfMonth;
    out.n = rule.day_of_month() > 0 ? rule.day_of_month() : 25;
  }
  out.month_offset = rule.month_offset();
  return out;
}

}  // namespace

common::CalendarRule CalendarFromProto(const pv1::ReportingCalendar& calendar) {
  common::CalendarRule out;
  out.monthly_due = DueRuleFromProto(calendar.monthly_due());
  out.quarterly_summaries = calendar.quarterly_summaries();
  out.half_year_summaries = calendar.half_year_summaries();
  out.annual_summary = calendar.annual_summary();
  if (calendar.has_summary_due()) out.summary_due = DueRuleFromProto(calendar.summary_due());
  return out;
}

absl::StatusOr<std::optional<common::HolidayYear>> HolidayYearFromProto(
    const pv1::HolidayCalendar& holidays) {
  if (holidays.year() < 2000 || holidays.year() > 2100) return std::nullopt;
  common::HolidayYear out;
  out.year = holidays.year();
  for (const auto& d : holidays.holidays()) {
    ECOPLAN_ASSIGN_OR_RETURN(absl::CivilDay day, DateFromProto(d, "holidays.holidays"));
    out.holidays.push_back(day);
  }
  for (const auto& d : holidays.make_up_workdays()) {
    ECOPLAN_ASSIGN_OR_RETURN(absl::CivilDay day, DateFromProto(d, "holidays.make_up_workdays"));
    out.make_up_workdays.push_back(day);
  }
  for (std::vector<absl::CivilDay>* days : {&out.holidays, &out.make_up_workdays}) {
    std::sort(days->begin(), days->end());
    days->erase(std::unique(days->begin(), days->end()), days->end());
  }
  return std::optional<common::HolidayYear>(std::move(out));
}

absl::StatusOr<std::optional<CalendarUpdate>> CalendarUpdateFromEvent(
    const ecoplan::common::v1::Event& event) {
  if (event.type() != "ecoplan.progress.v1.CalendarChanged") return std::nullopt;
  ECOPLAN_ASSIGN_OR_RETURN(auto p, Unpack<pv1::CalendarChanged>(event));
  CalendarUpdate u;
  ECOPLAN_ASSIGN_OR_RETURN(u.plan_id, PlanIdOf(p.calendar().name(), "calendar.name"));
  u.calendar = CalendarFromProto(p.calendar());
  return std::optional<CalendarUpdate>(std::move(u));
}

absl::StatusOr<std::optional<common::HolidayYear>> HolidaysFromEvent(
    const ecoplan::common::v1::Event& event) {
  if (event.type() != "ecoplan.progress.v1.HolidaysLoaded") return std::nullopt;
  ECOPLAN_ASSIGN_OR_RETURN(auto p, Unpack<pv1::HolidaysLoaded>(event));
  return HolidayYearFromProto(p.holidays());
}

absl::StatusOr<std::optional<ProgressUpdate>> ProgressUpdateFromEvent(
    const ecoplan::common::v1::Event& event) {
  const std::string& type = event.type();
  if (type == "ecoplan.progress.v1.ReportSubmitted") {
    ECOPLAN_ASSIGN_OR_RETURN(auto p, Unpack<pv1::ReportSubmitted>(event));
    return FromReport(p.report(), CommitDay(event));
  }
  if (type == "ecoplan.progress.v1.ReportRevised") {
    ECOPLAN_ASSIGN_OR_RETURN(auto p, Unpack<pv1::ReportRevised>(event));
    return FromReport(p.report(), CommitDay(event));
  }
  if (type == "ecoplan.progress.v1.ReportAccepted") {
    ECOPLAN_ASSIGN_OR_RETURN(auto p, Unpack<pv1::ReportAccepted>(event));
    return FromReport(p.report(), CommitDay(event));
  }
  if (type == "ecoplan.progress.v1.ReportReturned") {
    ECOPLAN_ASSIGN_OR_RETURN(auto p, Unpack<pv1::ReportReturned>(event));
    return FromReport(p.report(), CommitDay(event));
  }
  if (type == "ecoplan.progress.v1.CompletionDeclared") {
    ECOPLAN_ASSIGN_OR_RETURN(auto p, Unpack<pv1::CompletionDeclared>(event));
    return FromCompletion(p.completion(), event, pv1::COMPLETION_STATE_DECLARED,
                          ProgressUpdate::Kind::kCompletionDeclared);
  }
  if (type == "ecoplan.progress.v1.CompletionConfirmed") {
    ECOPLAN_ASSIGN_OR_RETURN(auto p, Unpack<pv1::CompletionConfirmed>(event));
    return FromCompletion(p.completion(), event, pv1::COMPLETION_STATE_CONFIRMED,
                          ProgressUpdate::Kind::kCompletionConfirmed);
  }
  if (type == "ecoplan.progress.v1.CompletionRejected") {
    ECOPLAN_ASSIGN_OR_RETURN(auto p, Unpack<pv1::CompletionRejected>(event));
    return FromCompletion(p.completion(), event, pv1::COMPLETION_STATE_REJECTED,
                          ProgressUpdate::Kind::kCompletionRejected);
  }
  if (type == "ecoplan.progress.v1.SupervisionOrderIssued") {
    ECOPLAN_ASSIGN_OR_RETURN(auto p, Unpack<pv1::SupervisionOrderIssued>(event));
    return FromOrder(p.order(), event, true);
  }
  if (type == "ecoplan.progress.v1.SupervisionOrderReplied") {
    ECOPLAN_ASSIGN_OR_RETURN(auto p, Unpack<pv1::SupervisionOrderReplied>(event));
    return FromOrder(p.order(), event, false);
  }
  if (type == "ecoplan.progress.v1.SupervisionOrderReplyReturned") {
    ECOPLAN_ASSIGN_OR_RETURN(auto p, Unpack<pv1::SupervisionOrderReplyReturned>(event));
    return FromOrder(p.order(), event, false);
  }
  if (type == "ecoplan.progress.v1.SupervisionOrderReplyAccepted") {
    ECOPLAN_ASSIGN_OR_RETURN(auto p, Unpack<pv1::SupervisionOrderReplyAccepted>(event));
    return FromOrder(p.order(), event, false);
  }
  if (type == "ecoplan.progress.v1.SupervisionOrderLevelRaised") {
    ECOPLAN_ASSIGN_OR_RETURN(auto p, Unpack<pv1::SupervisionOrderLevelRaised>(event));
    return FromOrder(p.order(), event, false);
  }
  if (type == "ecoplan.progress.v1.SupervisionOrderClosed") {
    ECOPLAN_ASSIGN_OR_RETURN(auto p, Unpack<pv1::SupervisionOrderClosed>(event));
    return FromOrder(p.order(), event, false);
  }
  if (type == "ecoplan.progress.v1.SupervisionOrderAcknowledged") {
    ECOPLAN_ASSIGN_OR_RETURN(auto p, Unpack<pv1::SupervisionOrderAcknowledged>(event));
    return FromOrder(p.order(), event, false);
  }
  if (type == "ecoplan.progress.v1.ProblemItemOpened") {
    ECOPLAN_ASSIGN_OR_RETURN(auto p, Unpack<pv1::ProblemItemOpened>(event));
    return FromProblem(p.item(), event);
  }
  if (type == "ecoplan.progress.v1.ProblemItemTransitioned") {
    ECOPLAN_ASSIGN_OR_RETURN(auto p, Unpack<pv1::ProblemItemTransitioned>(event));
    return FromProblem(p.item(), event);
  }
  if (type == "ecoplan.progress.v1.ExtensionDecided") {
    ECOPLAN_ASSIGN_OR_RETURN(auto p, Unpack<pv1::ExtensionDecided>(event));
    const pv1::Extension& x = p.extension();
    if (x.state() != pv1::EXTENSION_STATE_APPROVED) return std::nullopt;
    ProgressUpdate u;
    u.kind = ProgressUpdate::Kind::kExtensionApproved;
    ECOPLAN_ASSIGN_OR_RETURN(u.plan_id, PlanIdOf(x.measure(), "extension.measure"));
    u.measure_id = common::LastSegment(x.measure());
    ECOPLAN_ASSIGN_OR_RETURN(u.day,
                             DateFromProto(x.requested_due_date(), "extension.requested_due_date"));
    return u;
  }
  return std::nullopt;
}

}  // namespace ecoplan::indicator
