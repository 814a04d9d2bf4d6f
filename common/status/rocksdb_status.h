#pragma once

#include <rocksdb/status.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ecoplan::common {

// Maps a RocksDB status: NotFound → NotFound; Busy/TryAgain/TimedOut →
// Unavailable; Corruption → DataLoss; no space left on the volume →
// ResourceExhausted ("disk full: …"); any other I/O error → Unavailable
// ("storage I/O error: …"); anything else → Internal. `context` (e.g.
// "write plan") prefixes the message.
absl::Status FromRocksDb(const rocksdb::Status& status, absl::string_view context = {});

}  // namespace ecoplan::common
