#include "common/server/storage_signals.h"

#include <rocksdb/db.h>

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace ecoplan::common {

StorageSignals::StorageSignals(MetricsRegistry* metrics, Logger log, const Clock* clock)
    : log_(std::move(log)), clock_(clock), metrics_(metrics) {
  if (metrics == nullptr) return;
  failing_ = metrics->AddGauge("ecoplan_storage_writes_failing",
                               "1 while the database's last group write failed (disk full, I/O "
                               "error); writes are refused until it recovers",
                               {});
  failures_ =
      metrics->AddCounter("ecoplan_storage_write_failures_total",
                          "Group writes the database refused, by gRPC code answered", {"code"});
  unclean_ = metrics->AddGauge(
      "ecoplan_storage_last_start_unclean",
      "1 when the previous run ended without closing the database (crash, kill, power loss)", {});
  open_seconds_ = metrics->AddGauge("ecoplan_storage_open_seconds",
                                    "Seconds the last database open took, WAL replay included", {});
  memory_ = metrics->AddGauge("ecoplan_storage_memory_bytes",
                              "Memory the database holds, by part: memtables (writes not yet "
                              "flushed), block_cache (shared, bounded), table_readers (open "
                              "table files' indexes outside the cache)",
                              {"part"});
  failing_->Set({}, 0);
  metrics->AddCollectHook([watch = watch_, memory = memory_] {
    for (const auto& [part, bytes] : SampleMemory(*watch)) {
      memory->Set({part}, static_cast<double>(bytes));
    }
  });
  metrics->status_page()->Set("storage", [this] {
    absl::MutexLock lock(&mu_);
    nlohmann::ordered_json j;
    j["writes_failing"] = failing_now_;
    j["failing_since"] = StatusPage::TimeJson(failing_now_ ? failing_since_ : absl::InfinitePast());
    j["failed_group_writes"] = failed_groups_;
    j["last_start_unclean"] = unclean_start_;
    j["open_seconds"] = absl::ToDoubleSeconds(open_duration_);
    nlohmann::ordered_json memory = nlohmann::ordered_json::object();
    for (const auto& [part, bytes] : SampleMemory(*watch_)) memory[part] = bytes;
    j["memory_bytes"] = memory;
    return j;
  });
}

StorageSignals::~StorageSignals() {
  StopWatchingMemory();
  if (metrics_ != nullptr) metrics_->status_page()->Remove("storage");
}

void StorageSignals::WatchMemory(const RocksDb* db) {
  absl::MutexLock lock(&watch_->mu);
  watch_->db = db;
}

void StorageSignals::StopWatchingMemory() {
  absl::MutexLock lock(&watch_->mu);
  watch_->db = nullptr;
}

std::vector<std::pair<std::string, uint64_t>> StorageSignals::SampleMemory(MemoryWatch& watch) {
  absl::MutexLock lock(&watch.mu);
  if (watch.db == nullptr) return {};
  rocksdb::DB* db = watch.db->db();
  uint64_t memtables = 0, cache = 0, readers = 0;
  db->GetAggregatedIntProperty(rocksdb::DB::Properties::kCurSizeAllMemTables, &memtables);
  // One cache shared by every column family: read once, not summed over them.
  db->GetIntProperty(db->DefaultColumnFamily(), rocksdb::DB::Properties::kBlockCacheUsage, &cache);
  db->GetAggregatedIntProperty(rocksdb::DB::Properties::kEstimateTableReadersMem, &readers);
  return {{"memtables", memtables}, {"block_cache", cache}, {"table_readers", readers}};
}

absl::Time StorageSignals::Now() const { return clock_ != nullptr ? clock_->Now() : absl::Now(); }

void StorageSignals::OnOpened(const OpenReport& report, const std::string& path) {
  {
    absl::MutexLock lock(&mu_);
    unclean_start_ = report.previous_run_unclean;
    open_duration_ = report.open_duration;
  }
  if (unclean_ != nullptr) unclean_->Set({}, report.previous_run_unclean ? 1 : 0);
  if (open_seconds_ != nullptr) open_seconds_->Set({}, absl::ToDoubleSeconds(report.open_duration));
  const double ms = absl::ToDoubleMilliseconds(report.open_duration);
  if (report.previous_run_unclean) {
    log_.Warn(
        "the previous run ended without closing the database; recovered from its write-ahead "
        "log",
        {{"db_path", path}, {"recovery_ms", ms}});
  } else {
    log_.Info("database opened", {{"db_path", path}, {"open_ms", ms}});
  }
}

void StorageSignals::OnGroupWritten(const absl::Status& outcome) {
  absl::MutexLock lock(&mu_);
  if (!outcome.ok()) {
    ++failed_groups_;
    if (failures_ != nullptr) {
      failures_->Increment({absl::AsciiStrToLower(absl::StatusCodeToString(outcome.code()))});
    }
    if (!failing_now_) {
      failing_now_ = true;
      failing_since_ = Now();
      if (failing_ != nullptr) failing_->Set({}, 1);
      // Once per outage: every refused request gets the status, the log gets one line.
      log_.Error("database writes failing; writes are refused until it recovers",
                 {{"error", std::string(outcome.message())},
                  {"code", absl::StatusCodeToString(outcome.code())}});
    }
    return;
  }
  if (!failing_now_) return;
  failing_now_ = false;
  if (failing_ != nullptr) failing_->Set({}, 0);
  log_.Info("database writes resumed",
            {{"failing_s", absl::ToDoubleSeconds(Now() - failing_since_)},
             {"failed_group_writes", failed_groups_}});
  failed_groups_ = 0;
}

}  // namespace ecoplan::common
