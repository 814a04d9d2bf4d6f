#include "common/admin/backup_manager.h"

#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/admin/restore.h"
#include "common/status/rocksdb_status.h"
#include "common/status/status_macros.h"
#include "common/storage/key_codec.h"

namespace ecoplan::common {
namespace {

namespace fs = std::filesystem;

constexpr absl::string_view kTmpPrefix = ".tmp-";
constexpr absl::string_view kTimeFormat = "%Y%m%dT%H%M%SZ";

absl::Status NoBackupDir() {
  return absl::FailedPreconditionError(
      "this service has no backup directory; start it with --backup_dir");
}

// Parses "20261128T193500Z-000000000042". (absl::ParseTime's %Y takes any
// number of digits, so the fixed-width fields are read by hand.)
bool ParseBackupId(absl::string_view id, absl::Time* time, uint64_t* sequence) {
  if (id.size() < 18 || id[8] != 'T' || id[15] != 'Z' || id[16] != '-') return false;
  int year, month, day, hour, minute, second;
  if (!absl::SimpleAtoi(id.substr(0, 4), &year) || !absl::SimpleAtoi(id.substr(4, 2), &month) ||
      !absl::SimpleAtoi(id.substr(6, 2), &day) || !absl::SimpleAtoi(id.substr(9, 2), &hour) ||
      !absl::SimpleAtoi(id.substr(11, 2), &minute) ||
      !absl::SimpleAtoi(id.substr(13, 2), &second) || !absl::SimpleAtoi(id.substr(17), sequence)) {
    return false;
  }
  *time = absl::FromCivil(absl::CivilSecond(year, month, day, hour, minute, second),
                          absl::UTCTimeZone());
  return true;
}

}  // namespace

absl::StatusOr<uint64_t> ReadLastEventSequence(const std::string& path) {
  std::vector<std::string> families;
  ECOPLAN_RETURN_IF_ERROR(FromRocksDb(
      rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &families), "list families"));
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : families)
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  ECOPLAN_RETURN_IF_ERROR(FromRocksDb(
      rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), path, descriptors, &handles, &raw),
      absl::StrCat("open ", path, " read-only")));
  std::unique_ptr<rocksdb::DB> db(raw);
  uint64_t last = 0;
  for (size_t i = 0; i < families.size(); ++i) {
    if (families[i] != "events") continue;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handles[i]));
    it->SeekToLast();
    if (it->Valid())
      last = DecodeUint64(absl::string_view(it->key().data(), it->key().size())).value_or(0);
  }
  for (rocksdb::ColumnFamilyHandle* handle : handles) db->DestroyColumnFamilyHandle(handle);
  return last;
}

BackupManager::BackupManager(RocksDb* db, std::string backup_dir, const Clock* clock)
    : db_(db), backup_dir_(std::move(backup_dir)), clock_(clock) {}

absl::StatusOr<BackupInfo> BackupManager::Create() {
  if (backup_dir_.empty()) return NoBackupDir();
  absl::MutexLock lock(&mu_);
  std::error_code ec;
  fs::create_directories(backup_dir_, ec);
  if (ec) return FileSystemError(ec, absl::StrCat("create ", backup_dir_));
  // Leftovers of a backup interrupted by a crash are never complete.
  for (const fs::directory_entry& entry : fs::directory_iterator(backup_dir_, ec)) {
    if (absl::StartsWith(entry.path().filename().string(), kTmpPrefix)) {
      fs::remove_all(entry.path(), ec);
    }
  }
  const absl::Time now = clock_->Now();
  const std::string stamp = absl::FormatTime(kTimeFormat, now, absl::UTCTimeZone());
  const fs::path tmp = fs::path(backup_dir_) / absl::StrCat(kTmpPrefix, stamp);
  ECOPLAN_RETURN_IF_ERROR(db_->Checkpoint(tmp.string()));
  absl::StatusOr<uint64_t> last = ReadLastEventSequence(tmp.string());
  if (!last.ok()) {
    fs::remove_all(tmp, ec);
    return absl::DataLossError(
        absl::StrCat("the checkpoint does not open: ", last.status().message()));
  }
  BackupInfo info;
  info.id = absl::StrFormat("%s-%012d", stamp, *last);
  info.path = (fs::path(backup_dir_) / info.id).string();
  info.create_time = absl::FromUnixSeconds(absl::ToUnixSeconds(now));
  info.last_event_sequence = *last;
  if (fs::exists(info.path, ec)) {
    fs::remove_all(tmp, ec);
    return absl::AlreadyExistsError(
        absl::StrCat("backup ", info.id, " exists; take the next one a second later"));
  }
  fs::rename(tmp, info.path, ec);
  if (ec) return FileSystemError(ec, absl::StrCat("rename into ", info.path));
  info.size_bytes = DirectorySize(info.path);
  return info;
}

absl::StatusOr<std::vector<BackupInfo>> BackupManager::List() const {
  if (backup_dir_.empty()) return NoBackupDir();
  std::vector<BackupInfo> backups;
  std::error_code ec;
  if (!fs::exists(backup_dir_, ec)) return backups;
  for (const fs::directory_entry& entry : fs::directory_iterator(backup_dir_, ec)) {
    const std::string id = entry.path().filename().string();
    BackupInfo info;
    if (!entry.is_directory(ec) || absl::StartsWith(id, kTmpPrefix) ||
        !ParseBackupId(id, &info.create_time, &info.last_event_sequence)) {
      continue;
    }
    info.id = id;
    info.path = entry.path().string();
    info.size_bytes = DirectorySize(entry.path());
    backups.push_back(std::move(info));
  }
  if (ec) return FileSystemError(ec, absl::StrCat("list ", backup_dir_));
  std::sort(backups.begin(), backups.end(),
            [](const BackupInfo& a, const BackupInfo& b) { return a.id > b.id; });
  return backups;
}

absl::StatusOr<std::vector<std::string>> BackupManager::Prune(int keep_last) {
  if (keep_last < 0) return absl::InvalidArgumentError("keep_last must not be negative");
  std::vector<std::string> deleted;
  if (keep_last == 0) return deleted;
  absl::MutexLock lock(&mu_);
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<BackupInfo> backups, List());
  std::error_code ec;
  for (size_t i = static_cast<size_t>(keep_last); i < backups.size(); ++i) {
    fs::remove_all(backups[i].path, ec);
    if (ec) return FileSystemError(ec, absl::StrCat("delete ", backups[i].path));
    deleted.push_back(backups[i].id);
  }
  return deleted;
}

}  // namespace ecoplan::common
