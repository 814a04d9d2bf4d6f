// ProgressRecorder reads: submission status, report lists and pages, measure
// history.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_format.h"
#include "services/progress/domain/progress_recorder_test_fixture.h"

namespace ecoplan::progress::recorder_test {
namespace {

using ::testing::ElementsAre;

TEST_F(ProgressRecorderTest, SubmissionStatusIsTheListTheBureauChases) {
  clock_.Set(Shanghai(2026, 5, 24, 9, 0));
  ASSERT_OK(Submit(Submission(kEco, "2026-05", {Entry("a1-t1-m1")})));
  ReportSubmission draft = Submission(kCity, "2026-05", {Entry("a1-t2-m1")});
  draft.draft = true;
  ASSERT_OK(Submit(draft));
  clock_.Set(Shanghai(2026, 5, 27, 9, 0));
  ASSERT_OK(Submit(Submission(kTown1, "2026-05", {Entry("a1-t2-m1")})));

  ASSERT_OK_AND_ASSIGN(SubmissionStatus status, recorder_.GetSubmissionStatus(kPlan, "2026-05"));
  EXPECT_EQ(status.due.due_day, absl::CivilDay(2026, 5, 25));
  ASSERT_EQ(status.organizations.size(), 5u);
  std::map<std::string, OrgSubmission> by_org;
  for (const OrgSubmission& o : status.organizations) by_org[o.org_id] = o;
  EXPECT_EQ(by_org[kEco].state, SubmissionState::kOnTime);
  EXPECT_THAT(by_org[kEco].measures_without_entry, ElementsAre("a1-t1-m2"));
  EXPECT_EQ(by_org[kCity].state, SubmissionState::kDraftOnly);
  EXPECT_EQ(by_org[kTown1].state, SubmissionState::kLate);
  EXPECT_EQ(by_org[kTown1].lateness, absl::Hours(33));
  EXPECT_EQ(by_org[kTown2].state, SubmissionState::kMissing);
  EXPECT_THAT(by_org[kTown2].measures_without_entry, ElementsAre("a1-t2-m1"));
  EXPECT_EQ(by_org[kTraffic].state, SubmissionState::kMissing);
  EXPECT_THAT(by_org[kTraffic].measures_without_entry, ElementsAre("a1-t1-m1", "a2-t1-m1"));
  EXPECT_EQ(status.on_time, 1);
  EXPECT_EQ(status.late, 1);
  EXPECT_EQ(status.draft_only, 1);
  EXPECT_EQ(status.missing, 2);
}

TEST_F(ProgressRecorderTest, TheSharedStatusIsReusedUntilAReportOfAnyPeriodIsCommitted) {
  store_.keep_read_version(true);
  clock_.Set(Shanghai(2026, 5, 24, 9, 0));
  ASSERT_OK(Submit(Submission(kEco, "2026-05", {Entry("a1-t1-m1")})));
  ASSERT_OK_AND_ASSIGN(auto first, recorder_.SharedSubmissionStatus(kPlan, "2026-05"));
  ASSERT_OK_AND_ASSIGN(auto again, recorder_.SharedSubmissionStatus(kPlan, "2026-05"));
  EXPECT_EQ(again.get(), first.get());  // nothing changed: computed once
  EXPECT_EQ(first->on_time, 1);
  EXPECT_EQ(first->missing, 4);

  // Acknowledged → the very next read has it.
  ASSERT_OK(Submit(Submission(kTown2, "2026-05", {Entry("a1-t2-m1")})));
  ASSERT_OK_AND_ASSIGN(auto after, recorder_.SharedSubmissionStatus(kPlan, "2026-05"));
  EXPECT_NE(after.get(), first.get());
  EXPECT_EQ(after->on_time, 2);
  EXPECT_EQ(after->missing, 3);
  std::map<std::string, OrgSubmission> by_org;
  for (const OrgSubmission& o : after->organizations) by_org[o.org_id] = o;
  EXPECT_EQ(by_org[kTown2].state, SubmissionState::kOnTime);
  EXPECT_TRUE(by_org[kTown2].measures_without_entry.empty());

  // A draft turned into a submission (a revision of the same report) too.
  ReportSubmission draft = Submission(kCity, "2026-05", {Entry("a1-t2-m1")});
  draft.draft = true;
  ASSERT_OK_AND_ASSIGN(Report saved, Submit(draft));
  ASSERT_OK_AND_ASSIGN(auto drafted, recorder_.SharedSubmissionStatus(kPlan, "2026-05"));
  EXPECT_EQ(drafted->draft_only, 1);
  ReportSubmission final_report = Submission(kCity, "2026-05", {Entry("a1-t2-m1")});
  final_report.etag = ReportEtag(saved);
  ASSERT_OK(Submit(final_report));
  ASSERT_OK_AND_ASSIGN(auto submitted, recorder_.SharedSubmissionStatus(kPlan, "2026-05"));
  EXPECT_EQ(submitted->draft_only, 0);
  EXPECT_EQ(submitted->on_time, 3);
  // The copying read answers the same.
  ASSERT_OK_AND_ASSIGN(SubmissionStatus copy, recorder_.GetSubmissionStatus(kPlan, "2026-05"));
  EXPECT_EQ(copy.on_time, 3);
}

TEST_F(ProgressRecorderTest, TheSharedStatusFollowsTheCalendarAndThePlan) {
  store_.keep_read_version(true);
  ASSERT_OK_AND_ASSIGN(auto before, recorder_.SharedSubmissionStatus(kPlan, "2026-05"));
  EXPECT_EQ(before->due.due_day, absl::CivilDay(2026, 5, 25));
  EXPECT_EQ(before->organizations.size(), 5u);

  CalendarRule rule;
  rule.monthly_due = {DueRule::Kind::kNthWorkingDay, 2, 1};
  Caller admin;
  admin.role = Caller::Role::kAdministrator;
  ASSERT_OK(Sync<CalendarView>(
      [&](Callback<CalendarView> cb) { recorder_.UpdateCalendar(kPlan, rule, "c0", admin, cb); }));
  ASSERT_OK_AND_ASSIGN(auto calendar, recorder_.SharedSubmissionStatus(kPlan, "2026-05"));
  EXPECT_EQ(calendar->due.due_day, absl::CivilDay(2026, 6, 2));

  HolidayYear h;
  h.year = 2026;
  h.holidays = {absl::CivilDay(2026, 6, 1), absl::CivilDay(2026, 6, 2)};
  ASSERT_OK(
      Sync<HolidayYear>([&](Callback<HolidayYear> cb) { recorder_.LoadHolidays(h, admin, cb); }));
  ASSERT_OK_AND_ASSIGN(auto holidays, recorder_.SharedSubmissionStatus(kPlan, "2026-05"));
  EXPECT_EQ(holidays->due.due_day, absl::CivilDay(2026, 6, 4));

  // A new view of the plan (from the registry's events; no commit here).
  auto plan = MakePlan();
  plan->issue_date = absl::CivilDay(2026, 6, 30);
  plans_.Put(plan);
  ASSERT_OK_AND_ASSIGN(auto reissued, recorder_.SharedSubmissionStatus(kPlan, "2026-05"));
  EXPECT_FALSE(reissued->owed);
  EXPECT_EQ(reissued->missing, 0);
}

TEST_F(ProgressRecorderTest, PeriodsDueBeforeThePlanWasIssuedAreNotMissing) {
  // Issued 2026-03-31: March's report (due 03-25) was due before the plan
  // existed, April's (due 04-25) is owed.
  auto plan = MakePlan();
  plan->issue_date = absl::CivilDay(2026, 3, 31);
  plans_.Put(plan);
  clock_.Set(Shanghai(2026, 4, 20, 9, 0));
  ASSERT_OK(Submit(Submission(kEco, "2026-03", {Entry("a1-t1-m1")})));

  ASSERT_OK_AND_ASSIGN(SubmissionStatus march, recorder_.GetSubmissionStatus(kPlan, "2026-03"));
  EXPECT_FALSE(march.owed);
  EXPECT_EQ(march.due.due_day, absl::CivilDay(2026, 3, 25));
  EXPECT_EQ(march.missing, 0);
  std::map<std::string, OrgSubmission> by_org;
  for (const OrgSubmission& o : march.organizations) by_org[o.org_id] = o;
  EXPECT_EQ(by_org[kTraffic].state, SubmissionState::kNotOwed);
  EXPECT_EQ(by_org[kTown2].state, SubmissionState::kNotOwed);
  // A report sent anyway is still shown for what it is (after March 25: late).
  EXPECT_EQ(by_org[kEco].state, SubmissionState::kLate);

  ASSERT_OK_AND_ASSIGN(SubmissionStatus april, recorder_.GetSubmissionStatus(kPlan, "2026-04"));
  EXPECT_TRUE(april.owed);
  EXPECT_EQ(april.missing, 5);

  // Without a known issue date every period is owed, as before.
  plans_.Put(MakePlan());
  ASSERT_OK_AND_ASSIGN(SubmissionStatus unknown, recorder_.GetSubmissionStatus(kPlan, "2026-03"));
  EXPECT_TRUE(unknown.owed);
  EXPECT_EQ(unknown.missing, 4);
}

TEST_F(ProgressRecorderTest, WithoutAViewOfThePlanSubmissionsAreUnavailableAndReadsWork) {
  PlanDirectory empty;
  ProgressRecorder recorder(&store_, &empty, &clock_, [](std::function<void()> fn) { fn(); });
  std::optional<absl::StatusOr<Report>> r;
  recorder.SubmitReport(Submission(kEco, "2026-05", {Entry("a1-t1-m1")}), Caller(),
                        [&](absl::StatusOr<Report> x) { r = x; });
  EXPECT_STATUS_CODE(*r, absl::StatusCode::kUnavailable);
  empty.SetConnected(true);
  recorder.SubmitReport(Submission(kEco, "2026-05", {Entry("a1-t1-m1")}), Caller(),
                        [&](absl::StatusOr<Report> x) { r = x; });
  EXPECT_STATUS_CODE(*r, absl::StatusCode::kNotFound);
  EXPECT_STATUS_CODE(recorder.GetReport(kPlan, "o-eco_2026-05"), absl::StatusCode::kNotFound);
}

TEST_F(ProgressRecorderTest, ListsFilterAndPageAndMeasureHistorySpansTheMonths) {
  for (int month = 2; month <= 5; ++month) {
    clock_.Set(Shanghai(2026, month, 20, 9, 0));
    const std::string period = absl::StrFormat("2026-%02d", month);
    ReportEntry e = Entry("a1-t1-m1", month * 10);
    if (month == 4) {
      e.status = MeasureStatus::kBlocked;
      e.problems = "资金未到位";
    }
    ASSERT_OK(Submit(Submission(kEco, period, {e})));
    ASSERT_OK(Submit(Submission(kTraffic, period, {Entry("a1-t1-m1", month * 5)})));
  }
  ASSERT_OK_AND_ASSIGN(ReportPage all, recorder_.ListReports(kPlan, {}, {3, ""}));
  EXPECT_EQ(all.total_size, 8);
  ASSERT_EQ(all.reports.size(), 3u);
  EXPECT_EQ(all.reports[0].period, "2026-02");
  ASSERT_OK_AND_ASSIGN(ReportPage next, recorder_.ListReports(kPlan, {}, {3, all.next_page_token}));
  EXPECT_EQ(next.reports[0].id(), "o-traffic_2026-03");
  ReportFilter blocked;
  blocked.entry_status = MeasureStatus::kBlocked;
  ASSERT_OK_AND_ASSIGN(ReportPage b, recorder_.ListReports(kPlan, blocked, {}));
  ASSERT_EQ(b.reports.size(), 1u);
  EXPECT_EQ(b.reports[0].id(), "o-eco_2026-04");
  ReportFilter by_org;
  by_org.org_id = kTraffic;
  by_org.period = "2026-05";
  ASSERT_OK_AND_ASSIGN(ReportPage t, recorder_.ListReports(kPlan, by_org, {}));
  EXPECT_EQ(t.total_size, 1);
  EXPECT_STATUS_CODE(recorder_.ListReports(kPlan, {}, {3, "junk"}),
                     absl::StatusCode::kInvalidArgument);

  ASSERT_OK_AND_ASSIGN(std::vector<HistoryItem> history,
                       recorder_.ListMeasureHistory(kPlan, "a1-t1-m1", kEco));
  ASSERT_EQ(history.size(), 4u);
  EXPECT_EQ(history[0].period, "2026-02");
  EXPECT_EQ(history[3].entry.percent_done, 50);
  ASSERT_OK_AND_ASSIGN(MeasureProgress p, recorder_.GetMeasureProgress(kPlan, "a1-t1-m1"));
  ASSERT_EQ(p.organizations.size(), 2u);
  EXPECT_TRUE(p.organizations[0].lead);
  EXPECT_EQ(p.organizations[0].period, "2026-05");
  EXPECT_EQ(p.organizations[1].entry->percent_done, 25);
}

}  // namespace
}  // namespace ecoplan::progress::recorder_test
