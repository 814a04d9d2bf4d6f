#pragma once

// The configuration every ecoplan server has, in one place: where it listens,
// where its data lives, its limits, its security and how it calls the services
// it follows. Each service's config (services/*/config.h) embeds a ServerConfig
// and one UpstreamConfig per service it follows, and validates only its own
// extra fields after ServerConfig::Validate(). main.cc fills them from flags
// (common/server/server_flags.h); every message names the flag to fix.

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth/server_security.h"
#include "common/auth/service_client.h"

namespace ecoplan::common {

// True for "localhost", 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104 (brackets allowed).
bool IsLoopbackHost(absl::string_view host);

// One service this server follows through its WatchEvents stream. Its flags
// are --<name>_address (env ECOPLAN_<NAME>_ADDRESS) and --<name>_max_backoff,
// defined with ECOPLAN_UPSTREAM_FLAGS (common/server/server_flags.h); TLS and
// the service token towards every upstream are ServerConfig::upstream_clients.
struct UpstreamConfig {
  std::string name;     // "registry", "progress" or "indicator": the flags' prefix
  std::string address;  // host:port; empty: not followed (refused when `required`)
  absl::Duration max_backoff = absl::Seconds(10);  // longest wait between reconnections
  bool required = false;                           // this server cannot work without it

  bool followed() const { return !address.empty(); }
  // Errors: InvalidArgument naming --<name>_address or --<name>_max_backoff.
  absl::Status Validate() const;
};

// The fields every server has. The defaults are the flags' defaults, except
// port and db_path, which each service sets (50051…50054, var/<service>).
struct ServerConfig {
  std::string host = "127.0.0.1";  // --host / ECOPLAN_HOST; 0.0.0.0 in containers
  int port = 0;                    // --port / ECOPLAN_<SERVICE>_PORT; 0 picks a free port
  int metrics_port = 0;            // --metrics_port / ECOPLAN_METRICS_PORT; 0 disables /metrics
  // --health_port / ECOPLAN_HEALTH_PORT: a second, plaintext gRPC port serving grpc.health.v1 only,
  // for probes that cannot speak the main port's TLS (kubelet's native gRPC probes); 0: none.
  int health_port = 0;
  // --grpc_reflection / ECOPLAN_GRPC_REFLECTION: answer gRPC server reflection
  // (off by default: it tells any caller the whole API; docs/SECURITY.md).
  bool reflection = false;
  std::string db_path;              // --db_path / ECOPLAN_DB_PATH
  std::string backup_dir;           // --backup_dir / ECOPLAN_BACKUP_DIR; empty disables backups
  int max_message_bytes = 8 << 20;  // --max_message_bytes
  absl::Duration shutdown_grace = absl::Seconds(10);  // --shutdown_grace
  std::string port_file;  // --port_file: the bound port is written here once serving
  // --http_port / ECOPLAN_<SERVICE>_HTTP_PORT: the HTTP front door (common/http): the
  // same API as Connect, resource URLs and Server-Sent Events; 0 picks a free port,
  // kNoHttpPort disables it.
  static constexpr int kNoHttpPort = -1;
  int http_port = kNoHttpPort;
  std::string http_port_file;  // --http_port_file: the bound HTTP port, once serving
  int http_threads = 2;        // --http_threads: the HTTP port's event loops
  // --http_cors_origins: origins whose browser pages may call the HTTP port
  // ("https://a.example,https://b.example"; "*" any); empty: none.
  std::vector<std::string> http_cors_origins;
  // Tokens, TLS, rate limits, development mode: the --auth_*, --tls_*,
  // --rate_limit_* and --insecure_development_mode flags (docs/SECURITY.md).
  ServerSecurityConfig security;
  // Calls to the services this server follows: --service_token_file, --upstream_tls_*.
  ServiceClientConfig upstream_clients;
  // How long the service's clock holds its latest time while the wall clock
  // is behind it (common/time/non_decreasing_clock.h): --clock_max_hold, 0..24h.
  absl::Duration clock_max_hold = absl::Hours(1);
  // Development only: the wall clock plus the offset in this file
  // (common/time/offset_file_clock.h), for tests that step a server's clock.
  std::string clock_offset_file;  // --clock_offset_file

  // Checks the fields above. Errors: InvalidArgument naming the flag.
  absl::Status Validate() const;
};

}  // namespace ecoplan::common
