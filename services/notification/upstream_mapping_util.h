#pragma once

// Small helpers the upstream mappings share (upstream_followers.cc,
// upstream_progress_mapping.cc): resource names and dates of the v1 messages.

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "ecoplan/common/v1/event.pb.h"
#include "ecoplan/common/v1/types.pb.h"

namespace ecoplan::notification::upstream_internal {

// A set date as a day; nullopt when unset (year 0).
inline std::optional<absl::CivilDay> Day(const common::v1::Date& d) {
  if (d.year() == 0) return std::nullopt;
  return absl::CivilDay(d.year(), d.month(), d.day());
}

// `name` without `prefix` ("organizations/o-1" → "o-1").
inline std::string Id(absl::string_view name, absl::string_view prefix) {
  absl::ConsumePrefix(&name, prefix);
  return std::string(name);
}

// "plans/{plan}/<collection>/{id}/…" → plan, id.
inline void PlanAndId(absl::string_view name, std::string* plan, std::string* id) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  if (parts.size() >= 2) *plan = parts[1];
  if (parts.size() >= 4) *id = parts[3];
}

template <typename T>
bool Unpack(const common::v1::Event& event, T* payload) {
  return event.payload().UnpackTo(payload);
}

}  // namespace ecoplan::notification::upstream_internal
