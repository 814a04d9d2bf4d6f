#pragma once

#include <optional>

#include "absl/status/statusor.h"
#include "ecoplan/common/v1/event.pb.h"
#include "services/indicator/domain/progress_ledger.h"

namespace ecoplan::indicator {

// Maps one event of the progress service's WatchEvents to what the indicator
// service uses (the edge between ecoplan.progress.v1 and the domain):
//   ReportSubmitted / ReportRevised / ReportAccepted / ReportReturned of a
//     monthly period → kReport with every entry (returned = the bureau returned
//     it; on_time from the recorded timeliness; the due day from the recorded
//     due time, Asia/Shanghai);
//   CompletionDeclared / CompletionConfirmed / CompletionRejected →
//     kCompletionDeclared / kCompletionConfirmed / kCompletionRejected with the
//     declaration (number, declaring organization id, day declared, state, the
//     bureau's comment, decision day, indicator-check override and reason; days
//     in Asia/Shanghai); `day` is the decision day (the declaration day while
//     declared); a completion whose state does not match its event → nullopt;
//   ExtensionDecided, approved → kExtensionApproved with the new due day;
//   anything else (drafts, summaries of quarters, half years and years,
//   calendars, holidays) → nullopt: no effect.
// Errors: InvalidArgument for a payload or a name that does not parse.
absl::StatusOr<std::optional<ProgressUpdate>> ProgressUpdateFromEvent(
    const ecoplan::common::v1::Event& event);

}  // namespace ecoplan::indicator
