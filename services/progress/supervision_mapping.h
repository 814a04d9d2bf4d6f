#pragma once

// Mapping between supervision orders (services/progress/domain/supervision.h)
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
#include "services/progress/domain/supervision.h"

namespace ecoplan::progress {

// plans/{plan}/supervisionOrders/{order}.
std::string SupervisionOrderName(absl::string_view plan_id, absl::string_view order_id);
// (plan id, order id). Errors: InvalidArgument naming `field`.
absl::StatusOr<std::pair<std::string, std::string>> ParseSupervisionOrderName(
    absl::string_view name, absl::string_view field);

// The order as of `now` (what overdue is computed against; InfinitePast:
// nothing overdue, as stored). With `plan`, addressees carry their display
// names.
v1::SupervisionOrder ToProto(const SupervisionOrder& order, absl::Time now,
                             const PlanInfo* plan = nullptr);
v1::SupervisionReply ToProto(const SupervisionReply& reply);
v1::SupervisionLevelChange ToProto(const SupervisionLevelChange& change);
v1::SupervisionAcknowledgement ToProto(const SupervisionAcknowledgement& ack);
// The stored order back (derived fields are ignored). Errors: InvalidArgument
// for a malformed name.
absl::StatusOr<SupervisionOrder> FromProto(const v1::SupervisionOrder& order);

}  // namespace ecoplan::progress
