#include "tools/ecoplanctl/output.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ecoplan::ctl {

absl::StatusOr<OutputFormat> ParseOutputFormat(absl::string_view text) {
  if (text == "table") return OutputFormat::kTable;
  if (text == "json") return OutputFormat::kJson;
  return absl::InvalidArgumentError(
      absl::StrCat("--output must be table or json, not \"", text, "\""));
}

absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message, bool pretty) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = pretty;
  options.preserve_proto_field_names = false;
  options.always_print_primitive_fields = false;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    return absl::InternalError(
        absl::StrCat("cannot print ", message.GetTypeName(), " as JSON: ", status.ToString()));
  }
  // add_whitespace ends the text with a newline; callers add their own.
  while (!json.empty() && json.back() == '\n') json.pop_back();
  return json;
}

absl::Status PrintJson(const google::protobuf::Message& message, std::ostream& out, bool pretty) {
  auto json = ToJson(message, pretty);
  if (!json.ok()) return json.status();
  out << *json << '\n';
  return absl::OkStatus();
}

std::string FormatDate(const common::v1::Date& date) {
  if (date.year() == 0) return "";
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

std::string FormatDeadline(const common::v1::Deadline& deadline) {
  std::string resolved;
  switch (deadline.kind()) {
    case common::v1::DEADLINE_KIND_DUE_DATE:
      resolved = FormatDate(deadline.due_date());
      break;
    case common::v1::DEADLINE_KIND_WINDOW:
      resolved =
          absl::StrCat(FormatDate(deadline.window_start()), "..", FormatDate(deadline.due_date()));
      break;
    case common::v1::DEADLINE_KIND_ONGOING:
      resolved = "ongoing";
      break;
    default:
      resolved = "unresolved";
      break;
  }
  if (deadline.raw().empty()) return resolved;
  return absl::StrCat(deadline.raw(), " (", resolved, ")");
}

std::string FormatTimestamp(const google::protobuf::Timestamp& time) {
  if (time.seconds() == 0 && time.nanos() == 0) return "";
  return google::protobuf::util::TimeUtil::ToString(time);
}

}  // namespace ecoplan::ctl
