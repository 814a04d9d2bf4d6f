#pragma once

// What the TaskRegistry's use-case files (task_registry*.cc) share: the
// method names request records carry, the request fingerprint, and the checks
// and resolutions of caller-typed text. Not part of the registry's interface:
// include it only from those files.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/calendar/checkpoints.h"
#include "services/registry/domain/model.h"
#include "services/registry/domain/task_registry.h"

namespace ecoplan::registry::registry_internal {

// The method names of request records (stored: they must not change).
inline constexpr absl::string_view kImportMethod = "ImportPlan";
inline constexpr absl::string_view kUpdateMethod = "UpdateMeasure";
inline constexpr absl::string_view kCreateSupervisionMethod = "CreateSupervisionTask";
inline constexpr absl::string_view kOrganizationsPrefix = "organizations/";

// InvalidArgument naming `field` when `value` is missing (if `required`), not
// UTF-8 or longer than `max_chars` code points.
absl::Status CheckText(absl::string_view value, absl::string_view field, size_t max_chars,
                       bool required);

absl::Status CheckRequestId(absl::string_view request_id, bool required);

// FNV-1a over the parts, separated so that ("ab","c") differs from ("a","bc").
// Request records store the result: its definition must not change.
std::string Fingerprint(const std::vector<std::string>& parts);

// Organization inputs as fingerprint text.
std::string RefsText(const std::vector<OrgRefInput>& refs);

// Resolves the checkpoint phrases a caller typed, each exactly one checkpoint.
absl::StatusOr<std::vector<common::Checkpoint>> ResolveCheckpoints(
    const std::vector<std::string>& phrases, const common::CheckpointContext& context);

// Resolves deadline words a caller typed; unlike a document, a caller gets
// InvalidArgument instead of an unresolved deadline.
absl::StatusOr<Deadline> ResolveCallerDeadline(absl::string_view raw, int year,
                                               absl::string_view field);

}  // namespace ecoplan::registry::registry_internal
