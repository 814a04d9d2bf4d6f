#include "services/progress/domain/reporting_calendar.h"

#include <gtest/gtest.h>

#include "common/testing/status_matchers.h"

namespace ecoplan::progress {
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
  EXPECT_EQ(due.due_time, absl::FromCivil(absl::CivilSecond(2026, 5, 25, 16, 0, 0), absl::UTCTimeZone()));
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
}  // namespace ecoplan::progress
