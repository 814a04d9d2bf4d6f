#include "services/indicator/domain/evaluation.h"

#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/indicator/domain/district_day_testing.h"

namespace ecoplan::indicator {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

// A day with every item of the AQI, PM2.5 the one that decides it (the others
// low: SO2 5, NO2 20, CO 0.5, PM10 as PM2.5, O3 60 / 80).
DistrictDay WithoutO3(DistrictDay d) {
  for (DailyItem item : {DailyItem::kO3Max1h, DailyItem::kO3Max8h}) {
    d.values[static_cast<int>(item)] = DailyStatistic();
  }
  return d;
}

Indicator Pm25(double target) {
  Indicator ind;
  ind.id = "a4-pm25";
  ind.unit = "微克/立方米";
  ind.comparator = Comparator::kAtMost;
  ind.target_value = target;
  ind.period_start = absl::CivilDay(2026, 1, 1);
  ind.period_end = absl::CivilDay(2026, 12, 31);
  ind.aggregation = Aggregation::kMeanOfDaily;
  ind.source = SourceKind::kAirQuality;
  ind.air_quality_item = AirQualityItem::kPm25;
  return ind;
}

// 优良天数比率 ≥ `target` %.
Indicator GoodDays(double target) {
  Indicator good = Pm25(target);
  good.id = "a4-good-days";
  good.unit = "%";
  good.comparator = Comparator::kAtLeast;
  good.aggregation = Aggregation::kRatioOfQualifyingDays;
  good.air_quality_item = AirQualityItem::kAqi;
  return good;
}

class EvaluationTest : public ::testing::Test {
 protected:
  EvaluationTest()
      : national_(AirQualityStandards::National()),
        v2012_(SingleVersion(Hj633Of2012())),
        v2026_(SingleVersion(Hj633Of2026())) {
    calibers_.in_force = &national_;
    calibers_.fixed = {{"HJ 633-2012", &v2012_}, {"HJ 633—2026", &v2026_}};
  }
  AirQualityStandards national_, v2012_, v2026_;
  Calibers calibers_;
  EvaluationRules rules_;
};

TEST_F(EvaluationTest, AnnualMeanStatesWhatTheRemainingDaysMustAverage) {
  std::vector<DistrictDay> days;
  // 2026-01-01 .. 2026-05-31 (151 days) at 30 µg/m³.
  for (absl::CivilDay d(2026, 1, 1); d <= absl::CivilDay(2026, 5, 31); ++d) {
    days.push_back(CleanDayWithPm(d, 30));
  }
  const Evaluation e =
      EvaluateAirQuality(Pm25(27), absl::CivilDay(2026, 5, 31), days, calibers_, rules_);
  EXPECT_EQ(e.current_value, 30);
  EXPECT_EQ(e.remaining_days, 214);
  EXPECT_EQ(e.observed_days, 151);
  // (27 × 365 − 30 × 151) / 214 = 24.88
  ASSERT_TRUE(e.required_remaining_value.has_value());
  EXPECT_NEAR(*e.required_remaining_value, 24.9, 1e-9);
  EXPECT_THAT(e.required_remaining_text,
              HasSubstr("the remaining 214 days must average ≤ 24.9 微克/立方米 for the annual "
                        "mean to reach 27"));
  EXPECT_THAT(e.projection_method, HasSubstr("straight line"));
  EXPECT_EQ(e.status, IndicatorStatus::kOffTrack);  // 30 vs 27: more than 5 % off
  // The same in Chinese, for the bureau's documents.
  EXPECT_EQ(e.required_remaining_text_zh, "剩余214天日均须≤24.9微克/立方米，全期均值方能达到27");
  EXPECT_EQ(e.projection_method_zh,
            "直线推算：剩余天数按本期至今均值计（没有完整的往年数据可作季节规律）");
  EXPECT_EQ(e.status_reason_zh, "预计期末30.0微克/立方米，未达到目标≤27.0，差距超过5.0%");
  EXPECT_THAT(e.standards_used, HasSubstr("HJ 633-2012: 59 days"));
  EXPECT_THAT(e.standards_used, HasSubstr("HJ 633—2026: 92 days"));
  // Both calibers side by side (the year straddles the change).
  ASSERT_EQ(e.calibers.size(), 3u);
  EXPECT_EQ(e.calibers[1].caliber, "HJ 633-2012");
}

TEST_F(EvaluationTest, SeasonalProfileWeighsWinterUp) {
  std::vector<DistrictDay> days;
  // 2025: winter months (Jan, Feb, Nov, Dec) at 60, the rest at 20.
  auto seasonal = [](absl::CivilDay d) {
    const int m = d.month();
    return (m <= 2 || m >= 11) ? 60.0 : 20.0;
  };
  for (absl::CivilDay d(2025, 1, 1); d <= absl::CivilDay(2025, 12, 31); ++d) {
    days.push_back(CleanDayWithPm(d, seasonal(d)));
  }
  // 2026 to end of June behaves like 2025.
  for (absl::CivilDay d(2026, 1, 1); d <= absl::CivilDay(2026, 6, 30); ++d) {
    days.push_back(CleanDayWithPm(d, seasonal(d)));
  }
  const Evaluation e =
      EvaluateAirQuality(Pm25(33), absl::CivilDay(2026, 6, 30), days, calibers_, rules_);
  EXPECT_THAT(e.projection_method, HasSubstr("seasonal profile of 2025"));
  // The year-to-date mean (~33) understates the year: Nov/Dec come back at 60.
  ASSERT_TRUE(e.projected_value.has_value());
  ASSERT_TRUE(e.current_value.has_value());
  EXPECT_GT(*e.projected_value, *e.current_value);
  int n = 0;
  const double y2025 = *MeanOver(days, DailyItem::kPm25, absl::CivilDay(2025, 1, 1),
                                 absl::CivilDay(2025, 12, 31), &n);
  EXPECT_NEAR(*e.projected_value, y2025, 0.1);
  // One past year: no band to draw.
  EXPECT_FALSE(e.projected_low.has_value());
  EXPECT_FALSE(e.projected_high.has_value());
  EXPECT_EQ(e.projection_method_zh, "按2025年的逐月季节规律推算（各月按其在这些年份中的占比加权）");
}

// Two past years that agree about January and February but not about the
// year's end: the projection under their mean profile, with the band of the
// projections under each year's own.
TEST_F(EvaluationTest, PastYearsThatDisagreeGiveTheProjectionABand) {
  std::vector<DistrictDay> days;
  auto year = [](double november_december) {
    return [november_december](absl::CivilDay d) {
      return d.month() <= 2 ? 40.0 : d.month() >= 11 ? november_december : 20.0;
    };
  };
  for (absl::CivilDay d(2024, 1, 1); d <= absl::CivilDay(2024, 12, 31); ++d) {
    days.push_back(CleanDayWithPm(d, year(40)(d)));
  }
  for (absl::CivilDay d(2025, 1, 1); d <= absl::CivilDay(2025, 12, 31); ++d) {
    days.push_back(CleanDayWithPm(d, year(100)(d)));
  }
  for (absl::CivilDay d(2026, 1, 1); d <= absl::CivilDay(2026, 6, 30); ++d) {
    days.push_back(CleanDayWithPm(d, year(70)(d)));
  }
  const Evaluation e =
      EvaluateAirQuality(Pm25(33), absl::CivilDay(2026, 6, 30), days, calibers_, rules_);
  EXPECT_THAT(e.projection_method, HasSubstr("seasonal profile of 2024, 2025"));
  ASSERT_TRUE(e.projected_value.has_value());
  ASSERT_TRUE(e.projected_low.has_value());
  ASSERT_TRUE(e.projected_high.has_value());
  // The mild end of 2024 projects about 26.6, the harsh one of 2025 about
  // 36.6; the projection under their mean lies between, inside the band.
  EXPECT_NEAR(*e.projected_low, 26.6, 0.5);
  EXPECT_NEAR(*e.projected_high, 36.6, 0.5);
  EXPECT_LE(*e.projected_low, *e.projected_value);
  EXPECT_GE(*e.projected_high, *e.projected_value);
  // Once the period is over there is nothing left to project.
  for (absl::CivilDay d(2026, 7, 1); d <= absl::CivilDay(2026, 12, 31); ++d) {
    days.push_back(CleanDayWithPm(d, year(70)(d)));
  }
  const Evaluation over =
      EvaluateAirQuality(Pm25(33), absl::CivilDay(2026, 12, 31), days, calibers_, rules_);
  EXPECT_FALSE(over.projected_low.has_value());
}

TEST_F(EvaluationTest, CountOfHeavyDaysSaysHowManyMoreAreAllowed) {
  Indicator heavy = Pm25(3);
  heavy.id = "a4-heavy-days";
  heavy.unit = "天";
  heavy.aggregation = Aggregation::kCountOfDays;
  heavy.air_quality_item = AirQualityItem::kAqi;
  std::vector<DistrictDay> days;
  for (absl::CivilDay d(2026, 3, 1); d <= absl::CivilDay(2026, 4, 30); ++d) {
    days.push_back(
        CleanDayWithPm(d, d.day() <= 2 && d.month() == 3 ? 200 : 30));  // 2 days: AQI 250
  }
  Evaluation e = EvaluateAirQuality(heavy, absl::CivilDay(2026, 4, 30), days, calibers_, rules_);
  EXPECT_EQ(e.current_value, 2);
  EXPECT_THAT(e.required_remaining_text, HasSubstr("at most 1 more 重污染 day is allowed"));
  EXPECT_THAT(e.required_remaining_text_zh, HasSubstr("内至多还允许1个重污染天"));

  days.push_back(CleanDayWithPm(absl::CivilDay(2026, 5, 1), 200));
  days.push_back(CleanDayWithPm(absl::CivilDay(2026, 5, 2), 200));
  e = EvaluateAirQuality(heavy, absl::CivilDay(2026, 5, 2), days, calibers_, rules_);
  EXPECT_EQ(e.status, IndicatorStatus::kOffTrack);
  EXPECT_THAT(e.status_reason, HasSubstr("already 4 重污染 days"));
  EXPECT_EQ(e.status_reason_zh, "重污染天数已达4天，超过上限3天");
}

TEST_F(EvaluationTest, GoodDayRatioDiffersByCaliberAndShowsBoth) {
  Indicator good = GoodDays(78);
  std::vector<DistrictDay> days;
  // PM2.5 70: 良 under 2012 (IAQI 94), 轻度 under 2026 (60 is the new 100).
  for (absl::CivilDay d(2026, 3, 1); d <= absl::CivilDay(2026, 3, 31); ++d) {
    days.push_back(CleanDayWithPm(d, 70));
  }
  const Evaluation e =
      EvaluateAirQuality(good, absl::CivilDay(2026, 3, 31), days, calibers_, rules_);
  ASSERT_EQ(e.calibers.size(), 3u);
  EXPECT_EQ(e.calibers[0].current_value, 0);    // in force: every day is 2026
  EXPECT_EQ(e.calibers[1].current_value, 100);  // HJ 633-2012
  EXPECT_EQ(e.calibers[2].current_value, 0);    // HJ 633—2026
  EXPECT_THAT(e.notes[0], HasSubstr("both calibers"));
}

// O3 unknown district-wide: an AQI of the other items ≤ 100 is not certainly
// 优良 (O3 could raise it), under either standard; one above 200 is certainly
// 重污染.
TEST_F(EvaluationTest, ADayWithoutO3CountsOnlyWhenItsVerdictIsCertain) {
  Indicator good = GoodDays(78);
  std::vector<DistrictDay> days;
  for (absl::CivilDay d(2025, 3, 1); d <= absl::CivilDay(2025, 3, 10); ++d) {
    days.push_back(d.day() <= 5 ? CleanDayWithPm(d, 30)
                                : WithoutO3(CleanDayWithPm(d, 30)));  // 2012 rules
  }
  good.period_start = absl::CivilDay(2025, 1, 1);
  good.period_end = absl::CivilDay(2025, 12, 31);
  Evaluation e = EvaluateAirQuality(good, absl::CivilDay(2025, 3, 10), days, calibers_, rules_);
  EXPECT_EQ(e.observed_days, 5);  // the 5 days without O3 are not judged
  EXPECT_EQ(e.current_value, 100);

  Indicator heavy = good;
  heavy.id = "a4-heavy-days";
  heavy.unit = "天";
  heavy.comparator = Comparator::kAtMost;
  heavy.target_value = 3;
  heavy.aggregation = Aggregation::kCountOfDays;
  days.push_back(
      WithoutO3(CleanDayWithPm(absl::CivilDay(2025, 3, 11), 300)));  // AQI > 200 without O3
  e = EvaluateAirQuality(heavy, absl::CivilDay(2025, 3, 11), days, calibers_, rules_);
  EXPECT_EQ(e.current_value, 1);
  EXPECT_EQ(e.observed_days, 6);
}

// A year whose data miss the validity rules gets no verdict, and the guidance
// never asks for more days than are left.
TEST_F(EvaluationTest, NoAnnualVerdictOnIncompleteDataAndNoImpossibleGuidance) {
  std::vector<DistrictDay> days;
  for (absl::CivilDay d(2026, 1, 1); d <= absl::CivilDay(2026, 12, 31); ++d) {
    if (d.month() == 12 && d.day() > 5) continue;  // December holds 5 days
    days.push_back(CleanDayWithPm(d, 30));
  }
  Evaluation e =
      EvaluateAirQuality(Pm25(27), absl::CivilDay(2026, 12, 31), days, calibers_, rules_);
  EXPECT_EQ(e.status, IndicatorStatus::kInsufficientData);
  EXPECT_THAT(e.status_reason, AllOf(HasSubstr("period over, but its data do not meet the validity "
                                               "rules"),
                                     HasSubstr("2026-12: 5 valid days"), HasSubstr("no verdict")));
  EXPECT_THAT(e.status_reason_zh,
              AllOf(HasSubstr("本期已结束，但数据不满足有效性要求（"),
                    HasSubstr("2026年12月有效天数5天，少于"), HasSubstr("不作判定")));

  Indicator good = GoodDays(78);
  std::vector<DistrictDay> bad_year;
  for (absl::CivilDay d(2026, 1, 1); d <= absl::CivilDay(2026, 12, 5); ++d) {
    bad_year.push_back(CleanDayWithPm(d, 150));  // every day 轻度 or worse
  }
  e = EvaluateAirQuality(good, absl::CivilDay(2026, 12, 5), bad_year, calibers_, rules_);
  EXPECT_EQ(e.status, IndicatorStatus::kOffTrack);
  EXPECT_THAT(e.required_remaining_text, HasSubstr("out of reach"));
  EXPECT_THAT(e.required_remaining_text, Not(HasSubstr("must be 优良")));
  EXPECT_THAT(e.required_remaining_text_zh, HasSubstr("已无法实现：即使剩余"));
  EXPECT_THAT(e.required_remaining_text_zh, Not(HasSubstr("须为优良")));
}

// While the year runs, the year-to-date PM2.5 keeps a decimal; the verdict at
// the end uses the standard's integer.
TEST_F(EvaluationTest, YearToDatePm25KeepsADecimal) {
  std::vector<DistrictDay> days;
  for (absl::CivilDay d(2026, 1, 1); d <= absl::CivilDay(2026, 1, 31); ++d) {
    days.push_back(CleanDayWithPm(d, d.day() <= 12 ? 28 : 27));  // mean 27.387…
  }
  const Evaluation e =
      EvaluateAirQuality(Pm25(27), absl::CivilDay(2026, 1, 31), days, calibers_, rules_);
  EXPECT_EQ(e.current_value, 27.4);
}

TEST_F(EvaluationTest, InsufficientDataWithFewDaysOrUnknownTarget) {
  std::vector<DistrictDay> days = {CleanDayWithPm(absl::CivilDay(2026, 3, 1), 20)};
  Evaluation e = EvaluateAirQuality(Pm25(27), absl::CivilDay(2026, 3, 1), days, calibers_, rules_);
  EXPECT_EQ(e.status, IndicatorStatus::kInsufficientData);
  Indicator unknown = Pm25(27);
  unknown.target_value.reset();
  unknown.target_text = "未知";
  for (absl::CivilDay d(2026, 3, 2); d <= absl::CivilDay(2026, 4, 30); ++d) {
    days.push_back(CleanDayWithPm(d, 20));
  }
  e = EvaluateAirQuality(unknown, absl::CivilDay(2026, 4, 30), days, calibers_, rules_);
  EXPECT_EQ(e.status, IndicatorStatus::kInsufficientData);
  EXPECT_THAT(e.status_reason, HasSubstr("target is unknown"));
  EXPECT_FALSE(e.required_remaining_value.has_value());
}

TEST_F(EvaluationTest, NoDayInThePeriodYetIsInsufficientDataNotUnevaluated) {
  // Readings exist, but all before the period (e.g. 2017 data, a 2026 target).
  std::vector<DistrictDay> days = {CleanDayWithPm(absl::CivilDay(2017, 1, 2), 300)};
  const Evaluation e =
      EvaluateAirQuality(Pm25(27), absl::CivilDay(2026, 4, 30), days, calibers_, rules_);
  EXPECT_EQ(e.status, IndicatorStatus::kInsufficientData);
  EXPECT_THAT(e.status_reason, HasSubstr("no valid day"));
  EXPECT_EQ(e.observed_days, 0);
  ASSERT_FALSE(e.calibers.empty());
  EXPECT_EQ(e.calibers[0].status, IndicatorStatus::kInsufficientData);
}

TEST_F(EvaluationTest, ReportedCumulativeAndLatestValues) {
  Indicator fleets;
  fleets.id = "a4-t1-c3";
  fleets.unit = "家";
  fleets.comparator = Comparator::kAtLeast;
  fleets.target_value = 3;
  fleets.period_start = absl::CivilDay(2026, 1, 1);
  fleets.period_end = absl::CivilDay(2026, 12, 31);
  fleets.aggregation = Aggregation::kCumulativeCount;
  fleets.source = SourceKind::kReported;
  Evaluation e = EvaluateReported(fleets, absl::CivilDay(2026, 6, 30),
                                  {{absl::CivilDay(2026, 4, 30), 1}}, rules_);
  EXPECT_EQ(e.current_value, 1);
  EXPECT_THAT(e.required_remaining_text, HasSubstr("2 家 more needed"));
  e = EvaluateReported(fleets, absl::CivilDay(2026, 6, 30),
                       {{absl::CivilDay(2026, 4, 30), 1}, {absl::CivilDay(2026, 5, 31), 2}},
                       rules_);
  EXPECT_EQ(e.status, IndicatorStatus::kAchieved);

  Indicator share = fleets;
  share.unit = "%";
  share.target_value = 30;
  share.aggregation = Aggregation::kLatestValue;
  e = EvaluateReported(share, absl::CivilDay(2026, 6, 30),
                       {{absl::CivilDay(2026, 4, 30), 35}, {absl::CivilDay(2026, 5, 31), 29}},
                       rules_);
  EXPECT_EQ(e.current_value, 29);
  EXPECT_EQ(e.status, IndicatorStatus::kAtRisk);
  EXPECT_EQ(e.projection_method, "latest value carried forward");
  e = EvaluateReported(share, absl::CivilDay(2026, 6, 30), {}, rules_);
  EXPECT_EQ(e.status, IndicatorStatus::kInsufficientData);
}

}  // namespace
}  // namespace ecoplan::indicator
