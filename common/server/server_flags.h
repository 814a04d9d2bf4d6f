#pragma once

// The flags every ecoplan server shares, defined once: listening host,
// /metrics port, message limit, shutdown grace, port file and the security
// flags (docs/SECURITY.md). Each main.cc defines only its own flags: --port,
// --db_path and --backup_dir with its defaults through ECOPLAN_SERVER_FLAGS, its
// upstreams through ECOPLAN_UPSTREAM_FLAGS, and what only it has; it reads the
// ServerConfig with ECOPLAN_SERVER_FLAG_VALUES() after absl::ParseCommandLine. Link the library
// `common_server_flags` into server executables only: defining flags is
// main's business, so libraries and tests never see them.

#include <string>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/config/env.h"
#include "common/config/server_config.h"
#include "common/log/log.h"

// Defines the flags whose defaults differ between servers: --port (env
// `port_env`, default `default_port`), --http_port (env `http_port_env`,
// default `default_http_port`), --db_path (env ECOPLAN_DB_PATH) and
// --backup_dir (env ECOPLAN_BACKUP_DIR; empty disables backups). Read them,
// with the shared flags, with ECOPLAN_SERVER_FLAG_VALUES().
#define ECOPLAN_SERVER_FLAGS(port_env, default_port, http_port_env, default_http_port,            \
                             default_db_path, default_backup_dir)                                 \
  ABSL_FLAG(int, port, ::ecoplan::common::EnvIntOr(port_env, default_port),                       \
            "gRPC port (env " port_env "); 0 picks a free port");                                 \
  ABSL_FLAG(int, http_port, ::ecoplan::common::EnvIntOr(http_port_env, default_http_port),        \
            "HTTP port of the same API: Connect, resource URLs, Server-Sent Events, "             \
            "/openapi.json (env " http_port_env "); 0 picks a free port, -1 disables it");        \
  ABSL_FLAG(std::string, db_path, ::ecoplan::common::EnvOr("ECOPLAN_DB_PATH", default_db_path),   \
            "RocksDB directory (env ECOPLAN_DB_PATH)");                                           \
  ABSL_FLAG(std::string, backup_dir,                                                              \
            ::ecoplan::common::EnvOr("ECOPLAN_BACKUP_DIR", default_backup_dir),                   \
            "Where AdminService.CreateBackup writes checkpoints (env ECOPLAN_BACKUP_DIR); empty " \
            "disables backups")

// The whole ServerConfig: the shared flags and the three ECOPLAN_SERVER_FLAGS defined.
#define ECOPLAN_SERVER_FLAG_VALUES() \
  ::ecoplan::common::ReadServerFlags(FLAGS_port, FLAGS_http_port, FLAGS_db_path, FLAGS_backup_dir)

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
// defines with its own defaults and environment variables (ECOPLAN_SERVER_FLAGS).
ServerConfig ReadCommonServerFlags();

// The first line of every server's main(): blocks SIGTERM and SIGINT before any
// thread starts (RocksDB, gRPC), so that every thread inherits the mask and the
// signal reaches ServeUntilSignal's sigwait; sets the --help text `usage`;
// parses the command line (unknown flags exit with 1, --help with 0, an
// environment variable that does not parse with 2); returns the logger of
// `service` ("registry").
Logger StartServerProcess(int argc, char** argv, const std::string& service,
                          absl::string_view usage);

// What ECOPLAN_SERVER_FLAG_VALUES expands to.
inline ServerConfig ReadServerFlags(const absl::Flag<int>& port, const absl::Flag<int>& http_port,
                                    const absl::Flag<std::string>& db_path,
                                    const absl::Flag<std::string>& backup_dir) {
  ServerConfig config = ReadCommonServerFlags();
  config.port = absl::GetFlag(port);
  config.http_port = absl::GetFlag(http_port);
  config.db_path = absl::GetFlag(db_path);
  config.backup_dir = absl::GetFlag(backup_dir);
  return config;
}

// What ECOPLAN_UPSTREAM_FLAG_VALUES expands to.
inline UpstreamConfig ReadUpstreamFlags(const char* name, const absl::Flag<std::string>& address,
                                        const absl::Flag<absl::Duration>& max_backoff,
                                        bool required) {
  return UpstreamConfig{name, absl::GetFlag(address), absl::GetFlag(max_backoff), required};
}

}  // namespace ecoplan::common
