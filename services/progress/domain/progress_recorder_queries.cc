// ProgressRecorder: the reads over reports: one report, filtered pages,
// revisions, the submission status of a period, and a measure's progress and
// history across organizations and months.

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/status_macros.h"
#include "services/progress/domain/progress_recorder.h"
#include "services/progress/domain/progress_recorder_internal.h"

namespace ecoplan::progress {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 200;

}  // namespace

using internal::CheckPeriodInPlan;
using internal::NotFoundReport;
using internal::PlanZone;
using internal::ReportOrder;

absl::StatusOr<Report> ProgressRecorder::GetReport(const std::string& plan_id,
                                                   const std::string& report_id) {
  ECOPLAN_ASSIGN_OR_RETURN(std::optional<Report> report, store_->GetReport(plan_id, report_id));
  if (!report) return NotFoundReport(plan_id, report_id);
  return *report;
}

absl::StatusOr<std::string> ProgressRecorder::GetReportBytes(const std::string& plan_id,
                                                             const std::string& report_id) {
  ECOPLAN_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                           store_->GetReportBytes(plan_id, report_id));
  if (!bytes) return NotFoundReport(plan_id, report_id);
  return *std::move(bytes);
}

absl::StatusOr<ReportPage> ProgressRecorder::ListReports(const std::string& plan_id,
                                                         const ReportFilter& filter,
                                                         const PageRequest& page) {
  if (page.page_size < 0 || page.page_size > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size must be 0..", kMaxPageSize, "; got ", page.page_size));
  }
  std::string period;
  if (!filter.period.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(Period p, ParsePeriod(filter.period, "period"));
    period = p.ToString();
  }
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<Report> reports, store_->ListReports(plan_id, period));
  std::vector<Report> matching;
  for (Report& r : reports) {
    if (!filter.org_id.empty() && r.org_id != filter.org_id) continue;
    if (filter.state != ReportState::kUnspecified && r.state != filter.state) continue;
    if (filter.timeliness != Timeliness::kUnspecified && r.timeliness != filter.timeliness) {
      continue;
    }
    if (!filter.measure_id.empty() || filter.entry_status != MeasureStatus::kUnspecified) {
      const bool any = std::any_of(r.entries.begin(), r.entries.end(), [&](const ReportEntry& e) {
        return (filter.measure_id.empty() || e.measure_id == filter.measure_id) &&
               (filter.entry_status == MeasureStatus::kUnspecified ||
                e.status == filter.entry_status);
      });
      if (!any) continue;
    }
    matching.push_back(std::move(r));
  }
  std::sort(matching.begin(), matching.end(),
            [](const Report& a, const Report& b) { return ReportOrder(a) < ReportOrder(b); });
  ReportPage result;
  result.total_size = static_cast<int>(matching.size());
  size_t start = 0;
  if (!page.page_token.empty()) {
    // The token is the id of the last report of the previous page.
    std::vector<std::string> parts = absl::StrSplit(page.page_token, '_');
    absl::StatusOr<Period> p = parts.size() == 2 ? ParsePeriod(parts[1], "page_token")
                                                 : absl::InvalidArgumentError("page_token");
    if (!p.ok()) return absl::InvalidArgumentError("page_token is not from a previous response");
    Report last;
    last.org_id = parts[0];
    last.period = p->ToString();
    const auto key = ReportOrder(last);
    while (start < matching.size() && !(key < ReportOrder(matching[start]))) ++start;
  }
  const size_t size = page.page_size == 0 ? kDefaultPageSize : page.page_size;
  for (size_t i = start; i < matching.size() && result.reports.size() < size; ++i) {
    result.reports.push_back(matching[i]);
  }
  if (start + result.reports.size() < matching.size() && !result.reports.empty()) {
    result.next_page_token = result.reports.back().id();
  }
  return result;
}

absl::StatusOr<std::vector<ReportRevision>> ProgressRecorder::ListRevisions(
    const std::string& plan_id, const std::string& report_id) {
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<ReportRevision> revisions,
                           store_->ListRevisions(plan_id, report_id));
  if (revisions.empty()) return NotFoundReport(plan_id, report_id);
  return revisions;
}

absl::StatusOr<SubmissionStatus> ProgressRecorder::GetSubmissionStatus(
    const std::string& plan_id, const std::string& period_text) {
  ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const SubmissionStatus> status,
                           SharedSubmissionStatus(plan_id, period_text));
  return *status;
}

uint64_t ProgressRecorder::CalendarGeneration() const {
  absl::MutexLock lock(&cache_mu_);
  return calendar_generation_;
}

absl::StatusOr<std::shared_ptr<const SubmissionStatus>> ProgressRecorder::SharedSubmissionStatus(
    const std::string& plan_id, const std::string& period_text) {
  // What the status is computed from, read before computing it: a status
  // computed after these reads reflects at least these versions.
  const std::optional<uint64_t> read_version = store_->ReadVersion();
  const uint64_t generation = CalendarGeneration();
  ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const PlanInfo> plan, plans_->Get(plan_id));
  ECOPLAN_ASSIGN_OR_RETURN(Period period, ParsePeriod(period_text, "period"));
  const std::string key = absl::StrCat(plan_id, "/", period.ToString());
  if (read_version.has_value()) {
    absl::MutexLock lock(&status_mu_);
    auto it = statuses_.find(key);
    if (it != statuses_.end() && it->second.read_version == *read_version &&
        it->second.calendar_generation == generation && it->second.plan == plan) {
      return it->second.status;
    }
  }
  ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const SubmissionStatus> status,
                           ComputeSubmissionStatus(*plan, period));
  if (read_version.has_value()) {
    absl::MutexLock lock(&status_mu_);
    // Bounded: the statuses asked for are a few plans' months; a flood of
    // other keys only costs recomputation.
    if (statuses_.size() >= 1024 && statuses_.count(key) == 0) statuses_.clear();
    StatusEntry& entry = statuses_[key];
    // A slower computation from older versions never replaces a newer one.
    if (entry.status == nullptr || entry.read_version <= *read_version) {
      entry = StatusEntry{*read_version, generation, plan, status};
    }
  }
  return status;
}

absl::StatusOr<std::shared_ptr<const SubmissionStatus>> ProgressRecorder::ComputeSubmissionStatus(
    const PlanInfo& plan_info, const Period& period) {
  const PlanInfo* plan = &plan_info;
  const CalendarRule calendar = CalendarOf(*plan);
  ECOPLAN_RETURN_IF_ERROR(CheckPeriodInPlan(period, *plan, calendar, "period"));
  const absl::TimeZone zone = PlanZone(*plan);
  auto shared = std::make_shared<SubmissionStatus>();
  SubmissionStatus& status = *shared;
  status.due = DueOf(calendar, period, Days(), zone);
  status.owed = IsOwed(status.due.due_day, plan->issue_date);
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<Report> reports,
                           store_->ListReports(plan->id, period.ToString()));
  std::map<std::string, const Report*> by_org;
  for (const Report& r : reports) by_org[r.org_id] = &r;
  for (const auto& [org_id, measure_indexes] : plan->measures_of_org) {
    OrgSubmission o;
    o.org_id = org_id;
    o.org_name = plan->OrgName(org_id);
    o.owned_measure_count = static_cast<int>(measure_indexes.size());
    auto it = by_org.find(org_id);
    std::set<std::string> reported;
    if (it == by_org.end() && !status.owed) {
      o.state = SubmissionState::kNotOwed;
    } else if (it == by_org.end()) {
      o.state = SubmissionState::kMissing;
      ++status.missing;
    } else {
      const Report& r = *it->second;
      o.report_id = r.id();
      o.report_state = r.state;
      for (const ReportEntry& e : r.entries) reported.insert(e.measure_id);
      o.burden = BurdenOf(r);
      status.burden.Add(o.burden);
      if (r.state == ReportState::kDraft) {
        o.state = SubmissionState::kDraftOnly;
        ++status.draft_only;
      } else if (r.timeliness == Timeliness::kLate) {
        o.state = SubmissionState::kLate;
        o.lateness = r.lateness;
        ++status.late;
      } else {
        o.state = SubmissionState::kOnTime;
        ++status.on_time;
      }
    }
    for (size_t i : measure_indexes) {
      if (reported.count(plan->measures[i].id) == 0) {
        o.measures_without_entry.push_back(plan->measures[i].id);
      }
    }
    status.organizations.push_back(std::move(o));
  }
  std::sort(status.organizations.begin(), status.organizations.end(),
            [](const OrgSubmission& a, const OrgSubmission& b) {
              return std::tie(a.org_name, a.org_id) < std::tie(b.org_name, b.org_id);
            });
  return std::shared_ptr<const SubmissionStatus>(std::move(shared));
}

absl::StatusOr<MeasureProgress> ProgressRecorder::GetMeasureProgress(
    const std::string& plan_id, const std::string& measure_id) {
  ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const PlanInfo> plan, plans_->Get(plan_id));
  const MeasureInfo* measure = plan->FindMeasure(measure_id);
  if (measure == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("measure plans/", plan_id, "/measures/", measure_id, " does not exist"));
  }
  MeasureProgress progress;
  progress.measure = *measure;
  ECOPLAN_ASSIGN_OR_RETURN(progress.effective_due,
                           EffectiveDue(*plan, *measure, &progress.extensions));
  ECOPLAN_ASSIGN_OR_RETURN(progress.completions, store_->ListCompletions(plan_id, measure_id));
  progress.completed =
      std::any_of(progress.completions.begin(), progress.completions.end(),
                  [](const Completion& c) { return c.state == CompletionState::kConfirmed; });
  if (progress.effective_due.has_value() && !progress.completed) {
    const absl::TimeZone zone = PlanZone(*plan);
    progress.overdue =
        clock_->Now() >= absl::FromCivil(absl::CivilSecond(*progress.effective_due + 1), zone);
  }
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<Report> reports, store_->ListReports(plan_id, ""));
  std::sort(reports.begin(), reports.end(),
            [](const Report& a, const Report& b) { return ReportOrder(a) < ReportOrder(b); });
  std::vector<std::pair<std::string, bool>> owners;
  for (const std::string& id : measure->lead_org_ids) owners.emplace_back(id, true);
  for (const std::string& id : measure->responsible_org_ids) {
    if (!measure->IsLead(id)) owners.emplace_back(id, false);
  }
  for (const auto& [org_id, lead] : owners) {
    OrgProgress o;
    o.org_id = org_id;
    o.org_name = plan->OrgName(org_id);
    o.lead = lead;
    for (auto it = reports.rbegin(); it != reports.rend(); ++it) {
      if (it->org_id != org_id || it->state == ReportState::kDraft) continue;
      auto e = std::find_if(it->entries.begin(), it->entries.end(),
                            [&](const ReportEntry& x) { return x.measure_id == measure_id; });
      if (e == it->entries.end()) continue;
      o.report_id = it->id();
      o.period = it->period;
      o.entry = *e;
      break;
    }
    progress.organizations.push_back(std::move(o));
  }
  return progress;
}

absl::StatusOr<std::vector<HistoryItem>> ProgressRecorder::ListMeasureHistory(
    const std::string& plan_id, const std::string& measure_id, const std::string& org_id) {
  ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const PlanInfo> plan, plans_->Get(plan_id));
  if (plan->FindMeasure(measure_id) == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("measure plans/", plan_id, "/measures/", measure_id, " does not exist"));
  }
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<Report> reports, store_->ListReports(plan_id, ""));
  std::sort(reports.begin(), reports.end(),
            [](const Report& a, const Report& b) { return ReportOrder(a) < ReportOrder(b); });
  std::vector<HistoryItem> items;
  for (const Report& r : reports) {
    if (r.state == ReportState::kDraft) continue;
    if (!org_id.empty() && r.org_id != org_id) continue;
    for (const ReportEntry& e : r.entries) {
      if (e.measure_id == measure_id) items.push_back({r.period, r.org_id, r.id(), r.state, e});
    }
  }
  return items;
}

}  // namespace ecoplan::progress
