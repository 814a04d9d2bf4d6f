#pragma once

// A RocksDB opened as progress_server opens it for its RocksDbReportStore, and
// a commit through a store waited for: for the tests of the storage and of
// the gRPC edge over it.

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "common/storage/rocksdb_db.h"
#include "services/progress/storage/rocksdb_report_store.h"

namespace ecoplan::progress::testing {

// The report store's database at `path` (created if missing).
inline absl::StatusOr<std::unique_ptr<common::RocksDb>> OpenReportDb(const std::string& path) {
  common::RocksDbOptions options;
  options.path = path;
  options.column_families = RocksDbReportStore::ColumnFamilies();
  options.event_source = RocksDbReportStore::kEventSource;
  return common::RocksDb::Open(options);
}

// Commits `change` through `store` and waits for its outcome.
inline absl::Status CommitAndWait(RocksDbReportStore& store, Change change) {
  absl::Notification done;
  absl::Status status;
  store.CommitAsync(std::move(change), [&](absl::Status s) {
    status = std::move(s);
    done.Notify();
  });
  done.WaitForNotification();
  return status;
}

}  // namespace ecoplan::progress::testing
