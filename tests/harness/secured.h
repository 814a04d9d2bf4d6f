#pragma once

// What a test needs to run ecoplan servers as in production — tokens and TLS
// — and to walk a service's RPC × role table against them.
//
//   ASSERT_OK_AND_ASSIGN(SecuredSetup secured, SecuredSetup::Create(dir));
//   cluster.SetCommonFlags(secured.ServerFlags());   // secret file, TLS, no rate limit
//   ASSERT_OK_AND_ASSIGN(std::string address, cluster.Start("registry"));
//   auto stub = Service::NewStub(grpc::CreateChannel(address, secured.ChannelCredentials()));
//   stub->Call(TokenContext(secured.Token(Role::kAdministrator)).get(), request, &response);
//   EXPECT_THAT(WalkPolicy(policy, calls, [&](Role r) { return secured.Token(r, "o-…"); }),
//               ::testing::IsEmpty());

#include <grpcpp/grpcpp.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/auth/authorization.h"
#include "common/auth/principal.h"
#include "common/testing/temp_dir.h"

namespace ecoplan::testing {

class SecuredSetup {
 public:
  // Writes a random HS256 secret, a CA and a server certificate (valid for
  // 127.0.0.1) into `dir`.
  static absl::StatusOr<SecuredSetup> Create(const common::TempDir& dir);

  // Appends --auth_hs256_secret_file, --tls_cert_file, --tls_key_file,
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
  // A token of `role`, valid for ten minutes; reporters belong to
  // `organization_id`.
  std::string Token(common::Role role, const std::string& organization_id = "",
                    const std::string& subject = "") const;
  // A viewer whose credentials name `organization_id` (the command center
  // with its own inbox, e.g. 区城指中心), subject "test-viewer" unless given.
  std::string ViewerOf(const std::string& organization_id, const std::string& subject = "") const;
  // Tokens every server must refuse as UNAUTHENTICATED, by kind: none,
  // expired, wrong signature, wrong audience, alg none, garbage.
  std::map<std::string, std::string> BadTokens() const;

  const std::string& secret() const { return secret_; }
  const std::string& secret_file() const { return secret_file_; }
  const std::string& ca_file() const { return ca_file_; }

 private:
  std::string secret_, secret_file_, ca_pem_, ca_file_, cert_file_, key_file_;
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

// Calls every RPC of `policy` as every role and returns one line per answer
// that is not what the policy says (OK when allowed, PERMISSION_DENIED when
// not), plus one per RPC without a call; empty when all agree.
std::vector<std::string> WalkPolicy(const common::PolicyTable& policy,
                                    std::map<std::string, PolicyCall>& calls,
                                    const std::function<std::string(common::Role)>& token_for);

// Calls every RPC with every bad token; one line per answer other than
// UNAUTHENTICATED.
std::vector<std::string> WalkBadTokens(std::map<std::string, PolicyCall>& calls,
                                       const std::map<std::string, std::string>& bad_tokens);

}  // namespace ecoplan::testing
