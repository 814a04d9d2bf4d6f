#pragma once

// The values every service maps at its edges and in its storage records,
// mapped once: common.v1.Date ↔ absl::CivilDay, google.protobuf.Timestamp ↔
// absl::Time, google.protobuf.Duration ↔ absl::Duration, and the checks of
// resource names ("plans/{plan}/measures/{measure}"). The From… functions that
// take a `field` validate what a client sent and name the field in their
// InvalidArgument; the others trust their input (records this service wrote).

#include <google/protobuf/duration.pb.h>
#include <google/protobuf/timestamp.pb.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "ecoplan/common/v1/types.pb.h"

namespace ecoplan::common {

// --- Dates ---

ecoplan::common::v1::Date DateToProto(absl::CivilDay day);
// A date a client sent: InvalidArgument ("<field> is not a valid calendar
// date: 2026-2-30") unless it names a real day of the years 1 to 9999.
absl::StatusOr<absl::CivilDay> DateFromProto(const ecoplan::common::v1::Date& date,
                                             absl::string_view field);
// A stored date, as written (no check; an invalid one normalizes).
absl::CivilDay StoredDateFromProto(const ecoplan::common::v1::Date& date);

// --- Times ---

// To the nanosecond (seconds floored, so times before 1970 keep 0 <= nanos <
// 1e9). InfinitePast and InfiniteFuture map to an unset (all-zero) Timestamp.
google::protobuf::Timestamp TimeToProto(absl::Time t);
// The exact time of `ts`.
absl::Time TimeFromProto(const google::protobuf::Timestamp& ts);
// The same, but an unset (all-zero) Timestamp is InfinitePast, the domain's
// "never": the inverse of TimeToProto for every time.
absl::Time TimeFromProtoOrPast(const google::protobuf::Timestamp& ts);

// --- Durations ---

// To the nanosecond; infinite durations are not mapped (callers bound them).
google::protobuf::Duration DurationToProto(absl::Duration d);
absl::Duration DurationFromProto(const google::protobuf::Duration& d);

// --- Resource names ---

// Whether `id` is a name segment: 1 to 128 printable ASCII characters, no '/'.
bool IsPrintableSegment(absl::string_view id);

// The ids of `name` when it has the form `form`: the same number of
// '/'-separated segments, each literal segment of `form` equal, each
// "{placeholder}" an id that `valid_id` accepts. nullopt otherwise.
//   MatchResourceName("plans/p1/measures/m2", "plans/{plan}/measures/{measure}")
//     == std::vector<std::string>{"p1", "m2"}
std::optional<std::vector<std::string>> MatchResourceName(
    absl::string_view name, absl::string_view form,
    bool (*valid_id)(absl::string_view) = IsPrintableSegment);

// The last '/'-separated segment of a resource name (all of `name` when it
// has no '/'): LastSegment("plans/p1/measures/m2") == "m2".
std::string LastSegment(absl::string_view name);

// The id that follows "<collection>/" at the start of `name`, "" when `name`
// does not start so: CollectionId("plans/p1/measures/m2", "plans") == "p1".
std::string CollectionId(absl::string_view name, absl::string_view collection);

// InvalidArgument: `<field>: "<name>" is not a resource name of the form <form>`
// (the name cut to 200 bytes).
absl::Status BadResourceName(absl::string_view field, absl::string_view name,
                             absl::string_view form);

// MatchResourceName as the check of a request field: its ids; InvalidArgument
// "<field> is required" when `name` is empty, else BadResourceName.
absl::StatusOr<std::vector<std::string>> ParseResourceName(
    absl::string_view name, absl::string_view form, absl::string_view field,
    bool (*valid_id)(absl::string_view) = IsPrintableSegment);

}  // namespace ecoplan::common
