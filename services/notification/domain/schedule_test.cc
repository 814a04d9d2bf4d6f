#include "services/notification/domain/schedule.h"

#include <gtest/gtest.h>

namespace ecoplan::notification {
namespace {

using absl::CivilDay;

// Test data in the shape of a State Council notice: a week off from
// Thursday 2026-10-01, with make-up working days on the weekends around it.
std::map<int, HolidayYear> Holidays2026() {
  HolidayYear y;
  y.year = 2026;
  for (int d = 1; d <= 7; ++d) y.holidays.insert(CivilDay(2026, 10, d));
  y.make_up_workdays = {CivilDay(2026, 9, 27), CivilDay(2026, 10, 10)};
  return {{2026, y}};
}

TEST(ScheduleTest, DueDayIsTheDayOfMonthClampedToTheMonth) {
  const WorkingCalendar weekends;
  EXPECT_EQ(DueDay(2026, 5, DueRule{25, 0, 0}, weekends), CivilDay(2026, 5, 25));
  EXPECT_EQ(DueDay(2026, 2, DueRule{31, 0, 0}, weekends), CivilDay(2026, 2, 28));
}

TEST(ScheduleTest, NthWorkingDayOfTheNextMonth) {
  // 2026-06-01 is a Monday: the 2nd working day of June is the 2nd.
  EXPECT_EQ(DueDay(2026, 5, DueRule{0, 2, 1}, WorkingCalendar()), CivilDay(2026, 6, 2));
}

TEST(ScheduleTest, NthWorkingDaySkipsHolidaysAndCountsMakeUpDays) {
  const std::map<int, HolidayYear> years = Holidays2026();
  const WorkingCalendar days(&years);
  // Weekends only: Thu 10-01, Fri 10-02. With the holidays: Thu 10-08, Fri 10-09.
  EXPECT_EQ(DueDay(2026, 9, DueRule{0, 2, 1}, WorkingCalendar()), CivilDay(2026, 10, 2));
  EXPECT_EQ(DueDay(2026, 9, DueRule{0, 2, 1}, days), CivilDay(2026, 10, 9));
  // The make-up Saturday 10-10 is the 3rd.
  EXPECT_EQ(DueDay(2026, 9, DueRule{0, 3, 1}, days), CivilDay(2026, 10, 10));
  // Past the month's working days: its last working day (Thu 2026-12-31).
  EXPECT_EQ(DueDay(2026, 12, DueRule{0, 23, 0}, days), CivilDay(2026, 12, 31));
}

TEST(ScheduleTest, WorkingDaysSkipWeekendsHolidaysAndCountMakeUpDays) {
  const WorkingCalendar weekends;
  // Friday 2026-05-29 → Monday 2026-06-01: one working day.
  EXPECT_EQ(weekends.WorkingDaysBetween(CivilDay(2026, 5, 29), CivilDay(2026, 6, 1)), 1);
  EXPECT_EQ(weekends.WorkingDaysBetween(CivilDay(2026, 6, 1), CivilDay(2026, 6, 8)), 5);
  EXPECT_EQ(weekends.WorkingDaysBetween(CivilDay(2026, 6, 8), CivilDay(2026, 6, 1)), 0);
  const std::map<int, HolidayYear> years = Holidays2026();
  const WorkingCalendar days(&years);
  EXPECT_TRUE(days.HasYear(2026));
  EXPECT_FALSE(days.HasYear(2027));
  EXPECT_FALSE(days.IsWorkingDay(CivilDay(2026, 10, 1)));
  EXPECT_TRUE(days.IsWorkingDay(CivilDay(2026, 9, 27)));   // a Sunday, 调休上班
  EXPECT_FALSE(days.IsWorkingDay(CivilDay(2026, 9, 26)));  // an ordinary Saturday
  // Wed 09-30 → Fri 10-09: only Thu 10-08 and Fri 10-09.
  EXPECT_EQ(days.WorkingDaysBetween(CivilDay(2026, 9, 30), CivilDay(2026, 10, 9)), 2);
  EXPECT_EQ(weekends.WorkingDaysBetween(CivilDay(2026, 9, 30), CivilDay(2026, 10, 9)), 7);
  // Fri 09-25 → Mon 09-28: the make-up Sunday counts.
  EXPECT_EQ(days.WorkingDaysBetween(CivilDay(2026, 9, 25), CivilDay(2026, 9, 28)), 2);
}

TEST(ScheduleTest, PeriodsOfYearFollowTheCalendarAndSummariesUseTheirRule) {
  PlanView plan;
  plan.year = 2026;
  EXPECT_EQ(PeriodsOfYear(plan).size(), 12u);
  plan.quarterly_summaries = true;
  plan.annual_summary = true;
  plan.summary_due = DueRule{15, 0, 1};
  const std::vector<ReportPeriod> periods = PeriodsOfYear(plan);
  std::vector<std::string> names;
  for (const ReportPeriod& p : periods) names.push_back(p.ToString());
  ASSERT_EQ(names.size(), 17u);
  EXPECT_EQ(names[2], "2026-03");
  EXPECT_EQ(names[3], "2026-Q1");
  EXPECT_EQ(names[16], "2026");
  const WorkingCalendar days;
  EXPECT_EQ(DueDayOf(plan, periods[2], days), CivilDay(2026, 3, 25));
  EXPECT_EQ(DueDayOf(plan, periods[3], days), CivilDay(2026, 4, 15));
  EXPECT_EQ(DueDayOf(plan, periods[16], days), CivilDay(2027, 1, 15));
  EXPECT_STREQ(periods[3].ReportName(), "季度总结");
  EXPECT_STREQ(periods[16].ReportName(), "年度总结");
  // Without a summary rule, summaries follow the monthly one.
  plan.summary_due.reset();
  EXPECT_EQ(DueDayOf(plan, periods[3], days), CivilDay(2026, 3, 25));
  plan.half_year_summaries = true;
  ReportPeriod h2{ReportPeriod::Kind::kHalfYear, 2026, 2};
  EXPECT_EQ(h2.ToString(), "2026-H2");
  EXPECT_EQ(h2.FirstMonth(), absl::CivilMonth(2026, 7));
  EXPECT_EQ(PeriodsOfYear(plan).size(), 19u);
}

TEST(ScheduleTest, KeysNameRuleResourcePeriodAndRecipient) {
  EXPECT_EQ(ScheduleKey("r", "plans/p/reports/o_2026-05", "2026-05", "o"),
            "r|plans/p/reports/o_2026-05|2026-05|o");
}

}  // namespace
}  // namespace ecoplan::notification
