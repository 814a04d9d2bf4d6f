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

// The sample measure, due 09-30, with the checkpoints of its text as the registry resolves them.
PlanView PlanWithCheckpoints() {
  PlanView p = SamplePlan();
  MeasureView& m = p.measures.at("a1-t1-m1");
  m.due = absl::CivilDay(2026, 9, 30);
  m.checkpoints = {
      {"按季度", {absl::CivilDay(2026, 6, 30), absl::CivilDay(2026, 9, 30)}},
      {"5月底前", {absl::CivilDay(2026, 5, 31)}},
  };
  return p;
}

TEST_F(NotifierTest, CheckpointsOfTheMeasureTextAreRemindedToItsOwnersOnceEach) {
  Subscription s;
  s.url = "http://127.0.0.1/hook";
  s.kinds = {Kind::kMeasureCheckpointApproaching};
  ASSERT_OK_AND_ASSIGN(Subscription subscribed, notifier_->CreateSubscription(s, kSecret, ""));
  UpstreamInput in;
  in.type = UpstreamInput::Type::kPlanImported;
  in.event_ref = "registry#1";
  in.plan_id = "2026-abc";
  in.plan = PlanWithCheckpoints();
  Upstream(in);
  clock_.Set(At(5, 23));  // 8 days before 05-31: not yet
  Run();
  EXPECT_TRUE(OfKind(Kind::kMeasureCheckpointApproaching).empty());
  clock_.Set(At(5, 24));  // 7 days before
  EXPECT_EQ(Run(), 2);    // the reports' notices came the day before
  std::vector<Notification> may = OfKind(Kind::kMeasureCheckpointApproaching);
  ASSERT_EQ(may.size(), 2u);
  std::set<std::string> to;
  for (const Notification& n : may) {
    to.insert(n.recipient);
    EXPECT_EQ(n.resource, "plans/2026-abc/measures/a1-t1-m1");
    EXPECT_EQ(n.title, "工作措施阶段性节点「5月底前」将于2026-05-31到期（7天内）：推广新能源货车");
    EXPECT_EQ(n.period, "2026-05-31");
    EXPECT_EQ(n.severity, Severity::kWarning);
    EXPECT_EQ(n.rule_id, "measure-checkpoint-approaching");
    EXPECT_EQ(n.schedule_key, "measure-checkpoint-approaching|plans/2026-abc/measures/a1-t1-m1|" +
                                  std::string("2026-05-31/7/5月底前|") + n.recipient);
    EXPECT_THAT(n.explanation, ::testing::HasSubstr("checkpoint «5月底前» of the measure text due "
                                                    "2026-05-31 within 7 days"));
  }
  EXPECT_EQ(to, (std::set<std::string>{"o-a", "o-b"}));  // lead and responsible
  // A subscriber filtering on the kind gets them.
  ASSERT_EQ(sink_.queued.size(), 2u);
  EXPECT_EQ(sink_.queued[0].subscription_id, subscribed.id);
  // Idempotent: again the same day, on the following days, and after a restart.
  EXPECT_EQ(Run(), 0);
  clock_.Set(At(5, 27));
  Run();
  Restart();
  clock_.Set(At(5, 31));
  Run();
  EXPECT_EQ(OfKind(Kind::kMeasureCheckpointApproaching).size(), 2u);
  // The next checkpoint: the quarter's end.
  clock_.Set(At(6, 24));
  Run();
  std::vector<std::string> titles;
  for (const Notification& n : OfKind(Kind::kMeasureCheckpointApproaching)) {
    if (n.period == "2026-06-30") titles.push_back(n.recipient + " " + n.title);
  }
  EXPECT_EQ(titles,
            (std::vector<std::string>{
                "o-a 工作措施阶段性节点「按季度」将于2026-06-30到期（7天内）：推广新能源货车",
                "o-b 工作措施阶段性节点「按季度」将于2026-06-30到期（7天内）：推广新能源货车"}));
  // 09-30 is the measure's own due day: the deadline rule reminds of it, not this one.
  clock_.Set(At(9, 25));
  Run();
  for (const Notification& n : OfKind(Kind::kMeasureCheckpointApproaching)) {
    EXPECT_NE(n.period, "2026-09-30") << n.title;
  }
  EXPECT_EQ(OfKind(Kind::kMeasureDeadlineApproaching).size(), 2u);  // 7 days, two owners
}

TEST_F(NotifierTest, CheckpointLeadTimeIsTheRulesAndACompletedMeasureIsNotReminded) {
  ASSERT_OK_AND_ASSIGN(Rule rule, notifier_->GetRule("measure-checkpoint-approaching"));
  EXPECT_EQ(rule.kind, Kind::kMeasureCheckpointApproaching);
  EXPECT_EQ(rule.lead_days, std::vector<int>{7});
  rule.lead_days = {3};
  ASSERT_OK(notifier_->UpdateRule(rule, RuleEtag(rule)));
  UpstreamInput in;
  in.type = UpstreamInput::Type::kPlanImported;
  in.event_ref = "registry#1";
  in.plan_id = "2026-abc";
  in.plan = PlanWithCheckpoints();
  Upstream(in);
  clock_.Set(At(5, 27));  // 4 days before 05-31
  Run();
  EXPECT_TRUE(OfKind(Kind::kMeasureCheckpointApproaching).empty());
  clock_.Set(At(5, 28));
  Run();
  ASSERT_EQ(OfKind(Kind::kMeasureCheckpointApproaching).size(), 2u);
  EXPECT_THAT(OfKind(Kind::kMeasureCheckpointApproaching)[0].title,
              ::testing::HasSubstr("「5月底前」将于2026-05-31到期（3天内）"));
  UpstreamInput done;
  done.type = UpstreamInput::Type::kCompletionConfirmed;
  done.plan_id = "2026-abc";
  done.measure_id = "a1-t1-m1";
  Upstream(done);
  clock_.Set(At(6, 28));  // 按季度 due 06-30, but the measure is completed
  Run();
  EXPECT_EQ(OfKind(Kind::kMeasureCheckpointApproaching).size(), 2u);
}

TEST_F(NotifierTest, AnOngoingMeasureIsRemindedOfItsCheckpoints) {
  PlanView plan = PlanWithCheckpoints();
  MeasureView& m = plan.measures.at("a1-t1-m1");
  m.due.reset();  // 持续推进: no deadline, but 两轮次 by the year's end
  m.checkpoints = {{"两轮次", {absl::CivilDay(2026, 12, 31)}}};
  UpstreamInput in;
  in.type = UpstreamInput::Type::kPlanImported;
  in.event_ref = "registry#1";
  in.plan_id = "2026-abc";
  in.plan = plan;
  Upstream(in);
  clock_.Set(At(12, 24));
  Run();
  std::vector<Notification> n = OfKind(Kind::kMeasureCheckpointApproaching);
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(n[0].title, "工作措施阶段性节点「两轮次」将于2026-12-31到期（7天内）：推广新能源货车");
  EXPECT_TRUE(OfKind(Kind::kMeasureDeadlineApproaching).empty());
}

// Two measures of the same owners, each with a 5月底前 checkpoint.
PlanView PlanWithTwoCheckpointedMeasures() {
  PlanView p = PlanWithCheckpoints();
  MeasureView other = p.measures.at("a1-t1-m1");
  other.id = "a1-t1-m2";
  other.title = "淘汰国三柴油货车";
  other.checkpoints = {{"5月底前", {absl::CivilDay(2026, 5, 31)}}};
  p.measures[other.id] = other;
  return p;
}

UpstreamInput Report(UpstreamInput::Type type, const std::string& org, const std::string& period,
                     std::vector<MetCheckpoint> met, const std::string& event_ref) {
  UpstreamInput in;
  in.type = type;
  in.event_ref = event_ref;
  in.plan_id = "2026-abc";
  in.organization_id = org;
  in.period = period;
  in.met_checkpoints = std::move(met);
  return in;
}

// "<recipient> <measure resource> <period>" of each checkpoint reminder.
std::vector<std::string> Reminded(const std::vector<Notification>& all) {
  std::vector<std::string> out;
  for (const Notification& n : all) out.push_back(n.recipient + " " + n.resource + " " + n.period);
  return out;
}

TEST_F(NotifierTest, ACheckpointStatedMetIsNotRemindedUntilTheReportIsReturned) {
  UpstreamInput in;
  in.type = UpstreamInput::Type::kPlanImported;
  in.event_ref = "registry#1";
  in.plan_id = "2026-abc";
  in.plan = PlanWithTwoCheckpointedMeasures();
  Upstream(in);
  // The responsible organization (not the lead) states a1-t1-m1's 05-31 met:
  // one owner's statement suffices, for every owner.
  Upstream(Report(UpstreamInput::Type::kReportSubmitted, "o-b", "2026-04",
                  {{"a1-t1-m1", absl::CivilDay(2026, 5, 31), "5月底前"}}, "progress#1"));
  Restart();  // the statement is durable
  clock_.Set(At(5, 24));
  Run();
  // a1-t1-m2's 5月底前 is not silenced by another measure's statement.
  EXPECT_EQ(Reminded(OfKind(Kind::kMeasureCheckpointApproaching)),
            (std::vector<std::string>{"o-a plans/2026-abc/measures/a1-t1-m2 2026-05-31",
                                      "o-b plans/2026-abc/measures/a1-t1-m2 2026-05-31"}));
  // The bureau returns the report: its statement counts for nothing any more.
  Upstream(Report(UpstreamInput::Type::kReportReturned, "o-b", "2026-04", {}, "progress#2"));
  Restart();
  clock_.Set(At(5, 25));
  Run();
  EXPECT_EQ(Reminded(OfKind(Kind::kMeasureCheckpointApproaching)),
            (std::vector<std::string>{"o-a plans/2026-abc/measures/a1-t1-m2 2026-05-31",
                                      "o-b plans/2026-abc/measures/a1-t1-m2 2026-05-31",
                                      "o-a plans/2026-abc/measures/a1-t1-m1 2026-05-31",
                                      "o-b plans/2026-abc/measures/a1-t1-m1 2026-05-31"}));
}

TEST_F(NotifierTest, AResubmissionStatesAgainAndARevisionReplacesTheStatements) {
  UpstreamInput in;
  in.type = UpstreamInput::Type::kPlanImported;
  in.event_ref = "registry#1";
  in.plan_id = "2026-abc";
  in.plan = PlanWithCheckpoints();
  Upstream(in);
  const MetCheckpoint may{"a1-t1-m1", absl::CivilDay(2026, 5, 31), "5月底前"};
  const MetCheckpoint june{"a1-t1-m1", absl::CivilDay(2026, 6, 30), "按季度"};
  Upstream(Report(UpstreamInput::Type::kReportSubmitted, "o-a", "2026-04", {may}, "progress#1"));
  Upstream(Report(UpstreamInput::Type::kReportReturned, "o-a", "2026-04", {}, "progress#2"));
  // Resubmitted, stating both.
  Upstream(
      Report(UpstreamInput::Type::kReportSubmitted, "o-a", "2026-04", {may, june}, "progress#3"));
  clock_.Set(At(5, 24));
  Run();
  EXPECT_TRUE(OfKind(Kind::kMeasureCheckpointApproaching).empty());
  // A revision that no longer states the quarter: the quarter is reminded again.
  Upstream(Report(UpstreamInput::Type::kReportSubmitted, "o-a", "2026-04", {may}, "progress#4"));
  Restart();
  clock_.Set(At(6, 24));
  Run();
  EXPECT_EQ(Reminded(OfKind(Kind::kMeasureCheckpointApproaching)),
            (std::vector<std::string>{"o-a plans/2026-abc/measures/a1-t1-m1 2026-06-30",
                                      "o-b plans/2026-abc/measures/a1-t1-m1 2026-06-30"}));
}

}  // namespace
}  // namespace ecoplan::notification::notifier_test
