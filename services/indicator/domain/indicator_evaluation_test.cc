// The evaluation use cases over the fake store: evaluating is a read;
// RecordEvaluation writes each status change once, with its run, and a
// failed commit publishes nothing (the next run records the change again).
// Recording is a keyed write (the plan is its key): the statuses in memory
// change only once the run is durable, and runs of one plan are decided in
// order, each against the statuses the one before recorded.

#include "absl/synchronization/notification.h"
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

// A run started without waiting for its answer (Answer::done tells when it came).
struct Answer {
  absl::Notification done;
  absl::StatusOr<RunOutcome> result = absl::UnknownError("not answered");
};

class RecordingOrderTest : public IndicatorEvaluatorTest {
 protected:
  void Start(absl::CivilDay as_of, Answer* answer) {
    evaluator_->RecordEvaluation("p", as_of, EvaluationTrigger::kRequest, "li.admin",
                                 [answer](absl::StatusOr<RunOutcome> r) {
                                   answer->result = std::move(r);
                                   answer->done.Notify();
                                 });
  }
};

TEST_F(RecordingOrderTest, StatusesAreNotVisibleBeforeTheRunIsDurable) {
  ASSERT_OK(Create(Share()).status());
  ASSERT_OK(Report(absl::CivilDay(2026, 5, 25), 20).status());
  store_.hold_commits(true);
  Answer run;
  Start(absl::CivilDay(2026, 6, 30), &run);
  ASSERT_EQ(store_.held_commits(), 1u);
  // Decided and handed to the store, not durable: memory shows nothing yet.
  EXPECT_TRUE(evaluator_->RecordedStatuses("p").empty());
  EXPECT_FALSE(run.done.HasBeenNotified());
  store_.hold_commits(false);
  store_.ReleaseCommits();
  run.done.WaitForNotification();
  ASSERT_OK(run.result.status());
  ASSERT_EQ(run.result->changes.size(), 1u);
  const IndicatorStatus recorded = run.result->changes[0].status;
  EXPECT_NE(recorded, IndicatorStatus::kUnspecified);
  EXPECT_EQ(evaluator_->RecordedStatuses("p"),
            (std::map<std::string, IndicatorStatus>{{"trucks", recorded}}));
}

TEST_F(RecordingOrderTest, AFailedCommitLeavesTheStatusesAndTheDayAsTheyWere) {
  ASSERT_OK(Create(Share()).status());
  ASSERT_OK(Report(absl::CivilDay(2026, 5, 25), 20).status());
  ASSERT_OK_AND_ASSIGN(RunOutcome first, Record(absl::CivilDay(2026, 6, 1)));
  ASSERT_EQ(first.changes.size(), 1u);
  const std::map<std::string, IndicatorStatus> before = evaluator_->RecordedStatuses("p");
  ASSERT_EQ(before.size(), 1u);
  // 60 % meets the target of at least 50 %: the status would change.
  ASSERT_OK(Report(absl::CivilDay(2026, 6, 25), 60).status());
  store_.FailNextCommit(absl::UnavailableError("disk gone"));
  EXPECT_EQ(Record(absl::CivilDay(2026, 6, 30)).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(evaluator_->RecordedStatuses("p"), before);
  // Nor did the day move: a day before the failed one still records.
  ASSERT_OK_AND_ASSIGN(RunOutcome next, Record(absl::CivilDay(2026, 6, 29)));
  ASSERT_EQ(next.changes.size(), 1u);
  EXPECT_EQ(next.changes[0].previous, before.at("trucks"));
  EXPECT_NE(next.changes[0].status, before.at("trucks"));
  EXPECT_EQ(evaluator_->RecordedStatuses("p").at("trucks"), next.changes[0].status);
}

TEST_F(RecordingOrderTest, TwoRunsOfAPlanDecideInOrderSoAChangeIsRecordedOnce) {
  ASSERT_OK(Create(Share()).status());
  ASSERT_OK(Report(absl::CivilDay(2026, 5, 25), 20).status());
  const size_t commits = store_.committed().size();
  store_.hold_commits(true);
  Answer first, second;
  Start(absl::CivilDay(2026, 6, 30), &first);
  Start(absl::CivilDay(2026, 6, 30), &second);
  // The second waits for the plan's key: not decided, not committed.
  EXPECT_EQ(store_.held_commits(), 1u);
  EXPECT_FALSE(second.done.HasBeenNotified());
  store_.hold_commits(false);
  store_.ReleaseCommits();
  first.done.WaitForNotification();
  second.done.WaitForNotification();
  ASSERT_OK(first.result.status());
  ASSERT_OK(second.result.status());
  ASSERT_EQ(first.result->changes.size(), 1u);
  // Decided against the first run's statuses: nothing changed since.
  EXPECT_TRUE(second.result->changes.empty());
  EXPECT_EQ(second.result->evaluated, 1);
  ASSERT_EQ(store_.committed().size(), commits + 1);
  ASSERT_EQ(store_.runs().size(), 1u);
  EXPECT_EQ(store_.runs()[0].changes.size(), 1u);  // one IndicatorStatusChanged event
}

}  // namespace
}  // namespace ecoplan::indicator
