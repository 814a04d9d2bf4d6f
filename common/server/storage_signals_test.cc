#include "common/server/storage_signals.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/server/metrics.h"
#include "common/storage/rocksdb_db.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"

namespace ecoplan::common {
namespace {

class StorageSignalsTest : public ::testing::Test {
 protected:
  int Count(absl::string_view text) const {
    int n = 0;
    for (const std::string& line : lines_) n += absl::StrContains(line, text) ? 1 : 0;
    return n;
  }

  FakeClock clock_{absl::FromUnixSeconds(1780000000)};
  MetricsRegistry metrics_;
  std::vector<std::string> lines_;
  Logger log_{"test", [this](absl::string_view line) { lines_.emplace_back(line); }};
  StorageSignals signals_{&metrics_, log_, &clock_};
};

TEST_F(StorageSignalsTest, OneLineWhenWritesStartFailingOneWhenTheyResume) {
  signals_.OnGroupWritten(absl::OkStatus());
  EXPECT_TRUE(lines_.empty());
  for (int i = 0; i < 100; ++i) {
    signals_.OnGroupWritten(absl::ResourceExhaustedError("disk full: group commit: no space"));
  }
  EXPECT_EQ(Count("database writes failing"), 1);
  EXPECT_EQ(Count("disk full: group commit: no space"), 1);
  std::string rendered = metrics_.Render();
  EXPECT_TRUE(absl::StrContains(rendered, "ecoplan_storage_writes_failing 1")) << rendered;
  EXPECT_TRUE(absl::StrContains(
      rendered, "ecoplan_storage_write_failures_total{code=\"resource_exhausted\"} 100"))
      << rendered;

  clock_.Advance(absl::Seconds(42));
  signals_.OnGroupWritten(absl::OkStatus());
  signals_.OnGroupWritten(absl::OkStatus());
  EXPECT_EQ(Count("database writes resumed"), 1);
  EXPECT_EQ(Count("\"failing_s\":42"), 1) << lines_.back();
  EXPECT_EQ(Count("\"failed_group_writes\":100"), 1) << lines_.back();
  rendered = metrics_.Render();
  EXPECT_TRUE(absl::StrContains(rendered, "ecoplan_storage_writes_failing 0")) << rendered;
}

// The status page's "storage" section says the same as the metrics, with since when.
TEST_F(StorageSignalsTest, TheStatusPageSaysWhetherWritesFailAndSinceWhen) {
  const absl::Time failing_since = clock_.Now();
  signals_.OnGroupWritten(absl::ResourceExhaustedError("disk full"));
  signals_.OnGroupWritten(absl::ResourceExhaustedError("disk full"));
  nlohmann::ordered_json page = metrics_.status_page()->ToJson(clock_.Now());
  EXPECT_EQ(page["storage"]["writes_failing"], true);
  EXPECT_EQ(page["storage"]["failing_since"], StatusPage::TimeJson(failing_since));
  EXPECT_EQ(page["storage"]["failed_group_writes"], 2);
  signals_.OnGroupWritten(absl::OkStatus());
  page = metrics_.status_page()->ToJson(clock_.Now());
  EXPECT_EQ(page["storage"]["writes_failing"], false);
  EXPECT_TRUE(page["storage"]["failing_since"].is_null());
  { StorageSignals other(&metrics_, log_, &clock_); }
  // A section is gone with its StorageSignals.
  EXPECT_FALSE(metrics_.status_page()->ToJson(clock_.Now()).contains("storage"));
}

TEST_F(StorageSignalsTest, AnUncleanPreviousRunIsAWarningAndAGauge) {
  OpenReport report;
  report.previous_run_unclean = true;
  report.open_duration = absl::Milliseconds(250);
  signals_.OnOpened(report, "/data/progress");
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_TRUE(absl::StrContains(lines_[0], "\"level\":\"warn\"")) << lines_[0];
  EXPECT_TRUE(absl::StrContains(lines_[0], "without closing the database")) << lines_[0];
  EXPECT_TRUE(absl::StrContains(lines_[0], "\"recovery_ms\":250")) << lines_[0];
  const std::string rendered = metrics_.Render();
  EXPECT_TRUE(absl::StrContains(rendered, "ecoplan_storage_last_start_unclean 1")) << rendered;
  EXPECT_TRUE(absl::StrContains(rendered, "ecoplan_storage_open_seconds 0.25")) << rendered;

  report.previous_run_unclean = false;
  signals_.OnOpened(report, "/data/progress");
  EXPECT_TRUE(absl::StrContains(lines_[1], "database opened")) << lines_[1];
  EXPECT_TRUE(absl::StrContains(metrics_.Render(), "ecoplan_storage_last_start_unclean 0"));
}

TEST_F(StorageSignalsTest, TheDatabasesMemoryIsSampledAtEachScrapeWhileWatched) {
  TempDir dir;
  RocksDbOptions options;
  options.path = dir.path() + "/db";
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<RocksDb> db, RocksDb::Open(options));
  // Not watched yet: no part reported.
  EXPECT_FALSE(absl::StrContains(metrics_.Render(), "ecoplan_storage_memory_bytes{"));
  signals_.WatchMemory(db.get());
  WriteRequest write;
  write.batch.Put(db->Cf("default"), "key", std::string(64 << 10, 'x'));
  ASSERT_OK(db->Commit(std::move(write)));
  ASSERT_OK(db->Get("default", "key").status());
  const std::string rendered = metrics_.Render();
  for (const char* part : {"memtables", "block_cache", "table_readers"}) {
    EXPECT_TRUE(absl::StrContains(
        rendered, absl::StrCat("ecoplan_storage_memory_bytes{part=\"", part, "\"}")))
        << part << "\n"
        << rendered;
  }
  // The unflushed 64 KiB value is in the memtables.
  nlohmann::ordered_json page = metrics_.status_page()->ToJson(clock_.Now());
  EXPECT_GE(page["storage"]["memory_bytes"]["memtables"].get<uint64_t>(), 64u << 10) << page;
  signals_.StopWatchingMemory();
  db.reset();
  // Scraping after the database closed reads nothing of it.
  metrics_.Render();
  EXPECT_TRUE(metrics_.status_page()->ToJson(clock_.Now())["storage"]["memory_bytes"].empty());
}

}  // namespace
}  // namespace ecoplan::common
