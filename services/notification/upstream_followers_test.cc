#include "services/notification/upstream_followers.h"

#include <gtest/gtest.h>

#include "common/events/event_log.h"

namespace ecoplan::notification {
namespace {

namespace pv1 = ::ecoplan::progress::v1;

void SetDate(common::v1::Date* d, int y, int m, int day) {
  d->set_year(y);
  d->set_month(m);
  d->set_day(day);
}

TEST(UpstreamFollowersTest, CalendarChangedCarriesSummariesAndTheirRule) {
  pv1::CalendarChanged payload;
  pv1::ReportingCalendar* c = payload.mutable_calendar();
  c->set_name("plans/2026-abc/reportingCalendar");
  c->mutable_monthly_due()->set_nth_working_day(2);
  c->mutable_monthly_due()->set_month_offset(1);
  c->set_quarterly_summaries(true);
  c->set_annual_summary(true);
  c->mutable_summary_due()->set_day_of_month(15);
  c->mutable_summary_due()->set_month_offset(1);
  common::v1::Event event = common::MakeEvent(payload, c->name());
  event.set_source("progress");
  event.set_sequence(9);
  absl::StatusOr<UpstreamInput> in = ProgressInput(event);
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->type, UpstreamInput::Type::kCalendarChanged);
  EXPECT_EQ(in->plan_id, "2026-abc");
  EXPECT_EQ(in->due_rule.nth_working_day, 2);
  EXPECT_EQ(in->due_rule.month_offset, 1);
  EXPECT_TRUE(in->quarterly_summaries);
  EXPECT_FALSE(in->half_year_summaries);
  EXPECT_TRUE(in->annual_summary);
  ASSERT_TRUE(in->summary_due.has_value());
  EXPECT_EQ(in->summary_due->day_of_month, 15);
  EXPECT_EQ(in->summary_due->nth_working_day, 0);
  // Without a summary rule, summaries follow the monthly rule.
  c->clear_summary_due();
  c->clear_monthly_due();
  in = ProgressInput(common::MakeEvent(payload, c->name()));
  ASSERT_TRUE(in.ok());
  EXPECT_FALSE(in->summary_due.has_value());
  EXPECT_EQ(in->due_rule.day_of_month, 25);
}

TEST(UpstreamFollowersTest, HolidaysLoadedBecomesTheYearsWorkingDayData) {
  pv1::HolidaysLoaded payload;
  pv1::HolidayCalendar* h = payload.mutable_holidays();
  h->set_name("holidayCalendars/2026");
  h->set_year(2026);
  SetDate(h->add_holidays(), 2026, 10, 1);
  SetDate(h->add_holidays(), 2026, 10, 2);
  SetDate(h->add_make_up_workdays(), 2026, 10, 10);
  absl::StatusOr<UpstreamInput> in = ProgressInput(common::MakeEvent(payload, h->name()));
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->type, UpstreamInput::Type::kHolidaysLoaded);
  EXPECT_EQ(in->holidays.year, 2026);
  EXPECT_EQ(in->holidays.holidays,
            (std::set<absl::CivilDay>{absl::CivilDay(2026, 10, 1), absl::CivilDay(2026, 10, 2)}));
  EXPECT_EQ(in->holidays.make_up_workdays, std::set<absl::CivilDay>{absl::CivilDay(2026, 10, 10)});
  h->set_year(0);  // nothing usable: the cursor moves on
  in = ProgressInput(common::MakeEvent(payload, h->name()));
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->type, UpstreamInput::Type::kIgnored);
}

}  // namespace
}  // namespace ecoplan::notification
