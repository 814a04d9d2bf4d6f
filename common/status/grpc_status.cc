#include "common/status/grpc_status.h"

#include <memory>
#include <string>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "common/log/log.h"

namespace ecoplan::common {
namespace {

// The process's one logger for internal errors: the conversion happens in every
// handler of every service, far from any object that could own a logger.
struct InternalErrorLog {
  absl::Mutex mu;
  std::unique_ptr<Logger> logger ABSL_GUARDED_BY(mu) = std::make_unique<Logger>("ecoplan");
  absl::BitGen random ABSL_GUARDED_BY(mu);
};

InternalErrorLog& TheLog() {
  static InternalErrorLog* const log = new InternalErrorLog;  // never destroyed
  return *log;
}

}  // namespace

void SetInternalErrorLogger(const Logger& logger) {
  InternalErrorLog& log = TheLog();
  absl::MutexLock lock(&log.mu);
  log.logger = std::make_unique<Logger>(logger);
}

std::string InternalErrorMessage(const std::string& reference) {
  return absl::StrCat("internal error (reference ", reference,
                      "); the server log has the detail under this reference");
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(static_cast<int>(status.code()));
  if (status.code() == absl::StatusCode::kInternal ||
      status.code() == absl::StatusCode::kDataLoss) {
    InternalErrorLog& log = TheLog();
    std::string reference;
    std::unique_ptr<Logger> logger;
    {
      absl::MutexLock lock(&log.mu);
      reference = absl::StrFormat("%016x", absl::Uniform<uint64_t>(log.random));
      logger = std::make_unique<Logger>(*log.logger);
    }
    // Logged outside the lock: the logger has its own.
    logger->Error("internal error answered to a client",
                  {{"reference", reference},
                   {"code", absl::StatusCodeToString(status.code())},
                   {"detail", status.message()}});
    return grpc::Status(code, InternalErrorMessage(reference));
  }
  return grpc::Status(code, std::string(status.message()));
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(static_cast<int>(status.error_code())),
                      status.error_message());
}

}  // namespace ecoplan::common
