#pragma once

#include "absl/status/status.h"
#include "common/config/server_config.h"

namespace ecoplan::registry {

// Effective configuration of registry_server, filled by main.cc from flags
// (each flag defaults to an environment variable, then to a local default).
struct RegistryConfig {
  // --port / ECOPLAN_REGISTRY_PORT (50051), --db_path (var/registry), --backup_dir
  // (var/registry-backups) and the flags every server shares. The registry
  // follows no other service.
  common::ServerConfig server;

  // server.Validate(), then the registry's own rule: --max_message_bytes must
  // fit a full plan document. Errors: InvalidArgument naming the flag.
  absl::Status Validate() const;
};

}  // namespace ecoplan::registry
