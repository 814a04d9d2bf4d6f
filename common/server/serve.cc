#include "common/server/serve.h"

#include <cstdio>
#include <fstream>
#include <utility>

#include "absl/strings/str_cat.h"

namespace ecoplan::common {

absl::Status WritePortFile(const std::string& path, int port) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << port << "\n";
    if (!out) return absl::InternalError(absl::StrCat("cannot write ", tmp));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("cannot rename ", tmp, " to ", path));
  }
  return absl::OkStatus();
}

ServerOptions MakeServerOptions(const ServerConfig& config, const ServeSpec& spec) {
  ServerOptions options;
  options.host = config.host;
  options.port = config.port;
  options.metrics_port = config.metrics_port;
  options.health_port = config.health_port;
  options.reflection = config.reflection;
  options.max_receive_message_bytes = config.max_message_bytes;
  options.max_send_message_bytes = config.max_message_bytes;
  options.shutdown_grace = config.shutdown_grace;
  options.service_name = spec.service_name;
  options.metrics = spec.metrics;
  options.interceptors = spec.interceptors;
  return options;
}

int ServeUntilSignal(const ServerConfig& config, const ServeSpec& spec, const Logger& log) {
  absl::StatusOr<std::unique_ptr<RunningServer>> server =
      RunningServer::Start(MakeServerOptions(config, spec), spec.services, spec.credentials);
  if (!server.ok()) {
    log.Error("cannot start server", {{"error", server.status().ToString()}});
    return 1;
  }
  const int port = (*server)->port();
  if (!config.port_file.empty()) {
    if (absl::Status written = WritePortFile(config.port_file, port); !written.ok()) {
      log.Error("cannot write the port file", {{"error", std::string(written.message())}});
      return 1;
    }
  }
  const std::string address = absl::StrCat(config.host, ":", port);
  if (spec.log_serving) {
    spec.log_serving(address);
  } else {
    log.Info("serving", {{"address", address}});
  }
  RunUntilSignal(**server, spec.on_signal);
  log.Info("stopped", {});
  return 0;
}

}  // namespace ecoplan::common
