#include "services/notification/domain/schedule.h"

#include <gtest/gtest.h>

namespace ecoplan::notification {
namespace {

TEST(ScheduleTest, MonthlyDueDayIsTheDayOfMonthClampedToTheMonth) {
  EXPECT_EQ(MonthlyDueDay(2026, 5, DueRule{25, 0, 0}), absl::CivilDay(2026, 5, 25));
  EXPECT_EQ(MonthlyDueDay(2026, 2, DueRule{31, 0, 0}), absl::CivilDay(2026, 2, 28));
}

TEST(ScheduleTest, NthWorkingDayOfTheNextMonth) {
  // 2026-06-01 is a Monday: the 2nd working day of June is the 2nd.
  EXPECT_EQ(MonthlyDueDay(2026, 5, DueRule{0, 2, 1}), absl::CivilDay(2026, 6, 2));
}

TEST(ScheduleTest, WorkingDaysSkipWeekends) {
  // Friday 2026-05-29 → Monday 2026-06-01: one working day.
  EXPECT_EQ(WorkingDaysBetween(absl::CivilDay(2026, 5, 29), absl::CivilDay(2026, 6, 1)), 1);
  EXPECT_EQ(WorkingDaysBetween(absl::CivilDay(2026, 6, 1), absl::CivilDay(2026, 6, 8)), 5);
  EXPECT_EQ(WorkingDaysBetween(absl::CivilDay(2026, 6, 8), absl::CivilDay(2026, 6, 1)), 0);
}

TEST(ScheduleTest, KeysNameRuleResourcePeriodAndRecipient) {
  EXPECT_EQ(ScheduleKey("r", "plans/p/reports/o_2026-05", "2026-05", "o"),
            "r|plans/p/reports/o_2026-05|2026-05|o");
}

}  // namespace
}  // namespace ecoplan::notification
