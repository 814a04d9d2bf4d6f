#include "services/progress/domain/progress_recorder_internal.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_join.h"

namespace ecoplan::progress::internal {
namespace {

absl::string_view StatusName(MeasureStatus s) {
  switch (s) {
    case MeasureStatus::kNotStarted:
      return "NOT_STARTED";
    case MeasureStatus::kInProgress:
      return "IN_PROGRESS";
    case MeasureStatus::kCompleted:
      return "COMPLETED";
    case MeasureStatus::kDelayed:
      return "DELAYED";
    case MeasureStatus::kBlocked:
      return "BLOCKED";
    default:
      return "UNSPECIFIED";
  }
}

bool SameValues(const ReportEntry& a, const ReportEntry& b) { return a.values == b.values; }

}  // namespace

absl::string_view StateName(ReportState s) {
  switch (s) {
    case ReportState::kDraft:
      return "DRAFT";
    case ReportState::kSubmitted:
      return "SUBMITTED";
    case ReportState::kReturned:
      return "RETURNED";
    case ReportState::kAccepted:
      return "ACCEPTED";
    default:
      return "NONE";
  }
}

// What changed between two versions of a report, one line per field.
std::vector<std::string> Diff(const Report* before, const Report& after) {
  std::vector<std::string> changes;
  if (before == nullptr) {
    changes.push_back(absl::StrCat("created with ", after.entries.size(), " entries"));
    return changes;
  }
  if (before->state != after.state) {
    changes.push_back(
        absl::StrCat("state: ", StateName(before->state), " → ", StateName(after.state)));
  }
  if (before->summary != after.summary) changes.push_back("summary");
  // By measure id (views into `before`), in id order for the removed ones.
  std::map<absl::string_view, const ReportEntry*> old_entries;
  for (const ReportEntry& e : before->entries) old_entries[e.measure_id] = &e;
  for (const ReportEntry& e : after.entries) {
    auto it = old_entries.find(e.measure_id);
    auto change = [&e](absl::string_view what) {
      return absl::StrCat("entries[", e.measure_id, "]", what);
    };
    if (it == old_entries.end()) {
      changes.push_back(change(": added"));
      continue;
    }
    const ReportEntry& o = *it->second;
    if (o.status != e.status) {
      changes.push_back(
          change(absl::StrCat(".status: ", StatusName(o.status), " → ", StatusName(e.status))));
    }
    if (o.percent_done != e.percent_done) {
      changes.push_back(
          change(absl::StrCat(".percent_done: ", o.percent_done, " → ", e.percent_done)));
    }
    if (o.work_done != e.work_done) changes.push_back(change(".work_done"));
    if (o.problems != e.problems) changes.push_back(change(".problems"));
    if (o.next_steps != e.next_steps) changes.push_back(change(".next_steps"));
    if (!SameValues(o, e)) changes.push_back(change(".values"));
    if (o.evidence_links != e.evidence_links) changes.push_back(change(".evidence_links"));
    if (o.met_checkpoints != e.met_checkpoints) {
      // "entries[a1-t3-m2].met_checkpoints: + 2026-05-31 5月底前, - 2026-06-30 按季度".
      std::vector<std::string> diff;
      auto held = [](const std::vector<CheckpointMet>& list, const CheckpointMet& c) {
        return std::find(list.begin(), list.end(), c) != list.end();
      };
      for (const CheckpointMet& c : e.met_checkpoints) {
        if (!held(o.met_checkpoints, c)) {
          diff.push_back(absl::StrCat("+ ", absl::FormatCivilTime(c.due), " ", c.phrase));
        }
      }
      for (const CheckpointMet& c : o.met_checkpoints) {
        if (!held(e.met_checkpoints, c)) {
          diff.push_back(absl::StrCat("- ", absl::FormatCivilTime(c.due), " ", c.phrase));
        }
      }
      changes.push_back(change(absl::StrCat(
          ".met_checkpoints", diff.empty() ? "" : absl::StrCat(": ", absl::StrJoin(diff, ", ")))));
    }
    old_entries.erase(it);
  }
  for (const auto& [id, e] : old_entries)
    changes.push_back(absl::StrCat("entries[", id, "]: removed"));
  return changes;
}

std::string ReportKey(absl::string_view plan_id, absl::string_view report_id) {
  return absl::StrCat("r/", plan_id, "/", report_id);
}
std::string MeasureKey(absl::string_view plan_id, absl::string_view measure_id) {
  return absl::StrCat("m/", plan_id, "/", measure_id);
}

absl::Status NotFoundReport(absl::string_view plan_id, absl::string_view report_id) {
  return absl::NotFoundError(
      absl::StrCat("report \"plans/", plan_id, "/reports/", report_id, "\" does not exist"));
}

absl::StatusOr<const MeasureInfo*> LedMeasure(const PlanInfo& plan, absl::string_view measure_id,
                                              absl::string_view org_id, absl::string_view what) {
  const MeasureInfo* measure = plan.FindMeasure(measure_id);
  if (measure == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("measure: plans/", plan.id, "/measures/", measure_id, " does not exist"));
  }
  if (!measure->IsLead(org_id)) {
    return absl::PermissionDeniedError(
        absl::StrCat("organization: ", plan.OrgName(org_id), " (organizations/", org_id,
                     ") does not lead measure ", measure_id, "; only a lead organization ", what));
  }
  return measure;
}

absl::TimeZone PlanZone(const PlanInfo& plan) {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(plan.time_zone, &zone)) zone = absl::FixedTimeZone(8 * 3600);
  return zone;
}

// Sort key of a report: period order, then organization.
std::tuple<int, int, int, std::string> ReportOrder(const Report& r) {
  absl::StatusOr<Period> p = ParsePeriod(r.period, "period");
  if (!p.ok()) return {0, 0, 0, r.org_id};
  auto [y, m, k] = p->SortKey();
  return {y, m, k, r.org_id};
}

absl::Status CheckPeriodInPlan(const Period& period, const PlanInfo& plan,
                               const CalendarRule& calendar, absl::string_view field) {
  if (period.year != plan.year) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ", period.ToString(), " is outside the plan year ", plan.year));
  }
  if (!CalendarAsksFor(calendar, period.kind)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ", period.ToString(),
                     " is a summary period this plan's reporting calendar does not ask for"));
  }
  return absl::OkStatus();
}

}  // namespace ecoplan::progress::internal
