#include "common/admin/restore.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "common/admin/backup_manager.h"
#include "common/events/event_log.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/common/v1/types.pb.h"

namespace ecoplan::common {
namespace {

namespace fs = std::filesystem;

const absl::Time kNow = absl::FromUnixSeconds(1796083200);  // 2026-12-01 00:00 UTC

class RestoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_path_ = dir_.Sub("db");
    Open();
    for (int i = 0; i < 20; ++i) Write("k" + std::to_string(i));
    BackupManager backups(db_.get(), dir_.Sub("backups"), &clock_);
    ASSERT_OK_AND_ASSIGN(BackupInfo info, backups.Create());
    backup_ = info.path;
    Write("after-the-backup");
  }

  void Open() {
    RocksDbOptions options;
    options.path = db_path_;
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

  // Flips bytes in the middle of the backup's first table file; its name.
  std::string DamageATableFile() {
    for (const fs::directory_entry& e : fs::directory_iterator(backup_)) {
      if (e.path().extension() != ".sst") continue;
      // A checkpoint hard-links table files: break the link before writing.
      const fs::path copy = e.path().string() + ".copy";
      fs::copy_file(e.path(), copy);
      fs::rename(copy, e.path());
      std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(static_cast<std::streamoff>(fs::file_size(e.path()) / 2));
      f.write("\xde\xad\xbe\xef\xde\xad\xbe\xef", 8);
      return e.path().filename().string();
    }
    ADD_FAILURE() << "no table file in the backup";
    return "";
  }

  TempDir dir_;
  FakeClock clock_;
  std::string db_path_;
  std::string backup_;
  std::unique_ptr<RocksDb> db_;
};

TEST_F(RestoreTest, AVerifiedBackupSaysWhatItHolds) {
  ASSERT_OK_AND_ASSIGN(VerifiedBackup verified, VerifyBackup(backup_));
  EXPECT_EQ(verified.last_event_sequence, 20u);
  EXPECT_GT(verified.last_event_time, absl::UnixEpoch());
  EXPECT_GT(verified.size_bytes, 0);
  EXPECT_NE(std::find(verified.column_families.begin(), verified.column_families.end(), "things"),
            verified.column_families.end());
}

TEST_F(RestoreTest, RestoresTheBackupAndKeepsThePreviousDatabaseAside) {
  db_.reset();  // the service is stopped
  ASSERT_OK_AND_ASSIGN(RestoreResult result, RestoreBackup(backup_, db_path_, kNow));
  EXPECT_EQ(result.restored.last_event_sequence, 20u);
  EXPECT_EQ(result.previous_moved_to, db_path_ + ".before-restore-20261201T000000Z");
  Open();
  EXPECT_EQ(db_->LastEventSequence(), 20u);
  ASSERT_OK_AND_ASSIGN(std::string value, db_->Get("things", "k19"));
  EXPECT_EQ(value, "value of k19");
  EXPECT_STATUS_CODE(db_->Get("things", "after-the-backup"), absl::StatusCode::kNotFound);
  // The database it replaced is whole where the result says.
  db_.reset();
  ASSERT_OK_AND_ASSIGN(VerifiedBackup previous, VerifyBackup(result.previous_moved_to));
  EXPECT_EQ(previous.last_event_sequence, 21u);
}

TEST_F(RestoreTest, ADamagedBackupIsRefusedNamingTheFileAndNothingIsReplaced) {
  db_.reset();
  const std::string damaged = DamageATableFile();
  ASSERT_FALSE(damaged.empty());
  absl::StatusOr<RestoreResult> refused = RestoreBackup(backup_, db_path_, kNow);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kDataLoss) << refused.status();
  EXPECT_TRUE(absl::StrContains(refused.status().message(), damaged)) << refused.status();
  Open();
  EXPECT_EQ(db_->LastEventSequence(), 21u) << "the database was replaced all the same";
  EXPECT_FALSE(fs::exists(db_path_ + ".before-restore-20261201T000000Z"));
  EXPECT_FALSE(fs::exists(db_path_ + ".restoring-20261201T000000Z"));
}

TEST_F(RestoreTest, ADatabaseOpenInAnotherProcessIsNotReplaced) {
  db_.reset();
  // Another process holds the database's lock, as a running server does.
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const int fd = ::open((db_path_ + "/LOCK").c_str(), O_RDWR);
    struct flock lock = {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    const char ok = (fd >= 0 && ::fcntl(fd, F_SETLK, &lock) == 0) ? '1' : '0';
    (void)!::write(ready[1], &ok, 1);
    ::pause();
    _exit(0);
  }
  char ok = 0;
  ASSERT_EQ(::read(ready[0], &ok, 1), 1);
  ASSERT_EQ(ok, '1');
  absl::StatusOr<RestoreResult> refused = RestoreBackup(backup_, db_path_, kNow);
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  ::close(ready[0]);
  ::close(ready[1]);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition) << refused.status();
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "stop the service first"));
  EXPECT_FALSE(fs::exists(db_path_ + ".before-restore-20261201T000000Z"));
}

TEST_F(RestoreTest, WhatIsNotABackupIsRefused) {
  EXPECT_STATUS_CODE(VerifyBackup(dir_.Sub("nothing-here")), absl::StatusCode::kNotFound);
  EXPECT_STATUS_CODE(RestoreBackup(db_path_, db_path_, kNow),
                     absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace ecoplan::common
