// CallWithRetry: which calls are repeated after UNAVAILABLE, how often, with
// which waits, and what the caller is told.

#include "tools/ecoplanctl/unary_call.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "ecoplan/admin/v1/admin_service.pb.h"
#include "ecoplan/notification/v1/notification_service.pb.h"
#include "ecoplan/progress/v1/progress_service.pb.h"
#include "ecoplan/registry/v1/registry_service.pb.h"

namespace ecoplan::ctl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A server that answers UNAVAILABLE `unavailable` times, then `final`.
struct FlakyServer {
  int unavailable = 0;
  grpc::Status final = grpc::Status::OK;
  int calls = 0;
  std::vector<bool> deadlines_set;

  grpc::Status Answer(grpc::ClientContext* context) {
    ++calls;
    deadlines_set.push_back(context->deadline() < std::chrono::system_clock::time_point::max());
    if (calls <= unavailable) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "connect failed");
    return final;
  }
};

class UnaryCallTest : public ::testing::Test {
 protected:
  UnaryCallTest() {
    policy_.notices = &notices_;
    policy_.sleep = [this](absl::Duration d) { waits_.push_back(d); };
  }

  absl::Status Call(const google::protobuf::Message& request) {
    return CallWithRetry(policy_, request,
                         [this](grpc::ClientContext* c) { return server_.Answer(c); });
  }

  CallPolicy policy_;
  std::ostringstream notices_;
  std::vector<absl::Duration> waits_;
  FlakyServer server_;
};

TEST_F(UnaryCallTest, AReadIsRepeatedUntilTheServerAnswersAndEachRetryIsAnnounced) {
  server_.unavailable = 2;
  EXPECT_TRUE(Call(registry::v1::ListMeasuresRequest()).ok());
  EXPECT_EQ(server_.calls, 3);
  EXPECT_THAT(waits_, ElementsAre(absl::Milliseconds(500), absl::Seconds(1)));
  EXPECT_THAT(server_.deadlines_set, ElementsAre(true, true, true));
  EXPECT_EQ(notices_.str(),
            "unavailable: connect failed; retrying in 500ms (attempt 2 of 5)\n"
            "unavailable: connect failed; retrying in 1s (attempt 3 of 5)\n");
}

TEST_F(UnaryCallTest, RetriesStopAtTheBoundAndTheErrorSaysHowManyAttemptsWereMade) {
  server_.unavailable = 100;
  const absl::Status status = Call(registry::v1::GetPlanRequest());
  EXPECT_TRUE(absl::IsUnavailable(status));
  EXPECT_EQ(status.message(), "connect failed (5 attempts)");
  EXPECT_EQ(server_.calls, 5);
  EXPECT_THAT(waits_, ElementsAre(absl::Milliseconds(500), absl::Seconds(1), absl::Seconds(2),
                                  absl::Seconds(4)));
}

TEST_F(UnaryCallTest, NoRetriesMeansOneAttempt) {
  policy_.retries = 0;
  server_.unavailable = 1;
  EXPECT_EQ(Call(registry::v1::GetPlanRequest()).message(), "connect failed (1 attempt)");
  EXPECT_EQ(server_.calls, 1);
  EXPECT_TRUE(waits_.empty());
}

TEST_F(UnaryCallTest, AWriteWithARequestIdIsRepeatedOneWithoutIsNotAndSaysWhy) {
  server_.unavailable = 1;
  progress::v1::SubmitReportRequest with_id;
  with_id.set_request_id("r-1");
  EXPECT_TRUE(Call(with_id).ok());
  EXPECT_EQ(server_.calls, 2);

  server_ = FlakyServer();
  server_.unavailable = 1;
  const absl::Status status = Call(progress::v1::SubmitReportRequest());
  EXPECT_EQ(server_.calls, 1);
  EXPECT_THAT(status.message(), HasSubstr("not retried: the call changes data and carries no "
                                          "request id"));

  server_ = FlakyServer();
  server_.unavailable = 1;
  EXPECT_TRUE(absl::IsUnavailable(Call(admin::v1::CreateBackupRequest())));
  EXPECT_EQ(server_.calls, 1);
}

// gRPC 1.51 answers "CANCELLED" to a call that reached a server as it shut
// down, before a handler took it (grpc/grpc#41785); ecoplanctl cancels nothing
// itself, so that is the server going away and is retried like UNAVAILABLE.
TEST_F(UnaryCallTest, ACancelledCallIsTheServerShuttingDownAndIsRepeatedWhenSafe) {
  int calls = 0;
  progress::v1::SubmitReportRequest with_id;
  with_id.set_request_id("r-1");
  const auto cancelled_once = [&](grpc::ClientContext*) {
    return ++calls == 1 ? grpc::Status(grpc::StatusCode::CANCELLED, "CANCELLED") : grpc::Status::OK;
  };
  EXPECT_TRUE(CallWithRetry(policy_, with_id, cancelled_once).ok());
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(notices_.str(),
            "unavailable: the server cancelled the call while shutting down (CANCELLED); retrying "
            "in 500ms (attempt 2 of 5)\n");

  calls = 0;
  const absl::Status status =
      CallWithRetry(policy_, progress::v1::SubmitReportRequest(), cancelled_once);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(absl::IsUnavailable(status));
  EXPECT_THAT(status.message(), HasSubstr("not retried"));
}

TEST_F(UnaryCallTest, OtherErrorsAreNeverRepeated) {
  server_.final = grpc::Status(grpc::StatusCode::NOT_FOUND, "no such plan");
  const absl::Status status = Call(registry::v1::GetPlanRequest());
  EXPECT_TRUE(absl::IsNotFound(status));
  EXPECT_EQ(status.message(), "no such plan");
  server_ = FlakyServer();
  server_.final = grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "slow");
  EXPECT_TRUE(absl::IsDeadlineExceeded(Call(registry::v1::GetPlanRequest())));
  EXPECT_EQ(server_.calls, 1);
}

TEST_F(UnaryCallTest, TheProtoMarksDecideWhatIsSafe) {
  EXPECT_TRUE(SafeToRetry(registry::v1::ExportPlanRequest()));  // NO_SIDE_EFFECTS
  EXPECT_TRUE(SafeToRetry(progress::v1::GetSubmissionStatusRequest()));
  EXPECT_TRUE(SafeToRetry(progress::v1::ListSupervisionOrdersRequest()));
  EXPECT_TRUE(SafeToRetry(notification::v1::AcknowledgeNotificationRequest()));  // IDEMPOTENT
  EXPECT_FALSE(SafeToRetry(registry::v1::ImportPlanRequest()));
  EXPECT_FALSE(SafeToRetry(notification::v1::RunScheduleRequest()));
}

}  // namespace
}  // namespace ecoplan::ctl
