#pragma once

// EvaluatePlan's domain: every indicator of a plan as of a day, the town
// ranking, measure colours and department scorecards in one pass, and the
// status changes to emit as events. Pure; the caller supplies the data views.
// The colours and scorecards see each measure's (non-retired) indicators as
// evaluated in the same pass (MeasureInfo.indicators: status, value, the
// value's day, target), so a confirmed completion whose indicator is off track
// turns back (services/indicator/domain/dashboard.h).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "services/indicator/domain/dashboard.h"
#include "services/indicator/domain/evaluation.h"
#include "services/indicator/domain/exceptional_event.h"
#include "services/indicator/domain/observation_book.h"

namespace ecoplan::indicator {

struct TownRank {
  int rank = 0;  // 1 = cleanest; 0 = no data
  std::string town;
  std::optional<double> pm25;  // period-to-date mean, GB/T 8170 integer
  std::optional<double> target;
  std::optional<double> gap;
  IndicatorStatus status = IndicatorStatus::kUnspecified;
  std::optional<double> pm25_last_year;
  std::optional<double> year_on_year_percent;
  int days = 0;
  std::vector<std::string> stations;
  std::optional<DataDays> data;  // the kind of the data (its indicator's evaluation's)
};

struct StatusChange {
  std::string indicator_id;
  IndicatorStatus previous = IndicatorStatus::kUnspecified;
  IndicatorStatus status = IndicatorStatus::kUnspecified;
  std::string reason;
  std::vector<std::string> owners;
  std::optional<double> value;  // the evaluation's value to date, for IndicatorStatusChanged
};

struct PlanEvaluationInput {
  const std::vector<Indicator>* indicators = nullptr;  // of the plan
  const ObservationBook* book = nullptr;
  const std::map<std::string, std::vector<ReportedValue>>* reported = nullptr;  // by indicator id
  const std::vector<MeasureInfo>* measures = nullptr;  // `indicators` filled by EvaluatePlan
  const std::vector<ProgressReport>* reports = nullptr;
  std::vector<absl::CivilMonth> due_periods;
  const Calibers* calibers = nullptr;
  // Last known status per indicator id (to find changes).
  const std::map<std::string, IndicatorStatus>* last_status = nullptr;
  // The marked exceptional events (withdrawn ones included: they touch
  // nothing); null or empty: no "without" figure.
  const std::vector<ExceptionalEvent>* exceptional_events = nullptr;
};

struct PlanEvaluationRules {
  EvaluationRules evaluation;
  // The plan's rules, or the defaults: the scorecards' and (scoring.lights)
  // the measure lights'.
  ScoringRules scoring;
};

struct PlanEvaluation {
  std::vector<std::pair<const Indicator*, Evaluation>> evaluations;  // non-retired, by id
  std::vector<TownRank> town_ranking;
  std::vector<MeasureLight> lights;
  std::vector<Scorecard> scorecards;
  std::map<std::string, int> status_counts;
  std::vector<StatusChange> changes;
};

// Evaluates one indicator with the data views of `input`.
Evaluation EvaluateOne(const Indicator& indicator, absl::CivilDay as_of,
                       const PlanEvaluationInput& input, const EvaluationRules& rules);

// `with_facts`: the scorecards list the facts each component counted.
PlanEvaluation EvaluatePlan(absl::CivilDay as_of, const PlanEvaluationInput& input,
                            const PlanEvaluationRules& rules, bool with_facts = false);

}  // namespace ecoplan::indicator
