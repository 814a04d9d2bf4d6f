#pragma once

// What the progress service's mapping files share: times, where an unset
// Timestamp is InfinitePast (the domain's "never"), and names' last segments.

#include <google/protobuf/timestamp.pb.h>

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/mapping/proto_values.h"

namespace ecoplan::progress {

// Leaves `out` as it is for "never".
inline void SetTime(absl::Time t, google::protobuf::Timestamp* out) {
  if (t != absl::InfinitePast()) *out = common::TimeToProto(t);
}

// `ts` when the message has it (`has`), "never" otherwise.
inline absl::Time GetTime(bool has, const google::protobuf::Timestamp& ts) {
  return has ? common::TimeFromProto(ts) : absl::InfinitePast();
}

// The last '/'-separated segment of a resource name (all of it without one).
inline std::string IdOf(absl::string_view name) {
  const size_t slash = name.rfind('/');
  return std::string(slash == absl::string_view::npos ? name : name.substr(slash + 1));
}

}  // namespace ecoplan::progress
