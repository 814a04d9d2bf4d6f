#include "common/calendar/reporting_calendar.h"

#include <gtest/gtest.h>

#include "common/testing/status_matchers.h"

namespace ecoplan::common {
namespace {

absl::TimeZone Shanghai() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &zone));
  return zone;
}

TEST(PeriodTest, ParsesEveryFormAndPrintsItCanonically) {
  ASSERT_OK_AND_ASSIGN(Period month, ParsePeriod("2026-05", "period"));
  EXPECT_EQ(month.kind, Period::Kind::kMonth);
  EXPECT_EQ(month.ToString(), "2026-05");
  ASSERT_OK_AND_ASSIGN(Period quarter, ParsePeriod("2026-q2", "period"));
  EXPECT_EQ(quarter.ToString(), "2026-Q2");
  EXPECT_EQ(quarter.LastMonth(), absl::CivilMonth(2026, 6));
  ASSERT_OK_AND_ASSIGN(Period half, ParsePeriod("2026-H2", "period"));
  EXPECT_EQ(half.FirstMonth(), absl::CivilMonth(2026, 7));
  ASSERT_OK_AND_ASSIGN(Period year, ParsePeriod("2026", "period"));
  EXPECT_EQ(year.kind, Period::Kind::kYear);
  EXPECT_EQ(year.LastMonth(), absl::CivilMonth(2026, 12));
}

TEST(PeriodTest, RejectsMalformedPeriodsNamingTheField) {
  for (const char* bad : {"", "2026-13", "2026-00", "2026-Q5", "2026-H3", "26-05", "2026/05",
                          "2026-5", "2026-05-01", "abcd", "1999"}) {
    absl::StatusOr<Period> p = ParsePeriod(bad, "period");
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(p.status().message().find("period"), absl::string_view::npos) << bad;
  }
}

TEST(ReportingCalendarTest, The25thEndsAtMidnightShanghaiTime) {
  const CalendarRule rule = DefaultCalendar(25);
  const PeriodDueDay due = DueOf(rule, {Period::Kind::kMonth, 2026, 5}, WorkingDays(), Shanghai());
  EXPECT_EQ(due.due_day, absl::CivilDay(2026, 5, 25));
  // 2026-05-26 00:00 +08:00 = 2026-05-25 16:00 UTC.
  EXPECT_EQ(due.due_time,
            absl::FromCivil(absl::CivilSecond(2026, 5, 25, 16, 0, 0), absl::UTCTimeZone()));
}

TEST(ReportingCalendarTest, DayOfMonthIsClampedToTheMonthsLastDay) {
  CalendarRule rule = DefaultCalendar(31);
  const PeriodDueDay due = DueOf(rule, {Period::Kind::kMonth, 2026, 2}, WorkingDays(), Shanghai());
  EXPECT_EQ(due.due_day, absl::CivilDay(2026, 2, 28));
}

TEST(ReportingCalendarTest, NthWorkingDaySkipsWeekendsAndHolidaysAndCountsMakeUpDays) {
  CalendarRule rule;
  rule.monthly_due = {DueRule::Kind::kNthWorkingDay, 2, 1};  // 2nd working day of the next month
  // June 2026 starts on a Monday: the 2nd working day is June 2.
  PeriodDueDay due = DueOf(rule, {Period::Kind::kMonth, 2026, 5}, WorkingDays(), Shanghai());
  EXPECT_EQ(due.due_day, absl::CivilDay(2026, 6, 2));
  EXPECT_FALSE(due.holidays_known);

  // National Day: Oct 1..8 off, Saturday Oct 10 worked (调休).
  HolidayYear y2026;
  y2026.year = 2026;
  for (int d = 1; d <= 8; ++d) y2026.holidays.push_back(absl::CivilDay(2026, 10, d));
  y2026.make_up_workdays.push_back(absl::CivilDay(2026, 10, 10));
  ASSERT_OK(ValidateHolidayYear(y2026));
  const WorkingDays days({y2026});
  due = DueOf(rule, {Period::Kind::kMonth, 2026, 9}, days, Shanghai());
  EXPECT_EQ(due.due_day, absl::CivilDay(2026, 10, 10));  // Oct 9 (Fri) is the 1st
  EXPECT_TRUE(due.holidays_known);
}

TEST(ReportingCalendarTest, SummariesAreListedOnlyWhenAskedFor) {
  CalendarRule rule = DefaultCalendar(25);
  EXPECT_EQ(DuesOfYear(rule, 2026, WorkingDays(), Shanghai()).size(), 12u);
  rule.quarterly_summaries = true;
  rule.half_year_summaries = true;
  rule.annual_summary = true;
  rule.summary_due = DueRule{DueRule::Kind::kDayOfMonth, 5, 1};
  const std::vector<PeriodDueDay> dues = DuesOfYear(rule, 2026, WorkingDays(), Shanghai());
  ASSERT_EQ(dues.size(), 19u);
  // Period order: 2026-03, then 2026-Q1 (due April 5).
  EXPECT_EQ(dues[2].period.ToString(), "2026-03");
  EXPECT_EQ(dues[3].period.ToString(), "2026-Q1");
  EXPECT_EQ(dues[3].due_day, absl::CivilDay(2026, 4, 5));
  EXPECT_EQ(dues.back().period.ToString(), "2026");
  EXPECT_EQ(dues.back().due_day, absl::CivilDay(2027, 1, 5));
}

TEST(PeriodTest, NamesTheReportOfEachKind) {
  EXPECT_STREQ((Period{Period::Kind::kMonth, 2026, 5}).ReportName(), "月报");
  EXPECT_STREQ((Period{Period::Kind::kQuarter, 2026, 1}).ReportName(), "季度总结");
  EXPECT_STREQ((Period{Period::Kind::kHalfYear, 2026, 2}).ReportName(), "半年总结");
  EXPECT_STREQ((Period{Period::Kind::kYear, 2026, 1}).ReportName(), "年度总结");
  const Period h2{Period::Kind::kHalfYear, 2026, 2};
  EXPECT_EQ(h2.ToString(), "2026-H2");
  EXPECT_EQ(h2.FirstMonth(), absl::CivilMonth(2026, 7));
  EXPECT_EQ(h2.LastMonth(), absl::CivilMonth(2026, 12));
}

// Test data in the shape of a State Council notice: a week off from
// Thursday 2026-10-01, with make-up working days on the weekends around it.
HolidayYear NationalDay2026() {
  HolidayYear y;
  y.year = 2026;
  for (int d = 1; d <= 7; ++d) y.holidays.push_back(absl::CivilDay(2026, 10, d));
  y.make_up_workdays = {absl::CivilDay(2026, 9, 27), absl::CivilDay(2026, 10, 10)};
  return y;
}

Period Month(int year, int month) { return {Period::Kind::kMonth, year, month}; }

TEST(ReportingCalendarTest, NthWorkingDayCountsMakeUpDaysAndFallsBackToTheLastWorkingDay) {
  ASSERT_OK(ValidateHolidayYear(NationalDay2026()));
  const WorkingDays days({NationalDay2026()});
  CalendarRule rule;
  // Weekends only: Thu 10-01, Fri 10-02. With the holidays: Thu 10-08, Fri 10-09.
  rule.monthly_due = {DueRule::Kind::kNthWorkingDay, 2, 1};
  EXPECT_EQ(DueOf(rule, Month(2026, 9), WorkingDays(), Shanghai()).due_day,
            absl::CivilDay(2026, 10, 2));
  EXPECT_EQ(DueOf(rule, Month(2026, 9), days, Shanghai()).due_day, absl::CivilDay(2026, 10, 9));
  // The make-up Saturday 10-10 is the 3rd.
  rule.monthly_due = {DueRule::Kind::kNthWorkingDay, 3, 1};
  EXPECT_EQ(DueOf(rule, Month(2026, 9), days, Shanghai()).due_day, absl::CivilDay(2026, 10, 10));
  // Past the month's working days: its last working day (Thu 2026-12-31).
  rule.monthly_due = {DueRule::Kind::kNthWorkingDay, 23, 0};
  EXPECT_EQ(DueOf(rule, Month(2026, 12), days, Shanghai()).due_day, absl::CivilDay(2026, 12, 31));
}

TEST(WorkingDaysTest, SkipWeekendsAndHolidaysAndCountMakeUpDays) {
  const WorkingDays weekends;
  // Friday 2026-05-29 → Monday 2026-06-01: one working day.
  EXPECT_EQ(weekends.WorkingDaysBetween(absl::CivilDay(2026, 5, 29), absl::CivilDay(2026, 6, 1)),
            1);
  EXPECT_EQ(weekends.WorkingDaysBetween(absl::CivilDay(2026, 6, 1), absl::CivilDay(2026, 6, 8)), 5);
  EXPECT_EQ(weekends.WorkingDaysBetween(absl::CivilDay(2026, 6, 8), absl::CivilDay(2026, 6, 1)), 0);
  const WorkingDays days({NationalDay2026()});
  EXPECT_TRUE(days.HasYear(2026));
  EXPECT_FALSE(days.HasYear(2027));
  EXPECT_FALSE(days.IsWorkingDay(absl::CivilDay(2026, 10, 1)));
  EXPECT_TRUE(days.IsWorkingDay(absl::CivilDay(2026, 9, 27)));   // a Sunday, 调休上班
  EXPECT_FALSE(days.IsWorkingDay(absl::CivilDay(2026, 9, 26)));  // an ordinary Saturday
  // Wed 09-30 → Fri 10-09: only Thu 10-08 and Fri 10-09.
  EXPECT_EQ(days.WorkingDaysBetween(absl::CivilDay(2026, 9, 30), absl::CivilDay(2026, 10, 9)), 2);
  EXPECT_EQ(weekends.WorkingDaysBetween(absl::CivilDay(2026, 9, 30), absl::CivilDay(2026, 10, 9)),
            7);
  // Fri 09-25 → Mon 09-28: the make-up Sunday counts.
  EXPECT_EQ(days.WorkingDaysBetween(absl::CivilDay(2026, 9, 25), absl::CivilDay(2026, 9, 28)), 2);
}

TEST(WorkingDaysTest, AddWorkingDaysSkipsWeekendsAndHolidays) {
  const WorkingDays weekends;
  // Thursday 2026-05-28 + 2 working days: Friday, then Monday 06-01.
  EXPECT_EQ(weekends.AddWorkingDays(absl::CivilDay(2026, 5, 28), 2), absl::CivilDay(2026, 6, 1));
  EXPECT_EQ(weekends.AddWorkingDays(absl::CivilDay(2026, 5, 28), 0), absl::CivilDay(2026, 5, 28));
  const WorkingDays days({NationalDay2026()});
  // Wed 09-30 + 2: the holidays 10-01..10-07 pass, Thu 10-08 and Fri 10-09.
  EXPECT_EQ(days.AddWorkingDays(absl::CivilDay(2026, 9, 30), 2), absl::CivilDay(2026, 10, 9));
  // Fri 09-25 + 1: the make-up Sunday 09-27.
  EXPECT_EQ(days.AddWorkingDays(absl::CivilDay(2026, 9, 25), 1), absl::CivilDay(2026, 9, 27));
  EXPECT_EQ(days.WorkingDaysBetween(absl::CivilDay(2026, 9, 1),
                                    days.AddWorkingDays(absl::CivilDay(2026, 9, 1), 30)),
            30);
}

TEST(ReportingCalendarTest, SummariesWithoutTheirOwnRuleFollowTheMonthlyOne) {
  CalendarRule rule = DefaultCalendar(25);
  rule.quarterly_summaries = true;
  const PeriodDueDay q1 = DueOf(rule, {Period::Kind::kQuarter, 2026, 1}, WorkingDays(), Shanghai());
  EXPECT_EQ(q1.due_day, absl::CivilDay(2026, 3, 25));
  EXPECT_TRUE(CalendarAsksFor(rule, Period::Kind::kQuarter));
  EXPECT_FALSE(CalendarAsksFor(rule, Period::Kind::kHalfYear));
  EXPECT_FALSE(CalendarAsksFor(rule, Period::Kind::kYear));
  EXPECT_TRUE(CalendarAsksFor(rule, Period::Kind::kMonth));
  // A default calendar of a plan without a usable due day: the 25th.
  EXPECT_EQ(DefaultCalendar(0).monthly_due, (DueRule{DueRule::Kind::kDayOfMonth, 25, 0}));
  EXPECT_EQ(DefaultCalendar(10).monthly_due, (DueRule{DueRule::Kind::kDayOfMonth, 10, 0}));
}

TEST(OwedTest, PeriodsDueOnOrBeforeTheIssueDateAreNotOwed) {
  const absl::CivilDay issued(2026, 3, 31);
  EXPECT_FALSE(IsOwed(absl::CivilDay(2026, 3, 25), issued));
  EXPECT_FALSE(IsOwed(issued, issued));  // due the day it was issued
  EXPECT_TRUE(IsOwed(absl::CivilDay(2026, 4, 1), issued));
  EXPECT_TRUE(IsOwed(absl::CivilDay(2026, 1, 25), std::nullopt));

  // Issued 2026-03-31, due on the 25th of the same month: April is the first
  // period owed; March (due 03-25) was due before the plan existed.
  const std::vector<PeriodDueDay> owed =
      OwedDuesOfYear(DefaultCalendar(25), 2026, WorkingDays(), Shanghai(), issued);
  ASSERT_EQ(owed.size(), 9u);
  EXPECT_EQ(owed.front().period.ToString(), "2026-04");
  EXPECT_EQ(owed.back().period.ToString(), "2026-12");
  EXPECT_EQ(
      OwedDuesOfYear(DefaultCalendar(25), 2026, WorkingDays(), Shanghai(), std::nullopt).size(),
      12u);

  // Due the 2nd working day of the next month: March's report is due
  // 2026-04-02, after the issue date, so March is owed too.
  CalendarRule next_month;
  next_month.monthly_due = {DueRule::Kind::kNthWorkingDay, 2, 1};
  next_month.quarterly_summaries = true;
  const std::vector<PeriodDueDay> owed_next =
      OwedDuesOfYear(next_month, 2026, WorkingDays(), Shanghai(), issued);
  ASSERT_GE(owed_next.size(), 2u);
  EXPECT_EQ(owed_next[0].period.ToString(), "2026-03");
  EXPECT_EQ(owed_next[0].due_day, absl::CivilDay(2026, 4, 2));
  EXPECT_EQ(owed_next[1].period.ToString(), "2026-Q1");
  EXPECT_EQ(owed_next.size(), 10u + 4u);  // 2026-03..12 and Q1..Q4
}

TEST(ReportingCalendarTest, RejectsBadHolidayData) {
  HolidayYear y;
  y.year = 2026;
  y.holidays = {absl::CivilDay(2025, 10, 1)};
  EXPECT_STATUS_CODE(ValidateHolidayYear(y), absl::StatusCode::kInvalidArgument);
  y.holidays = {absl::CivilDay(2026, 10, 1), absl::CivilDay(2026, 10, 1)};
  EXPECT_STATUS_CODE(ValidateHolidayYear(y), absl::StatusCode::kInvalidArgument);
  y.holidays = {};
  y.make_up_workdays = {absl::CivilDay(2026, 10, 9)};  // a Friday
  EXPECT_STATUS_CODE(ValidateHolidayYear(y), absl::StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(ValidateDueRule({DueRule::Kind::kNthWorkingDay, 0, 0}, "rule"),
                     absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ecoplan::common
