#pragma once

#include <rocksdb/status.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ecoplan::common {

// Maps a RocksDB status: NotFound → NotFound; Busy/TryAgain/TimedOut →
// Unavailable; Corruption → DataLoss; anything else → Internal. `context`
// (e.g. "write plan") prefixes the message.
absl::Status FromRocksDb(const rocksdb::Status& status, absl::string_view context = {});

}  // namespace ecoplan::common
