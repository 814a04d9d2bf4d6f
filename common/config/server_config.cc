#include "common/config/server_config.h"

#include "absl/strings/str_cat.h"

namespace ecoplan::common {
namespace {

absl::Status CheckPort(const char* flag, int port) {
  if (port >= 0 && port <= 65535) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(flag, " must be 0..65535; got ", port));
}

}  // namespace

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
  if (!clock_offset_file.empty() && !security.insecure_development_mode) {
    return absl::InvalidArgumentError(
        "--clock_offset_file steps the service's clock for tests: only with "
        "--insecure_development_mode");
  }
  return security.Validate();
}

}  // namespace ecoplan::common
