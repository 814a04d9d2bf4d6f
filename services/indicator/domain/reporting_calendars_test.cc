#include "services/indicator/domain/reporting_calendars.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ecoplan::indicator {
namespace {

using absl::CivilDay;
using absl::CivilMonth;
using ::testing::ElementsAre;

// National Day 2026: Oct 1..7 off, Sunday Sep 27 and Saturday Oct 10 worked.
common::HolidayYear NationalDay2026() {
  common::HolidayYear y;
  y.year = 2026;
  for (int d = 1; d <= 7; ++d) y.holidays.push_back(CivilDay(2026, 10, d));
  y.make_up_workdays = {CivilDay(2026, 9, 27), CivilDay(2026, 10, 10)};
  return y;
}

TEST(OwedMonthlyPeriodsTest, ReportsAreOwedFromTheIssueDateNotFromJanuary) {
  // Issued 2026-03-31, due the 25th of each month: as of June 30 the reports
  // of April, May and June are owed; January to March were due before the
  // plan existed.
  const common::CalendarRule calendar = common::DefaultCalendar(25);
  EXPECT_THAT(OwedMonthlyPeriods(calendar, 2026, common::WorkingDays(), CivilDay(2026, 3, 31),
                                 CivilDay(2026, 6, 30)),
              ElementsAre(CivilMonth(2026, 4), CivilMonth(2026, 5), CivilMonth(2026, 6)));
  // On the due day the period counts; the day before, not yet.
  EXPECT_THAT(OwedMonthlyPeriods(calendar, 2026, common::WorkingDays(), CivilDay(2026, 3, 31),
                                 CivilDay(2026, 6, 24)),
              ElementsAre(CivilMonth(2026, 4), CivilMonth(2026, 5)));
  // Without an issue date, every month of the plan year.
  EXPECT_EQ(
      OwedMonthlyPeriods(calendar, 2026, common::WorkingDays(), std::nullopt, CivilDay(2026, 6, 30))
          .size(),
      6u);
  // Only the plan year's periods: a plan of 2026 owes nothing for 2027.
  EXPECT_EQ(
      OwedMonthlyPeriods(calendar, 2026, common::WorkingDays(), std::nullopt, CivilDay(2027, 3, 1))
          .size(),
      12u);
}

TEST(OwedMonthlyPeriodsTest, SummariesAreNotCounted) {
  common::CalendarRule calendar = common::DefaultCalendar(25);
  calendar.quarterly_summaries = true;
  calendar.half_year_summaries = true;
  EXPECT_THAT(OwedMonthlyPeriods(calendar, 2026, common::WorkingDays(), CivilDay(2026, 3, 31),
                                 CivilDay(2026, 6, 30)),
              ElementsAre(CivilMonth(2026, 4), CivilMonth(2026, 5), CivilMonth(2026, 6)));
}

TEST(OwedMonthlyPeriodsTest, TheProgressCalendarsNthWorkingDayAndHolidaysDecideWhatIsDue) {
  ReportingCalendars calendars;
  const CivilDay issued(2026, 3, 31);
  const CivilDay as_of(2026, 10, 8);
  // The plan's default: the 25th of the same month, April..September.
  EXPECT_EQ(OwedMonthlyPeriods(calendars.CalendarOf("p", 25), 2026, calendars.Days(), issued, as_of)
                .size(),
            6u);
  // Overridden: the 2nd working day of the next month. March is now owed
  // (due Thu 2026-04-02, after the issue date) and, weekends only,
  // September too (due Fri 10-02).
  common::CalendarRule nth;
  nth.monthly_due = {common::DueRule::Kind::kNthWorkingDay, 2, 1};
  calendars.SetCalendar("p", nth);
  std::vector<CivilMonth> due =
      OwedMonthlyPeriods(calendars.CalendarOf("p", 25), 2026, calendars.Days(), issued, as_of);
  ASSERT_EQ(due.size(), 7u);
  EXPECT_EQ(due.front(), CivilMonth(2026, 3));
  EXPECT_EQ(due.back(), CivilMonth(2026, 9));
  // With the National Day holidays September is due Fri 10-09: not yet.
  calendars.SetHolidays(NationalDay2026());
  due = OwedMonthlyPeriods(calendars.CalendarOf("p", 25), 2026, calendars.Days(), issued, as_of);
  ASSERT_EQ(due.size(), 6u);
  EXPECT_EQ(due.front(), CivilMonth(2026, 3));
  EXPECT_EQ(due.back(), CivilMonth(2026, 8));
  // Another plan keeps its default.
  EXPECT_EQ(calendars.CalendarOf("other", 20).monthly_due,
            (common::DueRule{common::DueRule::Kind::kDayOfMonth, 20, 0}));
  EXPECT_FALSE(calendars.SetCalendarOf("other").has_value());
  ASSERT_TRUE(calendars.HolidaysOf(2026).has_value());
  EXPECT_EQ(calendars.HolidaysOf(2026)->make_up_workdays.size(), 2u);
}

}  // namespace
}  // namespace ecoplan::indicator
