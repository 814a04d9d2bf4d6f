// GetReport and GetSubmissionStatus answered as bytes, over a ProgressRecorder
// with a RocksDbReportStore on a real RocksDB: the answer's bytes, as they
// come over the wire, equal what the message path answered (the report read
// and converted through the domain; the status computed afresh), for several
// reports and statuses and after writes; the error codes are kept.

#include "services/progress/progress_reads_as_bytes.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/storage/rocksdb_db.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "services/progress/progress_service_impl.h"
#include "services/progress/proto_mapping.h"
#include "services/progress/storage/rocksdb_report_store.h"
#include "services/progress/testing/progress_test_server.h"
#include "services/progress/testing/report_db.h"

namespace ecoplan::progress {
namespace {
using testing::ProgressTestServer;

std::unique_ptr<grpc::ClientContext> Context() { return testing::TestContext(); }

class ProgressReadsAsBytesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(db_, testing::OpenReportDb(dir_.Sub("db")));
    store_ = std::make_unique<RocksDbReportStore>(db_.get());
    ASSERT_OK(server_.Start(store_.get(), db_.get(), testing::TestPlan(/*second_measure=*/true)));
    stub_ = &server_.stub();
  }

  v1::SubmitReportRequest Submission(const std::string& org, const std::string& period,
                                     const std::string& request_id) {
    v1::SubmitReportRequest r;
    r.set_parent("plans/2026-abc");
    r.set_organization("organizations/" + org);
    r.set_period(period);
    v1::ReportEntry* e = r.add_entries();
    e->set_measure("plans/2026-abc/measures/a1-t1-m1");
    e->set_status(v1::MEASURE_STATUS_DELAYED);
    e->set_percent_done(30.5);
    e->set_work_done("完成招标，" + org + "，" + period);
    e->set_problems("车辆交付延迟");
    e->set_next_steps("督促交付");
    v1::QuantitativeValue* v = e->add_values();
    v->set_name("新能源货车占比");
    v->set_value(46.5);
    v->set_unit("%");
    e->add_evidence_links("https://example.org/evidence/" + request_id);
    if (org == "o-eco") {
      v1::ReportEntry* second = r.add_entries();
      second->set_measure("plans/2026-abc/measures/a1-t1-m2");
      second->set_status(v1::MEASURE_STATUS_IN_PROGRESS);
      second->set_percent_done(10);
      second->set_work_done("摸底");
      second->set_problems("无");
      second->set_next_steps("制定淘汰计划");
    }
    r.set_summary("本月小结 " + period);
    r.set_request_id(request_id);
    r.set_actor("张三");
    return r;
  }

  void Submit(const v1::SubmitReportRequest& request) {
    v1::SubmitReportResponse response;
    grpc::Status status = stub_->SubmitReport(Context().get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // The answer of `method` to `request` as it came over the wire.
  std::string RawCall(const std::string& method, const google::protobuf::Message& request) {
    absl::StatusOr<std::string> answer = server_.RawCall(method, request);
    EXPECT_OK(answer) << method;
    return answer.ok() ? *answer : "";
  }

  std::string RawReport(const std::string& report_id) {
    v1::GetReportRequest request;
    request.set_name("plans/2026-abc/reports/" + report_id);
    return RawCall("GetReport", request);
  }
  // What the message path answered: the report read into the domain and
  // converted back, serialized.
  std::string ConvertedReport(const std::string& report_id) {
    absl::StatusOr<Report> report = server_.recorder().GetReport("2026-abc", report_id);
    EXPECT_OK(report);
    if (!report.ok()) return "";
    v1::GetReportResponse answer;
    ToProto(*report, answer.mutable_report());
    return answer.SerializeAsString();
  }

  std::string RawStatus(const std::string& period) {
    v1::GetSubmissionStatusRequest request;
    request.set_plan("plans/2026-abc");
    request.set_period(period);
    return RawCall("GetSubmissionStatus", request);
  }
  // What the message path answered: the status computed afresh (not the
  // recorder's shared one), converted and serialized.
  std::string FreshStatus(const std::string& period) {
    absl::StatusOr<SubmissionStatus> status =
        server_.recorder().GetSubmissionStatus("2026-abc", period);
    EXPECT_OK(status);
    return status.ok() ? SubmissionStatusToProto("2026-abc", *status).SerializeAsString() : "";
  }

  // A context carrying a token of `role` (reporters belong to `org`).
  std::unique_ptr<grpc::ClientContext> As(common::Role role, const std::string& org = "") {
    return server_.ContextAs(role, org);
  }

  common::TempDir dir_;
  std::unique_ptr<common::RocksDb> db_;
  std::unique_ptr<RocksDbReportStore> store_;
  ProgressTestServer server_;  // stops before the store and the database go
  common::FakeClock& clock_ = server_.clock();
  v1::ProgressService::Stub* stub_ = nullptr;
};

TEST_F(ProgressReadsAsBytesTest, AReportIsAnsweredWithTheBytesOfTheConvertedReport) {
  Submit(Submission("o-eco", "2026-05", "s-1"));  // on time
  Submit(Submission("o-eco", "2026-04", "s-2"));  // late: due on 2026-04-25
  v1::SubmitReportRequest draft = Submission("o-traffic", "2026-05", "s-3");
  draft.set_draft(true);
  Submit(draft);
  v1::AcceptReportRequest accept;
  accept.set_name("plans/2026-abc/reports/o-eco_2026-04");
  accept.set_etag("r1");
  accept.set_comment("同意");
  v1::AcceptReportResponse accepted;
  ASSERT_TRUE(stub_->AcceptReport(Context().get(), accept, &accepted).ok());

  for (const std::string id : {"o-eco_2026-05", "o-eco_2026-04", "o-traffic_2026-05"}) {
    const std::string raw = RawReport(id);
    EXPECT_EQ(raw, ConvertedReport(id)) << id;
    // And the typed client reads it as the report.
    v1::GetReportRequest request;
    request.set_name("plans/2026-abc/reports/" + id);
    v1::GetReportResponse typed;
    ASSERT_TRUE(stub_->GetReport(Context().get(), request, &typed).ok()) << id;
    EXPECT_EQ(typed.SerializeAsString(), raw) << id;
    EXPECT_EQ(typed.report().name(), "plans/2026-abc/reports/" + id);
    EXPECT_EQ(typed.report().summary(), "本月小结 " + id.substr(id.find('_') + 1));
  }
  v1::GetReportResponse late;
  ASSERT_TRUE(late.ParseFromString(RawReport("o-eco_2026-04")));
  EXPECT_EQ(late.report().state(), v1::REPORT_STATE_ACCEPTED);
  EXPECT_EQ(late.report().timeliness(), v1::TIMELINESS_LATE);
  EXPECT_GT(late.report().lateness().seconds(), 0);
  EXPECT_EQ(late.report().review_comment(), "同意");
  EXPECT_EQ(late.report().etag(), "r2");
  ASSERT_EQ(late.report().entries_size(), 2);
  EXPECT_EQ(late.report().entries(0).values(0).value(), 46.5);
  EXPECT_EQ(late.report().entries(1).measure(), "plans/2026-abc/measures/a1-t1-m2");
  v1::GetReportResponse drafted;
  ASSERT_TRUE(drafted.ParseFromString(RawReport("o-traffic_2026-05")));
  EXPECT_EQ(drafted.report().state(), v1::REPORT_STATE_DRAFT);
  EXPECT_FALSE(drafted.report().has_lateness());

  // A revision is answered at once: the bytes are read per call.
  v1::SubmitReportRequest revise = Submission("o-eco", "2026-05", "s-4");
  revise.set_etag("r1");
  revise.mutable_entries(0)->set_percent_done(55);
  Submit(revise);
  v1::GetReportResponse revised;
  ASSERT_TRUE(revised.ParseFromString(RawReport("o-eco_2026-05")));
  EXPECT_EQ(revised.report().revision(), 2);
  EXPECT_EQ(revised.report().entries(0).percent_done(), 55);
  EXPECT_EQ(RawReport("o-eco_2026-05"), ConvertedReport("o-eco_2026-05"));
}

TEST_F(ProgressReadsAsBytesTest, GetReportKeepsItsErrorCodes) {
  Submit(Submission("o-eco", "2026-05", "s-1"));
  v1::GetReportRequest request;
  v1::GetReportResponse response;
  request.set_name("plans/2026-abc/reports/o-traffic_2026-05");
  grpc::Status s = stub_->GetReport(Context().get(), request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << s.error_message();
  EXPECT_NE(s.error_message().find("o-traffic_2026-05"), std::string::npos);
  request.set_name("plans/2026-abc/reports/o-eco_2026-06");
  EXPECT_EQ(stub_->GetReport(Context().get(), request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
  request.set_name("plans/2026-abc/report/o-eco_2026-05");
  s = stub_->GetReport(Context().get(), request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("name"), std::string::npos) << s.error_message();
  request.set_name("plans/2026-abc/reports/o-eco_2026-05");
  EXPECT_EQ(stub_->GetReport(As(common::Role::kReporter, "o-traffic").get(), request, &response)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(
      stub_->GetReport(As(common::Role::kReporter, "o-eco").get(), request, &response).ok());
  EXPECT_EQ(response.report().organization(), "organizations/o-eco");
  auto bad = Context();
  bad->AddMetadata("authorization", "Bearer not.a.token");
  EXPECT_EQ(stub_->GetReport(bad.get(), request, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(ProgressReadsAsBytesTest, TheStatusIsAnsweredWithTheBytesOfAFreshStatusAfterEveryWrite) {
  std::vector<std::string> seen;
  auto check = [&](const std::string& period) {
    const std::string raw = RawStatus(period);
    EXPECT_EQ(raw, FreshStatus(period)) << period;
    EXPECT_EQ(RawStatus(period), raw) << period;  // the second from the kept bytes
    seen.push_back(raw);
    v1::GetSubmissionStatusResponse parsed;
    EXPECT_TRUE(parsed.ParseFromString(raw));
    return parsed;
  };
  v1::GetSubmissionStatusResponse may = check("2026-05");
  EXPECT_EQ(may.period(), "2026-05");
  EXPECT_EQ(may.missing_count(), 2);
  EXPECT_EQ(check("2026-04").missing_count(), 2);

  Submit(Submission("o-eco", "2026-05", "s-1"));
  may = check("2026-05");
  EXPECT_EQ(may.on_time_count(), 1);
  EXPECT_EQ(may.missing_count(), 1);
  ASSERT_EQ(may.organizations_size(), 2);
  EXPECT_EQ(may.organizations(1).report(), "plans/2026-abc/reports/o-eco_2026-05");
  EXPECT_EQ(may.organizations(1).measures_without_entry_size(), 0);
  v1::GetSubmissionStatusResponse april = check("2026-04");
  EXPECT_EQ(april.missing_count(), 2);

  Submit(Submission("o-eco", "2026-04", "s-2"));
  april = check("2026-04");
  EXPECT_EQ(april.late_count(), 1);
  v1::SubmitReportRequest draft = Submission("o-traffic", "2026-05", "s-3");
  draft.set_draft(true);
  Submit(draft);
  may = check("2026-05");
  EXPECT_EQ(may.draft_only_count(), 1);
  EXPECT_EQ(may.missing_count(), 0);

  // Through the typed client: the same bytes.
  v1::GetSubmissionStatusRequest request;
  request.set_plan("plans/2026-abc");
  request.set_period("2026-05");
  v1::GetSubmissionStatusResponse typed;
  ASSERT_TRUE(stub_->GetSubmissionStatus(Context().get(), request, &typed).ok());
  EXPECT_EQ(typed.SerializeAsString(), seen.back());
  // Every write changed its period's answer; 2026-04's stayed as it was
  // after 2026-05's report (seen[3] == seen[1]).
  ASSERT_EQ(seen.size(), 6u);
  EXPECT_EQ(seen[3], seen[1]);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 5u);
}

TEST_F(ProgressReadsAsBytesTest, GetSubmissionStatusKeepsItsErrorCodes) {
  v1::GetSubmissionStatusRequest request;
  v1::GetSubmissionStatusResponse response;
  request.set_plan("plan/2026-abc");
  request.set_period("2026-05");
  grpc::Status s = stub_->GetSubmissionStatus(Context().get(), request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("plan"), std::string::npos) << s.error_message();
  request.set_plan("plans/2026-abc");
  request.set_period("2026-13");
  EXPECT_EQ(stub_->GetSubmissionStatus(Context().get(), request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  request.set_plan("plans/2025-none");
  request.set_period("2026-05");
  EXPECT_EQ(stub_->GetSubmissionStatus(Context().get(), request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
  request.set_plan("plans/2026-abc");
  EXPECT_EQ(
      stub_->GetSubmissionStatus(As(common::Role::kReporter, "o-eco").get(), request, &response)
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(stub_->GetSubmissionStatus(As(common::Role::kViewer).get(), request, &response).ok());
  EXPECT_EQ(response.organizations_size(), 2);
}

}  // namespace
}  // namespace ecoplan::progress
