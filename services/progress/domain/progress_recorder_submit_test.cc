// ProgressRecorder::SubmitReport: validation, timeliness, permissions, retries,
// concurrent revisions and the cache of committed reports.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "absl/strings/str_format.h"
#include "services/progress/domain/progress_recorder_test_fixture.h"

namespace ecoplan::progress::recorder_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

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
  EXPECT_THAT(std::string(reused.status().message()),
              HasSubstr("request_id \"req-1\" was already used for SubmitReport of "));
}

TEST_F(ProgressRecorderTest, ARequestIdUsedForAnotherMethodIsRefusedAndARetryAnswersTheFirst) {
  const ReportSubmission s = Submission(kEco, "2026-05", {Entry("a1-t1-m1")});
  const std::string id(128, 'q');  // the longest id accepted
  ASSERT_OK_AND_ASSIGN(Report first, Submit(s, id));
  // The same id for a review (another method) is refused, naming the first use.
  Caller admin;
  admin.role = Caller::Role::kAdministrator;
  admin.actor = "区生态环境局-李四";
  admin.request_id = id;
  absl::StatusOr<Report> reviewed = Sync<Report>([&](Callback<Report> cb) {
    recorder_.ReviewReport(kPlan, first.id(), true, ReportEtag(first), "", admin, cb);
  });
  EXPECT_STATUS_CODE(reviewed, absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reviewed.status().message(),
            absl::StrCat("request_id \"", id, "\" was already used for SubmitReport of ",
                         first.id(), "; use a new request_id for a new request"));
  EXPECT_EQ(store_.commits(), 1);
  // The retry of the first call answers its result.
  clock_.Advance(absl::Minutes(1));
  ASSERT_OK_AND_ASSIGN(Report again, Submit(s, id));
  EXPECT_EQ(again.revision, first.revision);
  EXPECT_EQ(again.update_time, first.update_time);
  EXPECT_EQ(store_.commits(), 1);
  // Longer than 128 characters, or with a space: refused before anything is read.
  EXPECT_STATUS_CODE(Submit(s, std::string(129, 'q')), absl::StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(Submit(s, "req 2"), absl::StatusCode::kInvalidArgument);
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
    if (!e.met_checkpoints.empty()) add("|");
    for (const CheckpointMet& c : e.met_checkpoints) {
      add(absl::FormatCivilTime(c.due));
      add(c.phrase);
    }
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

// Checkpoints of the measure texts (registry Measure.checkpoints) as the plan
// view holds them: a1-t1-m1 has 5月底前 and 按季度 (two quarters by its due day).
void AddCheckpoints(PlanDirectory* plans) {
  auto plan = MakePlan();
  plan->measures[0].checkpoints = {
      {"5月底前", {absl::CivilDay(2026, 5, 31)}},
      {"按季度", {absl::CivilDay(2026, 3, 31), absl::CivilDay(2026, 6, 30)}}};
  plan->Index();
  plans->Put(plan);
}

TEST_F(ProgressRecorderTest, RejectsACheckpointStatedMetThatTheMeasureDoesNotHave) {
  AddCheckpoints(&plans_);
  ReportEntry e = Entry("a1-t1-m1");
  e.met_checkpoints = {{absl::CivilDay(2026, 5, 31), "5月底前"}, {absl::CivilDay(2026, 4, 30), ""}};
  absl::StatusOr<Report> r = Submit(Submission(kEco, "2026-05", {Entry("a1-t1-m2"), e}));
  EXPECT_STATUS_CODE(r, absl::StatusCode::kInvalidArgument);
  const std::string message(r.status().message());
  EXPECT_THAT(message, HasSubstr("entries[1].met_checkpoints[1]"));
  EXPECT_THAT(message, HasSubstr("a1-t1-m1"));
  EXPECT_THAT(message, HasSubstr("no checkpoint due 2026-04-30"));
  EXPECT_THAT(message, HasSubstr("5月底前 2026-05-31"));
  EXPECT_EQ(store_.commits(), 0);

  // A measure without checkpoints has none to meet.
  ReportEntry other = Entry("a1-t1-m2");
  other.met_checkpoints = {{absl::CivilDay(2026, 5, 31), ""}};
  r = Submit(Submission(kEco, "2026-05", {other}));
  EXPECT_STATUS_CODE(r, absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("a1-t1-m2 (entries[0]) has no checkpoint due 2026-05-31; its checkpoints: "
                        "none"));

  // A phrase that is not the one due that day, and a day stated twice.
  e.met_checkpoints = {{absl::CivilDay(2026, 6, 30), "5月底前"}};
  r = Submit(Submission(kEco, "2026-05", {e}));
  EXPECT_STATUS_CODE(r, absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("entries[0].met_checkpoints[0].phrase"));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("due that day: «按季度»"));
  e.met_checkpoints = {{absl::CivilDay(2026, 6, 30), ""}, {absl::CivilDay(2026, 6, 30), "按季度"}};
  r = Submit(Submission(kEco, "2026-05", {e}));
  EXPECT_STATUS_CODE(r, absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("stated twice"));
  EXPECT_EQ(store_.commits(), 0);
}

TEST_F(ProgressRecorderTest, StatesCheckpointsMetWithTheirPhraseAndListsThemInTheRevision) {
  AddCheckpoints(&plans_);
  ReportEntry e = Entry("a1-t1-m1");
  e.met_checkpoints = {{absl::CivilDay(2026, 3, 31), ""}};
  ASSERT_OK_AND_ASSIGN(Report first, Submit(Submission(kEco, "2026-05", {e}), "req-ck"));
  ASSERT_EQ(first.entries[0].met_checkpoints.size(), 1u);
  // The phrase is filled in from the measure's checkpoint due that day.
  EXPECT_EQ(first.entries[0].met_checkpoints[0].phrase, "按季度");
  // A retry with the same content is still the same request.
  ASSERT_OK(Submit(Submission(kEco, "2026-05", {e}), "req-ck"));
  EXPECT_EQ(store_.commits(), 1);

  // The responsible unit states the other occurrence met in its own report.
  ReportEntry t = Entry("a1-t1-m1");
  t.met_checkpoints = {{absl::CivilDay(2026, 5, 31), "5月底前"}};
  ASSERT_OK_AND_ASSIGN(Report traffic, Submit(Submission(kTraffic, "2026-05", {t})));
  EXPECT_EQ(traffic.entries[0].met_checkpoints[0].phrase, "5月底前");

  ReportSubmission revision = Submission(kEco, "2026-05", {e});
  revision.entries[0].met_checkpoints.push_back({absl::CivilDay(2026, 6, 30), "按季度"});
  revision.etag = ReportEtag(first);
  ASSERT_OK(Submit(revision));
  ASSERT_OK_AND_ASSIGN(std::vector<ReportRevision> history,
                       recorder_.ListRevisions(kPlan, first.id()));
  ASSERT_EQ(history.size(), 2u);
  EXPECT_THAT(history[1].changes,
              ElementsAre("entries[a1-t1-m1].met_checkpoints: + 2026-06-30 按季度"));
}

}  // namespace
}  // namespace ecoplan::progress::recorder_test
