#include "common/status/rocksdb_status.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace ecoplan::common {

absl::Status FromRocksDb(const rocksdb::Status& status, absl::string_view context) {
  if (status.ok()) return absl::OkStatus();
  std::string message =
      context.empty() ? status.ToString() : absl::StrCat(context, ": ", status.ToString());
  if (status.IsNotFound()) return absl::NotFoundError(message);
  if (status.IsBusy() || status.IsTryAgain() || status.IsTimedOut()) {
    return absl::UnavailableError(message);
  }
  if (status.IsCorruption()) return absl::DataLossError(message);
  // A full volume is a resource exhausted (gRPC's own example), not a bug;
  // RocksDB resumes writing by itself once space returns.
  if (status.IsNoSpace()) return absl::ResourceExhaustedError(absl::StrCat("disk full: ", message));
  // Any other I/O error of the volume: the storage is unavailable, the request
  // may be retried; nothing of it was applied.
  if (status.IsIOError())
    return absl::UnavailableError(absl::StrCat("storage I/O error: ", message));
  return absl::InternalError(message);
}

}  // namespace ecoplan::common
