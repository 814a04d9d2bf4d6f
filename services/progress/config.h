#pragma once

#include "absl/status/status.h"
#include "common/config/server_config.h"

namespace ecoplan::progress {

// Effective configuration of progress_server, filled by main.cc from flags
// (each flag defaults to an environment variable, then to a local default).
struct ProgressConfig {
  // --port / ECOPLAN_PROGRESS_PORT (50052), --db_path (var/progress), --backup_dir
  // (var/progress-backups) and the flags every server shares.
  common::ServerConfig server;
  // --registry_address / ECOPLAN_REGISTRY_ADDRESS (127.0.0.1:50051), --registry_max_backoff.
  common::UpstreamConfig registry{"registry", "127.0.0.1:50051", absl::Seconds(10), true};
  // --indicator_address / ECOPLAN_INDICATOR_ADDRESS, --indicator_max_backoff: the
  // indicator service whose events feed the completion check; empty: completions
  // are confirmed without it.
  common::UpstreamConfig indicator{"indicator", "", absl::Seconds(10), false};

  // server.Validate(), the upstreams', then progress's own rules. Errors:
  // InvalidArgument naming the flag.
  absl::Status Validate() const;
};

}  // namespace ecoplan::progress
