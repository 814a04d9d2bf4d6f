#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/storage/rocksdb_db.h"
#include "common/time/clock.h"

namespace ecoplan::common {

// One complete backup in the backup directory.
struct BackupInfo {
  std::string id;    // "20261128T193500Z-000000000042": UTC time, last event sequence
  std::string path;  // backup_dir/id
  absl::Time create_time;
  uint64_t last_event_sequence = 0;
  int64_t size_bytes = 0;
};

// Takes and lists backups of a service's RocksDB database.
//
// A backup is a RocksDB checkpoint written to backup_dir/.tmp-<id>, opened
// read-only to check it and to read its last event sequence, then renamed to
// backup_dir/<id>: a directory without the ".tmp-" prefix is always complete.
// Restoring is starting the service with --db_path on a copy of it.
// Thread-safe; one backup at a time. `db` and `clock` must outlive it.
class BackupManager {
 public:
  // An empty `backup_dir` disables backups (every call: FailedPrecondition).
  BackupManager(RocksDb* db, std::string backup_dir, const Clock* clock);

  // Takes a backup. Errors: FailedPrecondition (no backup directory),
  // ResourceExhausted (disk full), Internal / DataLoss (the checkpoint does not open).
  absl::StatusOr<BackupInfo> Create();
  // Complete backups, newest first. Errors: FailedPrecondition.
  absl::StatusOr<std::vector<BackupInfo>> List() const;
  // Deletes the oldest backups so that at most `keep_last` remain (0: none
  // deleted); returns the ids deleted. Errors: InvalidArgument for a negative count.
  absl::StatusOr<std::vector<std::string>> Prune(int keep_last);

  const std::string& backup_dir() const { return backup_dir_; }

 private:
  RocksDb* const db_;
  const std::string backup_dir_;
  const Clock* const clock_;
  absl::Mutex mu_;  // one backup or prune at a time
};

// Opens the database at `path` read-only and returns the sequence of its last
// event (0 when it has none). Errors: the mapped RocksDB error.
absl::StatusOr<uint64_t> ReadLastEventSequence(const std::string& path);

}  // namespace ecoplan::common
