#include "services/progress/proto_mapping.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/mapping/proto_values.h"
#include "common/status/status_macros.h"
#include "services/progress/mapping_internal.h"

namespace ecoplan::progress {
namespace {

namespace cv1 = ::ecoplan::common::v1;

using common::BadResourceName;
using common::IsPrintableSegment;
using common::ParseResourceName;

}  // namespace

std::string PlanName(absl::string_view plan_id) { return absl::StrCat("plans/", plan_id); }
std::string ReportName(absl::string_view plan_id, absl::string_view report_id) {
  return absl::StrCat("plans/", plan_id, "/reports/", report_id);
}
std::string MeasureName(absl::string_view plan_id, absl::string_view measure_id) {
  return absl::StrCat("plans/", plan_id, "/measures/", measure_id);
}
std::string OrganizationName(absl::string_view org_id) {
  return absl::StrCat("organizations/", org_id);
}
std::string ExtensionName(absl::string_view plan_id, absl::string_view measure_id, int number) {
  return absl::StrCat(MeasureName(plan_id, measure_id), "/extensions/", number);
}
std::string CompletionName(absl::string_view plan_id, absl::string_view measure_id, int number) {
  return absl::StrCat(MeasureName(plan_id, measure_id), "/completions/", number);
}
std::string CalendarName(absl::string_view plan_id) {
  return absl::StrCat("plans/", plan_id, "/reportingCalendar");
}
std::string HolidaysName(int year) { return absl::StrCat("holidayCalendars/", year); }

absl::StatusOr<std::string> ParsePlanName(absl::string_view name, absl::string_view field) {
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                           ParseResourceName(name, "plans/{plan}", field));
  return ids[0];
}

absl::StatusOr<std::pair<std::string, std::string>> ParseReportName(absl::string_view name,
                                                                    absl::string_view field) {
  constexpr absl::string_view kForm = "plans/{plan}/reports/{organization}_{period}";
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<std::string> ids, ParseResourceName(name, kForm, field));
  if (!absl::StrContains(ids[1], '_')) return BadResourceName(field, name, kForm);
  return std::make_pair(ids[0], ids[1]);
}

std::string OrganizationOfReport(absl::string_view report_id) {
  return std::string(report_id.substr(0, report_id.find('_')));
}

absl::StatusOr<std::pair<std::string, std::string>> ParseMeasureName(absl::string_view name,
                                                                     absl::string_view field) {
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                           ParseResourceName(name, "plans/{plan}/measures/{measure}", field));
  return std::make_pair(ids[0], ids[1]);
}

absl::StatusOr<std::string> ParseOrganizationName(absl::string_view name, absl::string_view field) {
  constexpr absl::string_view kForm = "organizations/{organization}";
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<std::string> ids, ParseResourceName(name, kForm, field));
  if (absl::StrContains(ids[0], '_')) return BadResourceName(field, name, kForm);
  return ids[0];
}

absl::StatusOr<std::tuple<std::string, std::string, int>> ParseMeasureChildName(
    absl::string_view name, absl::string_view collection, absl::string_view field) {
  const std::string form = absl::StrCat("plans/{plan}/measures/{measure}/", collection, "/{n}");
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<std::string> ids, ParseResourceName(name, form, field));
  int n = 0;
  if (!absl::SimpleAtoi(ids[2], &n) || n < 1) return BadResourceName(field, name, form);
  return std::make_tuple(ids[0], ids[1], n);
}

absl::StatusOr<std::pair<std::string, std::string>> ParsePlanOrMeasure(absl::string_view name,
                                                                       absl::string_view field) {
  if (std::count(name.begin(), name.end(), '/') == 1) {
    ECOPLAN_ASSIGN_OR_RETURN(std::string plan, ParsePlanName(name, field));
    return std::make_pair(plan, std::string());
  }
  absl::StatusOr<std::pair<std::string, std::string>> m = ParseMeasureName(name, field);
  if (!m.ok())
    return BadResourceName(field, name, "plans/{plan} or plans/{plan}/measures/{measure}");
  return m;
}

absl::StatusOr<std::string> ParseCalendarName(absl::string_view name, absl::string_view field) {
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                           ParseResourceName(name, "plans/{plan}/reportingCalendar", field));
  return ids[0];
}

absl::StatusOr<int> ParseHolidaysName(absl::string_view name, absl::string_view field) {
  constexpr absl::string_view kForm = "holidayCalendars/{year}";
  std::optional<std::vector<std::string>> ids = common::MatchResourceName(name, kForm);
  int year = 0;
  if (!ids.has_value() || !absl::SimpleAtoi((*ids)[0], &year)) {
    return BadResourceName(field, name, kForm);
  }
  return year;
}

namespace {

void FillEntry(absl::string_view plan_id, const ReportEntry& e, v1::ReportEntry* out) {
  out->set_measure(MeasureName(plan_id, e.measure_id));
  out->set_status(static_cast<v1::MeasureStatus>(e.status));
  out->set_percent_done(e.percent_done);
  out->set_work_done(e.work_done);
  out->set_problems(e.problems);
  out->set_next_steps(e.next_steps);
  for (const QuantitativeValue& v : e.values) {
    v1::QuantitativeValue* pv = out->add_values();
    pv->set_name(v.name);
    pv->set_value(v.value);
    pv->set_unit(v.unit);
  }
  for (const std::string& l : e.evidence_links) out->add_evidence_links(l);
  for (const CheckpointMet& c : e.met_checkpoints) {
    v1::CheckpointMet* pc = out->add_met_checkpoints();
    *pc->mutable_due_date() = ToProto(c.due);
    pc->set_phrase(c.phrase);
  }
  for (const FieldProvenance& p : e.provenance) {
    v1::FieldProvenance* pp = out->add_provenance();
    pp->set_field(p.field);
    pp->set_origin(static_cast<v1::FieldOrigin>(p.origin));
    v1::ValueSource* source = pp->mutable_source();
    source->set_system(p.source.system);
    source->set_record_id(p.source.record_id);
    SetTime(p.source.file_time, source->mutable_file_time());
    pp->set_prefilled_value(p.prefilled_value);
    pp->set_pushed_by(p.pushed_by);
    SetTime(p.push_time, pp->mutable_push_time());
  }
}

// The provenance of a stored entry (clients never send it: SubmitReport
// ignores theirs).
std::vector<FieldProvenance> StoredProvenance(const v1::ReportEntry& e) {
  std::vector<FieldProvenance> out;
  out.reserve(e.provenance_size());
  for (const v1::FieldProvenance& p : e.provenance()) {
    FieldProvenance f;
    f.field = p.field();
    f.origin = static_cast<FieldOrigin>(p.origin());
    f.source.system = p.source().system();
    f.source.record_id = p.source().record_id();
    f.source.file_time = GetTime(p.source().has_file_time(), p.source().file_time());
    f.prefilled_value = p.prefilled_value();
    f.pushed_by = p.pushed_by();
    f.push_time = GetTime(p.has_push_time(), p.push_time());
    out.push_back(std::move(f));
  }
  return out;
}

// A source a client sent; the recorder checks its content.
absl::StatusOr<ValueSource> SourceFromProto(const v1::ValueSource& s, absl::string_view field) {
  ValueSource out;
  out.system = s.system();
  out.record_id = s.record_id();
  if (s.has_file_time()) {
    const google::protobuf::Timestamp& t = s.file_time();
    // 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z, as the JSON mapping allows.
    if (t.seconds() < -62135596800 || t.seconds() > 253402300799 || t.nanos() < 0 ||
        t.nanos() > 999999999) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".file_time is not a valid timestamp"));
    }
    out.file_time = common::TimeFromProto(t);
  }
  return out;
}

}  // namespace

v1::ReportEntry ToProto(absl::string_view plan_id, const ReportEntry& e) {
  v1::ReportEntry out;
  FillEntry(plan_id, e, &out);
  return out;
}

absl::StatusOr<ReportEntry> FromProto(absl::string_view plan_id, const v1::ReportEntry& e,
                                      absl::string_view field) {
  ReportEntry out;
  // The usual name, plans/{plan_id}/measures/{measure}, is checked without
  // building strings; anything else takes the general parser for its message.
  absl::string_view measure = e.measure();
  if (IsPrintableSegment(plan_id) && absl::ConsumePrefix(&measure, "plans/") &&
      absl::ConsumePrefix(&measure, plan_id) && absl::ConsumePrefix(&measure, "/measures/") &&
      IsPrintableSegment(measure)) {
    out.measure_id = std::string(measure);
  } else {
    ECOPLAN_ASSIGN_OR_RETURN(auto ids,
                             ParseMeasureName(e.measure(), absl::StrCat(field, ".measure")));
    if (ids.first != plan_id) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".measure: ", e.measure(), " is not a measure of plans/", plan_id));
    }
    out.measure_id = std::move(ids.second);
  }
  out.status = static_cast<MeasureStatus>(e.status());
  out.percent_done = e.percent_done();
  out.work_done = e.work_done();
  out.problems = e.problems();
  out.next_steps = e.next_steps();
  for (const v1::QuantitativeValue& v : e.values()) {
    out.values.push_back({v.name(), v.value(), v.unit()});
  }
  out.evidence_links.assign(e.evidence_links().begin(), e.evidence_links().end());
  for (int i = 0; i < e.met_checkpoints_size(); ++i) {
    const v1::CheckpointMet& c = e.met_checkpoints(i);
    const std::string name = absl::StrCat(field, ".met_checkpoints[", i, "]");
    if (!c.has_due_date()) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ".due_date is required: the day the checkpoint occurrence is due"));
    }
    ECOPLAN_ASSIGN_OR_RETURN(absl::CivilDay due,
                             common::DateFromProto(c.due_date(), absl::StrCat(name, ".due_date")));
    out.met_checkpoints.push_back({due, c.phrase()});
  }
  return out;
}

absl::StatusOr<PrefillEntry> FromProto(absl::string_view plan_id, const v1::PrefillEntry& e,
                                       absl::string_view field) {
  PrefillEntry out;
  ECOPLAN_ASSIGN_OR_RETURN(auto ids,
                           ParseMeasureName(e.measure(), absl::StrCat(field, ".measure")));
  if (ids.first != plan_id) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".measure: ", e.measure(), " is not a measure of plans/", plan_id));
  }
  out.measure_id = std::move(ids.second);
  if (e.has_source()) {
    ECOPLAN_ASSIGN_OR_RETURN(out.source,
                             SourceFromProto(e.source(), absl::StrCat(field, ".source")));
  }
  for (int i = 0; i < e.values_size(); ++i) {
    const v1::PrefilledValue& v = e.values(i);
    PrefillValue pv;
    pv.value = {v.value().name(), v.value().value(), v.value().unit()};
    if (v.has_source()) {
      ECOPLAN_ASSIGN_OR_RETURN(
          pv.source, SourceFromProto(v.source(), absl::StrCat(field, ".values[", i, "].source")));
    }
    out.values.push_back(std::move(pv));
  }
  out.status = static_cast<MeasureStatus>(e.status());
  if (e.has_percent_done()) out.percent_done = e.percent_done();
  out.work_done = e.work_done();
  out.problems = e.problems();
  out.next_steps = e.next_steps();
  return out;
}

v1::ReportingBurden ToProto(const ReportingBurden& b) {
  v1::ReportingBurden out;
  out.set_field_count(b.field_count);
  out.set_typed_count(b.typed);
  out.set_prefilled_count(b.prefilled);
  out.set_confirmed_count(b.confirmed);
  out.set_corrected_count(b.corrected);
  out.set_pending_count(b.pending);
  return out;
}

v1::Report ToProto(const Report& r) {
  v1::Report out;
  ToProto(r, &out);
  return out;
}

void ToProto(const Report& r, v1::Report* out) {
  out->set_name(ReportName(r.plan_id, r.id()));
  out->set_organization(OrganizationName(r.org_id));
  out->set_organization_display_name(r.org_display_name);
  out->set_period(r.period);
  out->set_state(static_cast<v1::ReportState>(r.state));
  out->mutable_entries()->Reserve(static_cast<int>(r.entries.size()));
  for (const ReportEntry& e : r.entries) FillEntry(r.plan_id, e, out->add_entries());
  out->set_summary(r.summary);
  out->set_revision(r.revision);
  out->set_etag(ReportEtag(r));
  SetTime(r.create_time, out->mutable_create_time());
  SetTime(r.update_time, out->mutable_update_time());
  if (r.first_submit_time)
    *out->mutable_first_submit_time() = common::TimeToProto(*r.first_submit_time);
  if (r.last_submit_time)
    *out->mutable_last_submit_time() = common::TimeToProto(*r.last_submit_time);
  if (r.due_time) *out->mutable_due_time() = common::TimeToProto(*r.due_time);
  out->set_timeliness(static_cast<v1::Timeliness>(r.timeliness));
  if (r.timeliness != Timeliness::kUnspecified)
    *out->mutable_lateness() = common::DurationToProto(r.lateness);
  out->set_review_comment(r.review_comment);
  out->set_submitted_by(r.submitted_by);
  out->set_reviewed_by(r.reviewed_by);
}

Report FromProto(const v1::Report& p) {
  Report r;
  if (auto ids = ParseReportName(p.name(), "name"); ids.ok()) r.plan_id = ids->first;
  if (auto org = ParseOrganizationName(p.organization(), "organization"); org.ok()) r.org_id = *org;
  r.org_display_name = p.organization_display_name();
  r.period = p.period();
  r.state = static_cast<ReportState>(p.state());
  for (const v1::ReportEntry& e : p.entries()) {
    if (auto entry = FromProto(r.plan_id, e, "entry"); entry.ok()) {
      r.entries.push_back(*std::move(entry));
      if (e.provenance_size() > 0) r.entries.back().provenance = StoredProvenance(e);
    }
  }
  r.summary = p.summary();
  r.revision = p.revision();
  r.create_time = GetTime(p.has_create_time(), p.create_time());
  r.update_time = GetTime(p.has_update_time(), p.update_time());
  if (p.has_first_submit_time()) r.first_submit_time = common::TimeFromProto(p.first_submit_time());
  if (p.has_last_submit_time()) r.last_submit_time = common::TimeFromProto(p.last_submit_time());
  if (p.has_due_time()) r.due_time = common::TimeFromProto(p.due_time());
  r.timeliness = static_cast<Timeliness>(p.timeliness());
  r.lateness = common::DurationFromProto(p.lateness());
  r.review_comment = p.review_comment();
  r.submitted_by = p.submitted_by();
  r.reviewed_by = p.reviewed_by();
  return r;
}

namespace {

// Every field of a revision but its report snapshot.
template <typename Revision>
v1::ReportRevision RevisionWithoutReport(const Revision& rev, absl::string_view plan_id,
                                         absl::string_view report_id) {
  v1::ReportRevision out;
  out.set_name(absl::StrCat(ReportName(plan_id, report_id), "/revisions/", rev.revision));
  out.set_revision(rev.revision);
  out.set_action(static_cast<v1::RevisionAction>(rev.action));
  SetTime(rev.time, out.mutable_time());
  out.set_actor(rev.actor);
  out.set_comment(rev.comment);
  for (const std::string& c : rev.changes) out.add_changes(c);
  out.set_request_id(rev.request_id);
  return out;
}

}  // namespace

v1::ReportRevision ToProto(const ReportRevision& rev) {
  v1::ReportRevision out = RevisionWithoutReport(rev, rev.report.plan_id, rev.report.id());
  *out.mutable_report() = ToProto(rev.report);
  return out;
}

v1::ReportRevision ToProtoWithoutReport(const RevisionNote& note, absl::string_view plan_id,
                                        absl::string_view report_id) {
  return RevisionWithoutReport(note, plan_id, report_id);
}

ReportRevision FromProto(const v1::ReportRevision& p) {
  ReportRevision rev;
  rev.revision = p.revision();
  rev.action = static_cast<RevisionAction>(p.action());
  rev.time = GetTime(p.has_time(), p.time());
  rev.actor = p.actor();
  rev.comment = p.comment();
  rev.changes.assign(p.changes().begin(), p.changes().end());
  rev.report = FromProto(p.report());
  rev.request_id = p.request_id();
  return rev;
}

v1::Extension ToProto(const Extension& e) {
  v1::Extension out;
  out.set_name(ExtensionName(e.plan_id, e.measure_id, e.number));
  out.set_measure(MeasureName(e.plan_id, e.measure_id));
  out.set_organization(OrganizationName(e.org_id));
  out.set_request_number(e.number);
  if (e.current_due) *out.mutable_current_due_date() = ToProto(*e.current_due);
  if (e.original_due) *out.mutable_original_due_date() = ToProto(*e.original_due);
  *out.mutable_requested_due_date() = ToProto(e.requested_due);
  out.set_reason(e.reason);
  out.set_state(static_cast<v1::ExtensionState>(e.state));
  out.set_decision_comment(e.decision_comment);
  SetTime(e.request_time, out.mutable_request_time());
  if (e.decision_time) *out.mutable_decision_time() = common::TimeToProto(*e.decision_time);
  out.set_requested_by(e.requested_by);
  out.set_decided_by(e.decided_by);
  return out;
}

Extension FromProto(const v1::Extension& p) {
  Extension e;
  if (auto ids = ParseMeasureChildName(p.name(), "extensions", "name"); ids.ok()) {
    std::tie(e.plan_id, e.measure_id, e.number) = *ids;
  }
  if (auto org = ParseOrganizationName(p.organization(), "organization"); org.ok()) e.org_id = *org;
  if (p.has_current_due_date()) {
    if (auto d = common::DateFromProto(p.current_due_date(), "d"); d.ok()) e.current_due = *d;
  }
  if (p.has_original_due_date()) {
    if (auto d = common::DateFromProto(p.original_due_date(), "d"); d.ok()) e.original_due = *d;
  }
  if (auto d = common::DateFromProto(p.requested_due_date(), "d"); d.ok()) e.requested_due = *d;
  e.reason = p.reason();
  e.state = static_cast<ExtensionState>(p.state());
  e.decision_comment = p.decision_comment();
  e.request_time = GetTime(p.has_request_time(), p.request_time());
  if (p.has_decision_time()) e.decision_time = common::TimeFromProto(p.decision_time());
  e.requested_by = p.requested_by();
  e.decided_by = p.decided_by();
  return e;
}

v1::Completion ToProto(const Completion& c) {
  v1::Completion out;
  out.set_name(CompletionName(c.plan_id, c.measure_id, c.number));
  out.set_measure(MeasureName(c.plan_id, c.measure_id));
  out.set_organization(OrganizationName(c.org_id));
  out.set_declaration_number(c.number);
  out.set_description(c.description);
  for (const std::string& l : c.evidence_links) out.add_evidence_links(l);
  out.set_state(static_cast<v1::CompletionState>(c.state));
  out.set_decision_comment(c.decision_comment);
  SetTime(c.declare_time, out.mutable_declare_time());
  if (c.decision_time) *out.mutable_decision_time() = common::TimeToProto(*c.decision_time);
  out.set_declared_by(c.declared_by);
  out.set_decided_by(c.decided_by);
  out.set_indicator_check_overridden(c.indicator_check_overridden);
  out.set_override_reason(c.override_reason);
  for (const std::string& line : c.indicator_checks) out.add_indicator_checks(line);
  return out;
}

Completion FromProto(const v1::Completion& p) {
  Completion c;
  if (auto ids = ParseMeasureChildName(p.name(), "completions", "name"); ids.ok()) {
    std::tie(c.plan_id, c.measure_id, c.number) = *ids;
  }
  if (auto org = ParseOrganizationName(p.organization(), "organization"); org.ok()) c.org_id = *org;
  c.description = p.description();
  c.evidence_links.assign(p.evidence_links().begin(), p.evidence_links().end());
  c.state = static_cast<CompletionState>(p.state());
  c.decision_comment = p.decision_comment();
  c.declare_time = GetTime(p.has_declare_time(), p.declare_time());
  if (p.has_decision_time()) c.decision_time = common::TimeFromProto(p.decision_time());
  c.declared_by = p.declared_by();
  c.decided_by = p.decided_by();
  c.indicator_check_overridden = p.indicator_check_overridden();
  c.override_reason = p.override_reason();
  c.indicator_checks.assign(p.indicator_checks().begin(), p.indicator_checks().end());
  return c;
}

v1::DueRule ToProto(const DueRule& rule) {
  v1::DueRule out;
  if (rule.kind == DueRule::Kind::kDayOfMonth) {
    out.set_day_of_month(rule.n);
  } else {
    out.set_nth_working_day(rule.n);
  }
  out.set_month_offset(rule.month_offset);
  return out;
}

DueRule FromProto(const v1::DueRule& rule) {
  DueRule out;
  if (rule.rule_case() == v1::DueRule::kNthWorkingDay) {
    out.kind = DueRule::Kind::kNthWorkingDay;
    out.n = rule.nth_working_day();
  } else {
    out.kind = DueRule::Kind::kDayOfMonth;
    out.n = rule.day_of_month();
  }
  out.month_offset = rule.month_offset();
  return out;
}

v1::ReportingCalendar ToProto(absl::string_view plan_id, const CalendarRule& rule) {
  v1::ReportingCalendar out;
  out.set_name(CalendarName(plan_id));
  *out.mutable_monthly_due() = ToProto(rule.monthly_due);
  out.set_quarterly_summaries(rule.quarterly_summaries);
  out.set_half_year_summaries(rule.half_year_summaries);
  out.set_annual_summary(rule.annual_summary);
  if (rule.summary_due) *out.mutable_summary_due() = ToProto(*rule.summary_due);
  out.set_overridden(rule.overridden);
  out.set_etag(CalendarEtag(rule));
  return out;
}

v1::PeriodDue ToProto(const PeriodDueDay& due) {
  v1::PeriodDue out;
  out.set_period(due.period.ToString());
  *out.mutable_due_date() = ToProto(due.due_day);
  *out.mutable_due_time() = common::TimeToProto(due.due_time);
  out.set_holidays_known(due.holidays_known);
  return out;
}

v1::ReportingCalendar ToProto(absl::string_view plan_id, const CalendarView& view) {
  v1::ReportingCalendar out = ToProto(plan_id, view.rule);
  out.set_time_zone(view.time_zone);
  for (const PeriodDueDay& due : view.dues) *out.add_period_dues() = ToProto(due);
  return out;
}

CalendarRule FromProto(const v1::ReportingCalendar& calendar) {
  CalendarRule rule;
  rule.monthly_due = FromProto(calendar.monthly_due());
  rule.quarterly_summaries = calendar.quarterly_summaries();
  rule.half_year_summaries = calendar.half_year_summaries();
  rule.annual_summary = calendar.annual_summary();
  if (calendar.has_summary_due()) rule.summary_due = FromProto(calendar.summary_due());
  rule.overridden = calendar.overridden();
  int version = 0;
  if (absl::StartsWith(calendar.etag(), "c") &&
      absl::SimpleAtoi(absl::string_view(calendar.etag()).substr(1), &version)) {
    rule.version = version;
  }
  return rule;
}

v1::HolidayCalendar ToProto(const HolidayYear& year) {
  v1::HolidayCalendar out;
  out.set_name(HolidaysName(year.year));
  out.set_year(year.year);
  for (absl::CivilDay d : year.holidays) *out.add_holidays() = ToProto(d);
  for (absl::CivilDay d : year.make_up_workdays) *out.add_make_up_workdays() = ToProto(d);
  SetTime(year.update_time, out.mutable_update_time());
  return out;
}

absl::StatusOr<HolidayYear> FromProto(const v1::HolidayCalendar& calendar) {
  HolidayYear year;
  year.year = calendar.year();
  for (int i = 0; i < calendar.holidays_size(); ++i) {
    ECOPLAN_ASSIGN_OR_RETURN(
        absl::CivilDay d,
        common::DateFromProto(calendar.holidays(i), absl::StrCat("holidays.holidays[", i, "]")));
    year.holidays.push_back(d);
  }
  for (int i = 0; i < calendar.make_up_workdays_size(); ++i) {
    ECOPLAN_ASSIGN_OR_RETURN(
        absl::CivilDay d,
        common::DateFromProto(calendar.make_up_workdays(i),
                              absl::StrCat("holidays.make_up_workdays[", i, "]")));
    year.make_up_workdays.push_back(d);
  }
  year.update_time = GetTime(calendar.has_update_time(), calendar.update_time());
  return year;
}

absl::Status CheckEnumValue(int value, int max, absl::string_view field) {
  if (value < 0 || value > max) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is not a known value: ", value));
  }
  return absl::OkStatus();
}

}  // namespace ecoplan::progress
