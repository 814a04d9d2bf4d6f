#pragma once

// What a test needs to run ecoplan servers as in production — ES256 tokens
// verified through a JWKS file, each service signing its own calls with its
// own key, and TLS — and to walk a service's RPC × role table against them.
//
//   ASSERT_OK_AND_ASSIGN(SecuredSetup secured, SecuredSetup::Create(dir));
//   cluster.SetCommonFlags(secured.ServerFlags());   // JWKS, own keys, TLS, no rate limit
//   ASSERT_OK_AND_ASSIGN(std::string address, cluster.Start("registry"));
//   auto stub = Service::NewStub(grpc::CreateChannel(address, secured.ChannelCredentials()));
//   stub->Call(TokenContext(secured.Token(Role::kAdministrator)).get(), request, &response);
//   EXPECT_THAT(WalkPolicy(policy, calls, [&](Role r) { return secured.Token(r, "o-…"); },
//                          secured.ServiceTokens()),
//               ::testing::IsEmpty());

#include <grpcpp/grpcpp.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/auth/authorization.h"
#include "common/auth/principal.h"
#include "common/auth/token_minter.h"
#include "common/testing/temp_dir.h"

namespace ecoplan::testing {

class SecuredSetup {
 public:
  // The kid of the issuer key (people's tokens: every role but service).
  static constexpr char kIssuerKid[] = "test-issuer";

  // Writes into `dir`: fresh EC P-256 keys — the issuer's (issuer.pem) and
  // one per service subject of common::kServiceSubjects
  // (service-keys/<subject>.pem) — the JWKS of their public keys (jwks.json;
  // each service key bound to its subject, kid = its RFC 7638 thumbprint), a
  // CA and a server certificate (valid for 127.0.0.1).
  static absl::StatusOr<SecuredSetup> Create(const common::TempDir& dir);

  // Appends --auth_jwks_file, --service_signing_key_file=<dir>/service-keys/
  // ${kind}.pem (Cluster puts each server's kind in place of ${kind}, so each
  // service signs with its own key), --tls_cert_file, --tls_key_file,
  // --upstream_tls_ca_file (the services trust each other's certificates) and
  // --rate_limit_per_second=0 and --refusal_limit_per_second=0 (tests call
  // faster than a person, and walk the policy through hundreds of refusals).
  void AddServerFlags(std::vector<std::string>& argv) const;
  // The same flags on their own, e.g. for Cluster::SetCommonFlags.
  std::vector<std::string> ServerFlags() const {
    std::vector<std::string> flags;
    AddServerFlags(flags);
    return flags;
  }
  // TLS credentials trusting the test CA.
  std::shared_ptr<grpc::ChannelCredentials> ChannelCredentials() const;
  // A token of `role`, valid for ten minutes, signed with the issuer key;
  // reporters belong to `organization_id`. For role service, signed with the
  // key of `subject` (which must be one of kServiceSubjects; default "backup").
  std::string Token(common::Role role, const std::string& organization_id = "",
                    const std::string& subject = "") const;
  // A service token of `subject`, signed with its own key.
  std::string ServiceToken(const std::string& subject) const;
  // ServiceToken as a function, for WalkPolicy.
  std::function<std::string(const std::string&)> ServiceTokens() const {
    return [this](const std::string& subject) { return ServiceToken(subject); };
  }
  // Signs `claims` (issuer and audience filled in when empty) with the key of
  // service `key_subject`, or with the issuer key when it is empty; the kid
  // is that key's. Any claims, to try what a key may not sign.
  std::string Sign(common::TokenClaims claims, const std::string& key_subject = "") const;
  // A viewer whose credentials name `organization_id` (the command center
  // with its own inbox, e.g. 区城指中心), subject "test-viewer" unless given.
  std::string ViewerOf(const std::string& organization_id, const std::string& subject = "") const;
  // Tokens every server must refuse as UNAUTHENTICATED, by kind: none,
  // expired, wrong signature, wrong audience, alg none, garbage, no kid,
  // unknown kid, longer-lived than the maximum (24 h), HS256, a service
  // token signed by the issuer key, an administrator token signed by a
  // service key, a service key signing for another service.
  std::map<std::string, std::string> BadTokens() const;

  // The issuer's private key (PEM): what must never appear in a log.
  const std::string& secret() const { return issuer_key_; }
  const std::string& issuer_key_file() const { return issuer_key_file_; }
  const std::string& jwks_file() const { return jwks_file_; }
  const std::string& ca_file() const { return ca_file_; }
  // The private key file and kid of service `subject`.
  std::string ServiceKeyFile(const std::string& subject) const;
  std::string ServiceKid(const std::string& subject) const;

 private:
  struct Key {
    std::string pem, kid, file;
  };
  std::string issuer_key_, issuer_key_file_, jwks_file_, key_dir_;
  std::map<std::string, Key> service_keys_;  // by subject
  std::string ca_pem_, ca_file_, cert_file_, key_file_;
};

// A client context with a 30 s deadline carrying `token` (none when empty).
std::unique_ptr<grpc::ClientContext> TokenContext(const std::string& token);

// A server-streaming call with `token`: OK once its first message arrives
// (the call is then cancelled), else the code the stream ended with.
// `open(ctx)` starts the call, e.g.
//   [&](grpc::ClientContext* ctx) { return stub->WatchEvents(ctx, request); }
template <typename Response, typename Open>
grpc::StatusCode FirstStreamMessage(const std::string& token, Open open) {
  std::unique_ptr<grpc::ClientContext> ctx = TokenContext(token);
  std::unique_ptr<grpc::ClientReader<Response>> reader = open(ctx.get());
  Response message;
  if (reader->Read(&message)) {
    ctx->TryCancel();
    (void)reader->Finish();
    return grpc::StatusCode::OK;
  }
  return reader->Finish().error_code();
}

// One call per RPC, keyed by its full method path; it returns the call's code.
using PolicyCall = std::function<grpc::StatusCode(const std::string& token)>;

// Calls every RPC of `policy` as every role but service (`token_for`), and
// as each service subject of common::kServiceSubjects (`service_token_for`),
// and returns one line per answer that is not what the policy says (OK when
// allowed, PERMISSION_DENIED when not), plus one per RPC without a call;
// empty when all agree.
std::vector<std::string> WalkPolicy(
    const common::PolicyTable& policy, std::map<std::string, PolicyCall>& calls,
    const std::function<std::string(common::Role)>& token_for,
    const std::function<std::string(const std::string& subject)>& service_token_for);

// Calls every RPC with every bad token; one line per answer other than
// UNAUTHENTICATED.
std::vector<std::string> WalkBadTokens(std::map<std::string, PolicyCall>& calls,
                                       const std::map<std::string, std::string>& bad_tokens);

// Whether `text` (e.g. a server's log) holds a JWT: a base64url JSON header
// and payload ("eyJ…" "." "eyJ…" "."). Not merely "eyJ", which a random key
// id or name in the log may contain by chance.
bool HoldsJwt(absl::string_view text);

}  // namespace ecoplan::testing
