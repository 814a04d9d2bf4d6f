#pragma once

// What the follower tests (registry_plan_follower_test.cc,
// progress_follower_test.cc) share: a fake upstream service served in-process
// with a stub on it, the indicator store in RocksDB under a temp dir with an
// evaluator over it, and an upstream event handled by the follower with its
// effect committed as the EventFollower does.
//
//   class RegistryPlanFollowerTest
//       : public FollowerTest<rv1::RegistryService, FakeRegistry, RegistryPlanFollower> {
//    protected:
//     RegistryPlanFollowerTest() : FollowerTest(absl::CivilDay(2026, 4, 1)) {}
//     void SetUp() override {
//       ASSERT_NO_FATAL_FAILURE(StartUpstream());
//       ASSERT_NO_FATAL_FAILURE(OpenStore());
//       follower_ = std::make_unique<RegistryPlanFollower>(evaluator_.get(), …, stub_.get(), …);
//     }
//   };

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/concurrency/serial_executor.h"
#include "common/events/event_follower.h"
#include "common/events/event_log.h"
#include "common/log/log.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "gtest/gtest.h"
#include "services/indicator/domain/indicator_evaluator.h"
#include "services/indicator/storage/rocksdb_indicator_store.h"

namespace ecoplan::indicator {

// `Api` is the upstream's generated service (e.g. registry::v1::RegistryService),
// `Fake` its fake implementation, `Follower` the follower under test.
template <typename Api, typename Fake, typename Follower>
class FollowerTest : public ::testing::Test {
 protected:
  // The fake clock starts at midnight (UTC) of `today`.
  explicit FollowerTest(absl::CivilDay today)
      : clock_(absl::FromCivil(today, absl::UTCTimeZone())) {}

  void TearDown() override {
    follower_.reset();
    evaluator_.reset();
    if (server_) server_->Shutdown(std::chrono::system_clock::now());
  }

  // Serves fake_ in-process; stub_ calls it.
  void StartUpstream() {
    grpc::ServerBuilder builder;
    builder.RegisterService(&fake_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = Api::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
  }

  // (Re)opens the store in RocksDB under the temp dir (a restart keeps what
  // was committed) and a new evaluator over it, loaded. The follower is
  // dropped first; the test makes a new one.
  void OpenStore() {
    follower_.reset();
    evaluator_.reset();
    store_.reset();
    db_.reset();
    common::RocksDbOptions options;
    options.path = dir_.Sub("db");
    options.column_families = RocksDbIndicatorStore::ColumnFamilies();
    options.event_source = RocksDbIndicatorStore::kEventSource;
    ASSERT_OK_AND_ASSIGN(db_, common::RocksDb::Open(options));
    store_ = std::make_unique<RocksDbIndicatorStore>(db_.get());
    evaluator_ = std::make_unique<IndicatorEvaluator>(store_.get(), &clock_, &ingest_);
    ASSERT_OK(evaluator_->Load());
  }

  // The follower handles `payload` as the upstream's next event about
  // `subject`; the effect is committed, as the EventFollower does.
  template <typename Payload>
  void Follow(const Payload& payload, const std::string& subject) {
    common::v1::Event event = common::MakeEvent(payload, subject);
    event.set_sequence(++sequence_);
    ASSERT_OK_AND_ASSIGN(common::FollowEffect effect, follower_->Handle(event));
    ASSERT_OK(db_->Commit(std::move(effect.write)).status());
    if (effect.on_committed) effect.on_committed();
  }

  // A logger that writes nothing.
  static common::Logger QuietLogger() {
    return common::Logger("test", [](absl::string_view) {});
  }

  common::TempDir dir_;
  Fake fake_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<typename Api::Stub> stub_;
  common::FakeClock clock_;
  common::SerialExecutor ingest_;
  std::unique_ptr<common::RocksDb> db_;
  std::unique_ptr<RocksDbIndicatorStore> store_;
  std::unique_ptr<IndicatorEvaluator> evaluator_;
  std::unique_ptr<Follower> follower_;
  uint64_t sequence_ = 0;
};

}  // namespace ecoplan::indicator
