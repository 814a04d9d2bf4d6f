#pragma once

// How ecoplanctl prints results: human-readable tables (the default) or the
// protobuf JSON mapping of the response messages, for scripts.

#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ecoplan/common/v1/types.pb.h"

namespace ecoplan::ctl {

enum class OutputFormat {
  kTable,  // tables and "label: value" blocks for people
  kJson,   // protobuf JSON mapping of the response messages
};

struct OutputOptions {
  OutputFormat format = OutputFormat::kTable;
  // Print long cells (measure texts, organization lists) in full in tables.
  bool wide = false;
};

// Parses "table" or "json". Errors: InvalidArgument for anything else.
absl::StatusOr<OutputFormat> ParseOutputFormat(absl::string_view text);

// Prints `message` in the protobuf JSON mapping (lowerCamelCase field names,
// fields with default values omitted), followed by a newline: on one line, or
// indented when `pretty`. Errors: Internal when the message cannot be printed.
absl::Status PrintJson(const google::protobuf::Message& message, std::ostream& out,
                       bool pretty = false);

// The JSON mapping of `message` as a string, without a trailing newline.
absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message, bool pretty = false);

// "2026-06-30"; empty for an unset date (year 0).
std::string FormatDate(const common::v1::Date& date);

// The deadline words with what they resolved to: "6月底前 (2026-06-30)",
// "6-9月 (2026-06-01..2026-09-30)", "长期实施 (ongoing)", "xx (unresolved)".
std::string FormatDeadline(const common::v1::Deadline& deadline);

// RFC 3339 in UTC, e.g. "2026-03-31T08:00:00Z"; empty when unset.
std::string FormatTimestamp(const google::protobuf::Timestamp& time);

}  // namespace ecoplan::ctl
