#pragma once

// Measure colours (红黄绿灯) and department scorecards for the comprehensive
// evaluation (区委综合考评), from plain inputs: measures with deadlines and
// owners, and progress reports per organization, measure and period with an
// on-time flag (the progress service's reports, mapped at the edge).
//
// Colour rules (LightRules; every rule that fires is listed as a reason):
//   green  — the bureau confirmed the measure's completion (办结), or a lead
//            organization's latest report says completed, or nothing below fired;
//   red    — the (effective) due day has passed and the measure is not completed,
//            or an owner missed (or was late for) the last `red_missed_reports`
//            reporting periods;
//   yellow — due within `yellow_days_before_due` days and not completed; an owner
//            missed (or was late for) the last reporting period; the latest
//            report says blocked or delayed; the bureau returned the latest report.
// The worst colour wins. The due day is the effective one: an approved
// extension (延期) replaces the plan's deadline, and the reason says so.
//
// Scorecard (ScoreWeights; a component with nothing to count is left out and
// its weight spread over the others, so the score stays on 0..100):
//   on_time_reporting          = reports on time / reports due
//   completion_of_due_measures = measures due by as_of reported completed / measures due
//   no_overdue_measures        = 1 − overdue measures / measures led
//   indicators_on_track        = indicators achieved or on track / indicators judged
//   score = Σ rate × weight / Σ weights of the components present × 100.

#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "services/indicator/domain/evaluation.h"

namespace ecoplan::indicator {

enum class ReportedStatus : uint8_t { kNotStarted, kInProgress, kCompleted, kBlocked, kDelayed };

// "not_started", "in_progress", "completed", "blocked", "delayed".
const char* ReportedStatusName(ReportedStatus status);

struct MeasureInfo {
  std::string id;
  std::optional<absl::CivilDay> due;  // effective due day; none for ongoing work
  std::vector<std::string> owners;    // lead organizations
  bool completion_confirmed = false;  // the bureau confirmed a completion (办结)
  std::optional<absl::CivilDay> original_due = std::nullopt;  // the plan's due day, when extended
};

// One organization's entry for one measure in one monthly report.
struct ProgressReport {
  std::string organization;
  std::string measure_id;
  absl::CivilMonth period;  // the reported month
  ReportedStatus status = ReportedStatus::kInProgress;
  bool on_time = true;       // false: first submitted after the due time
  double percent_done = 0;
  bool returned = false;     // the bureau returned the report (to be revised)
};

struct LightRules {
  int yellow_days_before_due = 30;
  int red_missed_reports = 2;
};

enum class Colour : uint8_t { kGreen = 1, kYellow = 2, kRed = 3 };

// The latest entry one organization reported for a measure.
struct OwnerProgress {
  std::string organization;
  bool lead = false;  // among the measure's lead organizations
  absl::CivilMonth period;
  ReportedStatus status = ReportedStatus::kInProgress;
  double percent_done = 0;
  bool on_time = true;
  bool returned = false;
};

struct MeasureLight {
  std::string measure_id;
  Colour colour = Colour::kGreen;
  std::vector<std::string> reasons;
  std::vector<std::string> owners;
  std::vector<OwnerProgress> progress;  // leads first, then by organization
  bool completion_confirmed = false;
  std::optional<absl::CivilDay> due;           // effective
  std::optional<absl::CivilDay> original_due;  // when an extension moved it
};

// Reporting periods due by `as_of`: months from `first` whose report is due on
// `due_day` of the following month (e.g. April's report by May 25) — or of the
// same month when `due_in_same_month` (the seed: each month's progress by the 25th).
std::vector<absl::CivilMonth> DuePeriods(absl::CivilMonth first, int due_day, bool due_in_same_month,
                                         absl::CivilDay as_of);

std::vector<MeasureLight> ColourMeasures(const std::vector<MeasureInfo>& measures,
                                         const std::vector<ProgressReport>& reports,
                                         const std::vector<absl::CivilMonth>& due_periods,
                                         absl::CivilDay as_of, const LightRules& rules);

struct ScoreWeights {
  double on_time_reporting = 0.3;
  double completion_of_due_measures = 0.3;
  double no_overdue_measures = 0.2;
  double indicators_on_track = 0.2;
};

struct ScoreComponent {
  std::string name;
  std::optional<double> rate;
  double weight = 0;
  double points = 0;
  std::string detail;
};

struct Scorecard {
  std::string organization;
  double score = 0;
  std::vector<ScoreComponent> components;
  int measures_led = 0;
  int overdue_measures = 0;
  int reports_due = 0;      // (measure, period) entries due by as_of
  int reports_on_time = 0;
  int reports_late = 0;     // submitted after the due time
  int reports_missing = 0;  // no entry at all
};

// An indicator's owners and status, for the scorecards.
struct OwnedIndicator {
  std::vector<std::string> owners;
  IndicatorStatus status = IndicatorStatus::kUnspecified;
};

// One scorecard per organization that leads a measure or owns an indicator,
// best first (ties by name).
std::vector<Scorecard> ScoreOrganizations(const std::vector<MeasureInfo>& measures,
                                          const std::vector<ProgressReport>& reports,
                                          const std::vector<absl::CivilMonth>& due_periods,
                                          const std::vector<OwnedIndicator>& indicators,
                                          absl::CivilDay as_of, const ScoreWeights& weights);

}  // namespace ecoplan::indicator
