// The exclusion arithmetic of exceptional events (例外事件): which days a
// marked event sets apart, for a mean and for a count of days, and the
// evaluation given beside the official one.

#include "services/indicator/domain/exceptional_event.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/indicator/domain/district_day_testing.h"
#include "services/indicator/domain/plan_evaluation.h"

namespace ecoplan::indicator {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A district day with every AQI item; PM2.5 and PM10 at `pm`, the rest low.
ExceptionalEvent SandDust(std::string id, absl::CivilDay first, absl::CivilDay last) {
  ExceptionalEvent e;
  e.id = std::move(id);
  e.kind = ExceptionalEventKind::kSandDust;
  e.pollutants = {Pollutant::kPm10, Pollutant::kPm25};
  e.first_hour = absl::CivilHour(first.year(), first.month(), first.day(), 0);
  e.last_hour = absl::CivilHour(last.year(), last.month(), last.day(), 23);
  e.reason = "沙尘天气过程";
  e.basis.number = "京环发〔2026〕12号";
  return e;
}

const std::set<std::string> kArea = {"s1", "s2"};

TEST(ExceptionalEventTest, AMeanLosesTheMarkedDaysFromItsSumAndItsDays) {
  // Ten days of March at 30, two sand days (03-05, 03-06) at 300.
  std::vector<DistrictDay> days;
  for (int d = 1; d <= 10; ++d) days.push_back(CleanDayWithPm(absl::CivilDay(2026, 3, d), 30));
  days[4] = CleanDayWithPm(absl::CivilDay(2026, 3, 5), 300);
  days[5] = CleanDayWithPm(absl::CivilDay(2026, 3, 6), 300);
  const std::vector<ExceptionalEvent> events = {
      SandDust("ev-1", absl::CivilDay(2026, 3, 5), absl::CivilDay(2026, 3, 6))};
  ExceptionalExclusion x =
      ExcludeExceptionalDays(days, events, kArea, DailyItem::kPm25, absl::CivilDay(2026, 3, 1),
                             absl::CivilDay(2026, 3, 10));
  EXPECT_EQ(x.excluded_days, 2);
  EXPECT_THAT(x.event_ids, ElementsAre("ev-1"));
  int n_with = 0, n_without = 0;
  // With: (8 × 30 + 2 × 300) / 10 = 84; without: 30 over 8 days.
  EXPECT_DOUBLE_EQ(*MeanOver(days, DailyItem::kPm25, absl::CivilDay(2026, 3, 1),
                             absl::CivilDay(2026, 3, 10), &n_with),
                   84);
  EXPECT_DOUBLE_EQ(*MeanOver(x.days, DailyItem::kPm25, absl::CivilDay(2026, 3, 1),
                             absl::CivilDay(2026, 3, 10), &n_without),
                   30);
  EXPECT_EQ(n_with, 10);
  EXPECT_EQ(n_without, 8);
  // Only the marked pollutants: NO2 of the marked days still counts.
  int n_no2 = 0;
  MeanOver(x.days, DailyItem::kNo2, absl::CivilDay(2026, 3, 1), absl::CivilDay(2026, 3, 10),
           &n_no2);
  EXPECT_EQ(n_no2, 10);
}

TEST(ExceptionalEventTest, ACountOfDaysLeavesTheMarkedDaysOutOfItsDenominator) {
  std::vector<DistrictDay> days;
  for (int d = 1; d <= 10; ++d) days.push_back(CleanDayWithPm(absl::CivilDay(2026, 3, d), 30));
  days[4] = CleanDayWithPm(absl::CivilDay(2026, 3, 5), 300);
  const std::vector<ExceptionalEvent> events = {
      SandDust("ev-1", absl::CivilDay(2026, 3, 5), absl::CivilDay(2026, 3, 5))};
  ExceptionalExclusion x = ExcludeExceptionalDays(
      days, events, kArea, std::nullopt, absl::CivilDay(2026, 3, 1), absl::CivilDay(2026, 3, 10));
  EXPECT_EQ(x.excluded_days, 1);
  ASSERT_EQ(x.days.size(), 9u);
  for (const DistrictDay& d : x.days) EXPECT_NE(d.day, absl::CivilDay(2026, 3, 5));
}

TEST(ExceptionalEventTest, WithdrawnOtherPollutantOtherStationsAndOutsideTheRangeTouchNothing) {
  std::vector<DistrictDay> days = {CleanDayWithPm(absl::CivilDay(2026, 3, 5), 300)};
  ExceptionalEvent withdrawn =
      SandDust("w", absl::CivilDay(2026, 3, 5), absl::CivilDay(2026, 3, 5));
  withdrawn.state = ExceptionalEventState::kWithdrawn;
  ExceptionalEvent ozone = SandDust("o", absl::CivilDay(2026, 3, 5), absl::CivilDay(2026, 3, 5));
  ozone.pollutants = {Pollutant::kO3};
  ExceptionalEvent elsewhere =
      SandDust("x", absl::CivilDay(2026, 3, 5), absl::CivilDay(2026, 3, 5));
  elsewhere.stations = {"s9"};
  const std::vector<ExceptionalEvent> events = {withdrawn, ozone, elsewhere};
  ExceptionalExclusion x =
      ExcludeExceptionalDays(days, events, kArea, DailyItem::kPm25, absl::CivilDay(2026, 3, 1),
                             absl::CivilDay(2026, 3, 10));
  EXPECT_EQ(x.excluded_days, 0);
  EXPECT_TRUE(x.event_ids.empty());
  EXPECT_TRUE(x.days[0].values[static_cast<int>(DailyItem::kPm25)].usable());
  // A station of the area named: touches; an event outside [from, to]: not listed.
  elsewhere.stations = {"s9", "s2"};
  EXPECT_TRUE(TouchesDay(elsewhere, kArea, absl::CivilDay(2026, 3, 5), Pollutant::kPm25));
  ExceptionalExclusion later =
      ExcludeExceptionalDays(days, {elsewhere}, kArea, DailyItem::kPm25, absl::CivilDay(2026, 4, 1),
                             absl::CivilDay(2026, 4, 30));
  EXPECT_TRUE(later.event_ids.empty());
  EXPECT_EQ(later.excluded_days, 0);
}

TEST(ExceptionalEventTest, AnEventMarkedByHoursSetsApartTheWholeDaysOfThoseHours) {
  std::vector<DistrictDay> days = {CleanDayWithPm(absl::CivilDay(2026, 3, 4), 30),
                                   CleanDayWithPm(absl::CivilDay(2026, 3, 5), 300),
                                   CleanDayWithPm(absl::CivilDay(2026, 3, 6), 300),
                                   CleanDayWithPm(absl::CivilDay(2026, 3, 7), 30)};
  ExceptionalEvent e;
  e.id = "h";
  e.kind = ExceptionalEventKind::kSandDust;
  e.pollutants = {Pollutant::kPm10};
  e.by_hours = true;
  e.first_hour = absl::CivilHour(2026, 3, 5, 14);
  e.last_hour = absl::CivilHour(2026, 3, 6, 3);
  ExceptionalExclusion x = ExcludeExceptionalDays(
      days, {e}, kArea, DailyItem::kPm10, absl::CivilDay(2026, 3, 1), absl::CivilDay(2026, 3, 31));
  EXPECT_EQ(x.excluded_days, 2);
  EXPECT_TRUE(x.days[0].values[static_cast<int>(DailyItem::kPm10)].usable());
  EXPECT_FALSE(x.days[1].values[static_cast<int>(DailyItem::kPm10)].usable());
  EXPECT_FALSE(x.days[2].values[static_cast<int>(DailyItem::kPm10)].usable());
  EXPECT_TRUE(x.days[3].values[static_cast<int>(DailyItem::kPm10)].usable());
}

TEST(ExceptionalEventTest, ValidationNamesTheField) {
  Station s1;
  s1.id = "s1";
  const std::map<std::string, Station> stations = {{"s1", s1}};
  ExceptionalEvent ok = SandDust("e", absl::CivilDay(2026, 3, 5), absl::CivilDay(2026, 3, 6));
  EXPECT_TRUE(ValidateExceptionalEvent(ok, stations).ok());
  auto message = [&](ExceptionalEvent e) {
    return std::string(ValidateExceptionalEvent(e, stations).message());
  };
  ExceptionalEvent e = ok;
  e.last_hour = absl::CivilHour(2026, 3, 4, 23);
  EXPECT_THAT(message(e), HasSubstr("exceptional_event.last_day"));
  e = ok;
  e.stations = {"nowhere"};
  EXPECT_THAT(message(e), HasSubstr("exceptional_event.stations"));
  e = ok;
  e.pollutants.clear();
  EXPECT_THAT(message(e), HasSubstr("exceptional_event.pollutants"));
  e = ok;
  e.reason.clear();
  EXPECT_THAT(message(e), HasSubstr("exceptional_event.reason"));
  e = ok;
  e.kind = ExceptionalEventKind::kOther;
  EXPECT_THAT(message(e), HasSubstr("exceptional_event.description"));
  e = ok;
  e.basis = {};
  EXPECT_THAT(message(e), HasSubstr("exceptional_event.basis"));
}

// The evaluation of the PM2.5 mean and the 优良 ratio with and without a sand
// day, the figures computed here from the fixture.
TEST(ExceptionalEventTest, EvaluateOneGivesBothFiguresOnlyWhenAnEventTouchesThePeriod) {
  const AirQualityStandards national = AirQualityStandards::National();
  ObservationBook book(&national);
  Station s1;
  s1.id = "s1";
  book.SetStations({s1});
  Calibers calibers;
  calibers.in_force = &national;
  // 20 days of January at 20 µg/m³ (优), day 10 a sand day at 400 (严重污染).
  std::vector<ReadingWrite> writes;
  for (int d = 1; d <= 20; ++d) {
    for (int h = 0; h < 24; ++h) {
      const absl::CivilHour hour(2026, 1, d, h);
      const double pm = d == 10 ? 400 : 20;
      writes.push_back({"s1", Pollutant::kPm25, hour, pm, std::nullopt});
      writes.push_back({"s1", Pollutant::kPm10, hour, pm, std::nullopt});
      writes.push_back({"s1", Pollutant::kSo2, hour, 5, std::nullopt});
      writes.push_back({"s1", Pollutant::kNo2, hour, 20, std::nullopt});
      writes.push_back({"s1", Pollutant::kCo, hour, 0.5, std::nullopt});
      writes.push_back({"s1", Pollutant::kO3, hour, 60, std::nullopt});
    }
  }
  ASSERT_TRUE(book.Apply(writes).ok());
  Indicator pm25;
  pm25.id = "pm25";
  pm25.comparator = Comparator::kAtMost;
  pm25.target_value = 27;
  pm25.period_start = absl::CivilDay(2026, 1, 1);
  pm25.period_end = absl::CivilDay(2026, 12, 31);
  pm25.aggregation = Aggregation::kMeanOfDaily;
  pm25.source = SourceKind::kAirQuality;
  pm25.air_quality_item = AirQualityItem::kPm25;
  Indicator good = pm25;
  good.id = "good";
  good.comparator = Comparator::kAtLeast;
  good.target_value = 78;
  good.aggregation = Aggregation::kRatioOfQualifyingDays;
  good.air_quality_item = AirQualityItem::kAqi;

  std::vector<ExceptionalEvent> events;
  PlanEvaluationInput input;
  input.book = &book;
  input.calibers = &calibers;
  input.exceptional_events = &events;
  const absl::CivilDay as_of(2026, 1, 20);
  // No event: no second figure.
  EXPECT_FALSE(
      EvaluateOne(pm25, as_of, input, EvaluationRules()).excluding_exceptional_events.has_value());

  events.push_back(SandDust("ev-1", absl::CivilDay(2026, 1, 10), absl::CivilDay(2026, 1, 10)));
  const Evaluation mean = EvaluateOne(pm25, as_of, input, EvaluationRules());
  // With: (19 × 20 + 400) / 20 = 39; without: 20 over 19 days.
  EXPECT_EQ(mean.current_value, 39);
  EXPECT_EQ(mean.observed_days, 20);
  ASSERT_TRUE(mean.excluding_exceptional_events.has_value());
  EXPECT_EQ(mean.excluding_exceptional_events->current_value, 20);
  EXPECT_EQ(mean.excluding_exceptional_events->observed_days, 19);
  EXPECT_EQ(mean.excluding_exceptional_events->excluded_days, 1);
  EXPECT_THAT(mean.excluding_exceptional_events->event_ids, ElementsAre("ev-1"));

  const Evaluation ratio = EvaluateOne(good, as_of, input, EvaluationRules());
  // With: 19 of 20 days 优良 = 95 %; without: 19 of 19 = 100 %.
  EXPECT_EQ(ratio.current_value, 95);
  ASSERT_TRUE(ratio.excluding_exceptional_events.has_value());
  EXPECT_EQ(ratio.excluding_exceptional_events->current_value, 100);
  EXPECT_EQ(ratio.excluding_exceptional_events->observed_days, 19);
  EXPECT_EQ(ratio.excluding_exceptional_events->excluded_days, 1);

  // Withdrawn: the second figure is gone.
  events[0].state = ExceptionalEventState::kWithdrawn;
  EXPECT_FALSE(
      EvaluateOne(pm25, as_of, input, EvaluationRules()).excluding_exceptional_events.has_value());
}

}  // namespace
}  // namespace ecoplan::indicator
