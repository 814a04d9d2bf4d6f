// Exceptional events (例外事件) against the real indicator_server (following a
// registry_server), with tokens signed by an HS256 secret generated at test
// time: the bureau marks a sand day and the audit log records the write with
// its change (ExceptionalEventChanged) and the caller; a viewer and a reporter
// cannot mark (PERMISSION_DENIED, recorded as refusals) but read the list; a
// retry with the same request id marks nothing more; bad input is
// INVALID_ARGUMENT naming the field.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <random>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth/token_minter.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/admin/v1/admin_service.grpc.pb.h"
#include "ecoplan/indicator/v1/indicator_service.grpc.pb.h"
#include "tests/harness/cluster.h"

namespace ecoplan::testing {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;
namespace admin_v1 = ::ecoplan::admin::v1;
using common::Role;

constexpr char kCreate[] = "/ecoplan.indicator.v1.IndicatorService/CreateExceptionalEvent";

class ExceptionalEventE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::mt19937_64 random(std::random_device{}());
    for (int i = 0; i < 48; ++i) {
      secret_.push_back("abcdefghijklmnopqrstuvwxyz0123456789"[random() % 36]);
    }
    std::ofstream(dir_.Sub("secret")) << secret_;
    cluster_.SetCommonFlags({"--auth_hs256_secret_file=" + dir_.Sub("secret"),
                             "--auth_issuer=ecoplan-test", "--auth_audience=ecoplan",
                             "--rate_limit_per_second=0", "--backup_dir="});
    ASSERT_OK(cluster_.Start("registry").status());
    ServerOptions indicator;
    indicator.follow = {"registry"};
    ASSERT_OK_AND_ASSIGN(const std::string address, cluster_.Start("indicator", indicator));
    auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
    stub_ = iv1::IndicatorService::NewStub(channel);
    admin_ = admin_v1::AdminService::NewStub(channel);

    iv1::UpsertStationRequest station;
    station.mutable_station()->set_name("stations/s1");
    station.mutable_station()->set_town("永定镇");
    station.mutable_station()->set_counts_for_district(true);
    iv1::UpsertStationResponse upserted;
    grpc::Status s = stub_->UpsertStation(Context(Admin()).get(), station, &upserted);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  std::string Token(Role role, const std::string& subject, const std::string& org = "") {
    common::TokenClaims claims;
    claims.subject = subject;
    claims.role = role;
    claims.organization_id = org;
    claims.issuer = "ecoplan-test";
    claims.audience = "ecoplan";
    claims.issued_at = absl::Now();
    claims.expires_at = absl::Now() + absl::Minutes(10);
    absl::StatusOr<std::string> token =
        common::MintToken(common::TokenAlgorithm::kHs256, secret_, claims);
    EXPECT_OK(token);
    return token.ok() ? *token : "";
  }
  std::string Admin() { return Token(Role::kAdministrator, "bureau-admin"); }

  std::unique_ptr<grpc::ClientContext> Context(const std::string& token) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    ctx->AddMetadata("authorization", "Bearer " + token);
    return ctx;
  }

  static iv1::CreateExceptionalEventRequest SandDay(const std::string& request_id) {
    iv1::CreateExceptionalEventRequest r;
    iv1::ExceptionalEvent* e = r.mutable_exceptional_event();
    e->set_kind(iv1::EXCEPTIONAL_EVENT_KIND_SAND_DUST);
    e->add_pollutants(iv1::POLLUTANT_PM10);
    e->add_pollutants(iv1::POLLUTANT_PM25);
    e->add_stations("stations/s1");
    e->mutable_first_day()->set_year(2026);
    e->mutable_first_day()->set_month(3);
    e->mutable_first_day()->set_day(14);
    *e->mutable_last_day() = e->first_day();
    e->set_reason("3月14日沙尘天气过程");
    e->mutable_basis()->set_number("京环发〔2026〕12号");
    r.set_request_id(request_id);
    return r;
  }

  common::TempDir dir_;
  std::string secret_;
  Cluster cluster_{dir_.path()};
  std::unique_ptr<iv1::IndicatorService::Stub> stub_;
  std::unique_ptr<admin_v1::AdminService::Stub> admin_;
};

TEST_F(ExceptionalEventE2eTest, TheBureauMarksAuditedOthersAreRefusedAndEveryoneReads) {
  iv1::CreateExceptionalEventResponse created;
  grpc::Status s =
      stub_->CreateExceptionalEvent(Context(Admin()).get(), SandDay("sand-0314"), &created);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(created.exceptional_event().name(), "exceptionalEvents/ev-1");
  EXPECT_EQ(created.exceptional_event().created_by(), "bureau-admin");
  // The retry: the same event, nothing more.
  iv1::CreateExceptionalEventResponse retried;
  ASSERT_TRUE(
      stub_->CreateExceptionalEvent(Context(Admin()).get(), SandDay("sand-0314"), &retried).ok());
  EXPECT_EQ(retried.exceptional_event().name(), "exceptionalEvents/ev-1");

  for (Role role : {Role::kViewer, Role::kReporter}) {
    iv1::CreateExceptionalEventResponse refused;
    EXPECT_EQ(stub_
                  ->CreateExceptionalEvent(Context(Token(role, "someone", "o-1")).get(),
                                           SandDay("by-someone"), &refused)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    iv1::WithdrawExceptionalEventRequest withdraw;
    withdraw.set_name("exceptionalEvents/ev-1");
    withdraw.set_reason("不是沙尘");
    iv1::WithdrawExceptionalEventResponse not_withdrawn;
    EXPECT_EQ(stub_
                  ->WithdrawExceptionalEvent(Context(Token(role, "someone", "o-1")).get(), withdraw,
                                             &not_withdrawn)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    iv1::ListExceptionalEventsResponse listed;
    ASSERT_TRUE(stub_
                    ->ListExceptionalEvents(Context(Token(role, "someone", "o-1")).get(),
                                            iv1::ListExceptionalEventsRequest(), &listed)
                    .ok());
    ASSERT_EQ(listed.exceptional_events_size(), 1);
    EXPECT_EQ(listed.exceptional_events(0).state(), iv1::EXCEPTIONAL_EVENT_STATE_ACTIVE);
  }

  // Bad input names the field.
  iv1::CreateExceptionalEventRequest bad = SandDay("");
  bad.mutable_exceptional_event()->mutable_last_day()->set_day(13);
  s = stub_->CreateExceptionalEvent(Context(Admin()).get(), bad, &created);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "exceptional_event.last_day"))
      << s.error_message();

  // The audit log: the marking (and its retry) with the change, and the refusals.
  admin_v1::ListAuditRecordsRequest request;
  request.set_oldest_first(true);
  request.set_page_size(1000);
  admin_v1::ListAuditRecordsResponse page;
  s = admin_->ListAuditRecords(Context(Admin()).get(), request, &page);
  ASSERT_TRUE(s.ok()) << s.error_message();
  int marked = 0, refused = 0;
  for (const admin_v1::AuditRecord& r : page.records()) {
    if (r.method() != kCreate) continue;
    if (r.code() == "OK" && r.request_id() == "sand-0314") {
      EXPECT_EQ(r.call_kind(), admin_v1::AUDIT_CALL_KIND_WRITE);
      EXPECT_EQ(r.actor().subject(), "bureau-admin");
      if (++marked == 1) {  // the first call made the change; the retry made none
        ASSERT_EQ(r.changes_size(), 1) << r.DebugString();
        EXPECT_EQ(r.changes(0).type(), "ecoplan.indicator.v1.ExceptionalEventChanged");
        EXPECT_EQ(r.changes(0).resource(), "exceptionalEvents/ev-1");
      } else {
        EXPECT_EQ(r.changes_size(), 0) << r.DebugString();
      }
    }
    if (r.code() == "PERMISSION_DENIED") {
      ++refused;
      EXPECT_EQ(r.actor().subject(), "someone");
    }
  }
  EXPECT_EQ(marked, 2) << page.DebugString();
  EXPECT_EQ(refused, 2) << page.DebugString();
}

}  // namespace
}  // namespace ecoplan::testing
