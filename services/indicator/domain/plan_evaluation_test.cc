#include "services/indicator/domain/plan_evaluation.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ecoplan::indicator {
namespace {

using ::testing::HasSubstr;

// The share of new-energy trucks, reported for measure m1 (≥ 30 %).
Indicator TruckShare() {
  Indicator i;
  i.plan_id = "p";
  i.id = "a1-t3-m7-i1";
  i.display_name = "新能源车比例";
  i.unit = "%";
  i.comparator = Comparator::kAtLeast;
  i.target_value = 30;
  i.period_start = absl::CivilDay(2026, 1, 1);
  i.period_end = absl::CivilDay(2026, 12, 31);
  i.aggregation = Aggregation::kLatestValue;
  i.source = SourceKind::kReported;
  i.measures = {"m1"};
  i.owners = {"区交通局"};
  i.origin = Origin::kMeasureText;
  return i;
}

TEST(PlanEvaluationTest, AConfirmedMeasureWhoseIndicatorIsOffTrackTurnsBack) {
  std::vector<Indicator> indicators = {TruckShare()};
  Indicator retired = TruckShare();
  retired.id = "old";
  retired.retired = true;  // a retired indicator never judges a measure
  indicators.push_back(retired);
  std::map<std::string, std::vector<ReportedValue>> reported = {
      {"a1-t3-m7-i1", {{absl::CivilDay(2026, 5, 25), 35}, {absl::CivilDay(2026, 6, 25), 26}}},
      {"old", {{absl::CivilDay(2026, 6, 25), 1}}}};
  MeasureInfo m1{"m1", absl::CivilDay(2026, 6, 20), {"区交通局"}};
  m1.completion_confirmed = true;
  m1.confirmed_on = absl::CivilDay(2026, 6, 10);
  MeasureInfo m2{"m2", absl::CivilDay(2026, 6, 20), {"区交通局"}};
  m2.completion_confirmed = true;
  m2.confirmed_on = absl::CivilDay(2026, 6, 10);
  const std::vector<MeasureInfo> measures = {m1, m2};
  const std::vector<ProgressReport> reports;
  PlanEvaluationInput input;
  input.indicators = &indicators;
  input.reported = &reported;
  input.measures = &measures;
  input.reports = &reports;

  const PlanEvaluation e = EvaluatePlan(absl::CivilDay(2026, 6, 30), input, PlanEvaluationRules());
  ASSERT_EQ(e.evaluations.size(), 1u);
  EXPECT_EQ(e.evaluations[0].second.status, IndicatorStatus::kOffTrack);
  ASSERT_EQ(e.lights.size(), 2u);
  // m1: red, the reason names the indicator, its value, the value's day and the target.
  EXPECT_EQ(e.lights[0].colour, Colour::kRed);
  EXPECT_TRUE(e.lights[0].completion_confirmed);
  EXPECT_FALSE(e.lights[0].counted_completed);
  ASSERT_FALSE(e.lights[0].reasons.empty());
  EXPECT_THAT(
      e.lights[0].reasons[0],
      HasSubstr("completion confirmed by the bureau on 2026-06-10, but indicator "
                "a1-t3-m7-i1 新能源车比例 is off track: 26 % on 2026-06-25 against ≥ 30 %"));
  // m2 has no indicator: confirmed is green.
  EXPECT_EQ(e.lights[1].colour, Colour::kGreen);
  EXPECT_TRUE(e.lights[1].counted_completed);
  EXPECT_THAT(e.lights[0].reasons,
              ::testing::Contains("due 2026-06-20 passed, not counted as completed"));
  // The scorecard counts m2 as completed, m1 as overdue.
  ASSERT_EQ(e.scorecards.size(), 1u);
  const Scorecard& card = e.scorecards[0];
  EXPECT_EQ(card.as_lead.measures_due, 2);
  EXPECT_EQ(card.as_lead.measures_completed, 1);
  EXPECT_THAT(card.as_lead.overdue, ::testing::ElementsAre("m1 (due 2026-06-20)"));
  ASSERT_EQ(card.components.size(), 5u);
  EXPECT_EQ(card.components[3].rate, 0.0);  // the one indicator owned is off track
}

TEST(PlanEvaluationTest, TheLightsFollowThePlansLightRules) {
  const std::vector<Indicator> indicators;
  // Due in 41 days; its owner missed May and June.
  const std::vector<MeasureInfo> measures = {{"m1", absl::CivilDay(2026, 8, 10), {"区交通局"}}};
  const std::vector<ProgressReport> reports;
  PlanEvaluationInput input;
  input.indicators = &indicators;
  input.measures = &measures;
  input.reports = &reports;
  input.due_periods = {absl::CivilMonth(2026, 5), absl::CivilMonth(2026, 6)};
  const absl::CivilDay as_of(2026, 6, 30);

  // The defaults: red after 2 missed reports; 41 days is not yet "due soon".
  PlanEvaluation e = EvaluatePlan(as_of, input, PlanEvaluationRules());
  ASSERT_EQ(e.lights.size(), 1u);
  EXPECT_EQ(e.lights[0].colour, Colour::kRed);
  EXPECT_THAT(e.lights[0].reasons,
              ::testing::Contains(HasSubstr("区交通局 missed the last 2 reporting periods")));
  EXPECT_THAT(e.lights[0].reasons, ::testing::Not(::testing::Contains(HasSubstr("in 41 days"))));

  // The bureau's rules: red only after 3 missed reports, yellow 60 days before the due day.
  PlanEvaluationRules rules;
  rules.scoring.lights.red_missed_reports = 3;
  rules.scoring.lights.yellow_days_before_due = 60;
  e = EvaluatePlan(as_of, input, rules);
  ASSERT_EQ(e.lights.size(), 1u);
  EXPECT_EQ(e.lights[0].colour, Colour::kYellow);
  EXPECT_THAT(e.lights[0].reasons, ::testing::Contains(HasSubstr("in 41 days")));
  EXPECT_THAT(e.lights[0].reasons,
              ::testing::Contains(HasSubstr("区交通局 missed the last reporting period 2026-06")));
}

}  // namespace
}  // namespace ecoplan::indicator
