#pragma once

// The per-call security check every ecoplan handler runs first: who is
// calling (Authenticate), may they call this method on this resource
// (Authorize), and are they within their rate limit.
//
//   // In a handler, before any work:
//   absl::StatusOr<Principal> who = auth_->Authorize(ctx, kImportPlan, ResourceScope::Any());
//   if (!who.ok()) { reactor->Finish(ToGrpcStatus(who.status())); return reactor; }
//   // who->subject is the actor recorded in the change.
//
// Authentication, in order:
//   1. `authorization: Bearer <jwt>` metadata, verified by the TokenVerifier
//      (a presented token is always checked, even in development mode).
//   2. With client_certificate_as_service: a client certificate verified by the
//      server's TLS stack (mutual TLS) → a `service` principal named after the
//      certificate's common name (optionally restricted to a list of names).
//   3. With insecure_development_mode: anyone else is the administrator
//      "development". Never on in production; logged loudly at start.
//   Otherwise UNAUTHENTICATED.
//
// Refusals (UNAUTHENTICATED, PERMISSION_DENIED) go through the options'
// RefusalThrottle, keyed by client address and subject, before anything is
// logged: past its budget a refusal is answered RESOURCE_EXHAUSTED and is
// neither logged nor audited one by one (refusal_throttle.h).
//
// Thread-safe. The verifier, policy, limiter, refusal throttle and metrics
// must outlive it.

#include <grpcpp/server_context.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/auth/authorization.h"
#include "common/auth/client_address.h"
#include "common/auth/principal.h"
#include "common/auth/rate_limiter.h"
#include "common/auth/refusal_throttle.h"
#include "common/auth/token_verifier.h"
#include "common/log/log.h"
#include "common/server/metrics.h"

namespace ecoplan::common {

struct CallAuthenticatorOptions {
  // Accept callers without credentials as the administrator "development".
  bool insecure_development_mode = false;
  // Accept a verified client certificate (mTLS) as a `service` principal.
  bool client_certificate_as_service = false;
  // With client_certificate_as_service: the common names accepted; empty = any
  // certificate the client CA signed.
  std::vector<std::string> allowed_client_certificate_names;
  // Budget of refused calls per client and subject; null: refusals are not
  // throttled. Not owned; must outlive every authenticator built with these options.
  RefusalThrottle* refusal_throttle = nullptr;
  // Peers whose x-forwarded-for names the client (--trusted_proxy_networks).
  TrustedProxies trusted_proxies;
};

// The options of a server in development mode and nothing else (tests, benchmarks).
inline CallAuthenticatorOptions DevelopmentModeOptions() {
  CallAuthenticatorOptions options;
  options.insecure_development_mode = true;
  return options;
}

class CallAuthenticator {
 public:
  // `verifier` may be null (no tokens accepted: then only certificates or
  // development mode authenticate). `limiter` and `metrics` may be null.
  // `logger` receives the development-mode warning and authentication failures
  // (reasons only, never tokens).
  CallAuthenticator(CallAuthenticatorOptions options, const TokenVerifier* verifier,
                    const PolicyTable* policy, RateLimiter* limiter, MetricsRegistry* metrics,
                    Logger logger);

  // Who is calling. Errors: Unauthenticated (no credentials, a malformed
  // authorization header, a token the verifier refuses).
  absl::StatusOr<Principal> Authenticate(const grpc::ServerContextBase& ctx) const;

  // Authenticate, then Authorize against the policy (full method path, e.g.
  // "/ecoplan.registry.v1.RegistryService/ImportPlan"), then the rate limit.
  // Errors: Unauthenticated, PermissionDenied, ResourceExhausted (the rate
  // limit, or too many refusals from this client or subject).
  absl::StatusOr<Principal> Authorize(const grpc::ServerContextBase& ctx,
                                      absl::string_view method_path,
                                      const ResourceScope& scope) const;

  // Authorization only, for a principal already authenticated (e.g. a second
  // check once the handler has loaded the resource and knows its owner).
  // Errors: PermissionDenied, ResourceExhausted (too many refusals of this subject).
  absl::Status Check(const Principal& principal, absl::string_view method_path,
                     const ResourceScope& scope) const;

  // The client of the call: its address (from x-forwarded-for only behind a
  // trusted proxy) and the forwarded-for claim.
  ClientAddress Client(const grpc::ServerContextBase& ctx) const;

  // Accounts a refusal made outside this class (a call of a method the
  // server does not serve) against `client`'s budget. OK: record it one by
  // one; ResourceExhausted: only in the aggregate.
  absl::Status ThrottleRefusal(absl::string_view client) const;

  // The refusal budget, or null.
  const RefusalThrottle* refusal_throttle() const { return options_.refusal_throttle; }

  bool insecure_development_mode() const { return options_.insecure_development_mode; }
  const PolicyTable& policy() const { return *policy_; }

 private:
  absl::StatusOr<Principal> FromClientCertificate(const grpc::ServerContextBase& ctx) const;
  void CountFailure(absl::string_view code, absl::string_view method_path) const;
  // OK, or the throttle's ResourceExhausted (counted).
  absl::Status Throttle(absl::string_view client, absl::string_view subject,
                        absl::string_view method_path) const;

  const CallAuthenticatorOptions options_;
  const TokenVerifier* const verifier_;
  const PolicyTable* const policy_;
  RateLimiter* const limiter_;
  Counter* denied_ = nullptr;
  Logger logger_;
};

// The development principal: administrator "development", via kDevelopment.
Principal DevelopmentPrincipal();

}  // namespace ecoplan::common
