#include "services/indicator/domain/annual_statistics.h"

#include <gtest/gtest.h>

#include <vector>

#include "common/testing/status_matchers.h"

namespace ecoplan::indicator {
namespace {

// common/testing's EXPECT_STATUS_CODE names its parameter `code`, which also
// replaces the `.code()` call inside it; this one avoids the clash.
#define EXPECT_CODE(expr, expected_code) \
  EXPECT_EQ(::ecoplan::testing_internal::GetStatus(expr).code(), expected_code)

constexpr int kPm25 = static_cast<int>(DailyItem::kPm25);

DistrictDay Day(absl::CivilDay day, double pm25) {
  DistrictDay d{day, {}};
  for (DailyStatistic& s : d.values) s = {Validity::kValid, 10, 3};
  d.values[kPm25] = {Validity::kValid, pm25, 3};
  return d;
}

DailyAqi Aqi(absl::CivilDay day, int aqi, const char* standard = "HJ 633-2012") {
  DailyAqi a;
  a.day = day;
  a.standard_id = standard;
  a.status = AqiStatus::kPublished;
  a.aqi = aqi;
  a.category = CategoryOf(aqi);
  return a;
}

std::vector<DistrictDay> FullYear(int year, double pm25) {
  std::vector<DistrictDay> days;
  for (absl::CivilDay d(year, 1, 1); d.year() == year; ++d) days.push_back(Day(d, pm25));
  return days;
}

class AnnualStatisticsTest : public ::testing::Test {
 protected:
  const AirQualityStandards standards_ = AirQualityStandards::National();
};

TEST_F(AnnualStatisticsTest, AnnualMeanOfAFullYearIsValidAndRounded) {
  std::vector<DistrictDay> days = FullYear(2026, 30);
  days[0].values[kPm25].value = 30 + 365 * 0.5;  // mean becomes 30.5 exactly -> 30 (half even)
  ASSERT_OK_AND_ASSIGN(AnnualStatistics stats, ComputeAnnualStatistics(2026, days, {}, standards_));
  const AnnualStatistic* pm25 = stats.Find(DailyItem::kPm25, AnnualStatisticKind::kMean);
  ASSERT_NE(pm25, nullptr);
  EXPECT_EQ(pm25->validity.validity, Validity::kValid);
  EXPECT_EQ(pm25->validity.valid_days, 365);
  EXPECT_DOUBLE_EQ(pm25->unrounded, 30.5);
  EXPECT_EQ(pm25->value, 30);
  EXPECT_EQ(pm25->decimals, 0);
  EXPECT_EQ(stats.evaluation_standard, "HJ 663—2026");
  const AnnualStatistic* co = stats.Find(DailyItem::kCo, AnnualStatisticKind::kPercentile);
  ASSERT_NE(co, nullptr);
  EXPECT_EQ(co->percentile, 95);
  EXPECT_EQ(co->decimals, 1);
  ASSERT_NE(stats.Find(DailyItem::kO3Max8h, AnnualStatisticKind::kPercentile), nullptr);
}

// Keeps `keep` days of the year, removing days from months with spare days.
std::vector<DistrictDay> YearWithDays(int keep) {
  std::vector<DistrictDay> all = FullYear(2026, 30);
  std::vector<DistrictDay> out;
  int to_remove = 365 - keep;
  for (const DistrictDay& d : all) {
    // Remove from the end of months, keeping 27 days (25 in February) in each.
    const int keep_in_month = d.day.month() == 2 ? 25 : 27;
    if (to_remove > 0 && d.day.day() > keep_in_month) {
      --to_remove;
      continue;
    }
    out.push_back(d);
  }
  return out;
}

TEST_F(AnnualStatisticsTest, Needs324Days) {
  ASSERT_OK_AND_ASSIGN(AnnualStatistics ok,
                       ComputeAnnualStatistics(2026, YearWithDays(324), {}, standards_));
  EXPECT_EQ(ok.Find(DailyItem::kPm25, AnnualStatisticKind::kMean)->validity.validity,
            Validity::kValid);
  ASSERT_OK_AND_ASSIGN(AnnualStatistics short_year,
                       ComputeAnnualStatistics(2026, YearWithDays(323), {}, standards_));
  const AnnualStatistic* pm25 = short_year.Find(DailyItem::kPm25, AnnualStatisticKind::kMean);
  EXPECT_EQ(pm25->validity.validity, Validity::kInsufficientData);
  EXPECT_EQ(pm25->validity.valid_days, 323);
  EXPECT_EQ(pm25->validity.reason, "323 valid days < 324");
  EXPECT_EQ(pm25->value, 30);  // still reported, flagged
}

TEST_F(AnnualStatisticsTest, FebruaryNeeds25Days) {
  std::vector<DistrictDay> days = FullYear(2026, 30);
  // February 2026 has 28 days: invalidate 3 (-> 25, valid), then a 4th (-> 24).
  for (DistrictDay& d : days) {
    if (d.day.month() == 2 && d.day.day() <= 3)
      d.values[kPm25].validity = Validity::kInsufficientData;
  }
  ASSERT_OK_AND_ASSIGN(AnnualStatistics at25, ComputeAnnualStatistics(2026, days, {}, standards_));
  EXPECT_EQ(at25.Find(DailyItem::kPm25, AnnualStatisticKind::kMean)->validity.validity,
            Validity::kValid);
  for (DistrictDay& d : days) {
    if (d.day == absl::CivilDay(2026, 2, 4)) d.values[kPm25].validity = Validity::kInsufficientData;
  }
  ASSERT_OK_AND_ASSIGN(AnnualStatistics at24, ComputeAnnualStatistics(2026, days, {}, standards_));
  const AnnualStatistic* pm25 = at24.Find(DailyItem::kPm25, AnnualStatisticKind::kMean);
  EXPECT_EQ(pm25->validity.validity, Validity::kInsufficientData);
  EXPECT_EQ(pm25->validity.reason, "2026-02: 24 valid days < 25");
  // Another item is unaffected.
  EXPECT_EQ(at24.Find(DailyItem::kSo2, AnnualStatisticKind::kMean)->validity.validity,
            Validity::kValid);
}

TEST_F(AnnualStatisticsTest, IgnoresDaysOfOtherYearsAndRejectsDuplicates) {
  std::vector<DistrictDay> days = FullYear(2026, 30);
  days.push_back(Day(absl::CivilDay(2025, 12, 31), 900));
  ASSERT_OK_AND_ASSIGN(AnnualStatistics stats, ComputeAnnualStatistics(2026, days, {}, standards_));
  EXPECT_EQ(stats.Find(DailyItem::kPm25, AnnualStatisticKind::kMean)->value, 30);
  days.push_back(Day(absl::CivilDay(2026, 7, 1), 30));
  EXPECT_CODE(ComputeAnnualStatistics(2026, days, {}, standards_),
              absl::StatusCode::kInvalidArgument);
  std::vector<DailyAqi> aqis = {Aqi(absl::CivilDay(2026, 1, 1), 40),
                                Aqi(absl::CivilDay(2026, 1, 1), 40)};
  EXPECT_CODE(ComputeAnnualStatistics(2026, {}, aqis, standards_),
              absl::StatusCode::kInvalidArgument);
}

TEST_F(AnnualStatisticsTest, CountsGoodAndHeavyPollutionDaysAndTheRatio) {
  std::vector<DailyAqi> aqis;
  int i = 0;
  for (absl::CivilDay d(2026, 1, 1); d.year() == 2026; ++d, ++i) {
    // 300 good days (AQI 100 at the boundary counts), 60 lightly polluted,
    // 5 heavy (201 counts, 200 does not).
    int aqi = i < 300 ? 100 : (i < 359 ? 150 : (i == 359 ? 200 : 201));
    if (i == 360) aqi = 201;
    aqis.push_back(Aqi(d, aqi, d < absl::CivilDay(2026, 3, 1) ? "HJ 633-2012" : "HJ 633—2026"));
  }
  ASSERT_OK_AND_ASSIGN(AnnualStatistics stats, ComputeAnnualStatistics(2026, {}, aqis, standards_));
  EXPECT_EQ(stats.days_with_aqi, 365);
  EXPECT_EQ(stats.good_days, 300);
  EXPECT_EQ(stats.heavy_pollution_days, 5);
  // 300 / 365 = 82.191...% -> 82.2
  EXPECT_EQ(stats.good_day_ratio_percent, 82.2);
  EXPECT_EQ(stats.good_day_ratio_validity.validity, Validity::kValid);
  ASSERT_EQ(stats.days_by_standard.size(), 2u);
  EXPECT_EQ(stats.days_by_standard[0].first, "HJ 633-2012");
  EXPECT_EQ(stats.days_by_standard[0].second, 59);
  EXPECT_EQ(stats.days_by_standard[1].second, 306);
}

TEST_F(AnnualStatisticsTest, RatioRoundsHalfToEvenAndSkipsNaDays) {
  // 3 good of 8 valid = 37.5% exactly at 1 decimal: stays 37.5; 1 of 16 = 6.25 -> 6.2.
  std::vector<DailyAqi> aqis;
  for (int d = 1; d <= 16; ++d) aqis.push_back(Aqi(absl::CivilDay(2026, 4, d), d == 1 ? 50 : 120));
  DailyAqi na;
  na.day = absl::CivilDay(2026, 4, 20);
  na.standard_id = "HJ 633—2026";
  aqis.push_back(na);
  ASSERT_OK_AND_ASSIGN(AnnualStatistics stats, ComputeAnnualStatistics(2026, {}, aqis, standards_));
  EXPECT_EQ(stats.days_with_aqi, 16);
  EXPECT_EQ(stats.days_without_aqi, 1);
  EXPECT_EQ(stats.good_day_ratio_percent, 6.2);
  EXPECT_EQ(stats.good_day_ratio_validity.validity, Validity::kInsufficientData);
}

TEST(PercentileTest, FollowsHj663Interpolation) {
  std::vector<double> v = {5, 1, 4, 2, 3};
  // n = 5, p = 90: k = 1 + 4 * 0.9 = 4.6; X4 + (X5 - X4) * 0.6 = 4.6
  EXPECT_DOUBLE_EQ(Percentile(v, 90), 4.6);
  EXPECT_DOUBLE_EQ(Percentile(v, 100), 5);
  EXPECT_DOUBLE_EQ(Percentile(v, 0), 1);
  std::vector<double> one = {7};
  EXPECT_DOUBLE_EQ(Percentile(one, 95), 7);
  std::vector<double> none;
  EXPECT_EQ(Percentile(none, 95), 0);
}

}  // namespace
}  // namespace ecoplan::indicator
