#pragma once

// The progress service's supervision (督办), problem ledger (问题清单) and
// bureau-to-act events (ExtensionRequested, CompletionDeclared) as
// UpstreamInputs; ProgressInput (upstream_followers.h) asks here first.

#include "absl/status/statusor.h"
#include "ecoplan/common/v1/event.pb.h"
#include "ecoplan/progress/v1/progress_service.pb.h"
#include "services/notification/domain/notifier.h"

namespace ecoplan::notification {

// Fills `in` (its event_ref already set) when `event` is one of those events
// and answers true; false for any other event. Errors: DataLoss (a payload
// that does not parse).
absl::StatusOr<bool> SupervisionProgressInput(const common::v1::Event& event, UpstreamInput* in);

// The order's mirror (pure; tested without a server).
SupervisionOrderView SupervisionOrderViewFromProto(const progress::v1::SupervisionOrder& order);
// The item's mirror.
ProblemItemView ProblemItemViewFromProto(const progress::v1::ProblemItem& item);

}  // namespace ecoplan::notification
