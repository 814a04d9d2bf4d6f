#include "services/registry/domain/task_registry_internal.h"

#include <cstdint>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/calendar/deadline.h"
#include "common/idempotency/request_ledger.h"
#include "common/status/status_macros.h"
#include "common/text/normalize.h"

namespace ecoplan::registry::registry_internal {
namespace {

Deadline ToDeadline(absl::string_view raw, const common::ResolvedDeadline& resolved) {
  Deadline d;
  d.raw = std::string(raw);
  switch (resolved.kind) {
    case common::DeadlineKind::kDueDate:
      d.kind = DeadlineKind::kDueDate;
      break;
    case common::DeadlineKind::kWindow:
      d.kind = DeadlineKind::kWindow;
      break;
    case common::DeadlineKind::kOngoing:
      d.kind = DeadlineKind::kOngoing;
      break;
    default:
      d.kind = DeadlineKind::kUnresolved;
      break;
  }
  d.window_start = resolved.window_start;
  d.due = resolved.due;
  return d;
}

}  // namespace

absl::Status CheckText(absl::string_view value, absl::string_view field, size_t max_chars,
                       bool required) {
  if (value.empty()) {
    return required ? absl::InvalidArgumentError(absl::StrCat(field, " is required"))
                    : absl::OkStatus();
  }
  const std::optional<size_t> chars = common::ValidUtf8Length(value);
  if (!chars.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is not valid UTF-8"));
  }
  if (*chars > max_chars) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is longer than ", max_chars, " characters"));
  }
  return absl::OkStatus();
}

absl::Status CheckRequestId(absl::string_view request_id, bool required) {
  if (required && request_id.empty()) return absl::InvalidArgumentError("request_id is required");
  return common::ValidateRequestId(request_id);
}

// FNV-1a over the parts, separated so that ("ab","c") differs from ("a","bc").
std::string Fingerprint(const std::vector<std::string>& parts) {
  uint64_t hash = 14695981039346656037ull;
  for (const std::string& part : parts) {
    for (unsigned char c : part) {
      hash ^= c;
      hash *= 1099511628211ull;
    }
    hash ^= 0x1f;
    hash *= 1099511628211ull;
  }
  return absl::StrCat(absl::Hex(hash, absl::kZeroPad16));
}

std::string RefsText(const std::vector<OrgRefInput>& refs) {
  std::vector<std::string> parts;
  for (const OrgRefInput& ref : refs) {
    parts.push_back(absl::StrCat(ref.written_name, "[", absl::StrJoin(ref.member_names, ","), "]"));
  }
  return absl::StrJoin(parts, ";");
}

// Resolves the checkpoint phrases a caller typed, each exactly one checkpoint.
absl::StatusOr<std::vector<common::Checkpoint>> ResolveCheckpoints(
    const std::vector<std::string>& phrases, const common::CheckpointContext& context) {
  std::vector<common::Checkpoint> out;
  for (size_t i = 0; i < phrases.size(); ++i) {
    const std::string normalized = common::NormalizeDocumentText(phrases[i]);
    ECOPLAN_ASSIGN_OR_RETURN(common::Checkpoint c,
                             common::ResolveCheckpointPhrase(
                                 normalized, context, absl::StrCat("checkpoints[", i, "].phrase")));
    out.push_back(std::move(c));
  }
  return out;
}

// Resolves deadline words a caller typed; unlike a document, a caller gets
// InvalidArgument instead of an unresolved deadline.
absl::StatusOr<Deadline> ResolveCallerDeadline(absl::string_view raw, int year,
                                               absl::string_view field) {
  ECOPLAN_RETURN_IF_ERROR(CheckText(raw, field, 64, /*required=*/true));
  const std::string normalized = common::NormalizeDocumentText(raw);
  Deadline d = ToDeadline(normalized, common::ResolveDeadline(normalized, year));
  if (d.kind == DeadlineKind::kUnresolved) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": \"", raw,
        "\" is not a deadline this registry understands (e.g. 年底前, 6月底前, 10月底, 6-9月, "
        "长期实施, 持续推进)"));
  }
  return d;
}

}  // namespace ecoplan::registry::registry_internal
