#pragma once

// The progress service as main.cc wires it, served in-process for tests of
// the gRPC edge: a ProgressRecorder over the test's report store, a
// SupervisionDesk and a ProblemLedger over fakes, development-mode
// authentication that still verifies a presented token signed with kSecret,
// and a fake clock at 2026-05-20 10:00 in Beijing.

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/auth/testing/test_tokens.h"
#include "common/auth/token_verifier.h"
#include "common/server/run_server.h"
#include "common/status/status_macros.h"
#include "common/time/clock.h"
#include "services/progress/progress_policy.h"
#include "services/progress/progress_service_impl.h"
#include "services/progress/testing/fake_problem_store.h"
#include "services/progress/testing/fake_supervision_store.h"

namespace ecoplan::progress::testing {

// The plan the edge tests share: "2026-abc" of 2026, organizations o-eco
// (区生态环境局) and o-traffic (区交通局), measure a1-t1-m1 (due 2026-06-30, led
// by o-eco with o-traffic) and, with `second_measure`, a1-t1-m2 (due
// 2026-12-31, o-eco alone).
inline std::shared_ptr<PlanInfo> TestPlan(bool second_measure = false) {
  auto plan = std::make_shared<PlanInfo>();
  plan->id = "2026-abc";
  plan->year = 2026;
  plan->organizations = {{"o-eco", "区生态环境局"}, {"o-traffic", "区交通局"}};
  plan->measures.push_back({"a1-t1-m1",
                            0,
                            "推进新能源货车",
                            "6月底前",
                            1,
                            std::nullopt,
                            absl::CivilDay(2026, 6, 30),
                            {"o-eco"},
                            {"o-traffic"}});
  if (second_measure) {
    plan->measures.push_back({"a1-t1-m2",
                              1,
                              "淘汰国三柴油货车",
                              "全年",
                              1,
                              std::nullopt,
                              absl::CivilDay(2026, 12, 31),
                              {"o-eco"},
                              {}});
  }
  plan->Index();
  return plan;
}

// A client context with a 30 s deadline.
inline std::unique_ptr<grpc::ClientContext> TestContext() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return ctx;
}

class ProgressTestServer {
 public:
  static constexpr char kSecret[] = "a-test-secret-that-is-longer-than-32-bytes";

  ProgressTestServer() {
    absl::TimeZone zone;
    if (absl::LoadTimeZone("Asia/Shanghai", &zone)) {
      clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 5, 20, 10, 0, 0), zone));
    }
  }
  ~ProgressTestServer() { Shutdown(); }

  // Publishes `plan`, loads a recorder over `store` and serves. `db` (may be
  // null) is the database the service reports its events from.
  absl::Status Start(ReportStore* store, common::RocksDb* db,
                     std::shared_ptr<PlanInfo> plan = TestPlan()) {
    plans_.Put(std::move(plan));
    plans_.SetConnected(true);
    recorder_ = std::make_unique<ProgressRecorder>(store, &plans_, &clock_,
                                                   [](std::function<void()> fn) { fn(); });
    ECOPLAN_RETURN_IF_ERROR(recorder_->Load());
    common::TokenVerifierOptions token_options;
    token_options.key = kSecret;
    token_options.issuer = "ecoplan-local";
    token_options.audience = "ecoplan";
    ECOPLAN_ASSIGN_OR_RETURN(verifier_, common::TokenVerifier::Create(token_options, &clock_));
    // Development mode: calls without a token are the administrator
    // "development"; a presented token is still verified and decides.
    auth_ = std::make_unique<common::CallAuthenticator>(
        common::DevelopmentModeOptions(), verifier_.get(), &ProgressPolicy(), nullptr, nullptr,
        common::Logger("test", [](absl::string_view) {}));
    desk_ = std::make_unique<SupervisionDesk>(
        &orders_, &plans_, &clock_, [this] { return recorder_->Days(); },
        [](std::function<void()> fn) { fn(); });
    ledger_ = std::make_unique<ProblemLedger>(&problems_, &plans_, &clock_,
                                              [](std::function<void()> fn) { fn(); });
    service_ = std::make_unique<ProgressServiceImpl>(recorder_.get(), desk_.get(), ledger_.get(),
                                                     &reader_, db, &hub_, auth_.get());
    common::ServerOptions options;
    options.host = "127.0.0.1";
    ECOPLAN_ASSIGN_OR_RETURN(server_, common::RunningServer::Start(options, {service_.get()}));
    stub_ = v1::ProgressService::NewStub(server_->InProcessChannel());
    generic_ = std::make_unique<grpc::GenericStub>(server_->InProcessChannel());
    return absl::OkStatus();
  }

  // Stops the server and the event hub; idempotent.
  void Shutdown() {
    if (server_ == nullptr) return;
    hub_.Shutdown();
    server_->Shutdown();
    server_.reset();
  }

  // The answer of ProgressService's `method` to `request` as it came over
  // the wire, or the call's error.
  absl::StatusOr<std::string> RawCall(absl::string_view method,
                                      const google::protobuf::Message& request) {
    const std::string bytes = request.SerializeAsString();
    grpc::Slice slice(bytes);
    grpc::ByteBuffer send(&slice, 1);
    grpc::ByteBuffer received;
    std::unique_ptr<grpc::ClientContext> ctx = TestContext();
    absl::Notification done;
    grpc::Status status;
    generic_->UnaryCall(ctx.get(), absl::StrCat("/ecoplan.progress.v1.ProgressService/", method),
                        grpc::StubOptions(), &send, &received, [&](grpc::Status s) {
                          status = std::move(s);
                          done.Notify();
                        });
    done.WaitForNotification();
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          status.error_message());
    }
    std::vector<grpc::Slice> slices;
    if (!received.Dump(&slices).ok()) return absl::InternalError("no answer bytes");
    std::string out;
    for (const grpc::Slice& s : slices) {
      out.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
    return out;
  }

  // A context carrying a token of `role` signed with kSecret, valid for an
  // hour from the clock's now (a reporter belongs to `org`).
  std::unique_ptr<grpc::ClientContext> ContextAs(common::Role role, const std::string& org = "") {
    auto ctx = TestContext();
    ctx->AddMetadata("authorization",
                     "Bearer " + common::testing::LocalToken(
                                     kSecret, role, absl::StrCat("wang.", common::RoleName(role)),
                                     org, clock_.Now(), absl::Hours(1)));
    return ctx;
  }

  common::FakeClock& clock() { return clock_; }
  PlanDirectory& plans() { return plans_; }
  ProgressRecorder& recorder() { return *recorder_; }
  FakeSupervisionStore& orders() { return orders_; }
  v1::ProgressService::Stub& stub() { return *stub_; }

 private:
  common::FakeClock clock_;
  PlanDirectory plans_;
  std::unique_ptr<common::TokenVerifier> verifier_;
  std::unique_ptr<common::CallAuthenticator> auth_;
  common::SerialExecutor reader_;
  common::WatchEventsHub hub_;
  std::unique_ptr<ProgressRecorder> recorder_;
  FakeSupervisionStore orders_;
  std::unique_ptr<SupervisionDesk> desk_;
  FakeProblemStore problems_;
  std::unique_ptr<ProblemLedger> ledger_;
  std::unique_ptr<ProgressServiceImpl> service_;
  std::unique_ptr<common::RunningServer> server_;
  std::unique_ptr<v1::ProgressService::Stub> stub_;
  std::unique_ptr<grpc::GenericStub> generic_;
};

}  // namespace ecoplan::progress::testing
