// IndicatorCatchUpProbe against an indicator service of the test's own on
// 127.0.0.1 that serves WatchEvents only: the view is complete (recorded,
// then received) exactly when the indicator service holds no event beyond
// the follower's cursor, and not while events remain, while it cannot be
// reached, or while recording fails.

#include "services/progress/indicator_catch_up.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/testing/local_grpc_server.h"
#include "ecoplan/indicator/v1/indicator_service.grpc.pb.h"

namespace ecoplan::progress {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;

// Holds events 1..last: WatchEvents after a sequence beyond it is
// OUT_OF_RANGE; otherwise the next event, and the stream ends.
class FakeIndicatorService final : public iv1::IndicatorService::Service {
 public:
  std::atomic<uint64_t> last{0};
  std::atomic<int> calls{0};

  grpc::Status WatchEvents(grpc::ServerContext*, const iv1::WatchEventsRequest* request,
                           grpc::ServerWriter<iv1::WatchEventsResponse>* writer) override {
    ++calls;
    if (request->after_sequence() > last) {
      return grpc::Status(
          grpc::StatusCode::OUT_OF_RANGE,
          absl::StrCat("sequence ", request->after_sequence(), " is beyond ", last.load()));
    }
    iv1::WatchEventsResponse response;
    response.mutable_event()->set_sequence(request->after_sequence());
    writer->Write(response);
    return grpc::Status::OK;
  }
};

class IndicatorCatchUpProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.ok());
    stub_ = iv1::IndicatorService::NewStub(server_.Channel());
  }

  std::unique_ptr<IndicatorCatchUpProbe> Probe(iv1::IndicatorService::StubInterface* stub) {
    return std::make_unique<IndicatorCatchUpProbe>(
        stub, [this] { return cursor_.load(); }, &indicators_,
        [this]() -> absl::Status {
          ++recorded_;
          if (!record_.ok()) return record_;
          indicators_.MarkReceived();
          return absl::OkStatus();
        },
        absl::Milliseconds(20));
  }

  FakeIndicatorService service_;
  common::LocalGrpcServer server_{{&service_}};
  std::unique_ptr<iv1::IndicatorService::Stub> stub_;
  std::atomic<uint64_t> cursor_{0};
  IndicatorDirectory indicators_;
  absl::Status record_ = absl::OkStatus();
  std::atomic<int> recorded_{0};
};

TEST_F(IndicatorCatchUpProbeTest, CompleteOnlyOnceNoEventIsLeftBeyondTheCursor) {
  service_.last = 40;
  cursor_ = 1;  // the first of forty events applied: a part of the catalogue
  std::unique_ptr<IndicatorCatchUpProbe> probe = Probe(stub_.get());
  EXPECT_FALSE(probe->ProbeOnce());
  EXPECT_FALSE(indicators_.received());
  EXPECT_EQ(recorded_, 0);
  cursor_ = 39;
  EXPECT_FALSE(probe->ProbeOnce());
  cursor_ = 40;
  EXPECT_TRUE(probe->ProbeOnce());
  EXPECT_TRUE(indicators_.received());
  EXPECT_EQ(recorded_, 1);
  // Received: no more questions to the indicator service.
  const int calls = service_.calls;
  EXPECT_TRUE(probe->ProbeOnce());
  EXPECT_EQ(service_.calls, calls);
}

TEST_F(IndicatorCatchUpProbeTest, AnIndicatorServiceWithoutEventsIsCaughtUpAtOnce) {
  std::unique_ptr<IndicatorCatchUpProbe> probe = Probe(stub_.get());
  EXPECT_TRUE(probe->ProbeOnce());
  EXPECT_TRUE(indicators_.received());
}

TEST_F(IndicatorCatchUpProbeTest, AFailedRecordLeavesTheViewNotReceivedAndIsTriedAgain) {
  record_ = absl::UnavailableError("disk full");
  std::unique_ptr<IndicatorCatchUpProbe> probe = Probe(stub_.get());
  EXPECT_FALSE(probe->ProbeOnce());
  EXPECT_FALSE(indicators_.received());
  record_ = absl::OkStatus();
  EXPECT_TRUE(probe->ProbeOnce());
  EXPECT_TRUE(indicators_.received());
  EXPECT_EQ(recorded_, 2);
}

TEST_F(IndicatorCatchUpProbeTest, AnUnreachableIndicatorServiceIsNotCaughtUp) {
  server_.Shutdown();
  std::unique_ptr<IndicatorCatchUpProbe> probe = Probe(stub_.get());
  EXPECT_FALSE(probe->ProbeOnce());
  EXPECT_FALSE(indicators_.received());
  EXPECT_EQ(recorded_, 0);
}

TEST_F(IndicatorCatchUpProbeTest, ItsThreadEndsOnceCaughtUp) {
  service_.last = 3;
  std::unique_ptr<IndicatorCatchUpProbe> probe = Probe(stub_.get());
  probe->Start();
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_FALSE(indicators_.received());
  cursor_ = 3;  // the follower applied the rest
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (!indicators_.received() && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
  EXPECT_TRUE(indicators_.received());
  probe->Stop();
  EXPECT_EQ(recorded_, 1);
}

}  // namespace
}  // namespace ecoplan::progress
