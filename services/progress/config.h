#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace ecoplan::progress {

// Effective configuration of progress_server, filled by main.cc from flags
// (each flag defaults to an environment variable, then to a local default).
struct ProgressConfig {
  std::string host = "127.0.0.1";        // --host / ECOPLAN_HOST
  int port = 50052;                      // --port / ECOPLAN_PROGRESS_PORT; 0 picks a free port
  int metrics_port = 0;                  // --metrics_port / ECOPLAN_METRICS_PORT; 0 disables
  std::string db_path = "var/progress";  // --db_path / ECOPLAN_DB_PATH
  std::string registry_address =
      "127.0.0.1:50051";  // --registry_address / ECOPLAN_REGISTRY_ADDRESS
  // --indicator_address / ECOPLAN_INDICATOR_ADDRESS: the indicator service whose
  // events feed the completion check; empty: completions are confirmed without it.
  std::string indicator_address;
  int max_message_bytes = 8 << 20;                           // --max_message_bytes
  absl::Duration shutdown_grace = absl::Seconds(10);         // --shutdown_grace
  absl::Duration registry_max_backoff = absl::Seconds(10);   // --registry_max_backoff
  absl::Duration indicator_max_backoff = absl::Seconds(10);  // --indicator_max_backoff
  std::string port_file;  // --port_file: write the bound port here once serving

  // Errors: InvalidArgument naming the flag.
  absl::Status Validate() const;
};

}  // namespace ecoplan::progress
