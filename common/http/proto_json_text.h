#pragma once

// The JSON texts of proto_json.h's writers (strings, floating point numbers,
// Timestamp, Duration), as protobuf's printer writes them. Internal to
// common/http.

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ecoplan::common::proto_json {

// `s` as a JSON string, quoted, escaping what protobuf's printer escapes.
void AppendJsonString(absl::string_view s, std::string* out);

// A float or double, the shortest text that reads back the same; NaN and the
// infinities as the strings the JSON mapping names.
template <typename Float>
void AppendFloatingPoint(Float value, std::string* out) {
  if (std::isnan(value)) {
    out->append("\"NaN\"");
  } else if (std::isinf(value)) {
    out->append(value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  } else {
    char buffer[64];
    const std::to_chars_result written = std::to_chars(buffer, buffer + sizeof buffer, value);
    out->append(buffer, written.ptr);
  }
}

// "1970-01-01T00:00:00Z" with 0, 3, 6 or 9 digits of fraction. InvalidArgument
// outside 0001..9999.
absl::Status AppendTimestamp(int64_t seconds, int32_t nanos, std::string* out);
// "1.5s", "-0.000000001s". InvalidArgument beyond ±10,000 years or for signs
// that disagree.
absl::Status AppendDuration(int64_t seconds, int32_t nanos, std::string* out);

}  // namespace ecoplan::common::proto_json
