#include "common/server/serve.h"

#include <cstdio>
#include <fstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/auth/tls.h"
#include "common/openapi/openapi_document.h"

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
  options.http_port = config.http_port == ServerConfig::kNoHttpPort ? 0
                      : config.http_port == 0                       ? ServerOptions::kPickFreePort
                                                                    : config.http_port;
  options.http_threads = config.http_threads;
  options.http_cors_origins = config.http_cors_origins;
  options.http_openapi_document = std::string(OpenApiDocument(spec.service_name));
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
  ServerOptions options = MakeServerOptions(config, spec);
  if (options.http_port != 0 && !config.security.tls_cert_file.empty()) {
    // The HTTP port speaks TLS with the gRPC port's certificate (the files
    // were checked when the gRPC credentials were built).
    absl::StatusOr<std::string> chain =
        ReadSecretFile("--tls_cert_file", config.security.tls_cert_file);
    absl::StatusOr<std::string> key =
        ReadSecretFile("--tls_key_file", config.security.tls_key_file);
    if (!chain.ok() || !key.ok()) {
      log.Error("cannot read the TLS files for the HTTP port",
                {{"error", (chain.ok() ? key.status() : chain.status()).ToString()}});
      return 1;
    }
    options.http_tls_certificate_chain = *std::move(chain);
    options.http_tls_private_key = *std::move(key);
  }
  absl::StatusOr<std::unique_ptr<RunningServer>> server =
      RunningServer::Start(options, spec.services, spec.credentials);
  if (!server.ok()) {
    log.Error("cannot start server", {{"error", server.status().ToString()}});
    return 1;
  }
  // The HTTP port's file first: once the gRPC port's file exists, both do.
  if (!config.http_port_file.empty() && (*server)->http_port() != 0) {
    if (absl::Status written = WritePortFile(config.http_port_file, (*server)->http_port());
        !written.ok()) {
      log.Error("cannot write the HTTP port file", {{"error", std::string(written.message())}});
      return 1;
    }
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
  if ((*server)->http_port() != 0) {
    log.Info("serving HTTP", {{"address", absl::StrCat(config.host, ":", (*server)->http_port())},
                              {"tls", !options.http_tls_certificate_chain.empty()}});
  }
  RunUntilSignal(**server, spec.on_signal);
  log.Info("stopped", {});
  return 0;
}

}  // namespace ecoplan::common
