#pragma once

// Environment fallbacks for the flags of every server's main.cc:
//   ABSL_FLAG(int, port, common::EnvIntOr("ECOPLAN_REGISTRY_PORT", 50051), "...");
// A variable that is unset or empty gives the fallback; one that does not
// parse gives the fallback too (the flag's own value then wins as usual).

#include <cstdlib>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"

namespace ecoplan::common {

inline std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

inline int EnvIntOr(const char* name, int fallback) {
  int value = 0;
  const char* text = std::getenv(name);
  return text != nullptr && absl::SimpleAtoi(text, &value) ? value : fallback;
}

// "1", "true" and "yes" (any case) are true; any other non-empty value is false.
inline bool EnvBoolOr(const char* name, bool fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  const std::string value = absl::AsciiStrToLower(text);
  return value == "1" || value == "true" || value == "yes";
}

}  // namespace ecoplan::common
