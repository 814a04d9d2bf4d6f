#include "services/indicator/domain/status_recording.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ecoplan::indicator {
namespace {

Indicator Share() {
  Indicator i;
  i.plan_id = "p";
  i.id = "trucks";
  i.display_name = "新注册登记货车新能源化率";
  i.unit = "%";
  i.comparator = Comparator::kAtLeast;
  i.target_value = 50;
  i.period_start = absl::CivilDay(2026, 1, 1);
  i.period_end = absl::CivilDay(2026, 12, 31);
  i.aggregation = Aggregation::kLatestValue;
  i.source = SourceKind::kReported;
  i.measures = {"a1-t2-m3"};
  i.owners = {"区交通局"};
  return i;
}

TEST(StatusChangesTest, ARecordedChangeCarriesTheValueItsDayTheTargetAndTheMeasure) {
  const Indicator share = Share();
  std::map<std::string, std::vector<ReportedValue>> reported = {
      {"trucks",
       {{absl::CivilDay(2026, 4, 25), 20},
        {absl::CivilDay(2026, 5, 25), 22},
        {absl::CivilDay(2026, 7, 25), 60}}}};  // after as_of: not counted
  PlanEvaluationInput input;
  input.reported = &reported;
  const absl::CivilDay as_of(2026, 6, 30);
  Evaluation e = EvaluateReported(share, as_of, reported["trucks"], EvaluationRules());
  ASSERT_EQ(e.current_value, 22);
  const std::vector<std::pair<const Indicator*, Evaluation>> evaluations = {{&share, e}};

  std::vector<RecordedChange> changes = StatusChanges(evaluations, {}, as_of, input);
  ASSERT_EQ(changes.size(), 1u);
  const RecordedChange& c = changes[0];
  EXPECT_EQ(c.indicator_id, "trucks");
  EXPECT_EQ(c.previous, IndicatorStatus::kUnspecified);
  EXPECT_EQ(c.status, e.status);
  EXPECT_EQ(c.reason, e.status_reason);
  EXPECT_EQ(c.owners, std::vector<std::string>{"区交通局"});
  EXPECT_EQ(c.measure_id, "a1-t2-m3");
  EXPECT_EQ(c.value, 22);
  EXPECT_EQ(c.value_day, absl::CivilDay(2026, 5, 25));
  EXPECT_EQ(c.target, 50);
  EXPECT_EQ(c.target_text, "≥ 50 %");

  // The same status recorded already: no change.
  EXPECT_TRUE(StatusChanges(evaluations, {{"trucks", e.status}}, as_of, input).empty());
  // A different one recorded: a change from it.
  changes = StatusChanges(evaluations, {{"trucks", IndicatorStatus::kAchieved}}, as_of, input);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].previous, IndicatorStatus::kAchieved);
}

TEST(StatusChangesTest, RetiredIndicatorsAreNeverRecorded) {
  Indicator share = Share();
  share.retired = true;
  PlanEvaluationInput input;
  Evaluation e;
  e.status = IndicatorStatus::kOffTrack;
  EXPECT_TRUE(StatusChanges({{&share, e}}, {}, absl::CivilDay(2026, 6, 30), input).empty());
}

TEST(TargetTextTest, TheIndicatorsWordsOrTheComparatorAndTarget) {
  Indicator share = Share();
  EXPECT_EQ(TargetText(share), "≥ 50 %");
  share.target_text = "达50%以上";
  EXPECT_EQ(TargetText(share), "达50%以上");
  share.target_text.clear();
  share.target_value.reset();
  EXPECT_EQ(TargetText(share), "");
}

}  // namespace
}  // namespace ecoplan::indicator
