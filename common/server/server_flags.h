#pragma once

// The flags every ecoplan server shares, defined once: listening host,
// /metrics port, message limit, shutdown grace, port file and the security
// flags (docs/SECURITY.md). Each main.cc keeps only its own flags (port,
// db_path, backup_dir, and its upstreams through ECOPLAN_UPSTREAM_FLAGS) and
// reads these with ReadCommonServerFlags() after absl::ParseCommandLine. Link the library
// `common_server_flags` into server executables only: defining flags is
// main's business, so libraries and tests never see them.

#include <string>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/config/env.h"
#include "common/config/server_config.h"

// Defines the two flags of one upstream, the same in every server that follows
// it: --<name>_address (env `env`, default `default_address`) and
// --<name>_max_backoff (10s). `address_help` is a string literal saying what
// following it is for. Read them with ECOPLAN_UPSTREAM_FLAG_VALUES. TLS and the
// token towards every upstream are the shared --upstream_tls_* and
// --service_token_file flags.
#define ECOPLAN_UPSTREAM_FLAGS(name, env, default_address, address_help)                 \
  ABSL_FLAG(std::string, name##_address, ::ecoplan::common::EnvOr(env, default_address), \
            address_help " (env " env ")");                                              \
  ABSL_FLAG(absl::Duration, name##_max_backoff, absl::Seconds(10),                       \
            "Longest wait between reconnection attempts to the " #name " service (100ms..5m)")

// The UpstreamConfig of the flags ECOPLAN_UPSTREAM_FLAGS(name, ...) defined;
// `required`: an empty address is refused by UpstreamConfig::Validate().
#define ECOPLAN_UPSTREAM_FLAG_VALUES(name, required)                                              \
  ::ecoplan::common::ReadUpstreamFlags(#name, FLAGS_##name##_address, FLAGS_##name##_max_backoff, \
                                       required)

namespace ecoplan::common {

// The shared flags' values (call after absl::ParseCommandLine): every field of
// ServerConfig except port, db_path and backup_dir, whose flags each main.cc
// defines with its own defaults and environment variables.
ServerConfig ReadCommonServerFlags();

// What ECOPLAN_UPSTREAM_FLAG_VALUES expands to.
inline UpstreamConfig ReadUpstreamFlags(const char* name, const absl::Flag<std::string>& address,
                                        const absl::Flag<absl::Duration>& max_backoff,
                                        bool required) {
  return UpstreamConfig{name, absl::GetFlag(address), absl::GetFlag(max_backoff), required};
}

}  // namespace ecoplan::common
