#include "common/admin/restore.h"

#include <fcntl.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "common/mapping/proto_values.h"
#include "common/status/rocksdb_status.h"
#include "common/status/status_macros.h"
#include "common/storage/key_codec.h"
#include "ecoplan/common/v1/event.pb.h"

namespace ecoplan::common {
namespace {

namespace fs = std::filesystem;

// Whether a process holds the RocksDB LOCK of `db_path` (RocksDB takes an
// fcntl write lock on it while the database is open).
bool HeldByAProcess(const fs::path& db_path) {
  const fs::path lock_file = db_path / "LOCK";
  const int fd = ::open(lock_file.c_str(), O_RDWR);
  if (fd < 0) return false;  // no LOCK file: never opened, or not a database
  struct flock lock = {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  const bool held = ::fcntl(fd, F_GETLK, &lock) == 0 && lock.l_type != F_UNLCK;
  ::close(fd);
  return held;
}

}  // namespace

int64_t DirectorySize(const std::string& dir) {
  int64_t total = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) total += static_cast<int64_t>(it->file_size(ec));
  }
  return total;
}

absl::Status FileSystemError(const std::error_code& ec, absl::string_view what) {
  const std::string message = absl::StrCat(what, ": ", ec.message());
  if (ec == std::errc::no_space_on_device) return absl::ResourceExhaustedError(message);
  return absl::InternalError(message);
}

absl::StatusOr<VerifiedBackup> VerifyBackup(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(fs::path(path) / "CURRENT", ec)) {
    return absl::NotFoundError(absl::StrCat("no database at ", path, " (no CURRENT file)"));
  }
  VerifiedBackup verified;
  verified.path = path;
  ECOPLAN_RETURN_IF_ERROR(FromRocksDb(
      rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &verified.column_families),
      absl::StrCat("list the column families of ", path)));
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  int events = -1;
  for (size_t i = 0; i < verified.column_families.size(); ++i) {
    descriptors.emplace_back(verified.column_families[i], rocksdb::ColumnFamilyOptions());
    if (verified.column_families[i] == "events") events = static_cast<int>(i);
  }
  if (events < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " is not an ecoplan database: it has no events column family"));
  }
  rocksdb::DBOptions options;
  options.paranoid_checks = true;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  absl::Status opened =
      FromRocksDb(rocksdb::DB::OpenForReadOnly(options, path, descriptors, &handles, &raw),
                  absl::StrCat("open ", path, " read-only"));
  if (!opened.ok()) {
    return absl::DataLossError(absl::StrCat("the backup does not open: ", opened.message()));
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  absl::Status checked = FromRocksDb(db->VerifyChecksum(), absl::StrCat("verify ", path));
  if (checked.ok()) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handles[events]));
    it->SeekToLast();
    if (it->Valid()) {
      verified.last_event_sequence =
          DecodeUint64(absl::string_view(it->key().data(), it->key().size())).value_or(0);
      v1::Event last;
      if (last.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
        verified.last_event_time = TimeFromProto(last.commit_time());
      }
    }
    checked = FromRocksDb(it->status(), absl::StrCat("read the last event of ", path));
  }
  for (rocksdb::ColumnFamilyHandle* handle : handles) db->DestroyColumnFamilyHandle(handle);
  if (!checked.ok()) {
    return absl::DataLossError(absl::StrCat("the backup is damaged: ", checked.message()));
  }
  verified.size_bytes = DirectorySize(path);
  return verified;
}

absl::StatusOr<RestoreResult> RestoreBackup(const std::string& backup, const std::string& db_path,
                                            absl::Time now) {
  std::error_code ec;
  const fs::path target = fs::absolute(db_path, ec);
  if (fs::exists(backup, ec) && fs::equivalent(backup, target, ec)) {
    return absl::FailedPreconditionError("the backup is the database itself");
  }
  RestoreResult result;
  ECOPLAN_ASSIGN_OR_RETURN(result.restored, VerifyBackup(backup));
  if (HeldByAProcess(target)) {
    return absl::FailedPreconditionError(
        absl::StrCat(db_path, " is open in a running server: stop the service first"));
  }
  const std::string stamp = absl::FormatTime("%Y%m%dT%H%M%SZ", now, absl::UTCTimeZone());
  const fs::path copy = fs::path(target.string() + ".restoring-" + stamp);
  fs::remove_all(copy, ec);
  fs::copy(backup, copy, fs::copy_options::recursive, ec);
  if (ec) {
    fs::remove_all(copy, ec);
    return FileSystemError(ec, absl::StrCat("copy ", backup, " to ", copy.string()));
  }
  fs::remove(copy / "LOCK", ec);  // a checkpoint's LOCK is not the new database's
  absl::StatusOr<VerifiedBackup> copied = VerifyBackup(copy.string());
  if (!copied.ok()) {
    fs::remove_all(copy, ec);
    return absl::DataLossError(
        absl::StrCat("the copy of the backup is not whole: ", copied.status().message()));
  }
  if (fs::exists(target, ec)) {
    const fs::path aside = fs::path(target.string() + ".before-restore-" + stamp);
    fs::rename(target, aside, ec);
    if (ec) {
      return FileSystemError(ec, absl::StrCat("move ", db_path, " aside (the verified copy is at ",
                                              copy.string(), ")"));
    }
    result.previous_moved_to = aside.string();
  }
  fs::rename(copy, target, ec);
  if (ec) {
    return FileSystemError(
        ec, absl::StrCat("move ", copy.string(), " to ", db_path, " (the previous database is at ",
                         result.previous_moved_to, ")"));
  }
  result.restored.path = target.string();
  return result;
}

}  // namespace ecoplan::common
