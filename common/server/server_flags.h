#pragma once

// The flags every ecoplan server shares, defined once: listening host,
// /metrics port, message limit, shutdown grace, port file and the security
// flags (docs/SECURITY.md). Each main.cc keeps only its own flags (port,
// db_path, backup_dir, upstream addresses) and reads these with
// ReadCommonServerFlags() after absl::ParseCommandLine. Link the library
// `common_server_flags` into server executables only: defining flags is
// main's business, so libraries and tests never see them.

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/auth/server_security.h"
#include "common/auth/service_client.h"

namespace ecoplan::common {

struct CommonServerFlags {
  std::string host;               // --host / ECOPLAN_HOST
  int metrics_port = 0;           // --metrics_port / ECOPLAN_METRICS_PORT
  int max_message_bytes = 0;      // --max_message_bytes
  absl::Duration shutdown_grace;  // --shutdown_grace
  std::string port_file;          // --port_file
  ServerSecurityConfig security;  // --auth_*, --tls_*, --rate_limit_*, --insecure_development_mode
  ServiceClientConfig upstream;   // --service_token_file, --upstream_tls_*
};

// The shared flags' values (call after absl::ParseCommandLine).
CommonServerFlags ReadCommonServerFlags();

// Writes `port` to `path` through a temporary file and a rename, so a reader
// never sees half a number. Errors: Internal naming the file.
absl::Status WritePortFile(const std::string& path, int port);

}  // namespace ecoplan::common
