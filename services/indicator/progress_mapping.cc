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
