#pragma once

// The serving block of every server's main.cc, once:
//
//   common::ServeSpec spec = foundation->Serve("registry", {&service});  // + AdminService,
//   spec.on_signal = [&] { watch_hub.Shutdown(); };  // TLS, metrics, audit capture
//   return common::ServeUntilSignal(config.server, spec, log);
//
// (ServerFoundation::Serve: common/server/server_foundation.h.) Block the
// termination signals first thing in main(): common::StartServerProcess
// (server_flags.h) does, see BlockTerminationSignals in run_server.h.

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/support/server_interceptor.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/config/server_config.h"
#include "common/log/log.h"
#include "common/server/metrics.h"
#include "common/server/run_server.h"

namespace ecoplan::common {

// What a server serves, besides its ServerConfig.
struct ServeSpec {
  // Short name: health name besides "" and the services' full names ("registry").
  std::string service_name;
  // The services on the gRPC port; not owned, they must outlive the call.
  std::vector<grpc::Service*> services;
  // TLS (BuildServerSecurity's credentials); null: plaintext.
  std::shared_ptr<grpc::ServerCredentials> credentials;
  // Registry of the interceptor and /metrics; not owned; null: the server's own.
  MetricsRegistry* metrics = nullptr;
  // More interceptors (the audit capture); not owned (ServerOptions::interceptors).
  std::vector<grpc::experimental::ServerInterceptorFactoryInterface*> interceptors;
  // Logs the "serving" line once the port is bound (e.g. with the followers'
  // cursors); empty: log.Info("serving", {{"address", address}}).
  std::function<void(const std::string& address)> log_serving;
  // Runs when SIGTERM or SIGINT arrives, before the server drains: end
  // WatchEvents streams, stop followers and schedulers. May be empty.
  std::function<void()> on_signal;
};

// The ServerOptions of `config` and `spec` (listening address, ports, limits,
// grace, health name, metrics, interceptors).
ServerOptions MakeServerOptions(const ServerConfig& config, const ServeSpec& spec);

// Starts the server, writes config.port_file (if set) once the port is bound,
// logs "serving", blocks until SIGTERM or SIGINT, runs spec.on_signal, drains
// (RunningServer::Shutdown) and logs "stopped". Returns main's exit code: 0
// after a clean stop; 1 (logged) when the server does not start or the port
// file cannot be written.
int ServeUntilSignal(const ServerConfig& config, const ServeSpec& spec, const Logger& log);

// Writes `port` to `path` through a temporary file and a rename, so a reader
// never sees half a number. Errors: Internal naming the file.
absl::Status WritePortFile(const std::string& path, int port);

}  // namespace ecoplan::common
