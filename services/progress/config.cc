#include "services/progress/config.h"

namespace ecoplan::progress {

absl::Status ProgressConfig::Validate() const {
  for (absl::Status valid : {server.Validate(), registry.Validate(), indicator.Validate()}) {
    if (!valid.ok()) return valid;
  }
  if (indicator.followed() && indicator.address == registry.address) {
    return absl::InvalidArgumentError(
        "--indicator_address must be the indicator service, not the registry's address");
  }
  return absl::OkStatus();
}

}  // namespace ecoplan::progress
