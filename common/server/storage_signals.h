#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/log/log.h"
#include "common/server/metrics.h"
#include "common/storage/rocksdb_db.h"
#include "common/time/clock.h"

namespace ecoplan::common {

// What an operator woken at night needs to know about a service's database:
// one warning when writes start failing (a full volume, an I/O error), one
// line when they resume and after how long, a warning when the previous run
// ended without closing the database; and the same as metrics:
//   ecoplan_storage_writes_failing           1 while the last group write failed
//   ecoplan_storage_write_failures_total{code}  failed group writes (resource_exhausted,
//                                            unavailable, …)
//   ecoplan_storage_last_start_unclean       1 when the previous run did not close the database
//   ecoplan_storage_open_seconds             how long the last open took (WAL replay included)
//   ecoplan_storage_memory_bytes{part}       the database's memory: memtables, block_cache,
//                                            table_readers (sampled at each scrape, WatchMemory)
// and the section "storage" of the status page (GET /status): writes_failing,
// failing_since, failed_group_writes (in the current failure), last_start_unclean,
// open_seconds, memory_bytes.
// Thread-safe; OnGroupWritten runs on the committer thread and is quick.
class StorageSignals {
 public:
  // `metrics` may be null (no metrics); `clock` null means the system clock.
  // `metrics` must outlive this.
  StorageSignals(MetricsRegistry* metrics, Logger log, const Clock* clock);
  // Removes the status page section.
  ~StorageSignals();
  StorageSignals(const StorageSignals&) = delete;
  StorageSignals& operator=(const StorageSignals&) = delete;

  // After RocksDb::Open.
  void OnOpened(const OpenReport& report, const std::string& path);
  // RocksDbOptions::on_group_written.
  void OnGroupWritten(const absl::Status& outcome);
  // Samples `db`'s memory at each scrape of /metrics and of the status page, until
  // StopWatchingMemory, which must come before `db` closes.
  void WatchMemory(const RocksDb* db);
  void StopWatchingMemory();

 private:
  absl::Time Now() const;

  // The database watched, shared with the metrics hook (which may outlive this).
  struct MemoryWatch {
    absl::Mutex mu;
    const RocksDb* db ABSL_GUARDED_BY(mu) = nullptr;
  };
  // Memory by part (memtables, block_cache, table_readers); empty when not watching.
  static std::vector<std::pair<std::string, uint64_t>> SampleMemory(MemoryWatch& watch);

  const Logger log_;
  const Clock* const clock_;
  Gauge* failing_ = nullptr;
  Counter* failures_ = nullptr;
  Gauge* unclean_ = nullptr;
  Gauge* open_seconds_ = nullptr;
  Gauge* memory_ = nullptr;
  const std::shared_ptr<MemoryWatch> watch_ = std::make_shared<MemoryWatch>();

  MetricsRegistry* const metrics_;
  mutable absl::Mutex mu_;
  bool failing_now_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time failing_since_ ABSL_GUARDED_BY(mu_);
  int64_t failed_groups_ ABSL_GUARDED_BY(mu_) = 0;
  bool unclean_start_ ABSL_GUARDED_BY(mu_) = false;
  absl::Duration open_duration_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ecoplan::common
