// The evaluation use cases over the fake store: evaluating is a read;
// RecordEvaluation writes each status change once, with its run, and a
// failed commit publishes nothing (the next run records the change again).

#include "gmock/gmock.h"
#include "services/indicator/domain/indicator_evaluator_test_fixture.h"

namespace ecoplan::indicator {
namespace {

using ::testing::HasSubstr;
using IndicatorEvaluationTest = IndicatorEvaluatorTest;

TEST_F(IndicatorEvaluationTest, EvaluatingWritesNothing) {
  ASSERT_OK(Create(Share()).status());
  ASSERT_OK(Report(absl::CivilDay(2026, 5, 25), 20).status());
  const size_t commits = store_.committed().size();
  ASSERT_OK_AND_ASSIGN(PlanResult r, evaluator_->EvaluatePlan("p", absl::CivilDay(2026, 6, 30)));
  ASSERT_EQ(r.evaluations.size(), 1u);
  ASSERT_OK(evaluator_->EvaluateIndicator("p", "trucks", absl::CivilDay(2026, 6, 30)).status());
  EXPECT_EQ(store_.committed().size(), commits);
  EXPECT_EQ(evaluator_->EvaluatePlan("q", absl::CivilDay(2026, 6, 30)).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(evaluator_->PlanIds(), std::vector<std::string>{"p"});
}

TEST_F(IndicatorEvaluationTest, RecordEvaluationWritesOnceAndIsIdempotent) {
  ASSERT_OK(Create(Share()).status());
  ASSERT_OK(Report(absl::CivilDay(2026, 5, 25), 20).status());
  const size_t commits = store_.committed().size();
  ASSERT_OK_AND_ASSIGN(RunOutcome run, Record(absl::CivilDay(2026, 6, 30)));
  EXPECT_EQ(run.evaluated, 1);
  ASSERT_EQ(run.changes.size(), 1u);
  EXPECT_EQ(run.changes[0].indicator_id, "trucks");
  EXPECT_EQ(run.changes[0].previous, IndicatorStatus::kUnspecified);
  EXPECT_NE(run.changes[0].status, IndicatorStatus::kUnspecified);
  EXPECT_GT(run.first_sequence, 0u);
  EXPECT_EQ(run.first_sequence, run.last_sequence);
  ASSERT_EQ(store_.committed().size(), commits + 1);
  const Change c = store_.committed().back();
  ASSERT_TRUE(c.run.has_value());
  EXPECT_EQ(c.run->changes.size(), 1u);
  EXPECT_EQ(c.actor, "li.admin");
  EXPECT_EQ(store_.runs().size(), 1u);

  // The same evaluation again: nothing changed, nothing written.
  ASSERT_OK_AND_ASSIGN(RunOutcome again, Record(absl::CivilDay(2026, 6, 30)));
  EXPECT_TRUE(again.changes.empty());
  EXPECT_EQ(again.evaluated, 1);
  EXPECT_EQ(store_.committed().size(), commits + 1);
  // Also after a restart: the recorded status is loaded.
  Reopen();
  ASSERT_OK_AND_ASSIGN(again, Record(absl::CivilDay(2026, 6, 30)));
  EXPECT_TRUE(again.changes.empty());
  EXPECT_EQ(store_.committed().size(), commits + 1);
}

TEST_F(IndicatorEvaluationTest, AFailedRecordingIsRecordedByTheNextRun) {
  ASSERT_OK(Create(Share()).status());
  ASSERT_OK(Report(absl::CivilDay(2026, 5, 25), 20).status());
  const size_t commits = store_.committed().size();
  store_.FailNextCommit(absl::UnavailableError("disk gone"));
  EXPECT_EQ(Record(absl::CivilDay(2026, 6, 30)).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(store_.committed().size(), commits);
  EXPECT_TRUE(store_.runs().empty());
  ASSERT_OK_AND_ASSIGN(RunOutcome run, Record(absl::CivilDay(2026, 6, 30)));
  ASSERT_EQ(run.changes.size(), 1u);
  EXPECT_EQ(run.changes[0].previous, IndicatorStatus::kUnspecified);
  EXPECT_EQ(store_.runs().size(), 1u);
}

TEST_F(IndicatorEvaluationTest, RecordedStatusesOnlyMoveForwardInTime) {
  ASSERT_OK(Create(Share()).status());
  ASSERT_OK(Report(absl::CivilDay(2026, 5, 25), 20).status());
  // A failed commit does not count as recorded: an earlier day still records.
  store_.FailNextCommit(absl::UnavailableError("disk gone"));
  EXPECT_EQ(Record(absl::CivilDay(2026, 6, 30)).status().code(), absl::StatusCode::kUnavailable);
  ASSERT_OK_AND_ASSIGN(RunOutcome run, Record(absl::CivilDay(2026, 6, 29)));
  ASSERT_EQ(run.changes.size(), 1u);
  ASSERT_OK_AND_ASSIGN(run, Record(absl::CivilDay(2026, 6, 30)));
  const size_t commits = store_.committed().size();

  // The fixture's today is 2026-07-01 (UTC midnight: 08:00 in Asia/Shanghai).
  absl::Status s = Record(absl::CivilDay(2026, 7, 2)).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("as_of 2026-07-02 has not come (today is 2026-07-01"));
  s = Record(absl::CivilDay(2026, 5, 31)).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(),
            "statuses of plans/p were recorded as of 2026-06-29; recording as of the earlier "
            "2026-05-31 would turn them back (and alert again): EvaluatePlan shows a past day "
            "without recording");
  EXPECT_EQ(store_.committed().size(), commits);
  // The same day and later days record; the guard holds after a restart.
  ASSERT_OK(Record(absl::CivilDay(2026, 6, 29)).status());
  ASSERT_OK(Record(absl::CivilDay(2026, 7, 1)).status());
  Reopen();
  EXPECT_EQ(Record(absl::CivilDay(2026, 6, 1)).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_OK(Record(absl::CivilDay(2026, 6, 29)).status());
}

TEST_F(IndicatorEvaluationTest, APlanWithoutIndicatorsIsNotFound) {
  EXPECT_EQ(Record(absl::CivilDay(2026, 6, 30)).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(store_.committed().empty());
}

}  // namespace
}  // namespace ecoplan::indicator
