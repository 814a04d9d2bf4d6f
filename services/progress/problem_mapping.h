#pragma once

// Mapping between problem ledger items (services/progress/domain/problem.h)
// and their v1 messages, and their resource names. Used by the gRPC edge, the
// storage adapter (which stores the v1 message inside its record) and the
// events.

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ecoplan/progress/v1/progress_service.pb.h"
#include "services/progress/domain/plan_view.h"
#include "services/progress/domain/problem.h"
#include "services/progress/domain/problem_csv.h"
#include "services/progress/domain/problem_ledger.h"

namespace ecoplan::progress {

// plans/{plan}/problems/{problem}.
std::string ProblemItemName(absl::string_view plan_id, absl::string_view problem_id);
// (plan id, problem id). Errors: InvalidArgument naming `field`.
absl::StatusOr<std::pair<std::string, std::string>> ParseProblemItemName(absl::string_view name,
                                                                         absl::string_view field);

// The item as of `now` in `zone` (what overdue is computed against;
// InfinitePast: not overdue, as stored). With `plan`, the owner carries its
// display name.
v1::ProblemItem ToProto(const ProblemItem& item, absl::Time now, absl::TimeZone zone,
                        const PlanInfo* plan = nullptr);
v1::ProblemStep ToProto(const ProblemStep& step);
v1::ImportRowError ToProto(const ImportRowError& error);
// A tally of a measure (`measure`: key is its id) or an organization.
v1::ProblemCounts ToProto(const std::string& plan_id, const ProblemTally& tally, bool measure);
// The stored item back (derived fields are ignored). Errors: InvalidArgument
// for a malformed name or etag.
absl::StatusOr<ProblemItem> FromProto(const v1::ProblemItem& item);
ImportRowError FromProto(const v1::ImportRowError& error);
// What a caller gives to create an item of `plan_id`. Errors: InvalidArgument
// naming the field (item.measure, item.organization, …).
absl::StatusOr<ProblemDraft> DraftFromProto(const std::string& plan_id,
                                            const v1::ProblemItem& item);

}  // namespace ecoplan::progress
