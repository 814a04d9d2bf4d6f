// Notifier unit tests of the schedule: reports due soon and overdue, measure
// deadlines, escalation, digests; idempotent across runs and restarts.

#include <set>
#include <string>
#include <vector>

#include "services/notification/domain/notifier_test_fixture.h"

namespace ecoplan::notification::notifier_test {
namespace {

TEST_F(NotifierTest, ReportDueSoonOncePerOrganizationAndPeriodEvenAfterRestart) {
  ImportPlan();
  clock_.Set(At(4, 22));  // due 04-25, lead 3 days
  EXPECT_EQ(Run(), 2);    // o-a and o-b
  EXPECT_EQ(Run(), 0);
  Restart();  // the day before the 25th, again
  clock_.Set(At(4, 24));
  EXPECT_EQ(Run(), 0);
  std::vector<Notification> n = OfKind(Kind::kReportDueSoon);
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(n[0].period, "2026-04");
  EXPECT_THAT(n[0].schedule_key, ::testing::HasSubstr("report-due-soon|plans/2026-abc/reports/"));
}

TEST_F(NotifierTest, SubmittedOrganizationsGetNoReminder) {
  ImportPlan();
  UpstreamInput in;
  in.type = UpstreamInput::Type::kReportSubmitted;
  in.event_ref = "progress#1";
  in.plan_id = "2026-abc";
  in.organization_id = "o-a";
  in.period = "2026-04";
  Upstream(in);
  clock_.Set(At(4, 23));
  EXPECT_EQ(Run(), 1);
  EXPECT_EQ(OfKind(Kind::kReportDueSoon)[0].recipient, "o-b");
}

TEST_F(NotifierTest, OverdueEscalatesAfterGraceUntilAcknowledged) {
  ImportPlan();
  ASSERT_OK(notifier_->SetContacts("o-b",
                                   {{ContactLevel::kLiaison, "张联络", "138"},
                                    {ContactLevel::kDeputyHead, "李分管", "139"},
                                    {ContactLevel::kHead, "王主要", "137"}},
                                   ""));
  clock_.Set(At(4, 27));  // Monday after the 25th (a Saturday)
  Run();
  std::vector<Notification> overdue = OfKind(Kind::kReportOverdue);
  ASSERT_EQ(overdue.size(), 2u);
  EXPECT_EQ(overdue[0].severity, Severity::kCritical);
  clock_.Set(At(4, 29));  // 2 working days: not yet
  Run();
  EXPECT_EQ(OfKind(Kind::kReportOverdue).size(), 2u);
  clock_.Set(At(4, 30));  // 3 working days: escalates to 分管领导
  Run();
  overdue = OfKind(Kind::kReportOverdue);
  ASSERT_EQ(overdue.size(), 4u);
  const Notification* to_b = nullptr;
  for (const Notification& n : overdue) {
    if (n.recipient == "o-b" && n.level == ContactLevel::kDeputyHead) to_b = &n;
  }
  ASSERT_NE(to_b, nullptr);
  ASSERT_EQ(to_b->contacts.size(), 1u);
  EXPECT_EQ(to_b->contacts[0].display_name, "李分管");
  // o-b acknowledges; o-a does not and reaches the head.
  ASSERT_OK(notifier_->Acknowledge(Caller{"b", "o-b", Caller::Role::kReporter}, to_b->number));
  clock_.Set(At(5, 6));
  Run();
  int heads_a = 0, heads_b = 0;
  for (const Notification& n : OfKind(Kind::kReportOverdue)) {
    if (n.level == ContactLevel::kHead) {
      (n.recipient == "o-a" ? heads_a : heads_b)++;
    }
  }
  EXPECT_EQ(heads_a, 1);
  EXPECT_EQ(heads_b, 0);
}

TEST_F(NotifierTest, EscalationGraceCountsWorkingDaysOfTheHolidayCalendar) {
  ImportPlan();
  // Test data: 04-28..04-30 off, Saturday 05-02 a make-up working day.
  UpstreamInput holidays;
  holidays.type = UpstreamInput::Type::kHolidaysLoaded;
  holidays.event_ref = "progress#7";
  holidays.holidays.year = 2026;
  holidays.holidays.holidays = {absl::CivilDay(2026, 4, 28), absl::CivilDay(2026, 4, 29),
                                absl::CivilDay(2026, 4, 30)};
  holidays.holidays.make_up_workdays = {absl::CivilDay(2026, 5, 2)};
  Upstream(holidays);
  auto escalated = [&] {
    int n = 0;
    for (const Notification& x : OfKind(Kind::kReportOverdue))
      n += x.level != ContactLevel::kLiaison;
    return n;
  };
  clock_.Set(At(4, 27));  // overdue since Monday
  Run();
  ASSERT_EQ(OfKind(Kind::kReportOverdue).size(), 2u);
  clock_.Set(At(4, 30));  // 3 weekdays, but all holidays
  Run();
  EXPECT_EQ(escalated(), 0);
  Restart();             // the holidays are durable
  clock_.Set(At(5, 2));  // Fri 05-01 and the make-up Saturday: 2
  Run();
  EXPECT_EQ(escalated(), 0);
  clock_.Set(At(5, 4));  // Monday: 3
  Run();
  EXPECT_EQ(escalated(), 2);
}

TEST_F(NotifierTest, NthWorkingDayDueDaySkipsHolidays) {
  ImportPlan();
  UpstreamInput calendar;
  calendar.type = UpstreamInput::Type::kCalendarChanged;
  calendar.plan_id = "2026-abc";
  // 2nd working day of the next month.
  calendar.calendar.monthly_due = DueRule{DueRule::Kind::kNthWorkingDay, 2, 1};
  Upstream(calendar);
  UpstreamInput holidays;
  holidays.type = UpstreamInput::Type::kHolidaysLoaded;
  holidays.holidays.year = 2026;
  for (int d = 1; d <= 5; ++d) holidays.holidays.holidays.push_back(absl::CivilDay(2026, 5, d));
  Upstream(holidays);
  // Weekends only, 2026-04 would be due Mon 05-04; with 05-01..05-05 off it is Thu 05-07.
  clock_.Set(At(5, 5));
  Run();
  std::vector<std::string> april;
  for (const Notification& n : store_.AllNotifications()) {
    if (n.period == "2026-04") april.push_back(KindName(n.kind) + std::string(" ") + n.title);
  }
  ASSERT_EQ(april.size(), 2u);
  EXPECT_THAT(april[0], ::testing::StartsWith("REPORT_DUE_SOON 2026-04 月报将于2026-05-07截止"));
  clock_.Set(At(5, 8));
  Run();
  int overdue = 0;
  for (const Notification& n : OfKind(Kind::kReportOverdue)) overdue += n.period == "2026-04";
  EXPECT_EQ(overdue, 2);
}

TEST_F(NotifierTest, SummaryPeriodsAreRemindedOncePerRuleReportAndPeriod) {
  // The calendar may arrive before the plan: it is kept for it.
  UpstreamInput calendar;
  calendar.type = UpstreamInput::Type::kCalendarChanged;
  calendar.plan_id = "2026-abc";
  calendar.calendar.quarterly_summaries = true;
  calendar.calendar.annual_summary = true;
  // The 15th of the month after.
  calendar.calendar.summary_due = DueRule{DueRule::Kind::kDayOfMonth, 15, 1};
  Upstream(calendar);
  clock_.Set(At(4, 2));
  EXPECT_EQ(Run(), 0);
  ImportPlan();
  auto of_period = [&](Kind kind, const std::string& period) {
    std::vector<Notification> out;
    for (const Notification& n : OfKind(kind)) {
      if (n.period == period) out.push_back(n);
    }
    return out;
  };
  clock_.Set(At(7, 13));
  Run();
  std::vector<Notification> q2 = of_period(Kind::kReportDueSoon, "2026-Q2");
  ASSERT_EQ(q2.size(), 2u);
  EXPECT_EQ(q2[0].title, "2026-Q2 季度总结将于2026-07-15截止，尚未报送");
  EXPECT_EQ(q2[0].resource, "plans/2026-abc/reports/" + q2[0].recipient + "_2026-Q2");
  EXPECT_EQ(q2[0].schedule_key,
            "report-due-soon|" + q2[0].resource + "|2026-Q2|" + q2[0].recipient);
  EXPECT_EQ(of_period(Kind::kReportOverdue, "2026-Q1").size(), 2u);  // due 04-15
  Restart();
  clock_.Set(At(7, 14));
  Run();
  EXPECT_EQ(of_period(Kind::kReportDueSoon, "2026-Q2").size(), 2u);
  UpstreamInput submitted;
  submitted.type = UpstreamInput::Type::kReportSubmitted;
  submitted.plan_id = "2026-abc";
  submitted.organization_id = "o-a";
  submitted.period = "2026-Q2";
  Upstream(submitted);
  clock_.Set(At(7, 16));
  Run();
  std::vector<Notification> late = of_period(Kind::kReportOverdue, "2026-Q2");
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late[0].recipient, "o-b");
  EXPECT_TRUE(of_period(Kind::kReportDueSoon, "2026").empty());     // due 2027-01-15
  EXPECT_TRUE(of_period(Kind::kReportDueSoon, "2026-H1").empty());  // not asked for
}

TEST_F(NotifierTest, SubmissionResolvesTheOverdueItem) {
  ImportPlan();
  clock_.Set(At(4, 27));
  Run();
  UpstreamInput in;
  in.type = UpstreamInput::Type::kReportSubmitted;
  in.plan_id = "2026-abc";
  in.organization_id = "o-a";
  in.period = "2026-04";
  Upstream(in);
  clock_.Set(At(5, 6));
  Run();
  for (const Notification& n : OfKind(Kind::kReportOverdue)) {
    if (n.level != ContactLevel::kLiaison) {
      EXPECT_EQ(n.recipient, "o-b");
    }
  }
}

TEST_F(NotifierTest, MeasureDeadlineRemindersAt30And7DaysThenOverdue) {
  ImportPlan();
  clock_.Set(At(6, 1));  // 29 days before 06-30
  Run();
  EXPECT_EQ(OfKind(Kind::kMeasureDeadlineApproaching).size(), 2u);  // lead + responsible
  clock_.Set(At(6, 10));
  Run();
  EXPECT_EQ(OfKind(Kind::kMeasureDeadlineApproaching).size(), 2u);
  clock_.Set(At(6, 24));
  Run();
  EXPECT_EQ(OfKind(Kind::kMeasureDeadlineApproaching).size(), 4u);
  clock_.Set(At(7, 1));
  Run();
  EXPECT_EQ(OfKind(Kind::kMeasureOverdue).size(), 2u);
}

TEST_F(NotifierTest, ConfirmedCompletionStopsDeadlineReminders) {
  ImportPlan();
  UpstreamInput in;
  in.type = UpstreamInput::Type::kCompletionConfirmed;
  in.plan_id = "2026-abc";
  in.measure_id = "a1-t1-m1";
  Upstream(in);
  clock_.Set(At(7, 1));
  Run();
  EXPECT_TRUE(OfKind(Kind::kMeasureOverdue).empty());
  EXPECT_TRUE(OfKind(Kind::kMeasureDeadlineApproaching).empty());
}

TEST_F(NotifierTest, DigestGroupsOneRulesNotificationsPerRecipientAndWindow) {
  ImportPlan();
  ASSERT_OK_AND_ASSIGN(Rule rule, notifier_->GetRule("report-returned"));
  rule.digest_window = absl::Hours(1);
  ASSERT_OK(notifier_->UpdateRule(rule, RuleEtag(rule)));
  for (int i = 0; i < 3; ++i) {
    UpstreamInput in;
    in.type = UpstreamInput::Type::kReportReturned;
    in.event_ref = absl::StrCat("progress#", 10 + i);
    in.plan_id = "2026-abc";
    in.organization_id = "o-a";
    in.period = absl::StrCat("2026-0", 4 + i);
    Upstream(in);
  }
  EXPECT_TRUE(OfKind(Kind::kReportReturned).empty());
  clock_.Advance(absl::Minutes(61));
  Run();
  std::vector<Notification> digests = OfKind(Kind::kDigest);
  ASSERT_EQ(digests.size(), 1u);
  EXPECT_EQ(digests[0].digest_items.size(), 3u);
}

TEST_F(NotifierTest, FailedCommitLeavesNothingBehind) {
  ImportPlan();
  clock_.Set(At(4, 23));
  store_.FailNextCommit(absl::UnavailableError("disk"));
  EXPECT_FALSE(notifier_->RunSchedule().ok());
  EXPECT_EQ(Run(), 2);  // the keys were not consumed
}

}  // namespace
}  // namespace ecoplan::notification::notifier_test
