#pragma once

// Environment fallbacks for the flags of every server's main.cc:
//   ABSL_FLAG(int, port, common::EnvIntOr("ECOPLAN_REGISTRY_PORT", 50051), "...");
// A variable that is unset or empty gives the fallback. One that is set but
// does not parse stops the process at start with exit code 2 and a message
// naming the variable and its value (ECOPLAN_REGISTRY_PORT=5OO51 must not
// quietly start on 50051). The flag's own value, when given, still wins.

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"

namespace ecoplan::common {

// Prints why `name`'s value is refused and exits with 2 (a misconfiguration).
[[noreturn]] inline void ExitOnBadEnv(const char* name, const char* value, const char* expected) {
  std::fprintf(stderr, "environment variable %s=\"%s\" is not %s; fix or unset it\n", name, value,
               expected);
  std::exit(2);
}

inline std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

inline int EnvIntOr(const char* name, int fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  int value = 0;
  if (!absl::SimpleAtoi(text, &value)) ExitOnBadEnv(name, text, "an integer");
  return value;
}

// "1", "true", "yes" are true and "0", "false", "no" false (any case); any
// other non-empty value stops the process.
inline bool EnvBoolOr(const char* name, bool fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  const std::string value = absl::AsciiStrToLower(text);
  if (value == "1" || value == "true" || value == "yes") return true;
  if (value == "0" || value == "false" || value == "no") return false;
  ExitOnBadEnv(name, text, "a boolean (1/true/yes or 0/false/no)");
}

}  // namespace ecoplan::common
