#include "common/server/server_flags.h"

#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/config/env.h"
#include "common/server/run_server.h"

using ::ecoplan::common::EnvBoolOr;
using ::ecoplan::common::EnvIntOr;
using ::ecoplan::common::EnvOr;

ABSL_FLAG(std::string, host, EnvOr("ECOPLAN_HOST", "127.0.0.1"),
          "Address to listen on (env ECOPLAN_HOST); 0.0.0.0 in containers");
ABSL_FLAG(int, metrics_port, EnvIntOr("ECOPLAN_METRICS_PORT", 0),
          "HTTP port of /metrics (env ECOPLAN_METRICS_PORT); 0 disables it");
ABSL_FLAG(int, health_port, EnvIntOr("ECOPLAN_HEALTH_PORT", 0),
          "Plaintext gRPC port serving grpc.health.v1 only, for probes when the main port speaks "
          "TLS (env ECOPLAN_HEALTH_PORT); 0: none");
ABSL_FLAG(bool, grpc_reflection, EnvBoolOr("ECOPLAN_GRPC_REFLECTION", false),
          "Answer gRPC server reflection, which lists the whole API to any caller that can "
          "connect: for local runs and grpcurl, off in production (env ECOPLAN_GRPC_REFLECTION)");
ABSL_FLAG(int, max_message_bytes, 8 << 20, "Largest request or response, in bytes");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "How long in-flight calls may run on after SIGTERM");
ABSL_FLAG(
    std::string, port_file, "",
    "If set, the bound gRPC port is written to this file once serving (for scripts and tests)");
ABSL_FLAG(std::string, http_port_file, "",
          "If set, the bound HTTP port is written to this file once serving (for scripts and "
          "tests)");
ABSL_FLAG(int, http_threads, 2, "Event loops (threads) of the HTTP port, 1..64");
ABSL_FLAG(std::string, http_cors_origins, EnvOr("ECOPLAN_HTTP_CORS_ORIGINS", ""),
          "Comma-separated origins (scheme://host[:port]) whose browser pages may call the HTTP "
          "port, or * for any (env ECOPLAN_HTTP_CORS_ORIGINS); empty: none");
// Security (docs/SECURITY.md). The HS256 secret itself may also come from the
// environment variable ECOPLAN_AUTH_HS256_SECRET (never a flag: flags show in ps).
ABSL_FLAG(std::string, auth_hs256_secret_file, EnvOr("ECOPLAN_AUTH_HS256_SECRET_FILE", ""),
          "File holding the HS256 token secret, >= 32 bytes (env ECOPLAN_AUTH_HS256_SECRET_FILE)");
ABSL_FLAG(std::string, auth_public_key_file, EnvOr("ECOPLAN_AUTH_PUBLIC_KEY_FILE", ""),
          "PEM public key of the identity provider, for RS256/ES256 tokens "
          "(env ECOPLAN_AUTH_PUBLIC_KEY_FILE)");
ABSL_FLAG(std::string, auth_algorithm, EnvOr("ECOPLAN_AUTH_ALGORITHM", ""),
          "Token algorithm: HS256 (default with a secret), RS256 or ES256 "
          "(env ECOPLAN_AUTH_ALGORITHM)");
ABSL_FLAG(std::string, auth_issuer, EnvOr("ECOPLAN_AUTH_ISSUER", "ecoplan-local"),
          "Required token issuer, claim iss (env ECOPLAN_AUTH_ISSUER)");
ABSL_FLAG(std::string, auth_audience, EnvOr("ECOPLAN_AUTH_AUDIENCE", "ecoplan"),
          "Required token audience, claim aud (env ECOPLAN_AUTH_AUDIENCE)");
ABSL_FLAG(absl::Duration, auth_clock_skew, absl::Seconds(60),
          "Tolerated clock difference on exp/nbf/iat, at most 5m");
// Token keys in production: a JWKS file of public keys, by kid (docs/SECURITY.md "Keys").
ABSL_FLAG(std::string, auth_jwks_file, EnvOr("ECOPLAN_AUTH_JWKS_FILE", ""),
          "JWKS file (RFC 7517) of the ES256/RS256 public keys tokens are verified with, selected "
          "by kid and re-read when it changes (env ECOPLAN_AUTH_JWKS_FILE)");
ABSL_FLAG(absl::Duration, auth_jwks_refresh, absl::Seconds(2),
          "How often the JWKS file is checked for changes (100ms..10m; an unknown kid checks "
          "at once, at most once a second)");
ABSL_FLAG(absl::Duration, auth_max_token_lifetime, absl::Hours(24),
          "Longest token lifetime accepted: exp - iat and exp - now (1m..720h)");
ABSL_FLAG(std::string, tls_cert_file, EnvOr("ECOPLAN_TLS_CERT_FILE", ""),
          "PEM server certificate chain; with --tls_key_file turns TLS on "
          "(env ECOPLAN_TLS_CERT_FILE)");
ABSL_FLAG(std::string, tls_key_file, EnvOr("ECOPLAN_TLS_KEY_FILE", ""),
          "PEM server private key (env ECOPLAN_TLS_KEY_FILE)");
ABSL_FLAG(std::string, tls_client_ca_file, EnvOr("ECOPLAN_TLS_CLIENT_CA_FILE", ""),
          "PEM CA for client certificates: requires and verifies them, mutual TLS "
          "(env ECOPLAN_TLS_CLIENT_CA_FILE)");
ABSL_FLAG(std::string, tls_client_service_names, EnvOr("ECOPLAN_TLS_CLIENT_SERVICE_NAMES", ""),
          "Comma-separated client-certificate common names accepted as service principals "
          "(env ECOPLAN_TLS_CLIENT_SERVICE_NAMES)");
ABSL_FLAG(double, rate_limit_per_second, 50,
          "Calls per second per caller, sustained; 0 disables the limit");
ABSL_FLAG(double, rate_limit_burst, 100, "Calls a caller may make at once");
ABSL_FLAG(double, refusal_limit_per_second, 1,
          "Refused calls (UNAUTHENTICATED, PERMISSION_DENIED, unknown methods) per second per "
          "client address and per subject, sustained, before further refusals are answered "
          "RESOURCE_EXHAUSTED and only counted; 0 disables (tests only)");
ABSL_FLAG(double, refusal_limit_burst, 20,
          "Refused calls of one client or subject recorded one by one before the throttle");
ABSL_FLAG(absl::Duration, refusal_audit_window, absl::Seconds(60),
          "Throttled calls of one client are written as one audit record and one log line per "
          "window (1s..1h)");
ABSL_FLAG(std::string, trusted_proxy_networks, EnvOr("ECOPLAN_TRUSTED_PROXY_NETWORKS", ""),
          "Comma-separated networks (CIDR) of proxies whose x-forwarded-for names the client, "
          "for the refusal throttle and the audit; empty trusts none "
          "(env ECOPLAN_TRUSTED_PROXY_NETWORKS)");
ABSL_FLAG(bool, insecure_development_mode, EnvBoolOr("ECOPLAN_INSECURE_DEVELOPMENT_MODE", false),
          "LOCAL RUNS ONLY: accept callers without credentials as the administrator "
          "\"development\" (env ECOPLAN_INSECURE_DEVELOPMENT_MODE)");
ABSL_FLAG(absl::Duration, clock_max_hold, absl::Hours(1),
          "While the wall clock is behind a time the service has already used (a step back), "
          "the service keeps that time for up to this long, then follows the wall clock again "
          "(0..24h; docs/OPERATIONS.md \"Clock steps\")");
ABSL_FLAG(std::string, clock_offset_file, "",
          "DEVELOPMENT ONLY (needs --insecure_development_mode): add the offset in seconds "
          "read from this file at every reading of the clock, so tests can step it");
// Calls to other ecoplan services (common/auth/service_client.h).
ABSL_FLAG(std::string, service_token_file, EnvOr("ECOPLAN_SERVICE_TOKEN_FILE", ""),
          "Token (role service) this server presents to the services it follows; re-read when "
          "it changes. Without it, tokens are minted from the HS256 secret, if any "
          "(env ECOPLAN_SERVICE_TOKEN_FILE)");
ABSL_FLAG(std::string, service_signing_key_file, EnvOr("ECOPLAN_SERVICE_SIGNING_KEY_FILE", ""),
          "This service's own PEM private key (EC P-256 or RSA): it signs its calls to the "
          "services it follows as its own subject; re-read when it changes "
          "(env ECOPLAN_SERVICE_SIGNING_KEY_FILE)");
ABSL_FLAG(std::string, service_signing_key_id, EnvOr("ECOPLAN_SERVICE_SIGNING_KEY_ID", ""),
          "kid of --service_signing_key_file in the JWKS; empty: the key's RFC 7638 thumbprint "
          "(env ECOPLAN_SERVICE_SIGNING_KEY_ID)");
ABSL_FLAG(std::string, upstream_tls_ca_file, EnvOr("ECOPLAN_UPSTREAM_TLS_CA_FILE", ""),
          "PEM CA of the other services' certificates: calls to them use TLS "
          "(env ECOPLAN_UPSTREAM_TLS_CA_FILE)");
ABSL_FLAG(std::string, upstream_tls_cert_file, EnvOr("ECOPLAN_UPSTREAM_TLS_CERT_FILE", ""),
          "PEM client certificate for mutual TLS towards the other services "
          "(env ECOPLAN_UPSTREAM_TLS_CERT_FILE)");
ABSL_FLAG(std::string, upstream_tls_key_file, EnvOr("ECOPLAN_UPSTREAM_TLS_KEY_FILE", ""),
          "PEM private key of --upstream_tls_cert_file (env ECOPLAN_UPSTREAM_TLS_KEY_FILE)");

namespace ecoplan::common {

Logger StartServerProcess(int argc, char** argv, const std::string& service,
                          absl::string_view usage) {
  BlockTerminationSignals();
  absl::SetProgramUsageMessage(usage);
  absl::ParseCommandLine(argc, argv);
  return Logger(service);
}

ServerConfig ReadCommonServerFlags() {
  ServerConfig config;
  config.host = absl::GetFlag(FLAGS_host);
  config.metrics_port = absl::GetFlag(FLAGS_metrics_port);
  config.health_port = absl::GetFlag(FLAGS_health_port);
  config.reflection = absl::GetFlag(FLAGS_grpc_reflection);
  config.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  config.shutdown_grace = absl::GetFlag(FLAGS_shutdown_grace);
  config.port_file = absl::GetFlag(FLAGS_port_file);
  config.http_port_file = absl::GetFlag(FLAGS_http_port_file);
  config.http_threads = absl::GetFlag(FLAGS_http_threads);
  config.http_cors_origins =
      absl::StrSplit(absl::GetFlag(FLAGS_http_cors_origins), ',', absl::SkipWhitespace());
  config.clock_max_hold = absl::GetFlag(FLAGS_clock_max_hold);
  config.clock_offset_file = absl::GetFlag(FLAGS_clock_offset_file);
  ServerSecurityConfig& security = config.security;
  security.auth_hs256_secret_file = absl::GetFlag(FLAGS_auth_hs256_secret_file);
  security.auth_hs256_secret = EnvOr("ECOPLAN_AUTH_HS256_SECRET", "");
  security.auth_public_key_file = absl::GetFlag(FLAGS_auth_public_key_file);
  security.auth_algorithm = absl::GetFlag(FLAGS_auth_algorithm);
  security.auth_issuer = absl::GetFlag(FLAGS_auth_issuer);
  security.auth_audience = absl::GetFlag(FLAGS_auth_audience);
  security.auth_clock_skew = absl::GetFlag(FLAGS_auth_clock_skew);
  security.auth_jwks_file = absl::GetFlag(FLAGS_auth_jwks_file);
  security.auth_jwks_refresh = absl::GetFlag(FLAGS_auth_jwks_refresh);
  security.auth_max_token_lifetime = absl::GetFlag(FLAGS_auth_max_token_lifetime);
  security.tls_cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  security.tls_key_file = absl::GetFlag(FLAGS_tls_key_file);
  security.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca_file);
  security.tls_client_service_names =
      absl::StrSplit(absl::GetFlag(FLAGS_tls_client_service_names), ',', absl::SkipWhitespace());
  security.rate_limit_per_second = absl::GetFlag(FLAGS_rate_limit_per_second);
  security.rate_limit_burst = absl::GetFlag(FLAGS_rate_limit_burst);
  security.refusal_limit.rate_per_second = absl::GetFlag(FLAGS_refusal_limit_per_second);
  security.refusal_limit.burst = absl::GetFlag(FLAGS_refusal_limit_burst);
  security.refusal_limit.window = absl::GetFlag(FLAGS_refusal_audit_window);
  security.trusted_proxy_networks = absl::GetFlag(FLAGS_trusted_proxy_networks);
  security.insecure_development_mode = absl::GetFlag(FLAGS_insecure_development_mode);
  config.upstream_clients.token_file = absl::GetFlag(FLAGS_service_token_file);
  config.upstream_clients.signing_key_file = absl::GetFlag(FLAGS_service_signing_key_file);
  config.upstream_clients.signing_key_id = absl::GetFlag(FLAGS_service_signing_key_id);
  config.upstream_clients.tls_ca_file = absl::GetFlag(FLAGS_upstream_tls_ca_file);
  config.upstream_clients.tls_cert_file = absl::GetFlag(FLAGS_upstream_tls_cert_file);
  config.upstream_clients.tls_key_file = absl::GetFlag(FLAGS_upstream_tls_key_file);
  return config;
}

}  // namespace ecoplan::common
