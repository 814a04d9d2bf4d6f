#include "common/mapping/proto_values.h"

#include <cstdint>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace ecoplan::common {

ecoplan::common::v1::Date DateToProto(absl::CivilDay day) {
  ecoplan::common::v1::Date d;
  d.set_year(static_cast<int32_t>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

absl::StatusOr<absl::CivilDay> DateFromProto(const ecoplan::common::v1::Date& date,
                                             absl::string_view field) {
  const absl::CivilDay day(date.year(), date.month(), date.day());
  if (date.year() < 1 || date.year() > 9999 || day.year() != date.year() ||
      day.month() != date.month() || day.day() != date.day()) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " is not a valid calendar date: ", date.year(), "-", date.month(), "-", date.day()));
  }
  return day;
}

absl::CivilDay StoredDateFromProto(const ecoplan::common::v1::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

google::protobuf::Timestamp TimeToProto(absl::Time t) {
  google::protobuf::Timestamp ts;
  if (t == absl::InfinitePast() || t == absl::InfiniteFuture()) return ts;
  const int64_t seconds = absl::ToUnixSeconds(t);  // floors
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>((t - absl::FromUnixSeconds(seconds)) / absl::Nanoseconds(1)));
  return ts;
}

absl::Time TimeFromProto(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

absl::Time TimeFromProtoOrPast(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return absl::InfinitePast();
  return TimeFromProto(ts);
}

google::protobuf::Duration DurationToProto(absl::Duration d) {
  google::protobuf::Duration out;
  const int64_t seconds = absl::IDivDuration(d, absl::Seconds(1), &d);  // truncates
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(d / absl::Nanoseconds(1)));
  return out;
}

absl::Duration DurationFromProto(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

bool IsPrintableSegment(absl::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '/' || u <= 0x20 || u >= 0x7f) return false;
  }
  return true;
}

std::optional<std::vector<std::string>> MatchResourceName(absl::string_view name,
                                                          absl::string_view form,
                                                          bool (*valid_id)(absl::string_view)) {
  const std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  const std::vector<absl::string_view> pattern = absl::StrSplit(form, '/');
  if (parts.size() != pattern.size()) return std::nullopt;
  std::vector<std::string> ids;
  for (size_t i = 0; i < parts.size(); ++i) {
    const bool placeholder = absl::StartsWith(pattern[i], "{") && absl::EndsWith(pattern[i], "}");
    if (placeholder ? !valid_id(parts[i]) : parts[i] != pattern[i]) return std::nullopt;
    if (placeholder) ids.emplace_back(parts[i]);
  }
  return ids;
}

std::string LastSegment(absl::string_view name) {
  const size_t slash = name.rfind('/');
  return std::string(slash == absl::string_view::npos ? name : name.substr(slash + 1));
}

std::string CollectionId(absl::string_view name, absl::string_view collection) {
  if (!absl::ConsumePrefix(&name, collection) || !absl::ConsumePrefix(&name, "/")) return "";
  return std::string(name.substr(0, name.find('/')));
}

absl::Status BadResourceName(absl::string_view field, absl::string_view name,
                             absl::string_view form) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": \"", name.substr(0, 200),
                                                 "\" is not a resource name of the form ", form));
}

absl::StatusOr<std::vector<std::string>> ParseResourceName(absl::string_view name,
                                                           absl::string_view form,
                                                           absl::string_view field,
                                                           bool (*valid_id)(absl::string_view)) {
  if (name.empty()) return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  std::optional<std::vector<std::string>> ids = MatchResourceName(name, form, valid_id);
  if (!ids.has_value()) return BadResourceName(field, name, form);
  return *std::move(ids);
}

}  // namespace ecoplan::common
