#include "services/indicator/domain/daily_statistics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "common/testing/status_matchers.h"

namespace ecoplan::indicator {
namespace {

// common/testing's EXPECT_STATUS_CODE names its parameter `code`, which also
// replaces the `.code()` call inside it; this one avoids the clash.
#define EXPECT_CODE(expr, expected_code) \
  EXPECT_EQ(::ecoplan::testing_internal::GetStatus(expr).code(), expected_code)

constexpr int kPm25Item = static_cast<int>(DailyItem::kPm25);
constexpr int kCo = static_cast<int>(DailyItem::kCo);
constexpr int kO38h = static_cast<int>(DailyItem::kO3Max8h);

class ComputeStationDaysTest : public ::testing::Test {
 protected:
  // Adds `hours` hourly readings of `pollutant` from 00:00 of `day`.
  void AddDay(absl::string_view station, absl::CivilDay day, Pollutant pollutant, int hours,
              double value, Unit unit = Unit::kMicrogramsPerCubicMeter) {
    for (int h = 0; h < hours; ++h) {
      readings_.push_back({station, absl::CivilHour(day) + h, pollutant, value, unit});
    }
  }
  // A full day of all six pollutants at clean levels, PM2.5 as given.
  void AddCompleteDay(absl::string_view station, absl::CivilDay day, double pm25) {
    AddDay(station, day, Pollutant::kSo2, 24, 5);
    AddDay(station, day, Pollutant::kNo2, 24, 20);
    AddDay(station, day, Pollutant::kCo, 24, 0.4, Unit::kMilligramsPerCubicMeter);
    AddDay(station, day, Pollutant::kPm10, 24, 30);
    AddDay(station, day, Pollutant::kPm25, 24, pm25);
    AddDay(station, day, Pollutant::kO3, 24, 60);
  }

  const AirQualityStandards standards_ = AirQualityStandards::National();
  std::vector<HourlyReading> readings_;
};

TEST_F(ComputeStationDaysTest, ComputesEveryDailyItem) {
  AddCompleteDay("A", absl::CivilDay(2026, 5, 1), 42);
  ASSERT_OK_AND_ASSIGN(std::vector<StationDay> days, ComputeStationDays(readings_, standards_));
  ASSERT_EQ(days.size(), 1u);
  EXPECT_EQ(days[0].station_id, "A");
  EXPECT_EQ(days[0].day, absl::CivilDay(2026, 5, 1));
  for (const DailyStatistic& s : days[0].values) EXPECT_EQ(s.validity, Validity::kValid);
  EXPECT_EQ(days[0].values[kPm25Item].value, 42);
  EXPECT_DOUBLE_EQ(days[0].values[kCo].value, 0.4);
  EXPECT_EQ(days[0].values[kO38h].value, 60);
  EXPECT_EQ(days[0].values[kO38h].samples, 17);
}

TEST_F(ComputeStationDaysTest, NineteenHoursAreInsufficientTwentyAreValid) {
  AddDay("A", absl::CivilDay(2026, 5, 1), Pollutant::kPm25, 19, 40);
  AddDay("A", absl::CivilDay(2026, 5, 2), Pollutant::kPm25, 20, 40);
  ASSERT_OK_AND_ASSIGN(std::vector<StationDay> days, ComputeStationDays(readings_, standards_));
  ASSERT_EQ(days.size(), 2u);
  EXPECT_EQ(days[0].values[kPm25Item].validity, Validity::kInsufficientData);
  EXPECT_EQ(days[0].values[kPm25Item].samples, 19);
  EXPECT_EQ(days[1].values[kPm25Item].validity, Validity::kValid);
  // No SO2 reading at all: insufficient with 0 samples.
  EXPECT_EQ(days[1].values[static_cast<int>(DailyItem::kSo2)].samples, 0);
  EXPECT_FALSE(days[1].values[static_cast<int>(DailyItem::kSo2)].usable());
}

TEST_F(ComputeStationDaysTest, HourTwentyThreeBelongsToItsDay) {
  readings_.push_back(
      {"A", absl::CivilHour(2026, 5, 1, 23), Pollutant::kPm25, 10, Unit::kMicrogramsPerCubicMeter});
  readings_.push_back(
      {"A", absl::CivilHour(2026, 5, 2, 0), Pollutant::kPm25, 10, Unit::kMicrogramsPerCubicMeter});
  ASSERT_OK_AND_ASSIGN(std::vector<StationDay> days, ComputeStationDays(readings_, standards_));
  ASSERT_EQ(days.size(), 2u);
  EXPECT_EQ(days[0].values[kPm25Item].samples, 1);
  EXPECT_EQ(days[1].values[kPm25Item].samples, 1);
}

TEST_F(ComputeStationDaysTest, ConvertsUnits) {
  AddDay("A", absl::CivilDay(2026, 5, 1), Pollutant::kCo, 24, 800);  // µg/m³ -> 0.8 mg/m³
  AddDay("A", absl::CivilDay(2026, 5, 1), Pollutant::kPm25, 24, 0.035,
         Unit::kMilligramsPerCubicMeter);
  ASSERT_OK_AND_ASSIGN(std::vector<StationDay> days, ComputeStationDays(readings_, standards_));
  EXPECT_DOUBLE_EQ(days[0].values[kCo].value, 0.8);
  EXPECT_DOUBLE_EQ(days[0].values[kPm25Item].value, 35);
}

TEST_F(ComputeStationDaysTest, OrdersByStationThenDayWhateverTheInputOrder) {
  AddDay("B", absl::CivilDay(2026, 5, 2), Pollutant::kPm25, 24, 1);
  AddDay("A", absl::CivilDay(2026, 5, 2), Pollutant::kPm25, 24, 2);
  AddDay("B", absl::CivilDay(2026, 5, 1), Pollutant::kPm25, 24, 3);
  AddDay("A", absl::CivilDay(2026, 5, 1), Pollutant::kPm25, 24, 4);
  std::reverse(readings_.begin(), readings_.end());
  ASSERT_OK_AND_ASSIGN(std::vector<StationDay> days, ComputeStationDays(readings_, standards_));
  ASSERT_EQ(days.size(), 4u);
  EXPECT_EQ(days[0].station_id, "A");
  EXPECT_EQ(days[0].day, absl::CivilDay(2026, 5, 1));
  EXPECT_EQ(days[0].values[kPm25Item].value, 4);
  EXPECT_EQ(days[1].values[kPm25Item].value, 2);
  EXPECT_EQ(days[2].station_id, "B");
  EXPECT_EQ(days[3].values[kPm25Item].value, 1);
}

TEST_F(ComputeStationDaysTest, RejectsBadReadings) {
  AddDay("A", absl::CivilDay(2026, 5, 1), Pollutant::kPm25, 2, 10);
  std::vector<HourlyReading> duplicate = readings_;
  duplicate.push_back(duplicate[0]);
  EXPECT_CODE(ComputeStationDays(duplicate, standards_), absl::StatusCode::kInvalidArgument);

  std::vector<HourlyReading> negative = readings_;
  negative[1].value = -1;
  EXPECT_CODE(ComputeStationDays(negative, standards_), absl::StatusCode::kInvalidArgument);

  std::vector<HourlyReading> nan = readings_;
  nan[1].value = std::nan("");
  EXPECT_CODE(ComputeStationDays(nan, standards_), absl::StatusCode::kInvalidArgument);

  std::vector<HourlyReading> no_station = readings_;
  no_station[0].station_id = "";
  EXPECT_CODE(ComputeStationDays(no_station, standards_), absl::StatusCode::kInvalidArgument);

  std::vector<HourlyReading> too_early = readings_;
  too_early[0].hour = absl::CivilHour(2001, 1, 1, 0);
  EXPECT_CODE(ComputeStationDays(too_early, standards_), absl::StatusCode::kNotFound);
}

TEST_F(ComputeStationDaysTest, EmptyInputGivesNoDays) {
  ASSERT_OK_AND_ASSIGN(std::vector<StationDay> days, ComputeStationDays({}, standards_));
  EXPECT_TRUE(days.empty());
}

TEST(ComputeDistrictDaysTest, AveragesTheUsableStationValuesPerItem) {
  StationDay a{"A", absl::CivilDay(2026, 5, 1), "", {}};
  StationDay b{"B", absl::CivilDay(2026, 5, 1), "", {}};
  StationDay c{"C", absl::CivilDay(2026, 5, 1), "", {}};
  a.values[kPm25Item] = {Validity::kValid, 30, 24};
  b.values[kPm25Item] = {Validity::kValid, 41, 20};
  c.values[kPm25Item] = {Validity::kInsufficientData, 500, 3};  // ignored
  a.values[kO38h] = {Validity::kValidByExceedance, 170, 12};
  StationDay other_day{"A", absl::CivilDay(2026, 5, 2), "", {}};
  other_day.values[kPm25Item] = {Validity::kValid, 12, 24};

  // An area of three stations: two usable values are 2/3 of them, short of 75 %;
  // the mean is still given with the number of stations it had.
  const std::vector<DistrictDay> days = ComputeDistrictDays({other_day, c, b, a}, 3);
  ASSERT_EQ(days.size(), 2u);
  EXPECT_EQ(days[0].day, absl::CivilDay(2026, 5, 1));
  EXPECT_EQ(days[0].values[kPm25Item].validity, Validity::kInsufficientData);
  EXPECT_EQ(days[0].values[kPm25Item].value, 35.5);
  EXPECT_EQ(days[0].values[kPm25Item].samples, 2);
  EXPECT_EQ(days[0].values[kO38h].validity, Validity::kInsufficientData);
  EXPECT_EQ(days[0].values[kO38h].samples, 1);
  EXPECT_EQ(days[0].values[kCo].validity, Validity::kInsufficientData);
  EXPECT_EQ(days[0].values[kCo].samples, 0);
  EXPECT_EQ(days[1].values[kPm25Item].validity, Validity::kInsufficientData);  // A alone
  EXPECT_EQ(days[1].values[kPm25Item].value, 12);
}

TEST(ComputeDistrictDaysTest, AnAreaDayNeedsThreeQuartersOfItsStations) {
  std::vector<StationDay> stations;
  for (const char* id : {"S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8"}) {
    StationDay d{id, absl::CivilDay(2026, 5, 1), "", {}};
    d.values[kPm25Item] = {Validity::kValid, 40, 24};
    stations.push_back(d);
  }
  // 6 of 8 stations = 75 %: the area's value.
  std::vector<StationDay> six(stations.begin(), stations.begin() + 6);
  EXPECT_EQ(ComputeDistrictDays(six, 8)[0].values[kPm25Item].validity, Validity::kValid);
  // 5 of 8: not the area's.
  std::vector<StationDay> five(stations.begin(), stations.begin() + 5);
  const DistrictDay short_day = ComputeDistrictDays(five, 8)[0];
  EXPECT_EQ(short_day.values[kPm25Item].validity, Validity::kInsufficientData);
  EXPECT_EQ(short_day.values[kPm25Item].samples, 5);
  // A one-station town needs its station.
  EXPECT_EQ(ComputeDistrictDays({stations[0]}, 1)[0].values[kPm25Item].validity, Validity::kValid);
}

TEST_F(ComputeStationDaysTest, EndToEndDistrictAqiAcrossTheVersionChange) {
  // Two stations; the district mean of PM2.5 is 75 on both days.
  for (absl::CivilDay day : {absl::CivilDay(2026, 2, 28), absl::CivilDay(2026, 3, 1)}) {
    AddCompleteDay("S1", day, 70);
    AddCompleteDay("S2", day, 80);
  }
  ASSERT_OK_AND_ASSIGN(std::vector<StationDay> station_days,
                       ComputeStationDays(readings_, standards_));
  const std::vector<DistrictDay> district = ComputeDistrictDays(station_days, 2);
  ASSERT_OK_AND_ASSIGN(std::vector<DailyAqi> aqis, ComputeDailyAqis(district, standards_));
  ASSERT_EQ(aqis.size(), 2u);
  EXPECT_EQ(station_days[0].validity_standard, "GB 3095-2012");
  EXPECT_EQ(station_days[1].validity_standard, "GB 3095—2026");
  EXPECT_EQ(aqis[0].standard_id, "HJ 633-2012");
  EXPECT_EQ(aqis[0].aqi, 100);
  EXPECT_EQ(aqis[1].standard_id, "HJ 633—2026");
  EXPECT_EQ(aqis[1].aqi, 114);
}

TEST_F(ComputeStationDaysTest, HandlesAYearOfHourlyDataForSeveralStations) {
  // ~6 stations × 365 days × 24 h × 6 pollutants ≈ 315k readings.
  std::vector<std::string> ids = {"S1", "S2", "S3", "S4", "S5", "S6"};
  for (const std::string& id : ids) {
    for (absl::CivilDay d(2026, 1, 1); d.year() == 2026; ++d) {
      AddCompleteDay(id, d, 30 + (d.day() % 7));
    }
  }
  ASSERT_OK_AND_ASSIGN(std::vector<StationDay> station_days,
                       ComputeStationDays(readings_, standards_));
  EXPECT_EQ(station_days.size(), 6u * 365);
  const std::vector<DistrictDay> district = ComputeDistrictDays(station_days, 6);
  EXPECT_EQ(district.size(), 365u);
}

}  // namespace
}  // namespace ecoplan::indicator
