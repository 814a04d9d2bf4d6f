#include "services/progress/config.h"

#include "absl/strings/str_cat.h"

namespace ecoplan::progress {

absl::Status ProgressConfig::Validate() const {
  if (host.empty()) return absl::InvalidArgumentError("--host must not be empty");
  if (port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("--port must be 0..65535; got ", port));
  }
  if (metrics_port < 0 || metrics_port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--metrics_port must be 0..65535; got ", metrics_port));
  }
  if (db_path.empty()) return absl::InvalidArgumentError("--db_path must not be empty");
  if (registry_address.empty())
    return absl::InvalidArgumentError("--registry_address must not be empty");
  if (max_message_bytes < (1 << 20) || max_message_bytes > (64 << 20)) {
    return absl::InvalidArgumentError("--max_message_bytes must be between 1 MiB and 64 MiB");
  }
  if (shutdown_grace < absl::ZeroDuration() || shutdown_grace > absl::Minutes(5)) {
    return absl::InvalidArgumentError("--shutdown_grace must be between 0s and 5m");
  }
  if (registry_max_backoff < absl::Milliseconds(100) || registry_max_backoff > absl::Minutes(5)) {
    return absl::InvalidArgumentError("--registry_max_backoff must be between 100ms and 5m");
  }
  if (indicator_max_backoff < absl::Milliseconds(100) || indicator_max_backoff > absl::Minutes(5)) {
    return absl::InvalidArgumentError("--indicator_max_backoff must be between 100ms and 5m");
  }
  if (!indicator_address.empty() && indicator_address == registry_address) {
    return absl::InvalidArgumentError(
        "--indicator_address must be the indicator service, not the registry's address");
  }
  return absl::OkStatus();
}

}  // namespace ecoplan::progress
