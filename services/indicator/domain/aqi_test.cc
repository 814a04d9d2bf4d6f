#include "services/indicator/domain/aqi.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "common/testing/status_matchers.h"

namespace ecoplan::indicator {
namespace {

// common/testing's EXPECT_STATUS_CODE names its parameter `code`, which also
// replaces the `.code()` call inside it; this one avoids the clash.
#define EXPECT_CODE(expr, expected_code) \
  EXPECT_EQ(::ecoplan::testing_internal::GetStatus(expr).code(), expected_code)

struct TableCases {
  AqiItem item;
  std::vector<std::pair<double, int>> concentration_to_iaqi;
};

// At, just below and just above every breakpoint (±1 µg/m³, ±0.1 mg/m³ for CO),
// plus a point a third into each segment. Expected IAQIs were computed with exact
// rational arithmetic and rounded up: e.g. PM2.5 24-h 36 under 2012 is
// 50 + (36 - 35) * 50 / 40 = 51.25 -> 52.
const std::vector<TableCases>& Cases2012() {
  static const auto* cases = new std::vector<TableCases>{
      // clang-format off
      {AqiItem::kSo224Hour,
       {{0, 0}, {1, 1}, {16.7, 17}, {49, 49}, {50, 50}, {51, 51}, {83.3, 67}, {149, 100},
        {150, 100}, {151, 101}, {258.3, 117}, {474, 150}, {475, 150}, {476, 151}, {583.3, 167},
        {799, 200}, {800, 200}, {801, 201}, {1066.7, 234}, {1599, 300}, {1600, 300}, {1601, 301},
        {1766.7, 334}, {2099, 400}, {2100, 400}, {2101, 401}, {2273.3, 434}, {2619, 500},
        {2620, 500}}},
      {AqiItem::kSo21Hour,
       {{0, 0}, {1, 1}, {50, 17}, {149, 50}, {150, 50}, {151, 51}, {266.7, 67}, {499, 100},
        {500, 100}, {501, 101}, {550, 117}, {649, 150}, {650, 150}, {651, 151}, {700, 167},
        {799, 200}, {800, 200}}},
      {AqiItem::kNo224Hour,
       {{0, 0}, {1, 2}, {13.3, 17}, {39, 49}, {40, 50}, {41, 52}, {53.3, 67}, {79, 99}, {80, 100},
        {81, 101}, {113.3, 117}, {179, 150}, {180, 150}, {181, 151}, {213.3, 167}, {279, 200},
        {280, 200}, {281, 201}, {375, 234}, {564, 300}, {565, 300}, {566, 301}, {626.7, 334},
        {749, 400}, {750, 400}, {751, 401}, {813.3, 434}, {939, 500}, {940, 500}}},
      {AqiItem::kNo21Hour,
       {{0, 0}, {1, 1}, {33.3, 17}, {99, 50}, {100, 50}, {101, 51}, {133.3, 67}, {199, 100},
        {200, 100}, {201, 101}, {366.7, 117}, {699, 150}, {700, 150}, {701, 151}, {866.7, 167},
        {1199, 200}, {1200, 200}, {1201, 201}, {1580, 234}, {2339, 300}, {2340, 300}, {2341, 301},
        {2590, 334}, {3089, 400}, {3090, 400}, {3091, 401}, {3340, 434}, {3839, 500}, {3840, 500}}},
      {AqiItem::kCo24Hour,
       {{0, 0}, {0.1, 3}, {0.7, 18}, {1.9, 48}, {2, 50}, {2.1, 53}, {2.7, 68}, {3.9, 98},
        {4, 100}, {4.1, 101}, {7.3, 117}, {13.9, 150}, {14, 150}, {14.1, 151}, {17.3, 167},
        {23.9, 200}, {24, 200}, {24.1, 201}, {28, 234}, {35.9, 300}, {36, 300}, {36.1, 301},
        {40, 334}, {47.9, 400}, {48, 400}, {48.1, 401}, {52, 434}, {59.9, 500}, {60, 500}}},
      {AqiItem::kCo1Hour,
       {{0, 0}, {0.1, 1}, {1.7, 17}, {4.9, 49}, {5, 50}, {5.1, 51}, {6.7, 67}, {9.9, 99},
        {10, 100}, {10.1, 101}, {18.3, 117}, {34.9, 150}, {35, 150}, {35.1, 151}, {43.3, 167},
        {59.9, 200}, {60, 200}, {60.1, 201}, {70, 234}, {89.9, 300}, {90, 300}, {90.1, 301},
        {100, 334}, {119.9, 400}, {120, 400}, {120.1, 401}, {130, 434}, {149.9, 500}, {150, 500}}},
      {AqiItem::kO31Hour,
       {{0, 0}, {1, 1}, {53.3, 17}, {159, 50}, {160, 50}, {161, 52}, {173.3, 67}, {199, 99},
        {200, 100}, {201, 101}, {233.3, 117}, {299, 150}, {300, 150}, {301, 151}, {333.3, 167},
        {399, 200}, {400, 200}, {401, 201}, {533.3, 234}, {799, 300}, {800, 300}, {801, 301},
        {866.7, 334}, {999, 400}, {1000, 400}, {1001, 401}, {1066.7, 434}, {1199, 500},
        {1200, 500}}},
      {AqiItem::kO38Hour,
       {{0, 0}, {1, 1}, {33.3, 17}, {99, 50}, {100, 50}, {101, 51}, {120, 67}, {159, 100},
        {160, 100}, {161, 101}, {178.3, 117}, {214, 150}, {215, 150}, {216, 151}, {231.7, 167},
        {264, 199}, {265, 200}, {266, 201}, {443.3, 234}, {799, 300}, {800, 300}}},
      {AqiItem::kPm1024Hour,
       {{0, 0}, {1, 1}, {16.7, 17}, {49, 49}, {50, 50}, {51, 51}, {83.3, 67}, {149, 100},
        {150, 100}, {151, 101}, {183.3, 117}, {249, 150}, {250, 150}, {251, 151}, {283.3, 167},
        {349, 200}, {350, 200}, {351, 202}, {373.3, 234}, {419, 299}, {420, 300}, {421, 302},
        {446.7, 334}, {499, 399}, {500, 400}, {501, 401}, {533.3, 434}, {599, 499}, {600, 500}}},
      {AqiItem::kPm2524Hour,
       {{0, 0}, {1, 2}, {11.7, 17}, {34, 49}, {35, 50}, {36, 52}, {48.3, 67}, {74, 99}, {75, 100},
        {76, 102}, {88.3, 117}, {114, 149}, {115, 150}, {116, 152}, {126.7, 167}, {149, 199},
        {150, 200}, {151, 201}, {183.3, 234}, {249, 299}, {250, 300}, {251, 301}, {283.3, 334},
        {349, 399}, {350, 400}, {351, 401}, {400, 434}, {499, 500}, {500, 500}}},
      // clang-format on
  };
  return *cases;
}

// Tables that HJ 633—2026 changed (PM2.5: 75 -> 60; PM10: 150 -> 120). E.g. PM2.5 75 is
// 100 + (75 - 60) * 50 / 55 = 113.6 -> 114 (it was exactly 100 under 2012).
const std::vector<TableCases>& Cases2026() {
  static const auto* cases = new std::vector<TableCases>{
      // clang-format off
      {AqiItem::kPm1024Hour,
       {{0, 0}, {1, 1}, {16.7, 17}, {49, 49}, {50, 50}, {51, 51}, {73.3, 67}, {119, 100},
        {120, 100}, {121, 101}, {163.3, 117}, {249, 150}, {250, 150}, {251, 151}, {283.3, 167},
        {349, 200}, {350, 200}, {351, 202}, {373.3, 234}, {419, 299}, {420, 300}, {421, 302},
        {446.7, 334}, {499, 399}, {500, 400}, {501, 401}, {533.3, 434}, {599, 499}, {600, 500}}},
      {AqiItem::kPm2524Hour,
       {{0, 0}, {1, 2}, {11.7, 17}, {34, 49}, {35, 50}, {36, 52}, {43.3, 67}, {59, 98}, {60, 100},
        {61, 101}, {78.3, 117}, {114, 150}, {115, 150}, {116, 152}, {126.7, 167}, {149, 199},
        {150, 200}, {151, 201}, {183.3, 234}, {249, 299}, {250, 300}, {251, 301}, {283.3, 334},
        {349, 399}, {350, 400}, {351, 401}, {400, 434}, {499, 500}, {500, 500}}},
      // clang-format on
  };
  return *cases;
}

void CheckCases(const AirQualityStandard& standard, const std::vector<TableCases>& cases) {
  for (const TableCases& table_cases : cases) {
    for (const auto& [concentration, expected] : table_cases.concentration_to_iaqi) {
      const IaqiResult r = ComputeIaqi(standard.table(table_cases.item), concentration);
      SCOPED_TRACE(::testing::Message() << standard.id << " " << AqiItemName(table_cases.item)
                                        << " at " << concentration);
      EXPECT_TRUE(r.has_iaqi);
      EXPECT_EQ(r.iaqi, expected);
      EXPECT_EQ(r.flag, IaqiFlag::kNone);
    }
  }
}

TEST(ComputeIaqiTest, EveryBreakpointOf2012) { CheckCases(Hj633Of2012(), Cases2012()); }

TEST(ComputeIaqiTest, ChangedBreakpointsOf2026) { CheckCases(Hj633Of2026(), Cases2026()); }

TEST(ComputeIaqiTest, UnchangedTablesGiveTheSameIaqiIn2026) {
  std::vector<TableCases> unchanged;
  for (const TableCases& c : Cases2012()) {
    if (c.item != AqiItem::kPm2524Hour && c.item != AqiItem::kPm1024Hour) unchanged.push_back(c);
  }
  CheckCases(Hj633Of2026(), unchanged);
}

TEST(ComputeIaqiTest, WorkedExamplesAcrossVersions) {
  const AirQualityStandard old_s = Hj633Of2012();
  const AirQualityStandard new_s = Hj633Of2026();
  EXPECT_EQ(ComputeIaqi(old_s.table(AqiItem::kPm2524Hour), 75).iaqi, 100);
  EXPECT_EQ(ComputeIaqi(new_s.table(AqiItem::kPm2524Hour), 75).iaqi, 114);
  EXPECT_EQ(ComputeIaqi(old_s.table(AqiItem::kPm2524Hour), 60).iaqi, 82);  // 50+25*50/40=81.25
  EXPECT_EQ(ComputeIaqi(new_s.table(AqiItem::kPm2524Hour), 60).iaqi, 100);
  EXPECT_EQ(ComputeIaqi(old_s.table(AqiItem::kPm1024Hour), 150).iaqi, 100);
  EXPECT_EQ(ComputeIaqi(new_s.table(AqiItem::kPm1024Hour), 150).iaqi, 112);  // 100+30*50/130
  EXPECT_EQ(ComputeIaqi(old_s.table(AqiItem::kPm1024Hour), 120).iaqi, 85);   // 50+70*50/100
  EXPECT_EQ(ComputeIaqi(new_s.table(AqiItem::kPm1024Hour), 120).iaqi, 100);
}

TEST(ComputeIaqiTest, ExactResultsAreNotRoundedUp) {
  const AirQualityStandard s = Hj633Of2012();
  // 50 + (55 - 35) * 50 / 40 = 75 exactly.
  EXPECT_EQ(ComputeIaqi(s.table(AqiItem::kPm2524Hour), 55).iaqi, 75);
  // 0 + 0.3 * 50 / 2 = 7.5 -> 8; 0.4 -> 10 exactly (0.4 is not exact in binary).
  EXPECT_EQ(ComputeIaqi(s.table(AqiItem::kCo24Hour), 0.3).iaqi, 8);
  EXPECT_EQ(ComputeIaqi(s.table(AqiItem::kCo24Hour), 0.4).iaqi, 10);
  EXPECT_EQ(ComputeIaqi(s.table(AqiItem::kCo24Hour), 2.2).iaqi, 55);
  // Just above an exact result rounds up.
  EXPECT_EQ(ComputeIaqi(s.table(AqiItem::kPm2524Hour), 55.01).iaqi, 76);
}

TEST(ComputeIaqiTest, AboveTheTopOfA500TableIsHeldAt500AndFlagged) {
  const AirQualityStandard s = Hj633Of2012();
  const IaqiResult r = ComputeIaqi(s.table(AqiItem::kPm2524Hour), 650);
  EXPECT_TRUE(r.has_iaqi);
  EXPECT_EQ(r.iaqi, 500);
  EXPECT_EQ(r.flag, IaqiFlag::kHeldAtTop);
  EXPECT_EQ(ComputeIaqi(s.table(AqiItem::kPm2524Hour), 500).flag, IaqiFlag::kNone);
  EXPECT_EQ(ComputeIaqi(s.table(AqiItem::kPm1024Hour), 600.5).iaqi, 500);
  EXPECT_EQ(ComputeIaqi(s.table(AqiItem::kCo24Hour), 60.1).iaqi, 500);
}

TEST(ComputeIaqiTest, So2OneHourAbove800) {
  const IaqiResult old_r = ComputeIaqi(Hj633Of2012().table(AqiItem::kSo21Hour), 801);
  EXPECT_FALSE(old_r.has_iaqi);
  EXPECT_EQ(old_r.flag, IaqiFlag::kNoIaqiAboveTable);
  const IaqiResult new_r = ComputeIaqi(Hj633Of2026().table(AqiItem::kSo21Hour), 801);
  EXPECT_TRUE(new_r.has_iaqi);
  EXPECT_EQ(new_r.iaqi, 200);
  EXPECT_EQ(new_r.flag, IaqiFlag::kHeldAtTop);
  EXPECT_EQ(ComputeIaqi(Hj633Of2026().table(AqiItem::kSo21Hour), 5000).iaqi, 200);
  EXPECT_EQ(ComputeIaqi(Hj633Of2012().table(AqiItem::kSo21Hour), 800).iaqi, 200);
}

TEST(ComputeIaqiTest, O3EightHourAbove800) {
  EXPECT_FALSE(ComputeIaqi(Hj633Of2012().table(AqiItem::kO38Hour), 801).has_iaqi);
  const IaqiResult r = ComputeIaqi(Hj633Of2026().table(AqiItem::kO38Hour), 801);
  EXPECT_EQ(r.iaqi, 300);
  EXPECT_EQ(r.flag, IaqiFlag::kHeldAtTop);
}

TEST(CategoryTest, Boundaries) {
  EXPECT_EQ(CategoryOf(0), AqiCategory::kExcellent);
  EXPECT_EQ(CategoryOf(50), AqiCategory::kExcellent);
  EXPECT_EQ(CategoryOf(51), AqiCategory::kGood);
  EXPECT_EQ(CategoryOf(100), AqiCategory::kGood);
  EXPECT_EQ(CategoryOf(101), AqiCategory::kLightlyPolluted);
  EXPECT_EQ(CategoryOf(150), AqiCategory::kLightlyPolluted);
  EXPECT_EQ(CategoryOf(151), AqiCategory::kModeratelyPolluted);
  EXPECT_EQ(CategoryOf(200), AqiCategory::kModeratelyPolluted);
  EXPECT_EQ(CategoryOf(201), AqiCategory::kHeavilyPolluted);
  EXPECT_EQ(CategoryOf(300), AqiCategory::kHeavilyPolluted);
  EXPECT_EQ(CategoryOf(301), AqiCategory::kSeverelyPolluted);
  EXPECT_EQ(CategoryOf(500), AqiCategory::kSeverelyPolluted);
  EXPECT_EQ(AqiCategoryName(AqiCategory::kHeavilyPolluted), "重度污染");
}

DailyStatistic Valid(double value) { return {Validity::kValid, value, 24}; }
DailyStatistic Missing() { return {Validity::kInsufficientData, 0, 3}; }

// A clean day: every IAQI well below the PM2.5 one unless a test changes it.
DailyValues CleanDay(double pm25) {
  DailyValues v;
  v[static_cast<int>(DailyItem::kSo2)] = Valid(5);    // IAQI 5
  v[static_cast<int>(DailyItem::kNo2)] = Valid(20);   // 25
  v[static_cast<int>(DailyItem::kCo)] = Valid(0.4);   // 10
  v[static_cast<int>(DailyItem::kPm10)] = Valid(30);  // 30
  v[static_cast<int>(DailyItem::kPm25)] = Valid(pm25);
  v[static_cast<int>(DailyItem::kO3Max1h)] = Valid(80);  // 25
  v[static_cast<int>(DailyItem::kO3Max8h)] = Valid(60);  // 30
  return v;
}

TEST(ComputeDailyAqiTest, AqiIsTheLargestIaqiAndRecordsTheVersion) {
  ASSERT_OK_AND_ASSIGN(DailyAqi a,
                       ComputeDailyAqi(Hj633Of2012(), absl::CivilDay(2026, 2, 28), CleanDay(75)));
  EXPECT_EQ(a.standard_id, "HJ 633-2012");
  EXPECT_TRUE(a.published());
  EXPECT_EQ(a.aqi, 100);
  EXPECT_EQ(a.category, AqiCategory::kGood);
  EXPECT_EQ(a.primary_items, DailyItemBit(DailyItem::kPm25));
  EXPECT_EQ(a.items[static_cast<int>(DailyItem::kNo2)].iaqi.iaqi, 25);
  EXPECT_TRUE(a.IsGoodDay());

  ASSERT_OK_AND_ASSIGN(DailyAqi b,
                       ComputeDailyAqi(Hj633Of2026(), absl::CivilDay(2026, 3, 1), CleanDay(75)));
  EXPECT_EQ(b.standard_id, "HJ 633—2026");
  EXPECT_EQ(b.aqi, 114);
  EXPECT_EQ(b.category, AqiCategory::kLightlyPolluted);
  EXPECT_FALSE(b.IsGoodDay());
}

TEST(ComputeDailyAqiTest, ChoosesTheVersionByDate) {
  const AirQualityStandards standards = AirQualityStandards::National();
  ASSERT_OK_AND_ASSIGN(DailyAqi feb28,
                       ComputeDailyAqi(standards, absl::CivilDay(2026, 2, 28), CleanDay(75)));
  ASSERT_OK_AND_ASSIGN(DailyAqi mar1,
                       ComputeDailyAqi(standards, absl::CivilDay(2026, 3, 1), CleanDay(75)));
  EXPECT_EQ(feb28.standard_id, "HJ 633-2012");
  EXPECT_EQ(feb28.aqi, 100);
  EXPECT_EQ(mar1.standard_id, "HJ 633—2026");
  EXPECT_EQ(mar1.aqi, 114);
  EXPECT_CODE(ComputeDailyAqi(standards, absl::CivilDay(2010, 1, 1), CleanDay(75)),
              absl::StatusCode::kNotFound);
}

TEST(ComputeDailyAqiTest, NoPrimaryPollutantAtOrBelow50) {
  ASSERT_OK_AND_ASSIGN(DailyAqi a,
                       ComputeDailyAqi(Hj633Of2012(), absl::CivilDay(2026, 1, 5), CleanDay(35)));
  EXPECT_EQ(a.aqi, 50);
  EXPECT_EQ(a.category, AqiCategory::kExcellent);
  EXPECT_EQ(a.primary_items, 0);
}

TEST(ComputeDailyAqiTest, TiedItemsAreAllPrimary) {
  DailyValues v = CleanDay(75);                        // PM2.5 IAQI 100 (2012)
  v[static_cast<int>(DailyItem::kPm10)] = Valid(150);  // PM10 IAQI 100
  ASSERT_OK_AND_ASSIGN(DailyAqi a, ComputeDailyAqi(Hj633Of2012(), absl::CivilDay(2026, 1, 5), v));
  EXPECT_EQ(a.aqi, 100);
  EXPECT_EQ(a.primary_items, DailyItemBit(DailyItem::kPm25) | DailyItemBit(DailyItem::kPm10));
}

TEST(ComputeDailyAqiTest, O3OneHourCountsOnlyIn2012) {
  DailyValues v = CleanDay(20);
  v[static_cast<int>(DailyItem::kO3Max1h)] = Valid(250);  // 1-h IAQI 125
  v[static_cast<int>(DailyItem::kO3Max8h)] = Valid(150);  // 8-h IAQI 92 (50+50*50/60=91.7)
  ASSERT_OK_AND_ASSIGN(DailyAqi old_a,
                       ComputeDailyAqi(Hj633Of2012(), absl::CivilDay(2026, 6, 1), v));
  EXPECT_EQ(old_a.aqi, 125);
  EXPECT_EQ(old_a.primary_items, DailyItemBit(DailyItem::kO3Max1h));
  ASSERT_OK_AND_ASSIGN(DailyAqi new_a,
                       ComputeDailyAqi(Hj633Of2026(), absl::CivilDay(2026, 6, 1), v));
  EXPECT_EQ(new_a.aqi, 92);
  EXPECT_FALSE(new_a.items[static_cast<int>(DailyItem::kO3Max1h)].in_aqi);
  EXPECT_EQ(new_a.primary_items, DailyItemBit(DailyItem::kO3Max8h));
}

TEST(ComputeDailyAqiTest, O3EightHourAbove800UsesTheOneHourIn2012And300In2026) {
  DailyValues v = CleanDay(20);
  v[static_cast<int>(DailyItem::kO3Max1h)] = Valid(900);  // 300 + 100*100/200 = 350
  v[static_cast<int>(DailyItem::kO3Max8h)] = Valid(850);
  ASSERT_OK_AND_ASSIGN(DailyAqi old_a,
                       ComputeDailyAqi(Hj633Of2012(), absl::CivilDay(2026, 6, 1), v));
  EXPECT_EQ(old_a.aqi, 350);
  EXPECT_EQ(old_a.items[static_cast<int>(DailyItem::kO3Max8h)].iaqi.flag,
            IaqiFlag::kNoIaqiAboveTable);
  EXPECT_EQ(old_a.primary_items, DailyItemBit(DailyItem::kO3Max1h));
  ASSERT_OK_AND_ASSIGN(DailyAqi new_a,
                       ComputeDailyAqi(Hj633Of2026(), absl::CivilDay(2026, 6, 1), v));
  EXPECT_EQ(new_a.aqi, 300);
  EXPECT_EQ(new_a.primary_items, DailyItemBit(DailyItem::kO3Max8h));
}

TEST(ComputeDailyAqiTest, Version2026RoundsConcentrationsHalfToEvenFirst) {
  // 2012 uses 35.4 as computed: 50 + 0.4 * 50 / 40 = 50.5 -> 51. 2026 rounds to 35 -> 50.
  ASSERT_OK_AND_ASSIGN(DailyAqi old_a,
                       ComputeDailyAqi(Hj633Of2012(), absl::CivilDay(2026, 2, 1), CleanDay(35.4)));
  ASSERT_OK_AND_ASSIGN(DailyAqi new_a,
                       ComputeDailyAqi(Hj633Of2026(), absl::CivilDay(2026, 3, 2), CleanDay(35.4)));
  EXPECT_EQ(old_a.aqi, 51);
  EXPECT_EQ(new_a.aqi, 50);
  EXPECT_EQ(new_a.items[static_cast<int>(DailyItem::kPm25)].concentration, 35);
  // Half to even: 34.5 -> 34 (IAQI 49), 35.5 -> 36 (50 + 1 * 50 / 40 = 51.25 -> 52).
  ASSERT_OK_AND_ASSIGN(DailyAqi low,
                       ComputeDailyAqi(Hj633Of2026(), absl::CivilDay(2026, 3, 2), CleanDay(34.5)));
  ASSERT_OK_AND_ASSIGN(DailyAqi high,
                       ComputeDailyAqi(Hj633Of2026(), absl::CivilDay(2026, 3, 2), CleanDay(35.5)));
  EXPECT_EQ(low.aqi, 49);
  EXPECT_EQ(high.aqi, 52);
  // CO to 0.1 mg/m³: 2.04 -> 2.0 (IAQI 50) under 2026; 2012: 50 + 0.04 * 25 = 51.
  DailyValues v = CleanDay(10);
  v[static_cast<int>(DailyItem::kCo)] = Valid(2.04);
  ASSERT_OK_AND_ASSIGN(DailyAqi co_old,
                       ComputeDailyAqi(Hj633Of2012(), absl::CivilDay(2026, 2, 1), v));
  ASSERT_OK_AND_ASSIGN(DailyAqi co_new,
                       ComputeDailyAqi(Hj633Of2026(), absl::CivilDay(2026, 3, 2), v));
  EXPECT_EQ(co_old.items[static_cast<int>(DailyItem::kCo)].iaqi.iaqi, 51);
  EXPECT_EQ(co_new.items[static_cast<int>(DailyItem::kCo)].iaqi.iaqi, 50);
  EXPECT_EQ(co_new.items[static_cast<int>(DailyItem::kCo)].concentration, 2.0);
}

TEST(ComputeDailyAqiTest, MissingItemIn2026PublishesOnlyAbove100) {
  DailyValues v = CleanDay(75);  // 2026: PM2.5 IAQI 114
  v[static_cast<int>(DailyItem::kNo2)] = Missing();
  ASSERT_OK_AND_ASSIGN(DailyAqi above,
                       ComputeDailyAqi(Hj633Of2026(), absl::CivilDay(2026, 3, 2), v));
  EXPECT_TRUE(above.published());
  EXPECT_EQ(above.aqi, 114);
  EXPECT_EQ(above.missing_items, DailyItemBit(DailyItem::kNo2));

  v[static_cast<int>(DailyItem::kPm25)] = Valid(60);  // IAQI exactly 100: not > 100
  ASSERT_OK_AND_ASSIGN(DailyAqi at100,
                       ComputeDailyAqi(Hj633Of2026(), absl::CivilDay(2026, 3, 2), v));
  EXPECT_EQ(at100.status, AqiStatus::kNotAvailable);
  EXPECT_FALSE(at100.IsGoodDay());
  EXPECT_FALSE(at100.IsHeavyPollutionDay());

  v[static_cast<int>(DailyItem::kPm25)] = Valid(61);  // 101
  ASSERT_OK_AND_ASSIGN(DailyAqi at101,
                       ComputeDailyAqi(Hj633Of2026(), absl::CivilDay(2026, 3, 2), v));
  EXPECT_TRUE(at101.published());
  EXPECT_EQ(at101.aqi, 101);
}

TEST(ComputeDailyAqiTest, O3OneHourMissingDoesNotMatterIn2026) {
  DailyValues v = CleanDay(20);
  v[static_cast<int>(DailyItem::kO3Max1h)] = Missing();
  ASSERT_OK_AND_ASSIGN(DailyAqi a, ComputeDailyAqi(Hj633Of2026(), absl::CivilDay(2026, 3, 2), v));
  EXPECT_TRUE(a.published());
  EXPECT_EQ(a.missing_items, 0);
}

TEST(ComputeDailyAqiTest, MissingItemIn2012GivesTheAqiOfTheOthersAndListsIt) {
  DailyValues v = CleanDay(20);  // PM2.5 IAQI 29
  v[static_cast<int>(DailyItem::kPm10)] = Missing();
  ASSERT_OK_AND_ASSIGN(DailyAqi a, ComputeDailyAqi(Hj633Of2012(), absl::CivilDay(2026, 2, 2), v));
  EXPECT_TRUE(a.published());
  EXPECT_EQ(a.aqi, 30);  // O3 8-h: 60 * 50 / 100
  EXPECT_EQ(a.missing_items, DailyItemBit(DailyItem::kPm10));
}

TEST(ComputeDailyAqiTest, NothingAvailableIsNotAvailable) {
  DailyValues v;
  ASSERT_OK_AND_ASSIGN(DailyAqi a, ComputeDailyAqi(Hj633Of2012(), absl::CivilDay(2026, 2, 2), v));
  EXPECT_EQ(a.status, AqiStatus::kNotAvailable);
  EXPECT_EQ(a.missing_items, 0x7F);
}

TEST(ComputeDailyAqiTest, HeavyPollutionAbove200) {
  // 2012 PM2.5 150 -> 200 (not heavy), 151 -> 201 (heavy).
  ASSERT_OK_AND_ASSIGN(DailyAqi at200,
                       ComputeDailyAqi(Hj633Of2012(), absl::CivilDay(2026, 1, 9), CleanDay(150)));
  ASSERT_OK_AND_ASSIGN(DailyAqi at201,
                       ComputeDailyAqi(Hj633Of2012(), absl::CivilDay(2026, 1, 9), CleanDay(151)));
  EXPECT_FALSE(at200.IsHeavyPollutionDay());
  EXPECT_TRUE(at201.IsHeavyPollutionDay());
  EXPECT_EQ(at201.category, AqiCategory::kHeavilyPolluted);
}

TEST(ComputeDailyAqiTest, RejectsNegativeUsableValues) {
  DailyValues v = CleanDay(-1);
  EXPECT_CODE(ComputeDailyAqi(Hj633Of2012(), absl::CivilDay(2026, 1, 9), v),
              absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ecoplan::indicator
