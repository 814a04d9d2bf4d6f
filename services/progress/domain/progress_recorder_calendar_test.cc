// ProgressRecorder: the reporting calendar and holidays decide lateness.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/progress/domain/progress_recorder_test_fixture.h"

namespace ecoplan::progress::recorder_test {
namespace {

using ::testing::ElementsAre;

TEST_F(ProgressRecorderTest, AWorkingDayCalendarDecidesLateness) {
  CalendarRule rule;
  rule.monthly_due = {DueRule::Kind::kNthWorkingDay, 2, 1};
  Caller admin;
  admin.role = Caller::Role::kAdministrator;
  ASSERT_OK_AND_ASSIGN(CalendarView view, Sync<CalendarView>([&](Callback<CalendarView> cb) {
                         recorder_.UpdateCalendar(kPlan, rule, "c0", admin, cb);
                       }));
  EXPECT_TRUE(view.rule.overridden);
  EXPECT_EQ(view.dues[4].due_day, absl::CivilDay(2026, 6, 2));  // 2026-05
  EXPECT_STATUS_CODE(Sync<CalendarView>([&](Callback<CalendarView> cb) {
                       recorder_.UpdateCalendar(kPlan, rule, "c0", admin, cb);
                     }),
                     absl::StatusCode::kAborted);
  // June 1 and 2 are make-up holidays this (fictional) year: due June 4.
  HolidayYear h;
  h.year = 2026;
  h.holidays = {absl::CivilDay(2026, 6, 1), absl::CivilDay(2026, 6, 2)};
  ASSERT_OK(
      Sync<HolidayYear>([&](Callback<HolidayYear> cb) { recorder_.LoadHolidays(h, admin, cb); }));
  clock_.Set(Shanghai(2026, 6, 4, 18, 0));
  ASSERT_OK_AND_ASSIGN(Report r, Submit(Submission(kEco, "2026-05", {Entry("a1-t1-m1")})));
  EXPECT_EQ(r.timeliness, Timeliness::kOnTime);
  EXPECT_EQ(*r.due_time, Shanghai(2026, 6, 5, 0, 0));
  EXPECT_THAT(store_.events(), ElementsAre(EventType::kCalendarChanged, EventType::kHolidaysLoaded,
                                           EventType::kReportSubmitted));
}

}  // namespace
}  // namespace ecoplan::progress::recorder_test
