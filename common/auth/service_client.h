#pragma once

// How one ecoplan service calls another (progress, indicator and notification
// follow the registry's and each other's WatchEvents): as a `service`
// principal, over TLS when configured. Service-to-service calls authenticate
// like any other caller (docs/SECURITY.md, "Service-to-service calls").
//
// The bearer token, first match wins:
//   1. --service_token_file: a token issued by the deployment's identity
//      provider (role "service"); re-read whenever the file changes, so a
//      rotated Kubernetes Secret takes effect without a restart.
//   2. --service_signing_key_file (production): the service's own ES256/RS256
//      private key, mounted only in its own pod. The service mints itself
//      short-lived tokens (role "service", subject its own name, the
//      configured issuer and audience, header kid --service_signing_key_id or,
//      without it, the key's RFC 7638 thumbprint), renewed before expiry. The
//      shared JWKS binds that kid to the subject, so the key can sign for this
//      service only. The key file is re-read when it changes.
//   3. The HS256 secret the service verifies its own callers with (local runs
//      and tests only): minted as in 2, with the shared secret.
//   4. Nothing (development mode, or mutual TLS where the upstream accepts the
//      client certificate as a service principal).
//
//   ECOPLAN_ASSIGN_OR_RETURN(auto clients, ServiceClients::Create(flags.upstream,
//                                                  flags.security, "progress", &clock, log));
//   std::shared_ptr<grpc::Channel> registry = clients->Channel(registry_address);

#include <grpcpp/channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth/server_security.h"
#include "common/auth/token_algorithm.h"
#include "common/log/log.h"
#include "common/time/clock.h"

namespace ecoplan::common {

// The shared flags of outgoing calls (common/server/server_flags.cc).
struct ServiceClientConfig {
  std::string token_file;        // --service_token_file
  std::string signing_key_file;  // --service_signing_key_file (PEM private key, EC P-256 or RSA)
  std::string signing_key_id;    // --service_signing_key_id; empty: the key's thumbprint
  std::string tls_ca_file;       // --upstream_tls_ca_file: turns TLS on towards upstreams
  std::string tls_cert_file;     // --upstream_tls_cert_file: client certificate (mutual TLS)
  std::string tls_key_file;      // --upstream_tls_key_file
};

// The token a service presents. Thread-safe.
class ServiceTokenSource {
 public:
  struct Options {
    std::string token_file;  // a token per line 1, re-read when its size or mtime changes
    // A PEM private key (ES256/RS256), re-read when it changes; used when
    // token_file is empty.
    std::string signing_key_file;
    std::string signing_key_id;  // the header kid; empty: the key's RFC 7638 thumbprint
    std::string hs256_secret;    // used when token_file and signing_key_file are empty
    std::string subject;         // minted tokens' "sub", e.g. "progress"
    std::string issuer;
    std::string audience;
    absl::Duration lifetime = absl::Minutes(10);  // of minted tokens
  };

  // Errors: InvalidArgument (a secret too short to mint with, a key that is
  // not EC P-256 or RSA, no subject), NotFound / PermissionDenied (the token
  // or key file cannot be read now).
  static absl::StatusOr<std::unique_ptr<ServiceTokenSource>> Create(Options options,
                                                                    const Clock* clock,
                                                                    Logger logger);

  // "Bearer <token>", or "" when there is no token (none configured, or the
  // token file became unreadable: logged, and the upstream then answers
  // UNAUTHENTICATED, which the caller retries).
  std::string AuthorizationHeader();

  // "token file <path>", "minted ES256 tokens as <subject> (kid …)",
  // "minted HS256 tokens as <subject>" or "none".
  std::string Describe();

 private:
  ServiceTokenSource(Options options, const Clock* clock, Logger logger);
  absl::Status ReloadFileIfChanged() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status ReloadKeyIfChanged() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status MintIfDue() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Options options_;
  const Clock* const clock_;
  const Logger logger_;
  absl::Mutex mu_;
  std::string header_ ABSL_GUARDED_BY(mu_);
  absl::Time renew_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();  // minted tokens
  std::string file_stamp_ ABSL_GUARDED_BY(mu_);                      // size and mtime seen
  // The signing key (signing_key_file) as last read.
  std::string key_pem_ ABSL_GUARDED_BY(mu_);
  std::string key_id_ ABSL_GUARDED_BY(mu_);
  TokenAlgorithm key_algorithm_ ABSL_GUARDED_BY(mu_) = TokenAlgorithm::kEs256;
  std::string key_stamp_ ABSL_GUARDED_BY(mu_);
  bool warned_ ABSL_GUARDED_BY(mu_) = false;
};

// Makes the channels of one service to its upstreams. Thread-safe; must
// outlive the channels it makes.
class ServiceClients {
 public:
  // `own` is the service's server security (its HS256 secret, issuer and
  // audience are reused for minted tokens); `service_name` is the subject.
  // Errors: InvalidArgument naming the flag; as ReadSecretFile for files.
  static absl::StatusOr<std::unique_ptr<ServiceClients>> Create(const ServiceClientConfig& config,
                                                                const ServerSecurityConfig& own,
                                                                const std::string& service_name,
                                                                const Clock* clock,
                                                                const Logger& logger);

  // A channel to `address` with the TLS credentials and the token interceptor,
  // and HTTP/2 keepalive pings while a call is open (every kKeepaliveTime, the
  // connection is dropped after kKeepaliveTimeout without an answer): a
  // WatchEvents stream through a silent partition (packets dropped, a proxy
  // that holds them) fails instead of looking open forever.
  // A lost connection is tried again at most kMaxReconnectBackoffMs apart
  // (gRPC's default is 2 minutes, which would outlast a follower's backoff).
  static constexpr int kMaxReconnectBackoffMs = 10000;
  static constexpr int kKeepaliveTimeMs = 10000;
  static constexpr int kKeepaliveTimeoutMs = 5000;
  std::shared_ptr<grpc::Channel> Channel(const std::string& address,
                                         const grpc::ChannelArguments& args = {}) const;

  ServiceTokenSource& tokens() const { return *tokens_; }

 private:
  ServiceClients() = default;
  std::shared_ptr<grpc::ChannelCredentials> credentials_;
  std::unique_ptr<ServiceTokenSource> tokens_;
};

}  // namespace ecoplan::common
