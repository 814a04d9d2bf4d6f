#include "services/registry/config.h"

namespace ecoplan::registry {

absl::Status RegistryConfig::Validate() const {
  if (absl::Status valid = server.Validate(); !valid.ok()) return valid;
  if (server.max_message_bytes < (4 << 20) + 4096) {
    return absl::InvalidArgumentError(
        "--max_message_bytes must be between 4 MiB (+4 KiB, to fit a full plan document) and "
        "64 MiB");
  }
  return absl::OkStatus();
}

}  // namespace ecoplan::registry
