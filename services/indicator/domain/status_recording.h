#pragma once

// The status changes an evaluation run records: for each evaluated indicator
// whose status differs from the last recorded one, the new status with its
// reason and what it rests on (value, the day of that value, target), for the
// IndicatorStatusChanged event. Pure; the caller (IndicatorEvaluator::
// RecordEvaluation) writes them with the statuses in one batch.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "services/indicator/domain/evaluation.h"
#include "services/indicator/domain/model.h"
#include "services/indicator/domain/plan_evaluation.h"

namespace ecoplan::indicator {

struct RecordedChange {
  std::string indicator_id;
  IndicatorStatus previous = IndicatorStatus::kUnspecified;
  IndicatorStatus status = IndicatorStatus::kUnspecified;
  std::string reason;
  std::vector<std::string> owners;
  std::string measure_id;       // the indicator's first measure; empty for annex 4 / annex 5
  std::optional<double> value;  // the period-to-date value
  std::optional<absl::CivilDay> value_day;  // the last observation counted
  std::optional<double> target;
  std::string target_text;  // the indicator's, or "≤ 35 微克/立方米" built from the target
};

// The day of the last observation of `indicator` in its period up to `as_of`:
// the area's last day with data (air quality) or the last reported value.
std::optional<absl::CivilDay> LastValueDay(const Indicator& indicator, absl::CivilDay as_of,
                                           const PlanEvaluationInput& input);

// The target in words: the indicator's target text, else "<comparator> <target> <unit>".
std::string TargetText(const Indicator& indicator);

// The changes of `evaluations` (non-retired indicators) against `last`
// (indicator id → last recorded status; missing = never recorded).
std::vector<RecordedChange> StatusChanges(
    const std::vector<std::pair<const Indicator*, Evaluation>>& evaluations,
    const std::map<std::string, IndicatorStatus>& last, absl::CivilDay as_of,
    const PlanEvaluationInput& input);

}  // namespace ecoplan::indicator
