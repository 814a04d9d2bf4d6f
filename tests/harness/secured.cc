#include "tests/harness/secured.h"

#include <fstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth/testing/test_keys.h"
#include "common/auth/token_minter.h"

namespace ecoplan::testing {
namespace {

constexpr char kIssuer[] = "ecoplan-local";
constexpr char kAudience[] = "ecoplan";

std::string RandomSecret() {
  std::ifstream in("/dev/urandom", std::ios::binary);
  std::string bytes(48, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return absl::Base64Escape(bytes);
}

absl::Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SecuredSetup> SecuredSetup::Create(const common::TempDir& dir) {
  SecuredSetup s;
  s.secret_ = RandomSecret();
  s.secret_file_ = dir.Sub("auth-secret");
  s.ca_file_ = dir.Sub("ca.pem");
  s.cert_file_ = dir.Sub("server.pem");
  s.key_file_ = dir.Sub("server.key");
  absl::StatusOr<common::testing::PemCertificate> ca =
      common::testing::GenerateCa("ecoplan test CA");
  if (!ca.ok()) return ca.status();
  absl::StatusOr<common::testing::PemCertificate> server =
      common::testing::GenerateLeaf(*ca, "ecoplan");
  if (!server.ok()) return server.status();
  s.ca_pem_ = ca->certificate;
  for (const auto& [path, text] :
       std::vector<std::pair<std::string, std::string>>{{s.secret_file_, s.secret_ + "\n"},
                                                        {s.ca_file_, ca->certificate},
                                                        {s.cert_file_, server->certificate},
                                                        {s.key_file_, server->private_key}}) {
    if (absl::Status written = WriteFile(path, text); !written.ok()) return written;
  }
  return s;
}

void SecuredSetup::AddServerFlags(std::vector<std::string>& argv) const {
  argv.insert(argv.end(), {"--auth_hs256_secret_file=" + secret_file_,
                           "--tls_cert_file=" + cert_file_, "--tls_key_file=" + key_file_,
                           "--upstream_tls_ca_file=" + ca_file_, "--rate_limit_per_second=0",
                           // The policy walks refuse hundreds of calls from one client.
                           "--refusal_limit_per_second=0"});
}

std::shared_ptr<grpc::ChannelCredentials> SecuredSetup::ChannelCredentials() const {
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = ca_pem_;
  return grpc::SslCredentials(tls);
}

std::string SecuredSetup::Token(common::Role role, const std::string& organization_id,
                                const std::string& subject) const {
  common::TokenClaims c;
  c.subject = subject.empty() ? absl::StrCat("test-", common::RoleName(role)) : subject;
  c.role = role;
  if (role == common::Role::kReporter) c.organization_id = organization_id;
  c.issuer = kIssuer;
  c.audience = kAudience;
  c.issued_at = absl::Now();
  c.expires_at = absl::Now() + absl::Minutes(10);
  return common::MintToken(common::TokenAlgorithm::kHs256, secret_, c).value();
}

std::string SecuredSetup::ViewerOf(const std::string& organization_id,
                                   const std::string& subject) const {
  common::TokenClaims c;
  c.subject = subject.empty() ? "test-viewer" : subject;
  c.role = common::Role::kViewer;
  c.organization_id = organization_id;
  c.issuer = kIssuer;
  c.audience = kAudience;
  c.issued_at = absl::Now();
  c.expires_at = absl::Now() + absl::Minutes(10);
  return common::MintToken(common::TokenAlgorithm::kHs256, secret_, c).value();
}

std::map<std::string, std::string> SecuredSetup::BadTokens() const {
  common::TokenClaims expired;
  expired.subject = "late";
  expired.role = common::Role::kAdministrator;
  expired.issuer = kIssuer;
  expired.audience = kAudience;
  expired.issued_at = absl::Now() - absl::Hours(2);
  expired.expires_at = absl::Now() - absl::Hours(1);
  common::TokenClaims wrong_audience = expired;
  wrong_audience.issued_at = absl::Now();
  wrong_audience.expires_at = absl::Now() + absl::Hours(1);
  wrong_audience.audience = "another-system";
  common::TokenClaims fresh = wrong_audience;
  fresh.audience = kAudience;
  return {
      {"none", ""},
      {"expired", common::MintToken(common::TokenAlgorithm::kHs256, secret_, expired).value()},
      {"wrong signature",
       common::MintToken(common::TokenAlgorithm::kHs256, RandomSecret(), fresh).value()},
      {"wrong audience",
       common::MintToken(common::TokenAlgorithm::kHs256, secret_, wrong_audience).value()},
      {"alg none",
       common::MintRawTokenForTest(
           "none", "",
           absl::StrCat(R"({"sub":"x","role":"administrator","iss":")", kIssuer, R"(","aud":")",
                        kAudience, R"(","exp":)", absl::ToUnixSeconds(absl::Now()) + 600, "}"))
           .value()},
      {"garbage", "not.a.token"},
  };
}

std::unique_ptr<grpc::ClientContext> TokenContext(const std::string& token) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
  return ctx;
}

std::vector<std::string> WalkPolicy(const common::PolicyTable& policy,
                                    std::map<std::string, PolicyCall>& calls,
                                    const std::function<std::string(common::Role)>& token_for) {
  std::vector<std::string> wrong;
  for (const auto& [method, rule] : policy.rules) {
    auto call = calls.find(method);
    if (call == calls.end()) {
      wrong.push_back(absl::StrCat("no call for ", method));
      continue;
    }
    for (common::Role role : common::kAllRoles) {
      const grpc::StatusCode expected =
          rule.roles.count(role) != 0 ? grpc::StatusCode::OK : grpc::StatusCode::PERMISSION_DENIED;
      const grpc::StatusCode got = call->second(token_for(role));
      if (got != expected) {
        wrong.push_back(absl::StrCat(method, " as ", common::RoleName(role), ": code ", got,
                                     ", expected ", expected));
      }
    }
  }
  for (const auto& [method, call] : calls) {
    if (policy.rules.count(method) == 0) wrong.push_back(absl::StrCat("no rule for ", method));
  }
  return wrong;
}

std::vector<std::string> WalkBadTokens(std::map<std::string, PolicyCall>& calls,
                                       const std::map<std::string, std::string>& bad_tokens) {
  std::vector<std::string> wrong;
  for (auto& [method, call] : calls) {
    for (const auto& [kind, token] : bad_tokens) {
      const grpc::StatusCode got = call(token);
      if (got != grpc::StatusCode::UNAUTHENTICATED) {
        wrong.push_back(absl::StrCat(method, " with ", kind, " token: code ", got));
      }
    }
  }
  return wrong;
}

}  // namespace ecoplan::testing
