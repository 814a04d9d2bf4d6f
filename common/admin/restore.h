#pragma once

// Restoring a service's database from one of its backups, offline (the
// service stopped): `ecoplanctl admin restore` (docs/OPERATIONS.md "Backup and
// restore"). Nothing is replaced before the backup, and then its copy in
// place, proved whole: every table file's checksums read, its last event
// found.

#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ecoplan::common {

// The bytes of the regular files below `dir` (0 when it cannot be read).
int64_t DirectorySize(const std::string& dir);

// A file-system error as a status: ResourceExhausted for a full volume,
// Internal otherwise; the message is "<what>: <error>".
absl::Status FileSystemError(const std::error_code& ec, absl::string_view what);

// What a backup holds, once verified.
struct VerifiedBackup {
  std::string path;
  uint64_t last_event_sequence = 0;  // 0: no event
  absl::Time last_event_time = absl::InfinitePast();
  std::vector<std::string> column_families;
  int64_t size_bytes = 0;
};

// Opens the database at `path` read-only, reads every table file through its
// checksums and finds its last event. Errors: NotFound (no database there),
// DataLoss (a damaged or missing file, naming it), FailedPrecondition (not an
// ecoplan database: no events family).
absl::StatusOr<VerifiedBackup> VerifyBackup(const std::string& path);

// The outcome of a restore.
struct RestoreResult {
  VerifiedBackup restored;
  // Where the database that was at db_path went (empty when there was none).
  std::string previous_moved_to;
};

// Replaces the database at `db_path` with a copy of the backup at `backup`:
// verifies the backup; refuses while a process holds the database (its
// RocksDB LOCK); copies the backup beside db_path (".restoring-<stamp>"),
// verifies the copy, moves the old database to "<db_path>.before-restore-
// <stamp>" and the copy to db_path. `now` names the stamp. Errors: those of
// VerifyBackup (nothing changed); FailedPrecondition (the database is open
// in a running server, or the backup is db_path itself); ResourceExhausted
// (no space for the copy; nothing changed); Internal (a rename failed: the
// message says where each directory is).
absl::StatusOr<RestoreResult> RestoreBackup(const std::string& backup, const std::string& db_path,
                                            absl::Time now);

}  // namespace ecoplan::common
