// The parsed command line as commands see it (ParsedArgs), and usage errors.

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tools/ecoplanctl/cli.h"

namespace ecoplan::ctl {
namespace {

constexpr absl::string_view kUsageErrorPayload = "ecoplanctl/usage-error";

}  // namespace

absl::Status UsageError(absl::string_view message) {
  absl::Status status(absl::StatusCode::kInvalidArgument, message);
  status.SetPayload(kUsageErrorPayload, absl::Cord("1"));
  return status;
}

bool IsUsageError(const absl::Status& status) {
  return status.GetPayload(kUsageErrorPayload).has_value();
}

bool ParsedArgs::Has(absl::string_view flag) const {
  for (const auto& [name, value] : flags_) {
    if (name == flag) return true;
  }
  return false;
}

std::string ParsedArgs::Value(absl::string_view flag, absl::string_view fallback) const {
  std::optional<std::string> value = Optional(flag);
  return value.has_value() ? *value : std::string(fallback);
}

std::optional<std::string> ParsedArgs::Optional(absl::string_view flag) const {
  std::optional<std::string> result;
  for (const auto& [name, value] : flags_) {
    if (name == flag) result = value;
  }
  return result;
}

std::vector<std::string> ParsedArgs::Values(absl::string_view flag) const {
  std::vector<std::string> result;
  for (const auto& [name, value] : flags_) {
    if (name == flag) result.push_back(value);
  }
  return result;
}

absl::StatusOr<int> ParsedArgs::Int(absl::string_view flag, int fallback) const {
  std::optional<std::string> value = Optional(flag);
  if (!value.has_value()) return fallback;
  int result = 0;
  if (!absl::SimpleAtoi(*value, &result)) {
    return UsageError(absl::StrCat("--", flag, " needs an integer, not \"", *value, "\""));
  }
  return result;
}

}  // namespace ecoplan::ctl
