#pragma once

// Everything a server needs to secure itself, from one config struct: the
// token verifier, the rate limiter, the CallAuthenticator and the server
// credentials (TLS, mutual TLS). ServerConfig::security is filled from the
// shared flags (the same names everywhere; see docs/SECURITY.md);
// ServerFoundation (common/server/server_foundation.h) builds the pieces, hands
// `authenticator` to the service and `credentials` to the server.
//
// Secrets come from files (Kubernetes Secrets mounted as files) or, for the
// HS256 secret, the environment; they are never logged (LogEffective() lists
// paths and choices only).

#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/authorization.h"
#include "common/auth/call_authenticator.h"
#include "common/auth/rate_limiter.h"
#include "common/auth/refusal_throttle.h"
#include "common/auth/token_verifier.h"
#include "common/log/log.h"
#include "common/server/metrics.h"
#include "common/time/clock.h"

namespace ecoplan::common {

struct ServerSecurityConfig {
  // Tokens. One key source: in production a JWKS file (ES256/RS256 public
  // keys selected by kid, re-read when it changes; docs/SECURITY.md "Keys");
  // for local runs and tests a secret file (HS256), the secret itself from the
  // environment (HS256), or one public key file (RS256/ES256, no kid).
  std::string auth_jwks_file;                                // --auth_jwks_file
  absl::Duration auth_jwks_refresh = absl::Seconds(2);       // --auth_jwks_refresh
  absl::Duration auth_max_token_lifetime = absl::Hours(24);  // --auth_max_token_lifetime
  std::string auth_hs256_secret_file;  // --auth_hs256_secret_file (development only)
  std::string auth_hs256_secret;       // env ECOPLAN_AUTH_HS256_SECRET only (never a flag)
  std::string auth_public_key_file;    // --auth_public_key_file (PEM "PUBLIC KEY")
  std::string auth_algorithm;          // --auth_algorithm: HS256 | RS256 | ES256; empty = HS256
  std::string auth_issuer = "ecoplan-local";           // --auth_issuer
  std::string auth_audience = "ecoplan";               // --auth_audience
  absl::Duration auth_clock_skew = absl::Seconds(60);  // --auth_clock_skew
  // TLS: certificate and key together; a client CA turns on mutual TLS.
  std::string tls_cert_file;       // --tls_cert_file
  std::string tls_key_file;        // --tls_key_file
  std::string tls_client_ca_file;  // --tls_client_ca_file
  // With mutual TLS: client certificates with these common names are
  // `service` principals (empty: client certificates only secure the channel,
  // callers still need tokens).
  std::vector<std::string> tls_client_service_names;  // --tls_client_service_names a,b
  // Per-caller limits; rate 0 disables the limiter.
  double rate_limit_per_second = 50;  // --rate_limit_per_second
  double rate_limit_burst = 100;      // --rate_limit_burst
  // Accept unauthenticated callers as the administrator "development".
  bool insecure_development_mode = false;  // --insecure_development_mode
  // Budget of refused calls per client address and per subject, and the
  // window of their aggregated audit records (refusal_throttle.h).
  RefusalThrottleOptions
      refusal_limit;  // --refusal_limit_per_second, _burst, --refusal_audit_window
  // Proxies whose x-forwarded-for names the client; "" trusts none.
  std::string trusted_proxy_networks;  // --trusted_proxy_networks 10.0.0.0/8,fd00::/8

  // Errors: InvalidArgument naming the flag.
  absl::Status Validate() const;
  // Logs the effective settings once ("security" line): paths and choices, never secrets.
  void LogEffective(const Logger& logger) const;
};

struct ServerSecurity {
  std::unique_ptr<TokenVerifier> verifier;  // null when no key is configured (development)
  std::unique_ptr<RateLimiter> limiter;     // null when disabled
  std::unique_ptr<RefusalThrottle> refusal_throttle;
  std::unique_ptr<CallAuthenticator> authenticator;
  // The options `authenticator` was built with, to build the authenticator of
  // another service served on the same port (e.g. the AdminService).
  CallAuthenticatorOptions authenticator_options;
  // Null when TLS is not configured (plaintext: development or a mesh that
  // terminates TLS; logged as a warning).
  std::shared_ptr<grpc::ServerCredentials> credentials;
};

// The HS256 secret of `config` (from its file, trailing newline removed, or
// from the environment); empty when the deployment uses public keys or
// nothing. Errors: as ReadSecretFile.
absl::StatusOr<std::string> Hs256SecretOf(const ServerSecurityConfig& config);

// Reads the key and certificate files and builds the pieces. `policy`,
// `clock` and `metrics` (may be null) must outlive the result. Logs a warning
// for development mode and for plaintext. Errors: InvalidArgument, NotFound,
// PermissionDenied, naming the file at fault.
absl::StatusOr<ServerSecurity> BuildServerSecurity(const ServerSecurityConfig& config,
                                                   const PolicyTable* policy, const Clock* clock,
                                                   MetricsRegistry* metrics, const Logger& logger);

}  // namespace ecoplan::common
