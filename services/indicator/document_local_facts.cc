#include "services/indicator/document_local_facts.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/indicator/assessment_mapping.h"
#include "services/indicator/documents/chart_builders.h"
#include "services/indicator/indicator_service_impl.h"
#include "services/indicator/proto_mapping.h"

namespace ecoplan::indicator {

absl::StatusOr<std::vector<v1::Evaluation>> IndicatorTrajectoryAnswer(
    const IndicatorEvaluator& evaluator, const std::string& plan_id,
    const std::string& indicator_id, absl::CivilDay as_of) {
  absl::StatusOr<Indicator> indicator = evaluator.GetIndicator(plan_id, indicator_id);
  if (!indicator.ok()) return indicator.status();
  std::vector<v1::Evaluation> evaluations;
  for (absl::CivilDay day :
       documents::TrajectoryDays(indicator->period_start, indicator->period_end, as_of)) {
    absl::StatusOr<std::pair<Indicator, Evaluation>> r =
        evaluator.EvaluateIndicator(plan_id, indicator_id, day);
    if (!r.ok()) return r.status();
    evaluations.push_back(ToProto(r->first, r->second));
  }
  return evaluations;
}

absl::StatusOr<std::vector<v1::Evaluation>> LocalIndicatorAnswers::Trajectory(
    const std::string& plan_id, const std::string& indicator_id, absl::CivilDay as_of) const {
  return IndicatorTrajectoryAnswer(*evaluator_, plan_id, indicator_id, as_of);
}

absl::CivilDay LocalIndicatorAnswers::Today() const {
  return absl::ToCivilDay(clock_->Now(), absl::FixedTimeZone(8 * 3600));  // Asia/Shanghai
}

absl::StatusOr<std::vector<std::string>> LocalIndicatorAnswers::ClosedMonths(
    const std::string& plan_id) const {
  std::vector<std::string> names;
  if (assessments_ == nullptr) return names;
  for (const MonthAssessment& m : assessments_->ClosedMonths(plan_id)) {
    names.push_back(absl::StrCat("plans/", m.plan_id, "/months/", absl::FormatCivilTime(m.month)));
  }
  return names;
}

absl::StatusOr<v1::MonthlyAssessment> LocalIndicatorAnswers::MonthlyAssessment(
    const std::string& plan_id, absl::CivilMonth month) const {
  if (assessments_ == nullptr) return absl::NotFoundError("no assessments on this server");
  absl::StatusOr<MonthAssessment> m = assessments_->GetMonth(plan_id, month);
  if (!m.ok()) return m.status();
  return ToProto(*m);
}

absl::StatusOr<v1::EvaluatePlanResponse> LocalIndicatorAnswers::EvaluatePlan(
    const std::string& plan_id, absl::CivilDay as_of) const {
  // As IndicatorServiceImpl::EvaluatePlan answers a service caller.
  const ScoringRules scoring =
      assessments_ != nullptr ? assessments_->RulesFor(plan_id).rules : ScoringRules();
  absl::StatusOr<PlanResult> r = evaluator_->EvaluatePlan(plan_id, as_of, scoring);
  if (!r.ok()) return r.status();
  v1::EvaluatePlanResponse resp;
  for (const auto& [ind, e] : r->evaluations) *resp.add_evaluations() = ToProto(ind, e);
  for (const TownRank& t : r->town_ranking) *resp.add_town_ranking() = ToProto(t);
  for (const MeasureLight& l : r->lights) *resp.add_measure_lights() = ToProto(r->plan_id, l);
  for (const Scorecard& c : r->scorecards) *resp.add_scorecards() = ToProto(c);
  for (const auto& [status, n] : r->status_counts) (*resp.mutable_status_counts())[status] = n;
  resp.set_reports_source(r->reports_source);
  resp.set_reports_source_zh(r->reports_source_zh);
  for (const std::string& rule : r->rules) resp.add_rules(rule);
  for (const std::string& u : r->unmatched_reported_values) resp.add_unmatched_reported_values(u);
  return resp;
}

absl::StatusOr<std::vector<v1::DailyAirQuality>> LocalIndicatorAnswers::DistrictDays(
    absl::CivilDay from, absl::CivilDay to) const {
  // As GetDailyAirQuality answers area "district" under the version in force each day. A district
  // no station represents yet has no days: its report says so rather than failing.
  auto days = DailyAirQualityAnswer(*evaluator_, "district", from, to, "");
  if (absl::IsNotFound(days.status())) return std::vector<v1::DailyAirQuality>{};
  return days;
}

}  // namespace ecoplan::indicator
