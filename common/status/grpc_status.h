#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace ecoplan::common {

// Converts an absl::Status to a grpc::Status with the same code and message.
// The numeric codes of the two libraries are identical. Internal and DataLoss
// messages are replaced by a generic text (the details are logged by the
// caller), so no internal detail leaks to clients.
grpc::Status ToGrpcStatus(const absl::Status& status);

// Converts a grpc::Status back to absl::Status (for clients of other services).
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace ecoplan::common
