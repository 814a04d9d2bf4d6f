#include "services/notification/domain/schedule.h"

#include <gtest/gtest.h>

// The calendar arithmetic the schedule uses (periods, due days, working days,
// the issue-date rule) is tested with its one definition in
// common/calendar/reporting_calendar_test.cc.

namespace ecoplan::notification {
namespace {

TEST(ScheduleTest, KeysNameRuleResourcePeriodAndRecipient) {
  EXPECT_EQ(ScheduleKey("r", "plans/p/reports/o_2026-05", "2026-05", "o"),
            "r|plans/p/reports/o_2026-05|2026-05|o");
}

TEST(ScheduleTest, DaysAreWrittenIsoStyle) {
  EXPECT_EQ(DayText(absl::CivilDay(2026, 5, 25)), "2026-05-25");
  EXPECT_EQ(DayText(absl::CivilDay(2027, 1, 5)), "2027-01-05");
}

}  // namespace
}  // namespace ecoplan::notification
