// Token keys and service principals against the real registry_server, run as
// in production (TLS, ES256 tokens verified through a JWKS file; each service
// and the backup job with a key of its own, bound to its subject):
//   - a rotation (the JWKS file rewritten: a new key added, the old one
//     removed) takes effect without a restart;
//   - an unknown kid, a token living longer than the maximum and a service key
//     signing as another subject or as an administrator are refused;
//   - the service `progress` cannot CreateBackup (the finding: a follower's
//     CreateBackup{keep_last:1} deleted the older backups) while the backup
//     job's subject can, and can do nothing else;
//   - the backup CronJob's path: `ecoplanctl token mint` with the backup key,
//     then `ecoplanctl admin backup`.

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth/jwks.h"
#include "common/auth/testing/test_keys.h"
#include "common/auth/token_minter.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/admin/v1/admin_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tests/harness/cluster.h"
#include "tests/harness/process.h"
#include "tests/harness/secured.h"

namespace ecoplan::testing {
namespace {

namespace rv1 = ::ecoplan::registry::v1;
namespace av1 = ::ecoplan::admin::v1;
using common::Role;

const char* const kCtl = ECOPLAN_CTL_PATH;
const char* const kSeed = ECOPLAN_SEED_PATH;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Replaces `path` at once (write, then rename), as a Secret update does.
void ReplaceFile(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".new";
  std::ofstream(tmp, std::ios::binary | std::ios::trunc) << text;
  ASSERT_EQ(std::rename(tmp.c_str(), path.c_str()), 0) << path;
}

class KeysE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(secured_, SecuredSetup::Create(dir_));
    cluster_.SetCommonFlags(secured_.ServerFlags());
    ASSERT_OK_AND_ASSIGN(address_, cluster_.Start("registry"));
    channel_ = grpc::CreateChannel(address_, secured_.ChannelCredentials());
    registry_ = rv1::RegistryService::NewStub(channel_);
    admin_ = av1::AdminService::NewStub(channel_);
  }

  grpc::Status ListPlans(const std::string& token) {
    rv1::ListPlansResponse out;
    return registry_->ListPlans(TokenContext(token).get(), rv1::ListPlansRequest(), &out);
  }

  grpc::Status CreateBackup(const std::string& token, int keep_last) {
    av1::CreateBackupRequest request;
    request.set_keep_last(keep_last);
    av1::CreateBackupResponse out;
    return admin_->CreateBackup(TokenContext(token).get(), request, &out);
  }

  // CreateBackup, asked again while a backup of the same second exists.
  grpc::Status CreateBackupPolling(const std::string& token, int keep_last) {
    const absl::Time deadline = absl::Now() + absl::Seconds(20);
    grpc::Status s = CreateBackup(token, keep_last);
    while (!s.ok() && s.error_message().find("exists") != std::string::npos &&
           absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(100));
      s = CreateBackup(token, keep_last);
    }
    return s;
  }

  int CountBackups(const std::string& token) {
    av1::ListBackupsResponse out;
    grpc::Status s =
        admin_->ListBackups(TokenContext(token).get(), av1::ListBackupsRequest(), &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.backups_size();
  }

  // Polls `call` until it answers `code` or 20 s pass; returns the last answer.
  static grpc::Status PollUntil(grpc::StatusCode code, const std::function<grpc::Status()>& call) {
    const absl::Time deadline = absl::Now() + absl::Seconds(20);
    grpc::Status last = call();
    while (last.error_code() != code && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(100));
      last = call();
    }
    return last;
  }

  common::TempDir dir_;
  SecuredSetup secured_;
  Cluster cluster_{dir_.path()};
  std::string address_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<rv1::RegistryService::Stub> registry_;
  std::unique_ptr<av1::AdminService::Stub> admin_;
};

TEST_F(KeysE2eTest, AKeyRotationTakesEffectWithoutARestart) {
  const std::string old_token = secured_.Token(Role::kAdministrator);
  ASSERT_TRUE(ListPlans(old_token).ok());

  // A new issuer key, not yet in the JWKS: its tokens name an unknown kid.
  ASSERT_OK_AND_ASSIGN(common::testing::PemKeyPair next, common::testing::GenerateEcKey());
  common::TokenClaims claims;
  claims.subject = "ops";
  claims.role = Role::kAdministrator;
  claims.issuer = "ecoplan-local";
  claims.audience = "ecoplan";
  claims.issued_at = absl::Now();
  claims.expires_at = absl::Now() + absl::Minutes(10);
  claims.key_id = "issuer-2026-12";
  ASSERT_OK_AND_ASSIGN(const std::string new_token,
                       common::MintToken(common::TokenAlgorithm::kEs256, next.private_key, claims));
  grpc::Status refused = ListPlans(new_token);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(refused.error_message(), ::testing::HasSubstr("unknown key id (kid)"));

  // The rotation: the new key in, the old issuer key out, the services' keys kept.
  std::vector<std::string> jwks;
  ASSERT_OK_AND_ASSIGN(std::string jwk,
                       common::PublicJwkOfPem(next.public_key, "issuer-2026-12", {}));
  jwks.push_back(jwk);
  for (absl::string_view subject : common::kServiceSubjects) {
    ASSERT_OK_AND_ASSIGN(
        jwk,
        common::PublicJwkOfPem(ReadAll(secured_.ServiceKeyFile(std::string(subject))),
                               secured_.ServiceKid(std::string(subject)), {std::string(subject)}));
    jwks.push_back(jwk);
  }
  const int pid_before = cluster_.process("registry").pid();
  ReplaceFile(secured_.jwks_file(), common::JwksOf(jwks));

  // The new kid is looked up at once; the old one goes within the refresh interval.
  grpc::Status accepted = PollUntil(grpc::StatusCode::OK, [&] { return ListPlans(new_token); });
  EXPECT_TRUE(accepted.ok()) << accepted.error_message();
  grpc::Status old =
      PollUntil(grpc::StatusCode::UNAUTHENTICATED, [&] { return ListPlans(old_token); });
  EXPECT_EQ(old.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(old.error_message(), ::testing::HasSubstr("unknown key id (kid)"));
  EXPECT_EQ(cluster_.process("registry").pid(), pid_before) << "the server was restarted";
  EXPECT_THAT(cluster_.Log("registry"), ::testing::HasSubstr("token keys read"));
}

TEST_F(KeysE2eTest, RefusesUnknownKidLongLivedTokensAndKeysSigningForOthers) {
  common::TokenClaims admin;
  admin.subject = "ops";
  admin.role = Role::kAdministrator;
  admin.issued_at = absl::Now();
  admin.expires_at = absl::Now() + absl::Hours(25);
  grpc::Status s = ListPlans(secured_.Sign(admin));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("maximum token lifetime"));
  admin.expires_at = absl::FromUnixSeconds(99999999999);  // the year 5138
  s = ListPlans(secured_.Sign(admin));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("maximum token lifetime"));

  // progress's own key: it cannot make itself an administrator, or the registry.
  admin.expires_at = absl::Now() + absl::Minutes(10);
  s = CreateBackup(secured_.Sign(admin, "progress"), 1);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("signs only tokens of role service"));
  common::TokenClaims as_backup;
  as_backup.subject = "backup";
  as_backup.role = Role::kService;
  as_backup.issued_at = absl::Now();
  as_backup.expires_at = absl::Now() + absl::Minutes(10);
  s = CreateBackup(secured_.Sign(as_backup, "progress"), 1);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("may not sign for subject"));
  // Nor can the issuer key speak for a service.
  s = CreateBackup(secured_.Sign(as_backup), 1);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // A token without a kid.
  admin.key_id.clear();
  ASSERT_OK_AND_ASSIGN(const std::string no_kid,
                       common::MintToken(common::TokenAlgorithm::kEs256, secured_.secret(), [&] {
                         common::TokenClaims c = admin;
                         c.issuer = "ecoplan-local";
                         c.audience = "ecoplan";
                         return c;
                       }()));
  s = ListPlans(no_kid);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("no kid"));
}

TEST_F(KeysE2eTest, AFollowerCannotBackUpWhileTheBackupJobCanAndDoesNothingElse) {
  const std::string administrator = secured_.Token(Role::kAdministrator);
  // Backups are named by the second: the next one is taken once the name is free.
  for (int i = 0; i < 3; ++i) {
    grpc::Status made = CreateBackupPolling(administrator, 0);
    ASSERT_TRUE(made.ok()) << made.error_message();
  }
  ASSERT_EQ(CountBackups(administrator), 3);

  // What the review did: progress asked for keep_last 1. Refused, nothing deleted.
  for (const char* follower : {"progress", "indicator", "notification", "registry"}) {
    grpc::Status s = CreateBackup(secured_.ServiceToken(follower), 1);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << follower;
    EXPECT_THAT(s.error_message(), ::testing::HasSubstr("may not call CreateBackup")) << follower;
    av1::ListBackupsResponse out;
    EXPECT_EQ(admin_
                  ->ListBackups(TokenContext(secured_.ServiceToken(follower)).get(),
                                av1::ListBackupsRequest(), &out)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << follower;
  }
  EXPECT_EQ(CountBackups(administrator), 3);

  // The backup job's subject backs up (and prunes) ...
  const std::string backup = secured_.ServiceToken("backup");
  grpc::Status made = CreateBackupPolling(backup, 2);
  ASSERT_TRUE(made.ok()) << made.error_message();
  EXPECT_EQ(CountBackups(backup), 2);
  // ... and nothing else: no reads, no writes, no feed, no audit.
  EXPECT_EQ(ListPlans(backup).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  rv1::ImportPlanRequest import;
  import.set_document_text(ReadAll(kSeed));
  rv1::ImportPlanResponse imported;
  EXPECT_EQ(registry_->ImportPlan(TokenContext(backup).get(), import, &imported).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  rv1::ExportPlanResponse exported;
  EXPECT_EQ(registry_->ExportPlan(TokenContext(backup).get(), rv1::ExportPlanRequest(), &exported)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(FirstStreamMessage<rv1::WatchEventsResponse>(backup,
                                                         [&](grpc::ClientContext* ctx) {
                                                           return registry_->WatchEvents(
                                                               ctx, rv1::WatchEventsRequest());
                                                         }),
            grpc::StatusCode::PERMISSION_DENIED);
  av1::ListAuditRecordsResponse audit;
  EXPECT_EQ(
      admin_->ListAuditRecords(TokenContext(backup).get(), av1::ListAuditRecordsRequest(), &audit)
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(KeysE2eTest, TheBackupCronJobMintsAShortLivedTokenWithItsOwnKeyAndBacksUp) {
  // As deploy/k8s/base/*/backup-cronjob.yaml runs it: mint, then back up.
  const std::string token_file = dir_.Sub("backup-token");
  absl::StatusOr<CommandResult> minted = RunCommand(
      // No --kid: the key's thumbprint, the kid the JWKS lists it under.
      {kCtl, "token", "mint", "--key-file", secured_.ServiceKeyFile("backup"), "--subject",
       "backup", "--role", "service", "--ttl", "15m", "--out", token_file});
  ASSERT_TRUE(minted.ok()) << minted.status();
  ASSERT_EQ(minted->exit_code, 0) << minted->stderr_text;
  EXPECT_EQ(minted->stdout_text, "");  // the token went to the file only
  absl::StatusOr<CommandResult> backed_up =
      RunCommand({kCtl, "--tls-ca-file", secured_.ca_file(), "--token-file", token_file, "admin",
                  "backup", "--target", address_, "--keep-last", "7"});
  ASSERT_TRUE(backed_up.ok()) << backed_up.status();
  EXPECT_EQ(backed_up->exit_code, 0) << backed_up->stderr_text;
  EXPECT_EQ(CountBackups(secured_.Token(Role::kAdministrator)), 1);
  // The same token cannot read the plan.
  absl::StatusOr<CommandResult> listed =
      RunCommand({kCtl, "--registry", address_, "--tls-ca-file", secured_.ca_file(), "--token-file",
                  token_file, "plan", "list"});
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_NE(listed->exit_code, 0);
  EXPECT_THAT(listed->stderr_text, ::testing::HasSubstr("PERMISSION_DENIED"));
}

}  // namespace
}  // namespace ecoplan::testing
