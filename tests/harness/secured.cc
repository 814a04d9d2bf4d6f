#include "tests/harness/secured.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth/authorization.h"
#include "common/auth/jwks.h"
#include "common/auth/testing/test_keys.h"
#include "common/auth/token_minter.h"

namespace ecoplan::testing {
namespace {

constexpr char kIssuer[] = "ecoplan-local";
constexpr char kAudience[] = "ecoplan";

absl::Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SecuredSetup> SecuredSetup::Create(const common::TempDir& dir) {
  SecuredSetup s;
  s.issuer_key_file_ = dir.Sub("issuer.pem");
  s.jwks_file_ = dir.Sub("jwks.json");
  s.key_dir_ = dir.Sub("service-keys");
  s.ca_file_ = dir.Sub("ca.pem");
  s.cert_file_ = dir.Sub("server.pem");
  s.key_file_ = dir.Sub("server.key");
  if (::mkdir(s.key_dir_.c_str(), 0700) != 0) {
    return absl::InternalError(absl::StrCat("cannot create ", s.key_dir_));
  }
  std::vector<std::pair<std::string, std::string>> files;
  absl::StatusOr<common::testing::PemKeyPair> issuer = common::testing::GenerateEcKey();
  if (!issuer.ok()) return issuer.status();
  s.issuer_key_ = issuer->private_key;
  files.emplace_back(s.issuer_key_file_, s.issuer_key_);
  std::vector<std::string> jwks;
  absl::StatusOr<std::string> issuer_jwk =
      common::PublicJwkOfPem(issuer->public_key, kIssuerKid, {});
  if (!issuer_jwk.ok()) return issuer_jwk.status();
  jwks.push_back(*issuer_jwk);
  for (absl::string_view subject : common::kServiceSubjects) {
    absl::StatusOr<common::testing::PemKeyPair> pair = common::testing::GenerateEcKey();
    if (!pair.ok()) return pair.status();
    absl::StatusOr<std::string> kid = common::JwkThumbprintOfPem(pair->public_key);
    if (!kid.ok()) return kid.status();
    absl::StatusOr<std::string> jwk =
        common::PublicJwkOfPem(pair->public_key, *kid, {std::string(subject)});
    if (!jwk.ok()) return jwk.status();
    jwks.push_back(*jwk);
    Key key{pair->private_key, *kid, absl::StrCat(s.key_dir_, "/", subject, ".pem")};
    files.emplace_back(key.file, key.pem);
    s.service_keys_[std::string(subject)] = std::move(key);
  }
  files.emplace_back(s.jwks_file_, common::JwksOf(jwks));
  absl::StatusOr<common::testing::PemCertificate> ca =
      common::testing::GenerateCa("ecoplan test CA");
  if (!ca.ok()) return ca.status();
  absl::StatusOr<common::testing::PemCertificate> server =
      common::testing::GenerateLeaf(*ca, "ecoplan");
  if (!server.ok()) return server.status();
  s.ca_pem_ = ca->certificate;
  files.emplace_back(s.ca_file_, ca->certificate);
  files.emplace_back(s.cert_file_, server->certificate);
  files.emplace_back(s.key_file_, server->private_key);
  for (const auto& [path, text] : files) {
    if (absl::Status written = WriteFile(path, text); !written.ok()) return written;
  }
  return s;
}

void SecuredSetup::AddServerFlags(std::vector<std::string>& argv) const {
  argv.insert(argv.end(), {"--auth_jwks_file=" + jwks_file_,
                           absl::StrCat("--service_signing_key_file=", key_dir_, "/${kind}.pem"),
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

std::string SecuredSetup::ServiceKeyFile(const std::string& subject) const {
  const auto it = service_keys_.find(subject);
  return it == service_keys_.end() ? "" : it->second.file;
}

std::string SecuredSetup::ServiceKid(const std::string& subject) const {
  const auto it = service_keys_.find(subject);
  return it == service_keys_.end() ? "" : it->second.kid;
}

std::string SecuredSetup::Sign(common::TokenClaims claims, const std::string& key_subject) const {
  if (claims.issuer.empty()) claims.issuer = kIssuer;
  if (claims.audience.empty()) claims.audience = kAudience;
  const std::string* pem = &issuer_key_;
  claims.key_id = kIssuerKid;
  if (!key_subject.empty()) {
    const auto it = service_keys_.find(key_subject);
    if (it == service_keys_.end()) {
      ADD_FAILURE() << "no key for service " << key_subject;
      return "";
    }
    pem = &it->second.pem;
    claims.key_id = it->second.kid;
  }
  absl::StatusOr<std::string> token =
      common::MintToken(common::TokenAlgorithm::kEs256, *pem, claims);
  if (!token.ok()) {
    ADD_FAILURE() << "cannot mint: " << token.status();
    return "";
  }
  return *token;
}

std::string SecuredSetup::Token(common::Role role, const std::string& organization_id,
                                const std::string& subject) const {
  if (role == common::Role::kService) return ServiceToken(subject.empty() ? "backup" : subject);
  common::TokenClaims c;
  c.subject = subject.empty() ? absl::StrCat("test-", common::RoleName(role)) : subject;
  c.role = role;
  if (role == common::Role::kReporter) c.organization_id = organization_id;
  c.issued_at = absl::Now();
  c.expires_at = absl::Now() + absl::Minutes(10);
  return Sign(c);
}

std::string SecuredSetup::ServiceToken(const std::string& subject) const {
  common::TokenClaims c;
  c.subject = subject;
  c.role = common::Role::kService;
  c.issued_at = absl::Now();
  c.expires_at = absl::Now() + absl::Minutes(10);
  return Sign(c, subject);
}

std::string SecuredSetup::ViewerOf(const std::string& organization_id,
                                   const std::string& subject) const {
  common::TokenClaims c;
  c.subject = subject.empty() ? "test-viewer" : subject;
  c.role = common::Role::kViewer;
  c.organization_id = organization_id;
  c.issued_at = absl::Now();
  c.expires_at = absl::Now() + absl::Minutes(10);
  return Sign(c);
}

std::map<std::string, std::string> SecuredSetup::BadTokens() const {
  common::TokenClaims fresh;
  fresh.subject = "late";
  fresh.role = common::Role::kAdministrator;
  fresh.issuer = kIssuer;
  fresh.audience = kAudience;
  fresh.issued_at = absl::Now();
  fresh.expires_at = absl::Now() + absl::Hours(1);
  common::TokenClaims expired = fresh;
  expired.issued_at = absl::Now() - absl::Hours(2);
  expired.expires_at = absl::Now() - absl::Hours(1);
  common::TokenClaims wrong_audience = fresh;
  wrong_audience.audience = "another-system";
  common::TokenClaims long_lived = fresh;  // the servers' default maximum is 24 h
  long_lived.expires_at = absl::Now() + absl::Hours(25);
  common::TokenClaims far = fresh;  // as observed: a token expiring in the year 5138
  far.expires_at = absl::FromUnixSeconds(99999999999);
  const common::testing::PemKeyPair other = common::testing::GenerateEcKey().value();
  common::TokenClaims fresh_kid = fresh;
  fresh_kid.key_id = kIssuerKid;
  common::TokenClaims unknown_kid = fresh;
  unknown_kid.key_id = "no-such-key";
  common::TokenClaims service = fresh;
  service.subject = "progress";
  service.role = common::Role::kService;
  common::TokenClaims other_service = service;
  other_service.subject = "notification";
  const std::string valid_json =
      absl::StrCat(R"({"sub":"x","role":"administrator","iss":")", kIssuer, R"(","aud":")",
                   kAudience, R"(","exp":)", absl::ToUnixSeconds(absl::Now()) + 600, "}");
  return {
      {"none", ""},
      {"expired", Sign(expired)},
      {"wrong signature",
       common::MintToken(common::TokenAlgorithm::kEs256, other.private_key, fresh_kid).value()},
      {"wrong audience", Sign(wrong_audience)},
      {"alg none", common::MintRawTokenForTest("none", "", valid_json, kIssuerKid).value()},
      {"garbage", "not.a.token"},
      {"no kid", common::MintToken(common::TokenAlgorithm::kEs256, issuer_key_, fresh).value()},
      {"unknown kid",
       common::MintToken(common::TokenAlgorithm::kEs256, other.private_key, unknown_kid).value()},
      {"beyond the maximum lifetime", Sign(long_lived)},
      {"expiring in the year 5138", Sign(far)},
      {"HS256", common::MintRawTokenForTest("HS256", "0123456789abcdef0123456789abcdef-not-ours",
                                            valid_json, kIssuerKid)
                    .value()},
      {"service token signed by the issuer key", Sign(service)},
      {"administrator token signed by a service key", Sign(fresh, "progress")},
      {"service key signing for another service", Sign(other_service, "progress")},
  };
}

std::unique_ptr<grpc::ClientContext> TokenContext(const std::string& token) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
  return ctx;
}

std::vector<std::string> WalkPolicy(
    const common::PolicyTable& policy, std::map<std::string, PolicyCall>& calls,
    const std::function<std::string(common::Role)>& token_for,
    const std::function<std::string(const std::string& subject)>& service_token_for) {
  std::vector<std::string> wrong;
  for (const auto& [method, rule] : policy.rules) {
    auto call = calls.find(method);
    if (call == calls.end()) {
      wrong.push_back(absl::StrCat("no call for ", method));
      continue;
    }
    for (absl::string_view subject_view : common::kServiceSubjects) {
      const std::string subject(subject_view);
      const bool allowed = rule.roles.count(common::Role::kService) != 0 &&
                           rule.service_subjects.count(subject) != 0;
      const grpc::StatusCode expected =
          allowed ? grpc::StatusCode::OK : grpc::StatusCode::PERMISSION_DENIED;
      const grpc::StatusCode got = call->second(service_token_for(subject));
      if (got != expected) {
        wrong.push_back(
            absl::StrCat(method, " as service ", subject, ": code ", got, ", expected ", expected));
      }
    }
    for (common::Role role : common::kAllRoles) {
      if (role == common::Role::kService) continue;  // by subject, above
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

bool HoldsJwt(absl::string_view text) {
  const auto base64url = [](char c) { return absl::ascii_isalnum(c) || c == '-' || c == '_'; };
  // The end of a run of base64url characters starting at `from`.
  const auto run_end = [&](size_t from) {
    while (from < text.size() && base64url(text[from])) ++from;
    return from;
  };
  for (size_t at = text.find("eyJ"); at != absl::string_view::npos; at = text.find("eyJ", at + 1)) {
    const size_t header_end = run_end(at);
    if (header_end >= text.size() || text[header_end] != '.') continue;
    const size_t payload = header_end + 1;
    if (text.substr(payload, 3) != "eyJ") continue;
    const size_t payload_end = run_end(payload);
    if (payload_end < text.size() && text[payload_end] == '.') return true;
  }
  return false;
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
