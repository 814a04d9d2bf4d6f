#pragma once

// Reading protobuf records stored in a RocksDb: one key, or every key under a
// prefix in key order. A record that does not parse is DataLoss naming the key.

#include <rocksdb/db.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/status/rocksdb_status.h"
#include "common/status/status_macros.h"
#include "common/storage/key_codec.h"
#include "common/storage/rocksdb_db.h"

namespace ecoplan::common {

// Parses `value` into `record`. Errors: DataLoss naming `what` and the key.
template <typename Record>
absl::Status ParseRecord(const rocksdb::Slice& value, Record* record, absl::string_view what,
                         const rocksdb::Slice& key) {
  if (!record->ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return absl::DataLossError(absl::StrCat("corrupt ", what, " record at key ", key.ToString()));
  }
  return absl::OkStatus();
}

// Calls `fn(key, value)` (returning absl::Status) for every key starting with
// `prefix` in column family `cf`, in key order; stops at the first error.
template <typename Fn>
absl::Status ScanPrefix(const RocksDb& db, absl::string_view cf, absl::string_view prefix, Fn fn) {
  rocksdb::ReadOptions options;
  const std::string end = PrefixEnd(prefix);
  rocksdb::Slice upper(end);
  if (!end.empty()) options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db.db()->NewIterator(options, db.Cf(cf)));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size())); it->Valid(); it->Next()) {
    ECOPLAN_RETURN_IF_ERROR(fn(it->key(), it->value()));
  }
  return FromRocksDb(it->status(), absl::StrCat("scan ", cf));
}

// The record under `key`, or nullopt when there is none. Errors: DataLoss, or
// the mapped RocksDB error. Cheap on the write path (a request id looked up
// and nearly never found): the value is parsed where RocksDB pins it, and a
// miss builds no error status.
template <typename Record>
absl::StatusOr<std::optional<Record>> GetRecord(const RocksDb& db, absl::string_view cf,
                                                absl::string_view key, absl::string_view what) {
  rocksdb::PinnableSlice value;
  const rocksdb::Status s = db.db()->Get(rocksdb::ReadOptions(), db.Cf(cf),
                                         rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<Record>();
  if (!s.ok()) return FromRocksDb(s, absl::StrCat("get ", cf));
  Record record;
  ECOPLAN_RETURN_IF_ERROR(
      ParseRecord(value, &record, what, rocksdb::Slice(key.data(), key.size())));
  return std::optional<Record>(std::move(record));
}

}  // namespace ecoplan::common
