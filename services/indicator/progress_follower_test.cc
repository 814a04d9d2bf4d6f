// The progress service's reporting calendar decides which monthly periods the
// measure lights count: its due rule (here the 2nd working day of the next
// month), its holidays and make-up days, and the plan's issue date.

#include "services/indicator/progress_follower.h"

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/concurrency/serial_executor.h"
#include "common/events/event_log.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "gtest/gtest.h"
#include "services/indicator/registry_plan_follower.h"
#include "services/indicator/testing/follower_test_fixture.h"

namespace ecoplan::indicator {
namespace {

namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;

constexpr char kPlan[] = "2026-calendar";
constexpr char kOwner[] = "区城市管理委";

ecoplan::common::v1::Date Date(int y, int m, int d) {
  ecoplan::common::v1::Date out;
  out.set_year(y);
  out.set_month(m);
  out.set_day(d);
  return out;
}

// A plan issued 2026-03-31, reports due on the 25th, one measure without a
// deadline led by 区城市管理委 (so only missed reports colour it).
rv1::ExportPlanResponse Export() {
  rv1::ExportPlanResponse e;
  rv1::Plan* plan = e.mutable_plan();
  plan->set_name(absl::StrCat("plans/", kPlan));
  plan->set_year(2026);
  plan->set_reporting_due_day(25);
  *plan->mutable_issue_date() = Date(2026, 3, 31);
  rv1::Organization* org = e.add_organizations();
  org->set_name("organizations/o-city");
  org->set_display_name(kOwner);
  rv1::Task* task = e.add_tasks();
  task->set_name(absl::StrCat("plans/", kPlan, "/tasks/a1-t9"));
  rv1::Measure* m = task->add_measures();
  m->set_name(absl::StrCat("plans/", kPlan, "/measures/a1-t9-m2"));
  m->set_text("加强道路清扫保洁。");
  m->add_lead_organizations()->set_organization("organizations/o-city");
  return e;
}

// Second working day of the month after the period.
pv1::ReportingCalendar NthWorkingDayCalendar() {
  pv1::ReportingCalendar c;
  c.set_name(absl::StrCat("plans/", kPlan, "/reportingCalendar"));
  c.mutable_monthly_due()->set_nth_working_day(2);
  c.mutable_monthly_due()->set_month_offset(1);
  c.set_overridden(true);
  return c;
}

// National Day 2026: Oct 1..7 off, Sunday Sep 27 and Saturday Oct 10 worked.
pv1::HolidayCalendar NationalDay() {
  pv1::HolidayCalendar h;
  h.set_name("holidayCalendars/2026");
  h.set_year(2026);
  for (int d = 1; d <= 7; ++d) *h.add_holidays() = Date(2026, 10, d);
  *h.add_make_up_workdays() = Date(2026, 9, 27);
  *h.add_make_up_workdays() = Date(2026, 10, 10);
  return h;
}

// The progress service's reads used at start.
class FakeProgress final : public pv1::ProgressService::Service {
 public:
  grpc::Status GetHolidays(grpc::ServerContext*, const pv1::GetHolidaysRequest* request,
                           pv1::GetHolidaysResponse* response) override {
    if (request->name() != "holidayCalendars/2026") {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "no holidays loaded");
    }
    *response->mutable_holidays() = NationalDay();
    return grpc::Status::OK;
  }
  grpc::Status GetReportingCalendar(grpc::ServerContext*,
                                    const pv1::GetReportingCalendarRequest* request,
                                    pv1::GetReportingCalendarResponse* response) override {
    if (request->name() != NthWorkingDayCalendar().name()) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "no such plan");
    }
    *response->mutable_calendar() = NthWorkingDayCalendar();
    return grpc::Status::OK;
  }
};

class ProgressFollowerTest
    : public FollowerTest<pv1::ProgressService, FakeProgress, ProgressFollower> {
 protected:
  ProgressFollowerTest() : FollowerTest(absl::CivilDay(2026, 10, 8)) {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartUpstream());
    ASSERT_NO_FATAL_FAILURE(Open());
    // The plan, as the registry follower builds it.
    RegistryPlan plan = FromRegistryExport(Export());
    ASSERT_TRUE(plan.view.issue_date.has_value());
    ASSERT_OK_AND_ASSIGN(SyncEffect effect, evaluator_->PrepareSync(plan.source, plan.view, ""));
    ASSERT_OK(evaluator_->CommitEffectNow(std::move(effect)));
  }

  // The store (re)opened, with a new evaluator and follower: a restart.
  void Open() {
    ASSERT_NO_FATAL_FAILURE(OpenStore());
    follower_ = std::make_unique<ProgressFollower>(evaluator_.get(), store_.get(), QuietLogger());
  }

  // The reasons of the measure's light as of `as_of`.
  std::string Reasons(absl::CivilDay as_of) {
    const absl::StatusOr<PlanResult> result = evaluator_->EvaluatePlan(kPlan, as_of);
    if (!result.ok()) return result.status().ToString();
    for (const MeasureLight& light : result->lights) {
      if (light.measure_id == "a1-t9-m2") return absl::StrJoin(light.reasons, "\n");
    }
    return "no light";
  }

  static std::string Missed(int n) {
    return absl::StrCat(kOwner, " missed the last ", n, " reporting periods (no entry)");
  }
};

TEST_F(ProgressFollowerTest, TheProgressCalendarAndHolidaysDecideWhichPeriodsTheLightsCount) {
  const absl::CivilDay as_of(2026, 10, 8);
  // The plan's default (the 25th): April..September, not January..September.
  EXPECT_TRUE(absl::StrContains(Reasons(as_of), Missed(6))) << Reasons(as_of);

  // Overridden in the progress service: the 2nd working day of the next
  // month. March (due Thu 04-02, after the issue date) is owed now and,
  // counting weekends only, September (due Fri 10-02) too.
  pv1::CalendarChanged calendar;
  *calendar.mutable_calendar() = NthWorkingDayCalendar();
  ASSERT_NO_FATAL_FAILURE(Follow(calendar, calendar.calendar().name()));
  EXPECT_TRUE(absl::StrContains(Reasons(as_of), Missed(7))) << Reasons(as_of);

  // With the National Day holidays, September's report is due Fri 10-09.
  pv1::HolidaysLoaded holidays;
  *holidays.mutable_holidays() = NationalDay();
  ASSERT_NO_FATAL_FAILURE(Follow(holidays, holidays.holidays().name()));
  EXPECT_TRUE(absl::StrContains(Reasons(as_of), Missed(6))) << Reasons(as_of);
  EXPECT_TRUE(absl::StrContains(Reasons(absl::CivilDay(2026, 10, 9)), Missed(7)));

  // Kept durably: after a restart the lights count the same periods.
  ASSERT_NO_FATAL_FAILURE(Open());
  EXPECT_TRUE(absl::StrContains(Reasons(as_of), Missed(6))) << Reasons(as_of);
  EXPECT_TRUE(absl::StrContains(Reasons(absl::CivilDay(2026, 10, 9)), Missed(7)));
}

TEST_F(ProgressFollowerTest, HolidaysAndCalendarsAreReadAtStartWhenTheirEventsWerePassed) {
  const absl::CivilDay as_of(2026, 10, 8);
  ASSERT_OK(follower_->SyncHolidays(stub_.get(), 2026, absl::Seconds(10)));  // 2027: not loaded
  ASSERT_OK(follower_->SyncCalendars(stub_.get(), absl::Seconds(10)));
  ASSERT_TRUE(evaluator_->Holidays(2026).has_value());
  EXPECT_EQ(evaluator_->Holidays(2026)->holidays.size(), 7u);
  EXPECT_FALSE(evaluator_->Holidays(2027).has_value());
  ASSERT_TRUE(evaluator_->Calendar(kPlan).has_value());
  EXPECT_EQ(evaluator_->Calendar(kPlan)->monthly_due,
            (common::DueRule{common::DueRule::Kind::kNthWorkingDay, 2, 1}));
  // March..August.
  EXPECT_TRUE(absl::StrContains(Reasons(as_of), Missed(6))) << Reasons(as_of);
  EXPECT_TRUE(absl::StrContains(Reasons(absl::CivilDay(2026, 10, 9)), Missed(7)));
  // Read again: nothing changes.
  ASSERT_OK(follower_->SyncHolidays(stub_.get(), 2026, absl::Seconds(10)));
  ASSERT_OK(follower_->SyncCalendars(stub_.get(), absl::Seconds(10)));
  EXPECT_TRUE(absl::StrContains(Reasons(as_of), Missed(6))) << Reasons(as_of);
  // Kept durably.
  ASSERT_NO_FATAL_FAILURE(Open());
  EXPECT_TRUE(absl::StrContains(Reasons(as_of), Missed(6))) << Reasons(as_of);
}

}  // namespace
}  // namespace ecoplan::indicator
