#pragma once

// The indicator server's own answers for the documents (IndicatorAnswers of
// documents/month_facts_gatherer.h), over the same use-case code as its
// handlers: IndicatorEvaluator::EvaluatePlan under the plan's scoring rules
// (EvaluatePlan), MonthlyAssessments::GetMonth and ClosedMonths
// (GetMonthlyAssessment, ListClosedMonths), IndicatorEvaluator::DailyAirQuality
// (GetDailyAirQuality), mapped to the API's messages as the handlers map them,
// for a service caller (nothing narrowed to an organization).

#include <string>
#include <vector>

#include "common/time/clock.h"
#include "services/indicator/documents/month_facts_gatherer.h"
#include "services/indicator/domain/indicator_evaluator.h"
#include "services/indicator/domain/monthly_assessments.h"

namespace ecoplan::indicator {

// An indicator's trajectory as RenderChart draws it: EvaluateIndicator's answer as of each of
// documents::TrajectoryDays(period, as_of); none when `as_of` is before the period. Errors:
// NotFound (no such indicator).
absl::StatusOr<std::vector<v1::Evaluation>> IndicatorTrajectoryAnswer(
    const IndicatorEvaluator& evaluator, const std::string& plan_id,
    const std::string& indicator_id, absl::CivilDay as_of);

class LocalIndicatorAnswers final : public documents::IndicatorAnswers {
 public:
  // `assessments` may be null (default scoring rules, no closed months);
  // `clock` gives "today" in Asia/Shanghai. All must outlive this.
  LocalIndicatorAnswers(const IndicatorEvaluator* evaluator, const MonthlyAssessments* assessments,
                        const common::Clock* clock)
      : evaluator_(evaluator), assessments_(assessments), clock_(clock) {}

  absl::CivilDay Today() const override;
  absl::StatusOr<std::vector<std::string>> ClosedMonths(const std::string& plan_id) const override;
  absl::StatusOr<v1::MonthlyAssessment> MonthlyAssessment(const std::string& plan_id,
                                                          absl::CivilMonth month) const override;
  absl::StatusOr<v1::EvaluatePlanResponse> EvaluatePlan(const std::string& plan_id,
                                                        absl::CivilDay as_of) const override;
  absl::StatusOr<std::vector<v1::DailyAirQuality>> DistrictDays(absl::CivilDay from,
                                                                absl::CivilDay to) const override;
  absl::StatusOr<std::vector<v1::Evaluation>> Trajectory(const std::string& plan_id,
                                                         const std::string& indicator_id,
                                                         absl::CivilDay as_of) const override;

 private:
  const IndicatorEvaluator* const evaluator_;
  const MonthlyAssessments* const assessments_;
  const common::Clock* const clock_;
};

}  // namespace ecoplan::indicator
