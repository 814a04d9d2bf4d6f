#include "common/admin/backup_manager.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/events/event_log.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/common/v1/types.pb.h"

namespace ecoplan::common {
namespace {

class BackupManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RocksDbOptions options;
    options.path = dir_.Sub("db");
    options.column_families = {"things"};
    ASSERT_OK_AND_ASSIGN(db_, RocksDb::Open(options));
  }

  void Write(const std::string& key) {
    WriteRequest request;
    ASSERT_TRUE(request.batch.Put(db_->Cf("things"), key, "value of " + key).ok());
    v1::Date payload;
    payload.set_year(2026);
    request.events.push_back(MakeEvent(payload, key));
    ASSERT_OK(db_->Commit(std::move(request)));
  }

  TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<RocksDb> db_;
};

TEST_F(BackupManagerTest, ABackupIsACompleteDatabaseThatOpensWithEveryRecord) {
  for (int i = 0; i < 20; ++i) Write("k" + std::to_string(i));
  BackupManager backups(db_.get(), dir_.Sub("backups"), &clock_);
  ASSERT_OK_AND_ASSIGN(BackupInfo info, backups.Create());
  EXPECT_EQ(info.last_event_sequence, 20u);
  EXPECT_EQ(info.id.substr(info.id.size() - 13), "-000000000020");
  EXPECT_GT(info.size_bytes, 0);
  Write("after-the-backup");

  // Restore: a service started on a copy of the backup finds everything it held.
  const std::string restored = dir_.Sub("restored");
  std::filesystem::copy(info.path, restored, std::filesystem::copy_options::recursive);
  RocksDbOptions options;
  options.path = restored;
  options.column_families = {"things"};
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<RocksDb> copy, RocksDb::Open(options));
  EXPECT_EQ(copy->LastEventSequence(), 20u);
  for (int i = 0; i < 20; ++i) {
    ASSERT_OK_AND_ASSIGN(std::string value, copy->Get("things", "k" + std::to_string(i)));
    EXPECT_EQ(value, "value of k" + std::to_string(i));
  }
  EXPECT_STATUS_CODE(copy->Get("things", "after-the-backup"), absl::StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(auto events, copy->ReadEvents(0, 100));
  EXPECT_EQ(events.size(), 20u);
}

TEST_F(BackupManagerTest, ListsNewestFirstPrunesAndIgnoresIncompleteBackups) {
  BackupManager backups(db_.get(), dir_.Sub("backups"), &clock_);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    Write("k" + std::to_string(i));
    ASSERT_OK_AND_ASSIGN(BackupInfo info, backups.Create());
    ids.push_back(info.id);
    clock_.Advance(absl::Minutes(1));
  }
  // A crash in the middle of a backup leaves only a .tmp- folder.
  std::filesystem::create_directories(dir_.Sub("backups/.tmp-20261128T000000Z"));
  ASSERT_OK_AND_ASSIGN(std::vector<BackupInfo> listed, backups.List());
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[0].id, ids[2]);
  EXPECT_EQ(listed[2].id, ids[0]);
  EXPECT_EQ(listed[0].last_event_sequence, 3u);

  ASSERT_OK_AND_ASSIGN(std::vector<std::string> deleted, backups.Prune(2));
  EXPECT_EQ(deleted, std::vector<std::string>{ids[0]});
  ASSERT_OK_AND_ASSIGN(listed, backups.List());
  EXPECT_EQ(listed.size(), 2u);
  EXPECT_STATUS_CODE(backups.Prune(-1), absl::StatusCode::kInvalidArgument);
}

TEST_F(BackupManagerTest, WithoutABackupDirectoryEveryCallIsAFailedPrecondition) {
  BackupManager backups(db_.get(), "", &clock_);
  EXPECT_STATUS_CODE(backups.Create(), absl::StatusCode::kFailedPrecondition);
  EXPECT_STATUS_CODE(backups.List(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace ecoplan::common
