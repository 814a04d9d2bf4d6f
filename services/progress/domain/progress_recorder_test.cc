// Use cases of the progress service over a FakeReportStore and a FakeClock:
// no gRPC, no disk, no sleeps.

#include "services/progress/domain/progress_recorder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/testing/status_matchers.h"
#include "services/progress/testing/fake_report_store.h"

namespace ecoplan::progress {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kPlan[] = "2026-abc";
constexpr char kEco[] = "o-eco";          // 区生态环境局: leads m1, m2
constexpr char kTraffic[] = "o-traffic";  // 区交通局: responsible for m1, leads m4
constexpr char kCity[] = "o-city";        // 区城管委: leads m3
constexpr char kTown1[] = "o-town1";      // 龙泉镇: responsible for m3 through 各镇街
constexpr char kTown2[] = "o-town2";      // 城子街道: likewise

absl::Time Shanghai(int y, int mo, int d, int h, int mi, int s = 0) {
  absl::TimeZone zone;
  absl::LoadTimeZone("Asia/Shanghai", &zone);
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), zone);
}

std::shared_ptr<PlanInfo> MakePlan() {
  auto plan = std::make_shared<PlanInfo>();
  plan->id = kPlan;
  plan->title = "美丽门头沟建设2026年行动计划";
  plan->year = 2026;
  plan->organizations = {{kEco, "区生态环境局"},
                         {kTraffic, "区交通局"},
                         {kCity, "区城管委"},
                         {kTown1, "龙泉镇"},
                         {kTown2, "城子街道"}};
  MeasureInfo m1{"a1-t1-m1",
                 0,
                 "推进新能源货车",
                 "6月底前",
                 1,
                 std::nullopt,
                 absl::CivilDay(2026, 6, 30),
                 {kEco},
                 {kTraffic}};
  MeasureInfo m2{"a1-t1-m2", 0, "扬尘治理", "年底前", 1, std::nullopt, absl::CivilDay(2026, 12, 31),
                 {kEco},     {}};
  MeasureInfo m3{"a1-t2-m1",
                 0,
                 "垃圾分类",
                 "年底前",
                 1,
                 std::nullopt,
                 absl::CivilDay(2026, 12, 31),
                 {kCity},
                 {kTown1, kTown2}};
  MeasureInfo m4{"a2-t1-m1", 0, "长期实施的措施", "长期实施", 3, std::nullopt, std::nullopt,
                 {kTraffic}, {}};
  plan->measures = {m1, m2, m3, m4};
  plan->Index();
  return plan;
}

ReportEntry Entry(const std::string& measure, double percent = 40) {
  ReportEntry e;
  e.measure_id = measure;
  e.status = MeasureStatus::kInProgress;
  e.percent_done = percent;
  e.work_done = "完成新能源货车推广240辆";
  e.problems = "";
  e.next_steps = "继续推进";
  e.values = {{"新能源货车占比", 46.5, "%"}};
  e.evidence_links = {"https://example.gov.cn/report/1"};
  return e;
}

ReportSubmission Submission(const std::string& org, const std::string& period,
                            std::vector<ReportEntry> entries) {
  ReportSubmission s;
  s.plan_id = kPlan;
  s.org_id = org;
  s.period = period;
  s.entries = std::move(entries);
  return s;
}

class ProgressRecorderTest : public ::testing::Test {
 protected:
  ProgressRecorderTest()
      : clock_(Shanghai(2026, 5, 20, 10, 0)),
        recorder_(&store_, &plans_, &clock_, [](std::function<void()> fn) { fn(); }) {
    plans_.Put(MakePlan());
    plans_.SetConnected(true);
    EXPECT_OK(recorder_.Load());
  }

  template <typename T, typename Fn>
  absl::StatusOr<T> Sync(Fn fn) {
    std::optional<absl::StatusOr<T>> result;
    fn([&result](absl::StatusOr<T> r) { result = std::move(r); });
    if (!result.has_value()) return absl::InternalError("no answer (held commit?)");
    return *result;
  }

  absl::StatusOr<Report> Submit(const ReportSubmission& s, const std::string& request_id = "") {
    Caller caller;
    caller.role = Caller::Role::kAdministrator;
    caller.actor = "张三";
    caller.request_id = request_id;
    return Sync<Report>([&](Callback<Report> cb) { recorder_.SubmitReport(s, caller, cb); });
  }

  absl::StatusOr<Report> Review(const Report& r, bool accept, const std::string& comment) {
    Caller caller;
    caller.role = Caller::Role::kAdministrator;
    caller.actor = "区生态环境局-李四";
    return Sync<Report>([&](Callback<Report> cb) {
      recorder_.ReviewReport(kPlan, r.id(), accept, ReportEtag(r), comment, caller, cb);
    });
  }

  FakeReportStore store_;
  PlanDirectory plans_;
  common::FakeClock clock_;
  ProgressRecorder recorder_;
};

TEST_F(ProgressRecorderTest, SubmitsAReportAndRecordsThatItIsOnTime) {
  ASSERT_OK_AND_ASSIGN(Report r,
                       Submit(Submission(kEco, "2026-05", {Entry("a1-t1-m1"), Entry("a1-t1-m2")})));
  EXPECT_EQ(r.id(), "o-eco_2026-05");
  EXPECT_EQ(r.state, ReportState::kSubmitted);
  EXPECT_EQ(r.revision, 1);
  EXPECT_EQ(r.org_display_name, "区生态环境局");
  EXPECT_EQ(r.timeliness, Timeliness::kOnTime);
  EXPECT_EQ(*r.due_time, Shanghai(2026, 5, 26, 0, 0));
  EXPECT_EQ(r.submitted_by, "张三");
  EXPECT_THAT(store_.events(), ElementsAre(EventType::kReportSubmitted));
  ASSERT_OK_AND_ASSIGN(Report stored, recorder_.GetReport(kPlan, "o-eco_2026-05"));
  EXPECT_EQ(stored.entries.size(), 2u);
  EXPECT_EQ(stored.entries[0].values[0].value, 46.5);
}

TEST_F(ProgressRecorderTest, LatenessIsJudgedAtTheEndOfThe25thInShanghaiAndRecorded) {
  clock_.Set(Shanghai(2026, 5, 25, 23, 59, 59));
  ASSERT_OK_AND_ASSIGN(Report on_time, Submit(Submission(kEco, "2026-05", {Entry("a1-t1-m1")})));
  EXPECT_EQ(on_time.timeliness, Timeliness::kOnTime);
  clock_.Set(Shanghai(2026, 5, 26, 0, 0, 1));
  ASSERT_OK_AND_ASSIGN(Report late, Submit(Submission(kTraffic, "2026-05", {Entry("a1-t1-m1")})));
  EXPECT_EQ(late.timeliness, Timeliness::kLate);
  EXPECT_EQ(late.lateness, absl::Seconds(1));
  // Recorded, not recomputed: a revision much later keeps the first verdict.
  clock_.Set(Shanghai(2026, 7, 1, 9, 0));
  ReportSubmission revision = Submission(kEco, "2026-05", {Entry("a1-t1-m1", 60)});
  revision.etag = ReportEtag(on_time);
  ASSERT_OK_AND_ASSIGN(Report revised, Submit(revision));
  EXPECT_EQ(revised.timeliness, Timeliness::kOnTime);
  EXPECT_EQ(*revised.first_submit_time, Shanghai(2026, 5, 25, 23, 59, 59));
  EXPECT_EQ(*revised.last_submit_time, Shanghai(2026, 7, 1, 9, 0));
}

TEST_F(ProgressRecorderTest, RejectsEntryForMeasureTheOrganizationDoesNotOwn) {
  absl::StatusOr<Report> r =
      Submit(Submission(kEco, "2026-05", {Entry("a1-t1-m1"), Entry("a1-t2-m1")}));
  EXPECT_STATUS_CODE(r, absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("entries[1].measure"));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("a1-t2-m1"));
  EXPECT_EQ(store_.commits(), 0);
}

TEST_F(ProgressRecorderTest, TownsReportOnMeasuresTheyOwnThroughAGroup) {
  ASSERT_OK(Submit(Submission(kTown1, "2026-05", {Entry("a1-t2-m1")})));
}

TEST_F(ProgressRecorderTest, BadInputGetsTheRightCodeNamingTheFieldAndWritesNothing) {
  struct Case {
    std::string name;
    std::function<void(ReportSubmission&)> mutate;
    absl::StatusCode code;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"percent above 100", [](auto& s) { s.entries[0].percent_done = 100.5; },
       absl::StatusCode::kInvalidArgument, "entries[0].percent_done"},
      {"negative percent", [](auto& s) { s.entries[0].percent_done = -1; },
       absl::StatusCode::kInvalidArgument, "entries[0].percent_done"},
      {"NaN percent", [](auto& s) { s.entries[0].percent_done = std::nan(""); },
       absl::StatusCode::kInvalidArgument, "entries[0].percent_done"},
      {"infinite value",
       [](auto& s) { s.entries[0].values[0].value = std::numeric_limits<double>::infinity(); },
       absl::StatusCode::kInvalidArgument, "entries[0].values[0].value"},
      {"NaN value", [](auto& s) { s.entries[0].values[0].value = std::nan(""); },
       absl::StatusCode::kInvalidArgument, "entries[0].values[0].value"},
      {"empty work done", [](auto& s) { s.entries[0].work_done = ""; },
       absl::StatusCode::kInvalidArgument, "entries[0].work_done"},
      {"blank work done", [](auto& s) { s.entries[0].work_done = "　 "; },
       absl::StatusCode::kInvalidArgument, "entries[0].work_done"},
      {"oversized text", [](auto& s) { s.entries[0].next_steps = std::string(4001, 'x'); },
       absl::StatusCode::kInvalidArgument, "entries[0].next_steps"},
      {"invalid UTF-8", [](auto& s) { s.entries[0].problems = "bad \xff\xfe"; },
       absl::StatusCode::kInvalidArgument, "entries[0].problems"},
      {"delayed without problems", [](auto& s) { s.entries[0].status = MeasureStatus::kDelayed; },
       absl::StatusCode::kInvalidArgument, "entries[0].problems"},
      {"no status", [](auto& s) { s.entries[0].status = MeasureStatus::kUnspecified; },
       absl::StatusCode::kInvalidArgument, "entries[0].status"},
      {"completed below 100", [](auto& s) { s.entries[0].status = MeasureStatus::kCompleted; },
       absl::StatusCode::kInvalidArgument, "entries[0].percent_done"},
      {"period outside plan year", [](auto& s) { s.period = "2025-05"; },
       absl::StatusCode::kInvalidArgument, "period"},
      {"malformed period", [](auto& s) { s.period = "2026-13"; },
       absl::StatusCode::kInvalidArgument, "period"},
      {"quarter not asked for", [](auto& s) { s.period = "2026-Q1"; },
       absl::StatusCode::kInvalidArgument, "period"},
      {"period not begun", [](auto& s) { s.period = "2026-06"; },
       absl::StatusCode::kFailedPrecondition, "period"},
      {"unknown measure", [](auto& s) { s.entries[0].measure_id = "a9-t9-m9"; },
       absl::StatusCode::kNotFound, "entries[0].measure"},
      {"unknown organization", [](auto& s) { s.org_id = "o-nobody"; }, absl::StatusCode::kNotFound,
       "organization"},
      {"duplicate measure", [](auto& s) { s.entries.push_back(s.entries[0]); },
       absl::StatusCode::kInvalidArgument, "entries[1].measure"},
      {"more entries than owned measures",
       [](auto& s) {
         s.entries.push_back(Entry("a1-t1-m2"));
         s.entries.push_back(Entry("a1-t1-m2"));
       },
       absl::StatusCode::kInvalidArgument, "entries"},
      {"no entries", [](auto& s) { s.entries.clear(); }, absl::StatusCode::kInvalidArgument,
       "entries"},
      {"ftp link", [](auto& s) { s.entries[0].evidence_links = {"ftp://x.cn/a"}; },
       absl::StatusCode::kInvalidArgument, "entries[0].evidence_links[0]"},
      {"link without host", [](auto& s) { s.entries[0].evidence_links = {"https:///a"}; },
       absl::StatusCode::kInvalidArgument, "entries[0].evidence_links[0]"},
      {"21 links",
       [](auto& s) { s.entries[0].evidence_links.assign(21, "https://example.gov.cn/x"); },
       absl::StatusCode::kInvalidArgument, "entries[0].evidence_links"},
      {"empty value name", [](auto& s) { s.entries[0].values[0].name = ""; },
       absl::StatusCode::kInvalidArgument, "entries[0].values[0].name"},
      {"oversized summary", [](auto& s) { s.summary = std::string(4001, 'a'); },
       absl::StatusCode::kInvalidArgument, "summary"},
  };
  for (const Case& c : cases) {
    ReportSubmission s = Submission(kEco, "2026-05", {Entry("a1-t1-m1")});
    c.mutate(s);
    absl::StatusOr<Report> r = Submit(s);
    EXPECT_EQ(r.status().code(), c.code) << c.name << ": " << r.status();
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(c.field)) << c.name;
  }
  EXPECT_EQ(store_.commits(), 0);
  EXPECT_TRUE(store_.events().empty());
}

TEST_F(ProgressRecorderTest, RetryWithTheSameRequestIdReturnsTheSameResultAndWritesOnce) {
  const ReportSubmission s = Submission(kEco, "2026-05", {Entry("a1-t1-m1")});
  ASSERT_OK_AND_ASSIGN(Report first, Submit(s, "req-1"));
  clock_.Advance(absl::Minutes(5));
  ASSERT_OK_AND_ASSIGN(Report again, Submit(s, "req-1"));
  EXPECT_EQ(again.revision, first.revision);
  EXPECT_EQ(again.update_time, first.update_time);
  EXPECT_EQ(store_.commits(), 1);
  EXPECT_EQ(store_.events().size(), 1u);

  ReportSubmission other = s;
  other.entries[0].percent_done = 90;
  absl::StatusOr<Report> reused = Submit(other, "req-1");
  EXPECT_STATUS_CODE(reused, absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(reused.status().message()), HasSubstr("request_id"));
}

TEST_F(ProgressRecorderTest, ConcurrentRevisionsAreSerialisedByEtagAndTheLoserIsAborted) {
  ASSERT_OK_AND_ASSIGN(Report r, Submit(Submission(kEco, "2026-05", {Entry("a1-t1-m1")})));
  ReportSubmission a = Submission(kEco, "2026-05", {Entry("a1-t1-m1", 50)});
  ReportSubmission b = Submission(kEco, "2026-05", {Entry("a1-t1-m1", 70)});
  a.etag = b.etag = ReportEtag(r);
  store_.hold_commits(true);
  std::optional<absl::StatusOr<Report>> ra, rb;
  Caller caller;
  caller.role = Caller::Role::kAdministrator;
  recorder_.SubmitReport(a, caller, [&](absl::StatusOr<Report> x) { ra = x; });
  recorder_.SubmitReport(b, caller, [&](absl::StatusOr<Report> x) { rb = x; });
  // The second waits for the first's commit: it has not even read the report.
  EXPECT_EQ(store_.held_commits(), 1u);
  EXPECT_FALSE(ra.has_value());
  EXPECT_FALSE(rb.has_value());
  store_.hold_commits(false);
  store_.ReleaseCommits();
  ASSERT_TRUE(ra.has_value() && rb.has_value());
  ASSERT_OK(*ra);
  EXPECT_STATUS_CODE(*rb, absl::StatusCode::kAborted);
  ASSERT_OK_AND_ASSIGN(Report now, recorder_.GetReport(kPlan, r.id()));
  EXPECT_EQ(now.entries[0].percent_done, 50);
  EXPECT_EQ(now.revision, 2);

  // An existing report needs its etag.
  ReportSubmission no_etag = Submission(kEco, "2026-05", {Entry("a1-t1-m1", 80)});
  EXPECT_STATUS_CODE(Submit(no_etag), absl::StatusCode::kAborted);
}

TEST_F(ProgressRecorderTest, TheHistoryShowsTheWholeExchangeWithTheBureau) {
  ReportSubmission draft = Submission(kEco, "2026-05", {Entry("a1-t1-m1", 40)});
  draft.draft = true;
  draft.entries[0].work_done = "";  // drafts may be incomplete
  ASSERT_OK_AND_ASSIGN(Report d, Submit(draft));
  EXPECT_EQ(d.state, ReportState::kDraft);
  EXPECT_EQ(d.timeliness, Timeliness::kUnspecified);

  ReportSubmission submit = Submission(kEco, "2026-05", {Entry("a1-t1-m1", 40)});
  submit.etag = ReportEtag(d);
  ASSERT_OK_AND_ASSIGN(Report s, Submit(submit));
  EXPECT_EQ(s.state, ReportState::kSubmitted);

  ReportSubmission late_draft = draft;
  late_draft.etag = ReportEtag(s);
  EXPECT_STATUS_CODE(Submit(late_draft), absl::StatusCode::kFailedPrecondition);

  EXPECT_STATUS_CODE(Review(s, /*accept=*/false, ""), absl::StatusCode::kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(Report returned, Review(s, false, "请补充新能源货车占比的数据来源"));
  EXPECT_EQ(returned.state, ReportState::kReturned);

  ReportSubmission resubmit = Submission(kEco, "2026-05", {Entry("a1-t1-m1", 60)});
  resubmit.etag = ReportEtag(returned);
  ASSERT_OK_AND_ASSIGN(Report again, Submit(resubmit));
  EXPECT_EQ(again.state, ReportState::kSubmitted);
  ASSERT_OK_AND_ASSIGN(Report accepted, Review(again, true, ""));
  EXPECT_EQ(accepted.state, ReportState::kAccepted);

  resubmit.etag = ReportEtag(accepted);
  EXPECT_STATUS_CODE(Submit(resubmit), absl::StatusCode::kFailedPrecondition);

  ASSERT_OK_AND_ASSIGN(std::vector<ReportRevision> history,
                       recorder_.ListRevisions(kPlan, accepted.id()));
  std::vector<RevisionAction> actions;
  for (const ReportRevision& r : history) actions.push_back(r.action);
  EXPECT_THAT(actions, ElementsAre(RevisionAction::kDraftSaved, RevisionAction::kSubmitted,
                                   RevisionAction::kReturned, RevisionAction::kRevised,
                                   RevisionAction::kAccepted));
  EXPECT_EQ(history[2].comment, "请补充新能源货车占比的数据来源");
  EXPECT_EQ(history[2].actor, "区生态环境局-李四");
  EXPECT_THAT(history[3].changes, ::testing::Contains("entries[a1-t1-m1].percent_done: 40 → 60"));
  EXPECT_THAT(history[3].changes, ::testing::Contains("state: RETURNED → SUBMITTED"));
  EXPECT_THAT(store_.events(), ElementsAre(EventType::kReportDraftSaved,
                                           EventType::kReportSubmitted, EventType::kReportReturned,
                                           EventType::kReportRevised, EventType::kReportAccepted));
}

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

TEST_F(ProgressRecorderTest, ExtensionsMoveTheEffectiveDeadlineAndKeepTheOriginal) {
  Caller caller;
  caller.role = Caller::Role::kAdministrator;
  auto request = [&](const std::string& org, absl::CivilDay day) {
    return Sync<Extension>([&](Callback<Extension> cb) {
      recorder_.RequestExtension(kPlan, "a1-t1-m1", org, day, "车辆采购延迟", caller, cb);
    });
  };
  auto decide = [&](int n, bool approve) {
    return Sync<Extension>([&](Callback<Extension> cb) {
      recorder_.DecideExtension(kPlan, "a1-t1-m1", n, approve, approve ? "" : "理由不充分", caller,
                                cb);
    });
  };
  EXPECT_STATUS_CODE(request(kTraffic, absl::CivilDay(2026, 9, 30)),
                     absl::StatusCode::kPermissionDenied);  // responsible, not lead
  EXPECT_STATUS_CODE(request(kEco, absl::CivilDay(2026, 6, 1)),
                     absl::StatusCode::kInvalidArgument);  // not after June 30
  ASSERT_OK_AND_ASSIGN(Extension first, request(kEco, absl::CivilDay(2026, 9, 30)));
  EXPECT_EQ(first.number, 1);
  EXPECT_EQ(first.state, ExtensionState::kPending);
  EXPECT_STATUS_CODE(request(kEco, absl::CivilDay(2026, 10, 31)),
                     absl::StatusCode::kFailedPrecondition);  // one pending at a time
  ASSERT_OK_AND_ASSIGN(Extension approved, decide(1, true));
  EXPECT_EQ(approved.state, ExtensionState::kApproved);
  EXPECT_STATUS_CODE(decide(1, false), absl::StatusCode::kFailedPrecondition);

  ASSERT_OK_AND_ASSIGN(MeasureProgress p, recorder_.GetMeasureProgress(kPlan, "a1-t1-m1"));
  EXPECT_EQ(*p.effective_due, absl::CivilDay(2026, 9, 30));
  EXPECT_EQ(*p.measure.due, absl::CivilDay(2026, 6, 30));

  // July: past the original deadline but before the extended one.
  clock_.Set(Shanghai(2026, 7, 10, 9, 0));
  ASSERT_OK_AND_ASSIGN(MeasureProgress july, recorder_.GetMeasureProgress(kPlan, "a1-t1-m1"));
  EXPECT_FALSE(july.overdue);
  ASSERT_OK_AND_ASSIGN(Extension second, request(kEco, absl::CivilDay(2026, 11, 30)));
  EXPECT_EQ(second.number, 2);  // a repeated request shows as such
  EXPECT_EQ(*second.current_due, absl::CivilDay(2026, 9, 30));
  EXPECT_EQ(*second.original_due, absl::CivilDay(2026, 6, 30));
  ASSERT_OK(decide(2, false));

  clock_.Set(Shanghai(2026, 10, 1, 0, 0));
  ASSERT_OK_AND_ASSIGN(MeasureProgress october, recorder_.GetMeasureProgress(kPlan, "a1-t1-m1"));
  EXPECT_TRUE(october.overdue);
  EXPECT_STATUS_CODE(request(kEco, absl::CivilDay(2026, 12, 31)),
                     absl::StatusCode::kFailedPrecondition);  // the deadline has passed
  EXPECT_THAT(store_.events(),
              ElementsAre(EventType::kExtensionRequested, EventType::kExtensionDecided,
                          EventType::kExtensionRequested, EventType::kExtensionDecided));
}

TEST_F(ProgressRecorderTest, AMeasureCountsAsCompletedOnlyOnceConfirmed) {
  Caller caller;
  caller.role = Caller::Role::kAdministrator;
  auto declare = [&](const std::string& org, std::vector<std::string> links) {
    return Sync<Completion>([&](Callback<Completion> cb) {
      recorder_.DeclareCompletion(kPlan, "a1-t1-m2", org, "已全部完成", links, caller, cb);
    });
  };
  auto decide = [&](int n, bool confirm) {
    return Sync<Completion>([&](Callback<Completion> cb) {
      recorder_.DecideCompletion(kPlan, "a1-t1-m2", n, confirm, confirm ? "" : "证明材料不全",
                                 caller, cb);
    });
  };
  EXPECT_STATUS_CODE(declare(kEco, {}), absl::StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(declare(kCity, {"https://a.cn/x"}), absl::StatusCode::kPermissionDenied);
  ASSERT_OK(declare(kEco, {"https://a.cn/x"}));
  ASSERT_OK_AND_ASSIGN(MeasureProgress declared, recorder_.GetMeasureProgress(kPlan, "a1-t1-m2"));
  EXPECT_FALSE(declared.completed);
  ASSERT_OK(decide(1, false));
  ASSERT_OK(declare(kEco, {"https://a.cn/y"}));
  ASSERT_OK(decide(2, true));
  ASSERT_OK_AND_ASSIGN(MeasureProgress done, recorder_.GetMeasureProgress(kPlan, "a1-t1-m2"));
  EXPECT_TRUE(done.completed);
  EXPECT_EQ(done.completions.size(), 2u);
  EXPECT_STATUS_CODE(declare(kEco, {"https://a.cn/z"}), absl::StatusCode::kFailedPrecondition);
}

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

TEST_F(ProgressRecorderTest, AReporterCannotActForAnotherOrganization) {
  Caller reporter;
  reporter.role = Caller::Role::kReporter;
  reporter.org_id = kTraffic;
  std::optional<absl::StatusOr<Report>> r;
  recorder_.SubmitReport(Submission(kEco, "2026-05", {Entry("a1-t1-m1")}), reporter,
                         [&](absl::StatusOr<Report> x) { r = x; });
  EXPECT_STATUS_CODE(*r, absl::StatusCode::kPermissionDenied);
  ASSERT_OK_AND_ASSIGN(Report mine, Submit(Submission(kTraffic, "2026-05", {Entry("a1-t1-m1")})));
  recorder_.ReviewReport(kPlan, mine.id(), true, ReportEtag(mine), "", reporter,
                         [&](absl::StatusOr<Report> x) { r = x; });
  EXPECT_STATUS_CODE(*r, absl::StatusCode::kPermissionDenied);
}

TEST_F(ProgressRecorderTest, ACallerOfUnknownRoleIsAViewerAndChangesNothing) {
  Caller nobody;  // the default role is the least privileged
  nobody.actor = "匿名";
  std::optional<absl::StatusOr<Report>> r;
  recorder_.SubmitReport(Submission(kEco, "2026-05", {Entry("a1-t1-m1")}), nobody,
                         [&](absl::StatusOr<Report> x) { r = x; });
  ASSERT_TRUE(r.has_value());
  EXPECT_STATUS_CODE(*r, absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(store_.commits(), 0);
}

TEST_F(ProgressRecorderTest, AFailedCommitAnswersTheErrorAndLeavesNothing) {
  store_.FailNextCommit(absl::UnavailableError("disk"));
  EXPECT_STATUS_CODE(Submit(Submission(kEco, "2026-05", {Entry("a1-t1-m1")}), "req-x"),
                     absl::StatusCode::kUnavailable);
  EXPECT_STATUS_CODE(recorder_.GetReport(kPlan, "o-eco_2026-05"), absl::StatusCode::kNotFound);
  // The retry with the same id now succeeds.
  ASSERT_OK(Submit(Submission(kEco, "2026-05", {Entry("a1-t1-m1")}), "req-x"));
}

TEST_F(ProgressRecorderTest, ARevisionStartsFromTheReportCommittedLastWithoutReadingTheStore) {
  ReportSubmission first = Submission(kEco, "2026-05", {Entry("a1-t1-m1", 10)});
  ASSERT_OK_AND_ASSIGN(Report r1, Submit(first));
  const int reads = store_.report_reads();  // the creation looked once and found nothing
  Report last = r1;
  for (int percent : {20, 30, 40}) {
    ReportSubmission next = Submission(kEco, "2026-05", {Entry("a1-t1-m1", percent)});
    next.etag = ReportEtag(last);
    Caller caller;
    caller.role = Caller::Role::kAdministrator;
    caller.actor = "张三";
    ASSERT_OK_AND_ASSIGN(last, Sync<Report>([&](Callback<Report> cb) {
                           recorder_.SubmitReport(std::move(next), caller, cb);
                         }));
  }
  EXPECT_EQ(store_.report_reads(), reads);
  EXPECT_EQ(last.revision, 4);
  EXPECT_EQ(last.first_submit_time, r1.first_submit_time);
  EXPECT_EQ(last.create_time, r1.create_time);
  ASSERT_OK_AND_ASSIGN(auto revisions, recorder_.ListRevisions(kPlan, r1.id()));
  ASSERT_EQ(revisions.size(), 4u);
  EXPECT_EQ(revisions[0].report.entries[0].percent_done, 10);
  EXPECT_EQ(revisions[3].report.entries[0].percent_done, 40);
  EXPECT_THAT(revisions[3].changes, ElementsAre("entries[a1-t1-m1].percent_done: 30 → 40"));
  ASSERT_OK_AND_ASSIGN(Report stored, recorder_.GetReport(kPlan, r1.id()));
  EXPECT_EQ(stored.revision, 4);
  EXPECT_EQ(stored.entries[0].percent_done, 40);
  // A stale etag is still refused.
  ReportSubmission stale = Submission(kEco, "2026-05", {Entry("a1-t1-m1", 50)});
  stale.etag = ReportEtag(r1);
  EXPECT_STATUS_CODE(Submit(stale), absl::StatusCode::kAborted);
}

TEST_F(ProgressRecorderTest, AfterAFailedRevisionTheNextStartsFromTheDurableReport) {
  ASSERT_OK_AND_ASSIGN(Report r1, Submit(Submission(kEco, "2026-05", {Entry("a1-t1-m1", 10)})));
  ReportSubmission next = Submission(kEco, "2026-05", {Entry("a1-t1-m1", 20)});
  next.etag = ReportEtag(r1);
  store_.FailNextCommit(absl::UnavailableError("disk"));
  EXPECT_STATUS_CODE(Submit(next), absl::StatusCode::kUnavailable);
  const int reads = store_.report_reads();
  ASSERT_OK_AND_ASSIGN(Report r2, Submit(next));  // the same etag still applies
  EXPECT_EQ(store_.report_reads(), reads + 1);
  EXPECT_EQ(r2.revision, 2);
  EXPECT_EQ(r2.entries[0].percent_done, 20);
}

TEST_F(ProgressRecorderTest, AReviewUpdatesTheReportTheNextRevisionStartsFrom) {
  ASSERT_OK_AND_ASSIGN(Report r1, Submit(Submission(kEco, "2026-05", {Entry("a1-t1-m1")})));
  ASSERT_OK_AND_ASSIGN(Report accepted, Review(r1, true, ""));
  EXPECT_EQ(accepted.revision, 2);
  ReportSubmission next = Submission(kEco, "2026-05", {Entry("a1-t1-m1", 60)});
  next.etag = ReportEtag(r1);
  EXPECT_STATUS_CODE(Submit(next), absl::StatusCode::kAborted);
  next.etag = ReportEtag(accepted);
  EXPECT_STATUS_CODE(Submit(next), absl::StatusCode::kFailedPrecondition);
}

TEST_F(ProgressRecorderTest, ARetryArrivingWhileTheFirstCallCommitsGetsItsResult) {
  const ReportSubmission s = Submission(kEco, "2026-05", {Entry("a1-t1-m1")});
  store_.hold_commits(true);
  Caller caller;
  caller.role = Caller::Role::kAdministrator;
  caller.request_id = "req-7";
  std::optional<absl::StatusOr<Report>> first, retry;
  recorder_.SubmitReport(s, caller, [&](absl::StatusOr<Report> x) { first = x; });
  recorder_.SubmitReport(s, caller, [&](absl::StatusOr<Report> x) { retry = x; });
  EXPECT_EQ(store_.held_commits(), 1u);
  EXPECT_FALSE(retry.has_value());
  store_.hold_commits(false);
  store_.ReleaseCommits();
  ASSERT_TRUE(first.has_value() && retry.has_value());
  ASSERT_OK(*first);
  ASSERT_OK(*retry);
  EXPECT_EQ((*retry)->revision, (*first)->revision);
  EXPECT_EQ(store_.commits(), 1);
}

// Request records outlive a release: a retry after an upgrade must still match
// the fingerprint stored before it. This is the fingerprint's definition.
std::string ReferenceFingerprint(const ReportSubmission& s) {
  uint64_t hash = 14695981039346656037ull;
  auto add = [&hash](absl::string_view part) {
    for (unsigned char c : part) {
      hash ^= c;
      hash *= 1099511628211ull;
    }
    hash ^= 0x1f;
    hash *= 1099511628211ull;
  };
  add(s.plan_id);
  add(s.org_id);
  add(s.period);
  add(s.summary);
  add(s.draft ? "d" : "s");
  add(s.etag);
  for (const ReportEntry& e : s.entries) {
    add(e.measure_id);
    add(absl::StrCat(static_cast<int>(e.status)));
    add(absl::StrFormat("%.17g", e.percent_done));
    add(e.work_done);
    add(e.problems);
    add(e.next_steps);
    for (const QuantitativeValue& v : e.values) {
      add(v.name);
      add(absl::StrFormat("%.17g", v.value));
      add(v.unit);
    }
    add("|");
    for (const std::string& l : e.evidence_links) add(l);
    add("#");
  }
  return absl::StrCat(absl::Hex(hash, absl::kZeroPad16));
}

TEST_F(ProgressRecorderTest, TheRequestFingerprintKeepsItsDefinition) {
  ReportSubmission s = Submission(kEco, "2026-05", {Entry("a1-t1-m1", 33.3), Entry("a1-t1-m2")});
  s.entries[0].values = {{"占比", 0.1, "%"}, {"浓度", 1e-7, "mg"}, {"数量", -2.5e300, ""}};
  s.summary = "本月小结";
  ASSERT_OK(Submit(s, "req-fp"));
  ASSERT_OK_AND_ASSIGN(std::optional<RequestRecord> record, store_.FindRequest("req-fp"));
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->fingerprint, ReferenceFingerprint(s));
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
}  // namespace ecoplan::progress
