#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/auth/server_security.h"

namespace ecoplan::registry {

// Effective configuration of registry_server, filled by main.cc from flags
// (each flag defaults to an environment variable, then to a local default).
struct RegistryConfig {
  std::string host = "127.0.0.1";  // --host / ECOPLAN_HOST; 0.0.0.0 in containers
  int port = 50051;                // --port / ECOPLAN_REGISTRY_PORT; 0 picks a free port
  int metrics_port = 0;            // --metrics_port / ECOPLAN_METRICS_PORT; 0 disables /metrics
  std::string db_path = "var/registry";               // --db_path / ECOPLAN_DB_PATH
  int max_message_bytes = 8 << 20;                    // --max_message_bytes
  absl::Duration shutdown_grace = absl::Seconds(10);  // --shutdown_grace
  std::string port_file;   // --port_file: write the bound port here once serving
  std::string backup_dir;  // --backup_dir / ECOPLAN_BACKUP_DIR; empty disables backups
  // Tokens, TLS, rate limits, development mode: the --auth_*, --tls_*,
  // --rate_limit_* and --insecure_development_mode flags (docs/SECURITY.md).
  common::ServerSecurityConfig security;

  // Errors: InvalidArgument naming the flag.
  absl::Status Validate() const;
};

}  // namespace ecoplan::registry
