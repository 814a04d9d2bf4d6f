#include "common/server/server_foundation.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "common/auth/authorization.h"
#include "common/server/run_server.h"
#include "common/testing/captured_log.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/admin/v1/admin_service.grpc.pb.h"
#include "ecoplan/testing/v1/echo_test_service.grpc.pb.h"

namespace ecoplan::common {
namespace {

namespace av1 = ::ecoplan::admin::v1;
namespace tv1 = ::ecoplan::testing::v1;

constexpr char kEventSource[] = "ecoplan.testing.v1.EchoTestService";

class EchoService final : public tv1::EchoTestService::CallbackService {};

// No RPC of the echo service needs a role: the policy only has to exist.
const PolicyTable& EchoPolicy() {
  static const PolicyTable* const policy = new PolicyTable();
  return *policy;
}

class ServerFoundationTest : public ::testing::Test {
 protected:
  ServerFoundationTest() {
    config_.host = "127.0.0.1";
    config_.db_path = dir_.Sub("db");
    config_.backup_dir = dir_.Sub("backups");
    config_.security.insecure_development_mode = true;  // callers are the administrator
    spec_.event_source = kEventSource;
    spec_.policy = &EchoPolicy();
    spec_.column_families = {"things"};
  }

  int Open() {
    return ServerFoundation::Open(config_, spec_, &clock_, &metrics_, log_.logger(), &foundation_);
  }

  TempDir dir_;
  ServerConfig config_;
  FoundationSpec spec_;
  RealClock clock_;
  MetricsRegistry metrics_;
  CapturedLog log_;
  std::unique_ptr<ServerFoundation> foundation_;
};

TEST_F(ServerFoundationTest, OpensTheDatabaseWithTheServicesFamiliesAndEventSource) {
  ASSERT_EQ(Open(), 0) << log_.text();
  ASSERT_NE(foundation_, nullptr);
  EXPECT_TRUE(std::filesystem::is_directory(config_.db_path));
  ASSERT_NE(foundation_->db()->Cf("things"), nullptr);
  EXPECT_EQ(foundation_->upstream(), nullptr);  // no upstream_identity
  EXPECT_NE(foundation_->authenticator(), nullptr);

  WriteRequest change;
  change.batch.Put(foundation_->db()->Cf("things"), "k", "v");
  change.events.emplace_back().set_type("ThingPut");
  ASSERT_TRUE(foundation_->db()->Commit(std::move(change)).ok());
  absl::StatusOr<std::vector<v1::Event>> events = foundation_->db()->ReadEvents(0, 10);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].source(), kEventSource);
  EXPECT_EQ(*foundation_->db()->Get("things", "k"), "v");
}

// A restart on a machine whose clock went back: the service's clock starts
// from the last commit, and says so; past --clock_max_hold it follows the wall.
TEST_F(ServerFoundationTest, TheClockStartsNoEarlierThanTheLastCommit) {
  ASSERT_EQ(Open(), 0) << log_.text();
  WriteRequest change;
  change.events.emplace_back().set_type("ThingPut");
  absl::StatusOr<CommitResult> committed = foundation_->db()->Commit(std::move(change));
  ASSERT_TRUE(committed.ok()) << committed.status();
  const absl::Time last_commit = committed->commit_time;
  foundation_.reset();

  FakeClock behind(last_commit - absl::Minutes(10));
  MetricsRegistry metrics;
  ASSERT_EQ(ServerFoundation::Open(config_, spec_, &behind, &metrics, log_.logger(), &foundation_),
            0)
      << log_.text();
  EXPECT_EQ(foundation_->clock()->Now(), last_commit);
  EXPECT_TRUE(absl::StrContains(log_.text(), "the wall clock is behind a time")) << log_.text();
  EXPECT_TRUE(absl::StrContains(metrics.Render(), "ecoplan_clock_behind_seconds 600"))
      << metrics.Render();
  behind.Advance(absl::Minutes(11));
  EXPECT_EQ(foundation_->clock()->Now(), last_commit + absl::Minutes(1));
  EXPECT_TRUE(absl::StrContains(log_.text(), "caught up")) << log_.text();
  foundation_.reset();

  FakeClock far_behind(last_commit - absl::Hours(2));
  MetricsRegistry more_metrics;
  ASSERT_EQ(ServerFoundation::Open(config_, spec_, &far_behind, &more_metrics, log_.logger(),
                                   &foundation_),
            0);
  EXPECT_EQ(foundation_->clock()->Now(), last_commit - absl::Hours(2));
  EXPECT_TRUE(absl::StrContains(log_.text(), "more than --clock_max_hold behind")) << log_.text();
  EXPECT_TRUE(absl::StrContains(more_metrics.Render(),
                                "ecoplan_clock_steps_back_total{outcome=\"abandoned\"} 1"))
      << more_metrics.Render();
  foundation_.reset();  // before the clock and the metrics it was opened with
}

TEST_F(ServerFoundationTest, ServesTheAdminServiceBesidesTheServiceWithBackupsAndAudit) {
  ASSERT_EQ(Open(), 0) << log_.text();
  EchoService echo;
  const ServeSpec serve = foundation_->Serve("echo", {&echo});
  ASSERT_EQ(serve.services.size(), 2u);
  EXPECT_EQ(serve.services[0], &echo);
  EXPECT_EQ(serve.services[1], foundation_->admin());
  EXPECT_EQ(serve.service_name, "echo");
  EXPECT_EQ(serve.metrics, &metrics_);
  ASSERT_EQ(serve.interceptors.size(), 1u);  // the audit capture
  EXPECT_EQ(serve.credentials, nullptr);     // no TLS configured

  absl::StatusOr<std::unique_ptr<RunningServer>> server =
      RunningServer::Start(MakeServerOptions(config_, serve), serve.services, serve.credentials);
  ASSERT_TRUE(server.ok()) << server.status();
  std::unique_ptr<av1::AdminService::Stub> admin =
      av1::AdminService::NewStub((*server)->InProcessChannel());

  grpc::ClientContext create_context;
  av1::CreateBackupResponse created;
  const grpc::Status create_status =
      admin->CreateBackup(&create_context, av1::CreateBackupRequest(), &created);
  ASSERT_TRUE(create_status.ok()) << create_status.error_message();
  EXPECT_EQ(created.backup().service(), kEventSource);
  // Relative to the backup directory: no server path in the answer.
  EXPECT_FALSE(absl::StrContains(created.backup().path(), "/")) << created.backup().path();
  EXPECT_EQ(absl::StrCat("backups/", created.backup().path()), created.backup().name());
  EXPECT_TRUE(std::filesystem::is_directory(config_.backup_dir + "/" + created.backup().path()));

  // The backup was a write: the audit log recorded it.
  grpc::ClientContext audit_context;
  av1::ListAuditRecordsResponse records;
  const grpc::Status audit_status =
      admin->ListAuditRecords(&audit_context, av1::ListAuditRecordsRequest(), &records);
  ASSERT_TRUE(audit_status.ok()) << audit_status.error_message();
  EXPECT_TRUE(absl::StrContains(records.DebugString(), "CreateBackup")) << records.DebugString();
  (*server)->Shutdown();
}

TEST_F(ServerFoundationTest, AnotherPolicyGetsItsOwnAuthenticator) {
  ASSERT_EQ(Open(), 0) << log_.text();
  std::unique_ptr<CallAuthenticator> other = foundation_->AuthenticatorFor(&EchoPolicy());
  ASSERT_NE(other, nullptr);
  EXPECT_NE(other.get(), foundation_->authenticator());
}

TEST_F(ServerFoundationTest, ABadSecurityConfigurationIsExit2NamingTheFile) {
  config_.security.insecure_development_mode = false;
  config_.security.auth_hs256_secret_file = dir_.Sub("no-such-secret");
  EXPECT_EQ(Open(), kExitInvalidConfiguration);
  EXPECT_EQ(foundation_, nullptr);
  EXPECT_TRUE(absl::StrContains(log_.text(), "invalid security configuration")) << log_.text();
  EXPECT_TRUE(absl::StrContains(log_.text(), "no-such-secret")) << log_.text();
  EXPECT_FALSE(std::filesystem::exists(config_.db_path));  // nothing opened
}

TEST_F(ServerFoundationTest, ABadUpstreamConfigurationIsExit2) {
  spec_.upstream_identity = "echo";
  config_.upstream_clients.token_file = dir_.Sub("no-such-token");
  EXPECT_EQ(Open(), kExitInvalidConfiguration);
  EXPECT_TRUE(absl::StrContains(log_.text(), "invalid upstream configuration")) << log_.text();
}

TEST_F(ServerFoundationTest, WithAnUpstreamIdentityItHasUpstreamClients) {
  spec_.upstream_identity = "echo";
  ASSERT_EQ(Open(), 0) << log_.text();
  ASSERT_NE(foundation_->upstream(), nullptr);
  EXPECT_NE(foundation_->upstream()->Channel("127.0.0.1:1"), nullptr);
}

TEST_F(ServerFoundationTest, ADatabaseThatCannotBeOpenedIsExit1NamingThePath) {
  // A regular file where the database's directory should be.
  const std::string blocker = dir_.Sub("file");
  std::ofstream(blocker) << "not a directory";
  config_.db_path = blocker + "/db";
  EXPECT_EQ(Open(), kExitFailure);
  EXPECT_EQ(foundation_, nullptr);
  EXPECT_TRUE(absl::StrContains(log_.text(), "cannot open database")) << log_.text();
  EXPECT_TRUE(absl::StrContains(log_.text(), config_.db_path)) << log_.text();
}

TEST(ExitCodesTest, InvalidConfigurationIs2AndFailureIs1WithTheirLines) {
  CapturedLog log;
  EXPECT_EQ(ExitInvalidConfiguration(log.logger(), absl::InvalidArgumentError("--port is bad")), 2);
  EXPECT_EQ(ExitFailure(log.logger(), "cannot load plans", absl::DataLossError("torn")), 1);
  EXPECT_TRUE(absl::StrContains(log.text(), "\"invalid configuration\"")) << log.text();
  EXPECT_TRUE(absl::StrContains(log.text(), "--port is bad")) << log.text();
  EXPECT_TRUE(absl::StrContains(log.text(), "\"cannot load plans\"")) << log.text();
  EXPECT_TRUE(absl::StrContains(log.text(), "DATA_LOSS: torn")) << log.text();
}

TEST(LogStartingTest, LogsTheServersSettingsTheExtrasAndTheSecurityLine) {
  CapturedLog log;
  ServerConfig config;
  config.port = 50051;
  config.db_path = "var/echo";
  LogStarting(log.logger(), config, LogField{"registry", "127.0.0.1:50051"});
  const std::string text = log.text();
  EXPECT_TRUE(absl::StrContains(text, "\"starting\"")) << text;
  EXPECT_TRUE(absl::StrContains(text, "\"port\":50051")) << text;
  EXPECT_TRUE(absl::StrContains(text, "\"db_path\":\"var/echo\"")) << text;
  EXPECT_TRUE(absl::StrContains(text, "\"registry\":\"127.0.0.1:50051\"")) << text;
  EXPECT_TRUE(absl::StrContains(text, "\"security\"")) << text;
}

}  // namespace
}  // namespace ecoplan::common
