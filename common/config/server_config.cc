#include "common/config/server_config.h"

#include <arpa/inet.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace ecoplan::common {
namespace {

absl::Status CheckPort(const char* flag, int port) {
  if (port >= 0 && port <= 65535) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(flag, " must be 0..65535; got ", port));
}

}  // namespace

bool IsLoopbackHost(absl::string_view host) {
  std::string name = absl::AsciiStrToLower(host);
  if (name.size() >= 2 && name.front() == '[' && name.back() == ']') {
    name = name.substr(1, name.size() - 2);
  }
  if (name == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, name.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;  // 127.0.0.0/8
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, name.c_str(), &v6) == 1) {
    static const in6_addr kLoopback = IN6ADDR_LOOPBACK_INIT;
    if (IN6_ARE_ADDR_EQUAL(&v6, &kLoopback)) return true;
    // ::ffff:127.x.y.z, the IPv4-mapped form of a loopback address.
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return false;
}

absl::Status UpstreamConfig::Validate() const {
  if (required && address.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, "_address must not be empty"));
  }
  if (max_backoff < absl::Milliseconds(100) || max_backoff > absl::Minutes(5)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, "_max_backoff must be between 100ms and 5m; got ",
                     absl::FormatDuration(max_backoff)));
  }
  return absl::OkStatus();
}

absl::Status ServerConfig::Validate() const {
  if (host.empty()) return absl::InvalidArgumentError("--host must not be empty");
  if (absl::Status valid = CheckPort("--port", port); !valid.ok()) return valid;
  if (absl::Status valid = CheckPort("--metrics_port", metrics_port); !valid.ok()) return valid;
  if (absl::Status valid = CheckPort("--health_port", health_port); !valid.ok()) return valid;
  if (health_port != 0 && (health_port == port || health_port == metrics_port)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--health_port must differ from --port and --metrics_port; got ", health_port));
  }
  if (http_port != kNoHttpPort) {
    if (absl::Status valid = CheckPort("--http_port", http_port); !valid.ok()) return valid;
    if (http_port != 0 &&
        (http_port == port || http_port == metrics_port || http_port == health_port)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--http_port must differ from --port, --metrics_port and --health_port; got ",
          http_port));
    }
  }
  for (const std::string& origin : http_cors_origins) {
    if (origin != "*" && !absl::StartsWith(origin, "https://") &&
        !absl::StartsWith(origin, "http://")) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--http_cors_origins entries are scheme://host[:port] or *; got \"", origin, "\""));
    }
  }
  if (http_threads < 1 || http_threads > 64) {
    return absl::InvalidArgumentError(
        absl::StrCat("--http_threads must be between 1 and 64; got ", http_threads));
  }
  if (db_path.empty()) return absl::InvalidArgumentError("--db_path must not be empty");
  if (max_message_bytes < (1 << 20) || max_message_bytes > (64 << 20)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--max_message_bytes must be between 1 MiB and 64 MiB; got ", max_message_bytes));
  }
  if (shutdown_grace < absl::ZeroDuration() || shutdown_grace > absl::Minutes(5)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--shutdown_grace must be between 0s and 5m; got ", absl::FormatDuration(shutdown_grace)));
  }
  if (clock_max_hold < absl::ZeroDuration() || clock_max_hold > absl::Hours(24)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--clock_max_hold must be between 0s and 24h; got ", absl::FormatDuration(clock_max_hold)));
  }
  // Development mode makes every caller an administrator: only callers on this
  // machine may reach it, never a network (not even a pod network).
  if (security.insecure_development_mode && !IsLoopbackHost(host)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--insecure_development_mode accepts callers without credentials as the administrator, "
        "so it listens on loopback only (127.0.0.1, ::1 or localhost); got --host=",
        host, ". Use tokens (docs/SECURITY.md) to serve a network"));
  }
  if (!clock_offset_file.empty() && !security.insecure_development_mode) {
    return absl::InvalidArgumentError(
        "--clock_offset_file steps the service's clock for tests: only with "
        "--insecure_development_mode");
  }
  return security.Validate();
}

}  // namespace ecoplan::common
