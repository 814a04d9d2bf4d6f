// Evaluation is a read; RecordEvaluation records each change once, in one
// batch with its event and a run record, and the statuses survive a reopen;
// a scheduled run is audited as the service. Real RocksDB in a TempDir.

#include <memory>
#include <string>

#include "absl/synchronization/notification.h"
#include "common/audit/audit_log.h"
#include "common/storage/rocksdb_db.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gtest/gtest.h"
#include "services/indicator/domain/indicator_evaluator.h"
#include "services/indicator/scheduled_evaluation.h"
#include "services/indicator/storage/rocksdb_indicator_store.h"

namespace ecoplan::indicator {
namespace {

namespace v1 = ::ecoplan::indicator::v1;

template <typename T>
absl::StatusOr<T> Wait(const std::function<void(Done<T>)>& call) {
  absl::Notification done;
  absl::StatusOr<T> out = absl::UnknownError("not called");
  call([&](absl::StatusOr<T> r) {
    out = std::move(r);
    done.Notify();
  });
  done.WaitForNotification();
  return out;
}

class RecordEvaluationTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void TearDown() override { Close(); }

  void Open() {
    common::RocksDbOptions options;
    options.path = dir_.Sub("db");
    options.column_families = RocksDbIndicatorStore::ColumnFamilies();
    options.event_source = RocksDbIndicatorStore::kEventSource;
    db_ = *common::RocksDb::Open(options);
    store_ = std::make_unique<RocksDbIndicatorStore>(db_.get());
    evaluator_ = std::make_unique<IndicatorEvaluator>(store_.get(), &clock_, &ingest_);
    ASSERT_OK(evaluator_->Load());
  }
  void Close() {
    // What is still queued on the ingest executor (a chunk's key released
    // after its answer) runs before the evaluator and its serializer go.
    absl::Notification drained;
    ingest_.Submit([&drained] { drained.Notify(); });
    drained.WaitForNotification();
    evaluator_.reset();
    store_.reset();
    db_.reset();
  }

  // A reported share (≥ 50 %) of plan p, owned by 区交通局.
  void CreateShare() {
    Indicator ind;
    ind.plan_id = "p";
    ind.id = "trucks";
    ind.display_name = "新能源货车占比";
    ind.unit = "%";
    ind.comparator = Comparator::kAtLeast;
    ind.target_value = 50;
    ind.period_start = absl::CivilDay(2026, 1, 1);
    ind.period_end = absl::CivilDay(2026, 12, 31);
    ind.aggregation = Aggregation::kLatestValue;
    ind.source = SourceKind::kReported;
    ind.owners = {"区交通局"};
    ind.measures = {"a1-t2-m3"};
    ind.origin = Origin::kManual;
    ASSERT_OK(Wait<Indicator>([&](Done<Indicator> d) {
                evaluator_->CreateIndicator(ind, "test", "", "admin", d);
              }).status());
  }

  void Report(absl::CivilDay day, double value) {
    IngestChunk chunk;
    chunk.values.push_back({"plans/p/indicators/trucks", day, value, "%", "test"});
    ASSERT_OK(
        Wait<ChunkOutcome>([&](Done<ChunkOutcome> d) { evaluator_->Ingest(chunk, d); }).status());
  }

  absl::StatusOr<RunOutcome> Record(absl::CivilDay as_of) {
    return Wait<RunOutcome>([&](Done<RunOutcome> d) {
      evaluator_->RecordEvaluation("p", as_of, EvaluationTrigger::kRequest, "li.admin", d);
    });
  }

  common::TempDir dir_;
  common::FakeClock clock_{absl::FromCivil(absl::CivilDay(2026, 7, 1), absl::UTCTimeZone())};
  common::SerialExecutor ingest_;
  std::unique_ptr<common::RocksDb> db_;
  std::unique_ptr<RocksDbIndicatorStore> store_;
  std::unique_ptr<IndicatorEvaluator> evaluator_;
};

TEST_F(RecordEvaluationTest, EvaluatingTwiceWritesNothing) {
  CreateShare();
  Report(absl::CivilDay(2026, 5, 25), 20);
  const uint64_t before = db_->LastEventSequence();
  for (int i = 0; i < 2; ++i) {
    ASSERT_OK_AND_ASSIGN(PlanResult r, evaluator_->EvaluatePlan("p", absl::CivilDay(2026, 6, 30)));
    ASSERT_EQ(r.evaluations.size(), 1u);
    EXPECT_EQ(r.evaluations[0].second.status, IndicatorStatus::kOffTrack);
    ASSERT_OK(evaluator_->EvaluateIndicator("p", "trucks", absl::CivilDay(2026, 6, 30)).status());
  }
  EXPECT_EQ(db_->LastEventSequence(), before);
  EXPECT_TRUE(store_->LoadStatuses()->empty());
  EXPECT_TRUE(store_->ListEvaluationRuns("p")->empty());
}

TEST_F(RecordEvaluationTest, RecordsEachChangeOnceWithItsEventAndRunInOneBatch) {
  CreateShare();
  Report(absl::CivilDay(2026, 5, 25), 20);
  const uint64_t before = db_->LastEventSequence();
  ASSERT_OK_AND_ASSIGN(RunOutcome first, Record(absl::CivilDay(2026, 6, 30)));
  ASSERT_EQ(first.changes.size(), 1u);
  EXPECT_EQ(first.changes[0].status, IndicatorStatus::kOffTrack);
  EXPECT_EQ(first.first_sequence, before + 1);
  EXPECT_EQ(first.last_sequence, before + 1);

  std::vector<common::v1::Event> events = *db_->ReadEvents(before, 10);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type(), "ecoplan.indicator.v1.IndicatorStatusChanged");
  EXPECT_EQ(events[0].actor(), "li.admin");
  v1::IndicatorStatusChanged e;
  ASSERT_TRUE(events[0].payload().UnpackTo(&e));
  EXPECT_EQ(e.indicator(), "plans/p/indicators/trucks");
  EXPECT_EQ(e.previous_status(), v1::INDICATOR_STATUS_UNSPECIFIED);
  EXPECT_EQ(e.status(), v1::INDICATOR_STATUS_OFF_TRACK);
  EXPECT_EQ(e.as_of().month(), 6);
  EXPECT_EQ(e.as_of().day(), 30);
  EXPECT_FALSE(e.reason().empty());
  EXPECT_EQ(e.owners_size(), 1);
  EXPECT_EQ(e.owners(0), "区交通局");
  EXPECT_EQ(e.measure(), "plans/p/measures/a1-t2-m3");
  EXPECT_EQ(e.value(), 20);
  EXPECT_EQ(e.value_date().month(), 5);
  EXPECT_EQ(e.value_date().day(), 25);
  EXPECT_EQ(e.target(), 50);
  EXPECT_EQ(e.target_text(), "≥ 50 %");

  ASSERT_OK_AND_ASSIGN(auto runs, store_->ListEvaluationRuns("p"));
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].plan(), "plans/p");
  EXPECT_EQ(runs[0].as_of().day(), 30);
  EXPECT_EQ(runs[0].trigger(), v1::EVALUATION_TRIGGER_REQUEST);
  EXPECT_EQ(runs[0].evaluated_count(), 1);
  EXPECT_EQ(runs[0].changed_count(), 1);
  EXPECT_EQ(runs[0].actor(), "li.admin");

  // The same day again: nothing.
  ASSERT_OK_AND_ASSIGN(RunOutcome second, Record(absl::CivilDay(2026, 6, 30)));
  EXPECT_TRUE(second.changes.empty());
  EXPECT_EQ(db_->LastEventSequence(), before + 1);
  EXPECT_EQ(store_->ListEvaluationRuns("p")->size(), 1u);

  // New data that changes the status: one more change, from off track.
  Report(absl::CivilDay(2026, 6, 25), 70);
  ASSERT_OK_AND_ASSIGN(RunOutcome third, Record(absl::CivilDay(2026, 6, 30)));
  ASSERT_EQ(third.changes.size(), 1u);
  EXPECT_EQ(third.changes[0].previous, IndicatorStatus::kOffTrack);
  EXPECT_NE(third.changes[0].status, IndicatorStatus::kOffTrack);
}

TEST_F(RecordEvaluationTest, RecordedStatusesSurviveAReopenSoTheNextRunRecordsNothing) {
  CreateShare();
  Report(absl::CivilDay(2026, 5, 25), 20);
  ASSERT_OK_AND_ASSIGN(RunOutcome first, Record(absl::CivilDay(2026, 6, 30)));
  ASSERT_EQ(first.changes.size(), 1u);
  const uint64_t after = db_->LastEventSequence();
  Close();
  Open();
  auto statuses = *store_->LoadStatuses();
  EXPECT_EQ(statuses["p"]["trucks"], IndicatorStatus::kOffTrack);
  ASSERT_OK_AND_ASSIGN(RunOutcome again, Record(absl::CivilDay(2026, 6, 30)));
  EXPECT_TRUE(again.changes.empty());
  EXPECT_EQ(db_->LastEventSequence(), after);
}

TEST_F(RecordEvaluationTest, NewDataIsAnnouncedToTheListener) {
  CreateShare();
  std::vector<std::string> heard;
  absl::Mutex mu;
  evaluator_->SetDataListener([&](const std::string& plan) {
    absl::MutexLock lock(&mu);
    heard.push_back(plan);
  });
  Report(absl::CivilDay(2026, 5, 25), 20);
  evaluator_->SetDataListener(nullptr);
  absl::MutexLock lock(&mu);
  ASSERT_EQ(heard.size(), 1u);
  EXPECT_EQ(heard[0], "");  // an ingested chunk concerns every plan
}

TEST_F(RecordEvaluationTest, AScheduledRunIsAuditedAsTheServiceAndAnIdleOneIsNot) {
  CreateShare();
  Report(absl::CivilDay(2026, 5, 25), 20);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<common::AuditLog> audit,
                       common::AuditLog::Open(db_.get(), &clock_));
  ScheduledEvaluation scheduled(evaluator_.get(), audit.get(), &clock_, common::Logger("test"));
  for (int i = 0; i < 2; ++i) {
    absl::Notification done;
    scheduled.Run("p", absl::CivilDay(2026, 6, 30), EvaluationTrigger::kDaily,
                  [&] { done.Notify(); });
    done.WaitForNotification();
  }
  ecoplan::admin::v1::ListAuditRecordsRequest request;
  ASSERT_OK_AND_ASSIGN(auto page, audit->List(request));
  ASSERT_EQ(page.records_size(), 1);  // the second run changed nothing
  const auto& r = page.records(0);
  EXPECT_EQ(r.method(), "/ecoplan.indicator.v1.IndicatorService/RecordEvaluation");
  EXPECT_EQ(r.call_kind(), ecoplan::admin::v1::AUDIT_CALL_KIND_WRITE);
  EXPECT_EQ(r.actor().subject(), "indicator");
  EXPECT_EQ(r.actor().role(), "service");
  EXPECT_EQ(r.code(), "OK");
  ASSERT_EQ(r.resources_size(), 1);
  EXPECT_EQ(r.resources(0), "plans/p");
  EXPECT_EQ(r.change_count(), 1u);
  ASSERT_EQ(r.changes_size(), 1);
  EXPECT_EQ(r.changes(0).resource(), "plans/p/indicators/trucks");
  std::vector<common::v1::Event> events = *db_->ReadEvents(r.changes(0).event_sequence() - 1, 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type(), "ecoplan.indicator.v1.IndicatorStatusChanged");
  EXPECT_EQ(events[0].actor(), "indicator");
  ASSERT_OK_AND_ASSIGN(auto runs, store_->ListEvaluationRuns("p"));
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].trigger(), v1::EVALUATION_TRIGGER_DAILY);
}

}  // namespace
}  // namespace ecoplan::indicator
