#include "services/indicator/domain/air_quality_standard.h"

#include <gtest/gtest.h>

#include "common/testing/status_matchers.h"

namespace ecoplan::indicator {
namespace {

// common/testing's EXPECT_STATUS_CODE names its parameter `code`, which also
// replaces the `.code()` call inside it; this one avoids the clash.
#define EXPECT_CODE(expr, expected_code) \
  EXPECT_EQ(::ecoplan::testing_internal::GetStatus(expr).code(), expected_code)

const BreakpointTable& Table(const AirQualityStandard& s, AqiItem item) { return s.table(item); }

TEST(AirQualityStandardsTest, PicksTheVersionInForceOnEachDay) {
  const AirQualityStandards standards = AirQualityStandards::National();
  ASSERT_OK_AND_ASSIGN(const AirQualityStandard* feb28,
                       standards.ForDay(absl::CivilDay(2026, 2, 28)));
  ASSERT_OK_AND_ASSIGN(const AirQualityStandard* mar1,
                       standards.ForDay(absl::CivilDay(2026, 3, 1)));
  ASSERT_OK_AND_ASSIGN(const AirQualityStandard* jan1,
                       standards.ForDay(absl::CivilDay(2026, 1, 1)));
  ASSERT_OK_AND_ASSIGN(const AirQualityStandard* dec31,
                       standards.ForDay(absl::CivilDay(2026, 12, 31)));
  EXPECT_EQ(feb28->id, "HJ 633-2012");
  EXPECT_EQ(feb28->evaluation_standard, "HJ 663-2013");
  EXPECT_EQ(feb28->validity_standard, "GB 3095-2012");
  EXPECT_EQ(jan1->id, "HJ 633-2012");
  EXPECT_EQ(mar1->id, "HJ 633—2026");
  EXPECT_EQ(mar1->evaluation_standard, "HJ 663—2026");
  EXPECT_EQ(mar1->validity_standard, "GB 3095—2026");
  EXPECT_EQ(dec31->id, "HJ 633—2026");
}

TEST(AirQualityStandardsTest, NotFoundBeforeTheFirstVersion) {
  const AirQualityStandards standards = AirQualityStandards::National();
  EXPECT_CODE(standards.ForDay(absl::CivilDay(2012, 2, 28)), absl::StatusCode::kNotFound);
  EXPECT_OK(standards.ForDay(absl::CivilDay(2012, 2, 29)));
}

TEST(AirQualityStandardsTest, CreateOrdersVersionsByEffectiveDate) {
  ASSERT_OK_AND_ASSIGN(AirQualityStandards standards,
                       AirQualityStandards::Create({Hj633Of2026(), Hj633Of2012()}));
  ASSERT_EQ(standards.versions().size(), 2u);
  EXPECT_EQ(standards.versions()[0].id, "HJ 633-2012");
  ASSERT_OK_AND_ASSIGN(const AirQualityStandard* s, standards.ForDay(absl::CivilDay(2026, 2, 28)));
  EXPECT_EQ(s->id, "HJ 633-2012");
}

TEST(AirQualityStandardsTest, CreateRejectsBadData) {
  EXPECT_CODE(AirQualityStandards::Create({}), absl::StatusCode::kInvalidArgument);
  EXPECT_CODE(AirQualityStandards::Create({Hj633Of2012(), Hj633Of2012()}),
              absl::StatusCode::kInvalidArgument);

  AirQualityStandard same_day = Hj633Of2026();
  same_day.id = "other";
  same_day.effective_from = Hj633Of2012().effective_from;
  EXPECT_CODE(AirQualityStandards::Create({Hj633Of2012(), same_day}),
              absl::StatusCode::kInvalidArgument);

  AirQualityStandard not_increasing = Hj633Of2012();
  not_increasing.tables[static_cast<int>(AqiItem::kPm2524Hour)].concentrations[2] = 20;
  EXPECT_CODE(AirQualityStandards::Create({not_increasing}), absl::StatusCode::kInvalidArgument);

  AirQualityStandard too_short = Hj633Of2012();
  too_short.tables[static_cast<int>(AqiItem::kCo1Hour)].size = 1;
  EXPECT_CODE(AirQualityStandards::Create({too_short}), absl::StatusCode::kInvalidArgument);

  AirQualityStandard misplaced = Hj633Of2012();
  misplaced.tables[0] = misplaced.tables[1];
  EXPECT_CODE(AirQualityStandards::Create({misplaced}), absl::StatusCode::kInvalidArgument);
}

TEST(AirQualityStandardTest, Version2012HasTheHj633Of2012Tables) {
  const AirQualityStandard s = Hj633Of2012();
  const auto expect_table = [&](AqiItem item, std::vector<double> bp, AboveTopRule rule) {
    const BreakpointTable& t = Table(s, item);
    SCOPED_TRACE(std::string(AqiItemName(item)));
    ASSERT_EQ(t.size, static_cast<int>(bp.size()));
    for (int i = 0; i < t.size; ++i) {
      EXPECT_EQ(t.concentrations[i], bp[i]);
      EXPECT_EQ(t.iaqi[i], (std::vector<int>{0, 50, 100, 150, 200, 300, 400, 500})[i]);
    }
    EXPECT_EQ(t.above_top, rule);
  };
  const auto hold = AboveTopRule::kHoldTopIaqi;
  expect_table(AqiItem::kSo224Hour, {0, 50, 150, 475, 800, 1600, 2100, 2620}, hold);
  expect_table(AqiItem::kSo21Hour, {0, 150, 500, 650, 800}, AboveTopRule::kNoIaqi);
  expect_table(AqiItem::kNo224Hour, {0, 40, 80, 180, 280, 565, 750, 940}, hold);
  expect_table(AqiItem::kNo21Hour, {0, 100, 200, 700, 1200, 2340, 3090, 3840}, hold);
  expect_table(AqiItem::kCo24Hour, {0, 2, 4, 14, 24, 36, 48, 60}, hold);
  expect_table(AqiItem::kCo1Hour, {0, 5, 10, 35, 60, 90, 120, 150}, hold);
  expect_table(AqiItem::kO31Hour, {0, 160, 200, 300, 400, 800, 1000, 1200}, hold);
  expect_table(AqiItem::kO38Hour, {0, 100, 160, 215, 265, 800}, AboveTopRule::kNoIaqi);
  expect_table(AqiItem::kPm1024Hour, {0, 50, 150, 250, 350, 420, 500, 600}, hold);
  expect_table(AqiItem::kPm2524Hour, {0, 35, 75, 115, 150, 250, 350, 500}, hold);
  EXPECT_TRUE(Contains(s.daily_aqi_items, DailyItem::kO3Max1h));
  EXPECT_EQ(s.missing_item_rule, MissingItemRule::kAqiOfAvailableItems);
  for (int d : s.daily_concentration_decimals) EXPECT_EQ(d, -1);
}

TEST(AirQualityStandardTest, Version2026DiffersExactlyAsDesignTableSays) {
  const AirQualityStandard old_s = Hj633Of2012();
  const AirQualityStandard new_s = Hj633Of2026();
  for (int i = 0; i < kAqiItemCount; ++i) {
    const AqiItem item = AqiItem(i);
    const BreakpointTable& a = Table(old_s, item);
    const BreakpointTable& b = Table(new_s, item);
    SCOPED_TRACE(std::string(AqiItemName(item)));
    ASSERT_EQ(a.size, b.size);
    for (int k = 0; k < a.size; ++k) {
      const bool changed = (item == AqiItem::kPm2524Hour || item == AqiItem::kPm1024Hour) && k == 2;
      if (!changed) {
        EXPECT_EQ(a.concentrations[k], b.concentrations[k]) << k;
      }
      EXPECT_EQ(a.iaqi[k], b.iaqi[k]);
    }
  }
  EXPECT_EQ(Table(new_s, AqiItem::kPm2524Hour).concentrations[2], 60);
  EXPECT_EQ(Table(new_s, AqiItem::kPm1024Hour).concentrations[2], 120);
  EXPECT_EQ(Table(new_s, AqiItem::kSo21Hour).above_top, AboveTopRule::kHoldTopIaqi);
  EXPECT_EQ(Table(new_s, AqiItem::kO38Hour).above_top, AboveTopRule::kHoldTopIaqi);
  EXPECT_FALSE(Contains(new_s.daily_aqi_items, DailyItem::kO3Max1h));
  EXPECT_TRUE(Contains(new_s.daily_aqi_items, DailyItem::kO3Max8h));
  EXPECT_EQ(new_s.daily_concentration_decimals[static_cast<int>(DailyItem::kCo)], 1);
  EXPECT_EQ(new_s.daily_concentration_decimals[static_cast<int>(DailyItem::kPm25)], 0);
  EXPECT_EQ(new_s.missing_item_rule, MissingItemRule::kPublishOnlyAbove100);
  // Validity is unchanged in GB 3095—2026.
  EXPECT_EQ(new_s.validity.min_hours_for_daily_mean, 20);
  EXPECT_EQ(new_s.validity.min_days_for_annual, 324);
}

TEST(AirQualityStandardTest, NamesAndUnits) {
  EXPECT_EQ(StandardUnit(Pollutant::kCo), Unit::kMilligramsPerCubicMeter);
  EXPECT_EQ(StandardUnit(Pollutant::kPm25), Unit::kMicrogramsPerCubicMeter);
  EXPECT_EQ(PollutantName(Pollutant::kPm25), "PM2.5");
  EXPECT_EQ(DailyItemName(DailyItem::kO3Max8h), "O3_8h");
  EXPECT_EQ(AqiItemOf(DailyItem::kO3Max1h), AqiItem::kO31Hour);
  EXPECT_EQ(PollutantOf(DailyItem::kO3Max8h), Pollutant::kO3);
}

}  // namespace
}  // namespace ecoplan::indicator
