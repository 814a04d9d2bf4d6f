#include "services/progress/problem_mapping.h"

#include <tuple>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/mapping/proto_values.h"
#include "common/status/status_macros.h"
#include "services/progress/mapping_internal.h"
#include "services/progress/proto_mapping.h"

namespace ecoplan::progress {

std::string ProblemItemName(absl::string_view plan_id, absl::string_view problem_id) {
  return absl::StrCat("plans/", plan_id, "/problems/", problem_id);
}

absl::StatusOr<std::pair<std::string, std::string>> ParseProblemItemName(absl::string_view name,
                                                                         absl::string_view field) {
  ECOPLAN_ASSIGN_OR_RETURN(
      std::vector<std::string> ids,
      common::ParseResourceName(name, "plans/{plan}/problems/{problem}", field));
  return std::make_pair(ids[0], ids[1]);
}

v1::ProblemStep ToProto(const ProblemStep& s) {
  v1::ProblemStep out;
  out.set_transition(static_cast<v1::ProblemTransition>(s.transition));
  out.set_state(static_cast<v1::ProblemState>(s.state));
  SetTime(s.time, out.mutable_step_time());
  out.set_actor(s.actor);
  out.set_comment(s.comment);
  for (const std::string& l : s.evidence_links) out.add_evidence_links(l);
  return out;
}

v1::ImportRowError ToProto(const ImportRowError& e) {
  v1::ImportRowError out;
  out.set_line(e.line);
  out.set_column(e.column);
  out.set_message(e.message);
  return out;
}

ImportRowError FromProto(const v1::ImportRowError& e) {
  return {e.line(), e.column(), e.message()};
}

v1::ProblemCounts ToProto(const std::string& plan_id, const ProblemTally& t, bool measure) {
  v1::ProblemCounts out;
  if (!t.key.empty()) {
    out.set_key(measure ? MeasureName(plan_id, t.key) : OrganizationName(t.key));
  }
  out.set_display_name(t.display_name);
  out.set_total(t.total);
  out.set_open(t.open);
  out.set_rectifying(t.rectifying);
  out.set_claimed(t.claimed);
  out.set_verified(t.verified);
  out.set_closed(t.closed);
  out.set_overdue(t.overdue);
  out.set_reopened(t.reopened);
  return out;
}

v1::ProblemItem ToProto(const ProblemItem& i, absl::Time now, absl::TimeZone zone,
                        const PlanInfo* plan) {
  v1::ProblemItem out;
  out.set_name(ProblemItemName(i.plan_id, i.id));
  out.set_measure(MeasureName(i.plan_id, i.measure_id));
  out.set_code(i.code);
  out.set_title(i.title);
  out.set_description(i.description);
  out.set_category(static_cast<v1::ProblemCategory>(i.category));
  out.set_location(i.location);
  out.set_source(i.source);
  out.set_organization(OrganizationName(i.org_id));
  if (plan != nullptr) out.set_organization_display_name(plan->OrgName(i.org_id));
  *out.mutable_rectification_due_date() = common::DateToProto(i.due_day);
  out.set_state(static_cast<v1::ProblemState>(i.state));
  out.set_overdue(now != absl::InfinitePast() && IsOverdue(i, now, zone));
  out.set_reopen_count(i.reopen_count);
  for (const ProblemStep& s : i.steps) *out.add_steps() = ToProto(s);
  SetTime(i.create_time, out.mutable_create_time());
  SetTime(i.update_time, out.mutable_update_time());
  out.set_etag(ProblemEtag(i));
  return out;
}

absl::StatusOr<ProblemItem> FromProto(const v1::ProblemItem& p) {
  ProblemItem i;
  ECOPLAN_ASSIGN_OR_RETURN(std::tie(i.plan_id, i.id), ParseProblemItemName(p.name(), "name"));
  i.measure_id = IdOf(p.measure());
  i.code = p.code();
  i.title = p.title();
  i.description = p.description();
  i.category = static_cast<ProblemCategory>(p.category());
  i.location = p.location();
  i.source = p.source();
  i.org_id = IdOf(p.organization());
  i.due_day = common::StoredDateFromProto(p.rectification_due_date());
  i.state = static_cast<ProblemState>(p.state());
  i.reopen_count = p.reopen_count();
  for (const v1::ProblemStep& ps : p.steps()) {
    ProblemStep s;
    s.transition = static_cast<ProblemTransition>(ps.transition());
    s.state = static_cast<ProblemState>(ps.state());
    s.time = GetTime(ps.has_step_time(), ps.step_time());
    s.actor = ps.actor();
    s.comment = ps.comment();
    s.evidence_links.assign(ps.evidence_links().begin(), ps.evidence_links().end());
    i.steps.push_back(std::move(s));
  }
  i.create_time = GetTime(p.has_create_time(), p.create_time());
  i.update_time = GetTime(p.has_update_time(), p.update_time());
  const std::string& etag = p.etag();
  if (etag.size() < 2 || etag[0] != 'p' || !absl::SimpleAtoi(etag.substr(1), &i.version)) {
    return absl::InvalidArgumentError(absl::StrCat("problem ", p.name(), ": bad etag ", etag));
  }
  return i;
}

absl::StatusOr<ProblemDraft> DraftFromProto(const std::string& plan_id, const v1::ProblemItem& p) {
  ProblemDraft d;
  if (p.measure().empty()) return absl::InvalidArgumentError("item.measure is required");
  ECOPLAN_ASSIGN_OR_RETURN(auto measure, ParseMeasureName(p.measure(), "item.measure"));
  if (measure.first != plan_id) {
    return absl::InvalidArgumentError(
        absl::StrCat("item.measure: ", p.measure(), " is not a measure of plans/", plan_id));
  }
  d.measure_id = std::move(measure.second);
  d.code = p.code();
  d.title = p.title();
  d.description = p.description();
  if (p.category() < 0 || p.category() > v1::ProblemCategory_MAX) {
    return absl::InvalidArgumentError(
        absl::StrCat("item.category is not a known value: ", p.category()));
  }
  d.category = static_cast<ProblemCategory>(p.category());
  d.location = p.location();
  d.source = p.source();
  if (p.organization().empty()) return absl::InvalidArgumentError("item.organization is required");
  ECOPLAN_ASSIGN_OR_RETURN(d.org_id, ParseOrganizationName(p.organization(), "item.organization"));
  if (!p.has_rectification_due_date()) {
    return absl::InvalidArgumentError("item.rectification_due_date is required");
  }
  ECOPLAN_ASSIGN_OR_RETURN(
      d.due_day, common::DateFromProto(p.rectification_due_date(), "item.rectification_due_date"));
  return d;
}

}  // namespace ecoplan::progress
