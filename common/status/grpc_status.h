#pragma once

#include <grpcpp/support/status.h>

#include <string>

#include "absl/status/status.h"

namespace ecoplan::common {

class Logger;

// Converts an absl::Status to a grpc::Status with the same code and message.
// The numeric codes of the two libraries are identical. Internal and DataLoss
// messages are replaced by a generic text carrying a reference (16 hex digits),
// and the detail is logged once, at error level, with that reference, so a
// client's report can be matched to the server log while no internal detail
// leaks to clients.
grpc::Status ToGrpcStatus(const absl::Status& status);

// Where ToGrpcStatus logs the detail of an Internal or DataLoss status: one
// logger for the process, set once at start by the server skeleton
// (RunningServer::Start) with the service's name. Until then, a logger named
// "ecoplan" on stderr. Thread-safe.
void SetInternalErrorLogger(const Logger& logger);

// The message a client gets for an Internal or DataLoss status with `reference`.
std::string InternalErrorMessage(const std::string& reference);

// Converts a grpc::Status back to absl::Status (for clients of other services).
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace ecoplan::common
