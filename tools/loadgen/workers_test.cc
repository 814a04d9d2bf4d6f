// The load generator's SubmitReport with --answers=bytes: the request a server receives is the
// slot's with its etag and a fresh request id, and the etag read back from the answer's bytes is
// the one the next call sends.

#include "tools/loadgen/workers.h"

#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/testing/local_grpc_server.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"

namespace ecoplan::loadgen {
namespace {

namespace pv1 = ::ecoplan::progress::v1;
using google::protobuf::util::MessageDifferencer;

pv1::SubmitReportRequest SampleRequest(const std::string& organization) {
  pv1::SubmitReportRequest request;
  request.set_parent("plans/mentougou-2026");
  request.set_organization(organization);
  request.set_period("2026-03");
  request.set_summary("本月完成扬尘点位巡查");
  for (int i = 0; i < 3; ++i) {
    pv1::ReportEntry* entry = request.add_entries();
    entry->set_measure(absl::StrCat("plans/mentougou-2026/measures/", i + 1));
    entry->set_work_done(std::string(200, 'a' + i));
  }
  return request;
}

TEST(AppendStringFieldTest, AppendedFieldsParseAsIfSetOnTheMessage) {
  const pv1::SubmitReportRequest base = SampleRequest("区生态环境局");
  const std::string long_id(300, 'x');  // a length of two varint bytes
  std::string bytes = AppendStringField(base.SerializeAsString(),
                                        pv1::SubmitReportRequest::kEtagFieldNumber, "W/\"e-3\"");
  bytes =
      AppendStringField(std::move(bytes), pv1::SubmitReportRequest::kRequestIdFieldNumber, long_id);
  pv1::SubmitReportRequest parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  pv1::SubmitReportRequest expected = base;
  expected.set_etag("W/\"e-3\"");
  expected.set_request_id(long_id);
  EXPECT_TRUE(MessageDifferencer::Equals(parsed, expected)) << parsed.DebugString();
  EXPECT_EQ(AppendStringField("", 7, "ab"), std::string("\x3a\x02"
                                                        "ab",
                                                        4));
}

pv1::SubmitReportResponse SampleAnswer(const std::string& etag) {
  pv1::SubmitReportResponse answer;
  pv1::Report* report = answer.mutable_report();
  report->set_name("plans/mentougou-2026/reports/区生态环境局/2026-03");
  report->set_summary("本月完成扬尘点位巡查");
  report->add_entries()->set_work_done(std::string(500, 'p'));
  report->set_etag(etag);
  return answer;
}

TEST(EtagOfSubmitReportAnswerTest, ReadsTheReportsEtag) {
  EXPECT_EQ(EtagOfSubmitReportAnswer(SampleAnswer("W/\"7\"").SerializeAsString()), "W/\"7\"");
  // Fields the load generator does not know are skipped, before and after the report.
  const std::string answer = SampleAnswer("e-9").SerializeAsString();
  EXPECT_EQ(EtagOfSubmitReportAnswer(AppendStringField(answer, 15, "later")), "e-9");
  EXPECT_EQ(EtagOfSubmitReportAnswer(AppendStringField("", 14, "earlier") + answer), "e-9");
}

TEST(EtagOfSubmitReportAnswerTest, NoEtagFromAnswersThatLackOneOrAreCut) {
  EXPECT_EQ(EtagOfSubmitReportAnswer(""), std::nullopt);
  EXPECT_EQ(EtagOfSubmitReportAnswer(SampleAnswer("").SerializeAsString()), std::nullopt);
  // Every strict prefix of an answer cuts the report: none is read as one.
  const std::string answer = SampleAnswer("e-1").SerializeAsString();
  for (size_t size = 0; size < answer.size(); ++size) {
    EXPECT_EQ(EtagOfSubmitReportAnswer(answer.substr(0, size)), std::nullopt) << size;
  }
}

// Records each request and answers a report with etag "etag-<n>", or none for the organization
// "no-etag".
class RecordingProgress final : public pv1::ProgressService::CallbackService {
 public:
  grpc::ServerUnaryReactor* SubmitReport(grpc::CallbackServerContext* context,
                                         const pv1::SubmitReportRequest* request,
                                         pv1::SubmitReportResponse* response) override {
    {
      absl::MutexLock lock(&mu_);
      received_.push_back(*request);
      if (request->organization() != "no-etag") {
        response->mutable_report()->set_etag(absl::StrCat("etag-", received_.size()));
      }
      response->mutable_report()->set_organization(request->organization());
    }
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  std::vector<pv1::SubmitReportRequest> received() {
    absl::MutexLock lock(&mu_);
    return received_;
  }

 private:
  absl::Mutex mu_;
  std::vector<pv1::SubmitReportRequest> received_ ABSL_GUARDED_BY(mu_);
};

class SubmitReportBytesCallerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.ok());
    channel_ = server_.Channel();
  }

  // One call through `caller`, waited for.
  grpc::Status CallOnce(Caller& caller) {
    grpc::ClientContext context;
    std::promise<grpc::Status> done;
    caller.Call(&context, [&done](grpc::Status status) { done.set_value(std::move(status)); });
    return done.get_future().get();
  }

  RecordingProgress service_;
  common::LocalGrpcServer server_{{&service_}};
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(SubmitReportBytesCallerTest, EachCallSendsTheSlotWithItsEtagAndANewIdAndKeepsTheNewEtag) {
  Slot first{SampleRequest("区生态环境局"), "etag-0"};
  Slot second{SampleRequest("王平镇"), "etag-0"};
  // Whatever the slot's request carries as etag or id is replaced, not sent twice.
  first.request.set_etag("stale");
  first.request.set_request_id("stale");
  std::unique_ptr<Caller> caller = MakeSubmitReportBytesCaller(channel_, {&first, &second}, "lg-");
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(CallOnce(*caller).ok()) << i;

  const std::vector<pv1::SubmitReportRequest> received = service_.received();
  ASSERT_EQ(received.size(), 3u);
  const struct {
    const Slot* slot;
    std::string etag;
    std::string request_id;
  } expected[] = {
      {&first, "etag-0", "lg-1"}, {&second, "etag-0", "lg-2"}, {&first, "etag-1", "lg-3"}};
  for (size_t i = 0; i < received.size(); ++i) {
    pv1::SubmitReportRequest want = expected[i].slot->request;
    want.set_etag(expected[i].etag);
    want.set_request_id(expected[i].request_id);
    EXPECT_TRUE(MessageDifferencer::Equals(received[i], want))
        << i << ": " << received[i].DebugString();
  }
  EXPECT_EQ(first.etag, "etag-3");
  EXPECT_EQ(second.etag, "etag-2");
}

TEST_F(SubmitReportBytesCallerTest, AnAnswerWithoutAnEtagIsDataLoss) {
  Slot slot{SampleRequest("no-etag"), "etag-0"};
  std::unique_ptr<Caller> caller = MakeSubmitReportBytesCaller(channel_, {&slot}, "lg-");
  const grpc::Status status = CallOnce(*caller);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DATA_LOSS) << status.error_message();
  EXPECT_EQ(slot.etag, "etag-0");
}

}  // namespace
}  // namespace ecoplan::loadgen
