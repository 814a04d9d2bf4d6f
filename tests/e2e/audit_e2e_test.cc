// The audit log against the real registry_server, with tokens signed by an
// HS256 secret generated at test time: an administrator's import and a
// reporter's refused import are both recorded with subject, role, peer,
// method and code; a reporter's successful read is not, an administrator's
// read of the log itself is; only administrators list the log (AdminService.ListAuditRecords, also
// through `ecoplanctl admin audit`), and the records survive a restart.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/auth/token_minter.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/admin/v1/admin_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tests/harness/cluster.h"

namespace ecoplan::testing {
namespace {

namespace v1 = ::ecoplan::registry::v1;
namespace admin_v1 = ::ecoplan::admin::v1;
using common::Role;

const char* const kCtl = ECOPLAN_CTL_PATH;
const char* const kSeed = ECOPLAN_SEED_PATH;
constexpr char kImport[] = "/ecoplan.registry.v1.RegistryService/ImportPlan";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class AuditE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::mt19937_64 random(std::random_device{}());
    for (int i = 0; i < 48; ++i) {
      secret_.push_back("abcdefghijklmnopqrstuvwxyz0123456789"[random() % 36]);
    }
    std::ofstream(dir_.Sub("secret")) << secret_;
    cluster_.SetCommonFlags({"--auth_hs256_secret_file=" + dir_.Sub("secret"),
                             "--auth_issuer=ecoplan-test", "--auth_audience=ecoplan",
                             "--rate_limit_per_second=0"});
    StartServer();
  }

  // (Re)starts registry_server on a free loopback port, its data in the temp dir, without backups.
  void StartServer() {
    ServerOptions options;
    options.flags = {"--backup_dir="};
    ASSERT_OK_AND_ASSIGN(address_, cluster_.Start("registry", options));
    auto channel = grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
    registry_ = v1::RegistryService::NewStub(channel);
    admin_ = admin_v1::AdminService::NewStub(channel);
  }

  void StopServer() { ASSERT_OK(cluster_.Stop("registry").status()); }

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

  std::unique_ptr<grpc::ClientContext> Context(const std::string& token) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    ctx->AddMetadata("authorization", "Bearer " + token);
    return ctx;
  }

  grpc::StatusCode Import(const std::string& token) {
    v1::ImportPlanRequest request;
    request.set_document_text(ReadAll(kSeed));
    v1::ImportPlanResponse response;
    return registry_->ImportPlan(Context(token).get(), request, &response).error_code();
  }

  grpc::Status ListAudit(const std::string& token, admin_v1::ListAuditRecordsResponse* out) {
    admin_v1::ListAuditRecordsRequest request;
    request.set_oldest_first(true);
    request.set_page_size(1000);
    return admin_->ListAuditRecords(Context(token).get(), request, out);
  }

  common::TempDir dir_;
  std::string secret_;
  Cluster cluster_{dir_.path()};
  std::string address_;
  std::unique_ptr<v1::RegistryService::Stub> registry_;
  std::unique_ptr<admin_v1::AdminService::Stub> admin_;
};

TEST_F(AuditE2eTest, AdministratorsSeeWritesAndRefusalsWithWhoWhenWhereAndOutcome) {
  const std::string admin = Token(Role::kAdministrator, "bureau-admin");
  const std::string reporter = Token(Role::kReporter, "town-reporter", "o-0000000007");
  ASSERT_EQ(Import(admin), grpc::StatusCode::OK);
  ASSERT_EQ(Import(reporter), grpc::StatusCode::PERMISSION_DENIED);
  // A successful read changes nothing and is not recorded.
  v1::ListPlansResponse plans;
  ASSERT_TRUE(registry_->ListPlans(Context(reporter).get(), v1::ListPlansRequest(), &plans).ok());

  admin_v1::ListAuditRecordsResponse denied;
  EXPECT_EQ(ListAudit(reporter, &denied).error_code(), grpc::StatusCode::PERMISSION_DENIED);

  admin_v1::ListAuditRecordsResponse page;
  grpc::Status listed = ListAudit(admin, &page);
  ASSERT_TRUE(listed.ok()) << listed.error_message();
  ASSERT_EQ(page.records_size(), 3) << page.DebugString();

  const admin_v1::AuditRecord& imported = page.records(0);
  EXPECT_EQ(imported.method(), kImport);
  EXPECT_EQ(imported.code(), "OK");
  EXPECT_EQ(imported.call_kind(), admin_v1::AUDIT_CALL_KIND_WRITE);
  EXPECT_EQ(imported.actor().subject(), "bureau-admin");
  EXPECT_EQ(imported.actor().role(), "administrator");
  EXPECT_EQ(imported.actor().authenticated_via(), "token");
  EXPECT_TRUE(absl::StartsWith(imported.peer(), "ipv4:127.0.0.1:")) << imported.peer();
  EXPECT_GT(imported.change_count(), 0u) << "the import's events";
  ASSERT_GT(imported.changes_size(), 0);
  EXPECT_TRUE(absl::StartsWith(imported.changes(0).type(), "ecoplan.registry.v1."))
      << imported.changes(0).type();

  const admin_v1::AuditRecord& refused = page.records(1);
  EXPECT_EQ(refused.method(), kImport);
  EXPECT_EQ(refused.code(), "PERMISSION_DENIED");
  EXPECT_EQ(refused.actor().subject(), "town-reporter");
  EXPECT_EQ(refused.actor().role(), "reporter");
  EXPECT_EQ(refused.actor().organization_id(), "o-0000000007");
  EXPECT_EQ(refused.change_count(), 0u);

  // The reporter's attempt to read the log is itself a refusal on record.
  const admin_v1::AuditRecord& snooped = page.records(2);
  EXPECT_EQ(snooped.method(), "/ecoplan.admin.v1.AdminService/ListAuditRecords");
  EXPECT_EQ(snooped.call_kind(), admin_v1::AUDIT_CALL_KIND_READ);
  EXPECT_EQ(snooped.code(), "PERMISSION_DENIED");
  EXPECT_EQ(snooped.actor().subject(), "town-reporter");

  for (const admin_v1::AuditRecord& r : page.records()) {
    EXPECT_FALSE(absl::StrContains(r.SerializeAsString(), admin)) << "never a token";
    EXPECT_FALSE(absl::StrContains(r.SerializeAsString(), reporter)) << "never a token";
  }

  // The same through ecoplanctl, filtered to refusals.
  ASSERT_OK_AND_ASSIGN(CommandResult ctl,
                       RunCommand({kCtl, "--registry", address_, "--token", admin, "admin", "audit",
                                   "--code", "PERMISSION_DENIED", "--oldest-first"}));
  ASSERT_EQ(ctl.exit_code, 0) << ctl.stderr_text;
  EXPECT_TRUE(absl::StrContains(ctl.stdout_text, "town-reporter")) << ctl.stdout_text;
  EXPECT_TRUE(absl::StrContains(ctl.stdout_text, "registry ImportPlan")) << ctl.stdout_text;
  EXPECT_FALSE(absl::StrContains(ctl.stdout_text, "bureau-admin")) << ctl.stdout_text;
  EXPECT_TRUE(absl::StrContains(ctl.stdout_text, "2 records")) << ctl.stdout_text;

  // Acknowledged calls were synced with their records: all of them survive a restart.
  StopServer();
  StartServer();
  admin_v1::ListAuditRecordsResponse after;
  listed = ListAudit(admin, &after);
  ASSERT_TRUE(listed.ok()) << listed.error_message();
  // The administrator's two reads of the log (the API's and ecoplanctl's) are on record too.
  ASSERT_EQ(after.records_size(), 5) << after.DebugString();
  EXPECT_EQ(after.records(0).actor().subject(), "bureau-admin");
  EXPECT_EQ(after.records(1).actor().subject(), "town-reporter");
  for (int i : {3, 4}) {
    EXPECT_EQ(after.records(i).method(), "/ecoplan.admin.v1.AdminService/ListAuditRecords");
    EXPECT_EQ(after.records(i).code(), "OK");
    EXPECT_EQ(after.records(i).actor().subject(), "bureau-admin");
  }
}

}  // namespace
}  // namespace ecoplan::testing
