#pragma once

// The IndicatorEvaluator over the fake store (no gRPC, no RocksDB), for the
// use-case tests: indicator_catalog_test.cc, indicator_intake_test.cc,
// indicator_evaluation_test.cc, indicator_plan_sync_test.cc.

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/synchronization/notification.h"
#include "common/concurrency/serial_executor.h"
#include "common/testing/status_matchers.h"
#include "common/time/clock.h"
#include "gtest/gtest.h"
#include "services/indicator/domain/indicator_evaluator.h"
#include "services/indicator/testing/fake_indicator_store.h"

namespace ecoplan::indicator {

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

class IndicatorEvaluatorTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void TearDown() override {
    Drain();
    evaluator_.reset();
  }

  // What is still queued (the next ingest step, a commit's answer and the lease
  // of the evaluator's it releases) runs first: the evaluator must outlive it.
  void Drain() {
    absl::Notification drained;
    ingest_.Submit([&drained] { drained.Notify(); });
    drained.WaitForNotification();
    store_.Flush();
  }

  // A new evaluator over the same store: what a restart loads.
  void Reopen() {
    Drain();
    evaluator_.reset();
    evaluator_ = std::make_unique<IndicatorEvaluator>(&store_, &clock_, &ingest_);
    ASSERT_OK(evaluator_->Load());
  }

  // A reported share (≥ 50 %) of plan p, owned by 区交通局.
  static Indicator Share(const std::string& id = "trucks") {
    Indicator ind;
    ind.plan_id = "p";
    ind.id = id;
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
    return ind;
  }

  absl::StatusOr<Indicator> Create(const Indicator& ind, const std::string& request_id = "") {
    return Wait<Indicator>([&](Done<Indicator> d) {
      evaluator_->CreateIndicator(ind, "test", request_id, "admin", d);
    });
  }

  absl::StatusOr<ChunkOutcome> Report(absl::CivilDay day, double value,
                                      const std::string& id = "trucks") {
    IngestChunk chunk;
    chunk.values.push_back({"plans/p/indicators/" + id, day, value, "%", "test"});
    return Wait<ChunkOutcome>([&](Done<ChunkOutcome> d) { evaluator_->Ingest(chunk, d); });
  }

  absl::StatusOr<RunOutcome> Record(absl::CivilDay as_of) {
    return Wait<RunOutcome>([&](Done<RunOutcome> d) {
      evaluator_->RecordEvaluation("p", as_of, EvaluationTrigger::kRequest, "li.admin", d);
    });
  }

  FakeIndicatorStore store_;
  common::FakeClock clock_{absl::FromCivil(absl::CivilDay(2026, 7, 1), absl::UTCTimeZone())};
  common::SerialExecutor ingest_;
  std::unique_ptr<IndicatorEvaluator> evaluator_;
};

}  // namespace ecoplan::indicator
