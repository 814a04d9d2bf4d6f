// What a volume does to a database besides holding it, as RocksDb meets it: a
// file system that answers "no space left on device" to every write while it
// is full (WAL, SST, MANIFEST alike); a directory copied while open (a crash);
// a write-ahead log torn mid-record; damaged table and MANIFEST files.

#include <gtest/gtest.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/log/log.h"
#include "common/storage/rocksdb_db.h"
#include "common/storage/rocksdb_info_log.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"

namespace ecoplan::common {
namespace {

namespace v1 = ::ecoplan::common::v1;

// Every write of every file fails with NoSpace while `full` is set, and the
// free space it reports is 0 then (RocksDB's recovery asks before resuming).
class FullDiskFs : public rocksdb::FileSystemWrapper {
 public:
  class File : public rocksdb::FSWritableFileWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile> file, const std::atomic<bool>* full)
        : FSWritableFileWrapper(file.get()), owned_(std::move(file)), full_(full) {}
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
      if (*full_) return rocksdb::IOStatus::NoSpace("injected: no space left on device");
      return FSWritableFileWrapper::Append(data, options, dbg);
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             const rocksdb::DataVerificationInfo& info,
                             rocksdb::IODebugContext* dbg) override {
      if (*full_) return rocksdb::IOStatus::NoSpace("injected: no space left on device");
      return FSWritableFileWrapper::Append(data, options, info, dbg);
    }
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
      if (*full_) return rocksdb::IOStatus::NoSpace("injected: no space left on device");
      return FSWritableFileWrapper::Sync(options, dbg);
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* dbg) override {
      if (*full_) return rocksdb::IOStatus::NoSpace("injected: no space left on device");
      return FSWritableFileWrapper::Fsync(options, dbg);
    }

   private:
    std::unique_ptr<rocksdb::FSWritableFile> owned_;
    const std::atomic<bool>* full_;
  };

  FullDiskFs() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  const char* Name() const override { return "FullDiskFs"; }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    if (full) return rocksdb::IOStatus::NoSpace("injected: no space left on device");
    rocksdb::IOStatus s = target()->NewWritableFile(name, options, result, dbg);
    if (s.ok()) *result = std::make_unique<File>(std::move(*result), &full);
    return s;
  }
  rocksdb::IOStatus GetFreeSpace(const std::string& path, const rocksdb::IOOptions& options,
                                 uint64_t* free, rocksdb::IODebugContext* dbg) override {
    if (full) {
      *free = 0;
      return rocksdb::IOStatus::OK();
    }
    return target()->GetFreeSpace(path, options, free, dbg);
  }

  std::atomic<bool> full{false};
};

WriteRequest Put(RocksDb& db, const std::string& key) {
  WriteRequest request;
  EXPECT_TRUE(request.batch.Put(db.Cf("items"), key, "v").ok());
  v1::Event event;
  event.set_type("ecoplan.testing.v1.Thing");
  event.set_resource(key);
  request.events.push_back(event);
  return request;
}

class RocksDbFaultsTest : public ::testing::Test {
 protected:
  RocksDbOptions Options() {
    RocksDbOptions options;
    options.path = dir_.Sub("db");
    options.column_families = {"items"};
    options.event_source = "ecoplan.testing.v1.TestService";
    options.log = &log_;
    return options;
  }

  std::vector<std::string> LogLines() {
    absl::MutexLock lock(&mu_);
    return lines_;
  }

  TempDir dir_;
  absl::Mutex mu_;
  std::vector<std::string> lines_;
  Logger log_{"test", [this](absl::string_view line) {
                absl::MutexLock lock(&mu_);
                lines_.emplace_back(line);
              }};
};

TEST_F(RocksDbFaultsTest, RefusesWritesWhileFullKeepsReadingAndResumesByItself) {
  auto* fs = new FullDiskFs();
  std::shared_ptr<rocksdb::FileSystem> fs_ptr(fs);
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs_ptr);
  RocksDbOptions options = Options();
  options.env = env.get();
  absl::Mutex outcomes_mu;
  std::vector<absl::StatusCode> outcomes;
  options.on_group_written = [&](const absl::Status& s) {
    absl::MutexLock lock(&outcomes_mu);
    outcomes.push_back(s.code());
  };
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<RocksDb> db, RocksDb::Open(options));
  ASSERT_OK(db->Commit(Put(*db, "before")));

  fs->full = true;
  // More than one write after the first failure: the second is where a
  // LOG-file writer aborted the process.
  for (int i = 0; i < 20; ++i) {
    absl::StatusOr<CommitResult> refused = db->Commit(Put(*db, absl::StrCat("refused", i)));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted) << refused.status();
    EXPECT_TRUE(absl::StartsWith(refused.status().message(), "disk full")) << refused.status();
  }
  ASSERT_OK_AND_ASSIGN(std::string before, db->Get("items", "before"));
  EXPECT_EQ(before, "v");
  EXPECT_EQ(db->LastEventSequence(), 1u);

  fs->full = false;
  // RocksDB's background recovery notices the space; bounded wait.
  absl::Status resumed = absl::UnknownError("not tried");
  for (int i = 0; i < 300 && !resumed.ok(); ++i) {
    resumed = db->Commit(Put(*db, "after")).status();
    if (!resumed.ok()) absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_OK(resumed);
  {
    absl::MutexLock lock(&outcomes_mu);
    ASSERT_GE(outcomes.size(), 22u);
    EXPECT_EQ(outcomes.front(), absl::StatusCode::kOk);
    EXPECT_EQ(outcomes[1], absl::StatusCode::kResourceExhausted);
    EXPECT_EQ(outcomes.back(), absl::StatusCode::kOk);
  }
  db.reset();

  options.env = nullptr;
  options.on_group_written = nullptr;
  ASSERT_OK_AND_ASSIGN(db, RocksDb::Open(options));
  EXPECT_OK(db->Get("items", "before"));
  EXPECT_OK(db->Get("items", "after"));
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(db->Get("items", absl::StrCat("refused", i)).status().code(),
              absl::StatusCode::kNotFound);
  }
  // The event log has no gap: "before" is 1, "after" is 2.
  EXPECT_EQ(db->LastEventSequence(), 2u);
  // RocksDB's diagnostics went to the service log, not into a LOG file on the volume.
  for (const auto& entry : std::filesystem::directory_iterator(options.path)) {
    EXPECT_FALSE(absl::StartsWith(entry.path().filename().string(), "LOG")) << entry.path();
  }
  bool logged_rocksdb_error = false;
  for (const std::string& line : LogLines()) {
    if (absl::StrContains(line, "\"message\":\"rocksdb\"")) logged_rocksdb_error = true;
  }
  EXPECT_TRUE(logged_rocksdb_error)
      << "RocksDB's error about the full volume is in the service log";
}

// Numbers each change it is given, as the audit log numbers the records it
// writes into changes: "c/<n>" → the change's first event sequence, n + 1 per
// change applied, given back when the group's write fails.
class NumberingContributor : public CommitContributor {
 public:
  explicit NumberingContributor(rocksdb::ColumnFamilyHandle* cf) : cf_(cf) {}

  void Contribute(const CommitResult& result, const std::vector<v1::Event>&,
                  rocksdb::WriteBatch* batch) override {
    ++stamped_;
    ASSERT_TRUE(
        batch->Put(cf_, absl::StrCat("c/", stamped_), absl::StrCat(result.first_sequence)).ok());
  }
  void Written(bool applied) override {
    if (applied) {
      written_ = stamped_;
    } else {
      stamped_ = written_;
    }
  }

 private:
  rocksdb::ColumnFamilyHandle* const cf_;
  uint64_t stamped_ = 0;  // committer thread only
  uint64_t written_ = 0;
};

TEST_F(RocksDbFaultsTest, AContributionIsWrittenWithItsChangeOrNotAtAllAndLeavesNoGap) {
  auto* fs = new FullDiskFs();
  std::shared_ptr<rocksdb::FileSystem> fs_ptr(fs);
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs_ptr);
  RocksDbOptions options = Options();
  options.env = env.get();
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<RocksDb> db, RocksDb::Open(options));
  auto numbering = std::make_shared<NumberingContributor>(db->Cf("items"));
  {
    // The scope hands the contributor to the commits made on this thread.
    CommitContributorScope scope(numbering);
    ASSERT_OK(db->Commit(Put(*db, "before")));
    fs->full = true;
    for (int i = 0; i < 5; ++i) {
      ASSERT_FALSE(db->Commit(Put(*db, absl::StrCat("refused", i))).ok());
    }
    fs->full = false;
    absl::Status resumed = absl::UnknownError("not tried");
    for (int i = 0; i < 300 && !resumed.ok(); ++i) {
      resumed = db->Commit(Put(*db, "after")).status();
      if (!resumed.ok()) absl::SleepFor(absl::Milliseconds(100));
    }
    ASSERT_OK(resumed);
  }
  // Outside the scope: no contribution.
  ASSERT_OK(db->Commit(Put(*db, "unscoped")));
  db.reset();

  options.env = nullptr;
  ASSERT_OK_AND_ASSIGN(db, RocksDb::Open(options));
  // The refused changes left neither their keys nor their contributions; the
  // contributions that were written are numbered 1, 2 with no gap, each beside
  // its change (the value is the change's event sequence).
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(db->Get("items", absl::StrCat("refused", i)).status().code(),
              absl::StatusCode::kNotFound);
  }
  ASSERT_OK_AND_ASSIGN(std::string first, db->Get("items", "c/1"));
  EXPECT_EQ(first, "1");
  ASSERT_OK_AND_ASSIGN(std::string second, db->Get("items", "c/2"));
  EXPECT_EQ(second, "2");
  EXPECT_EQ(db->Get("items", "c/3").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(db->LastEventSequence(), 3u);
}

TEST_F(RocksDbFaultsTest, ReportsAnUncleanPreviousRun) {
  RocksDbOptions options = Options();
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<RocksDb> db, RocksDb::Open(options));
    EXPECT_FALSE(db->open_report().previous_run_unclean);
    ASSERT_OK(db->Commit(Put(*db, "k")));
  }
  {
    // Closed properly: clean.
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<RocksDb> db, RocksDb::Open(options));
    EXPECT_FALSE(db->open_report().previous_run_unclean);
    // A copy of the directory taken while it is open is what a crash leaves.
    std::filesystem::copy(options.path, dir_.Sub("crashed"),
                          std::filesystem::copy_options::recursive);
  }
  RocksDbOptions crashed = Options();
  crashed.path = dir_.Sub("crashed");
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<RocksDb> db, RocksDb::Open(crashed));
  EXPECT_TRUE(db->open_report().previous_run_unclean);
  EXPECT_GT(db->open_report().open_duration, absl::ZeroDuration());
  ASSERT_OK_AND_ASSIGN(std::string value, db->Get("items", "k"));
  EXPECT_EQ(value, "v");
}

// The files of `dir` whose name ends with `suffix` (or starts with it, for "MANIFEST").
std::vector<std::filesystem::path> FilesOf(const std::string& dir, absl::string_view part) {
  std::vector<std::filesystem::path> found;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (absl::EndsWith(name, part) || absl::StartsWith(name, part)) found.push_back(entry.path());
  }
  std::sort(found.begin(), found.end());
  return found;
}

void FlipByteAt(const std::filesystem::path& file, uint64_t offset) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(offset);
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x5a);
  f.seekp(offset);
  f.write(&c, 1);
}

TEST_F(RocksDbFaultsTest, AWalTornMidRecordRecoversToTheLastCompleteWrite) {
  RocksDbOptions options = Options();
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<RocksDb> db, RocksDb::Open(options));
    for (int i = 0; i < 50; ++i) ASSERT_OK(db->Commit(Put(*db, absl::StrCat("k", i))));
    // The crash: the directory as it is on disk while open.
    std::filesystem::copy(options.path, dir_.Sub("crashed"),
                          std::filesystem::copy_options::recursive);
  }
  RocksDbOptions crashed = Options();
  crashed.path = dir_.Sub("crashed");
  std::vector<std::filesystem::path> wals = FilesOf(crashed.path, ".log");
  ASSERT_FALSE(wals.empty());
  // Cut the last record in half: the write in progress when the power went.
  const uint64_t size = std::filesystem::file_size(wals.back());
  ASSERT_GT(size, 100u);
  std::filesystem::resize_file(wals.back(), size - 40);

  ASSERT_OK_AND_ASSIGN(std::unique_ptr<RocksDb> db, RocksDb::Open(crashed));
  EXPECT_TRUE(db->open_report().previous_run_unclean);
  // A prefix of the writes, without a gap: all but the torn last one.
  EXPECT_EQ(db->LastEventSequence(), 49u);
  for (int i = 0; i < 49; ++i) EXPECT_OK(db->Get("items", absl::StrCat("k", i))) << i;
  EXPECT_EQ(db->Get("items", "k49").status().code(), absl::StatusCode::kNotFound);
  // And it writes on from there.
  ASSERT_OK_AND_ASSIGN(CommitResult next, db->Commit(Put(*db, "after")));
  EXPECT_EQ(next.first_sequence, 50u);
}

TEST_F(RocksDbFaultsTest, ADamagedTableFileIsFoundAtOpenByName) {
  RocksDbOptions options = Options();
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<RocksDb> db, RocksDb::Open(options));
    for (int i = 0; i < 200; ++i) {
      ASSERT_OK(db->Commit(Put(*db, absl::StrCat("key-", i, std::string(200, 'x')))));
    }
    ASSERT_TRUE(db->db()->Flush(rocksdb::FlushOptions(), db->Cf("items")).ok());
  }
  std::vector<std::filesystem::path> tables = FilesOf(options.path, ".sst");
  ASSERT_FALSE(tables.empty());
  std::filesystem::path largest = tables.front();
  for (const auto& t : tables) {
    if (std::filesystem::file_size(t) > std::filesystem::file_size(largest)) largest = t;
  }
  // A byte inside the first data block, as a bad sector would.
  FlipByteAt(largest, 100);

  absl::StatusOr<std::unique_ptr<RocksDb>> db = RocksDb::Open(options);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kDataLoss) << db.status();
  EXPECT_TRUE(absl::StrContains(db.status().message(), largest.filename().string())) << db.status();
  EXPECT_TRUE(absl::StrContains(db.status().message(), "restore the last good backup"))
      << db.status();
}

TEST_F(RocksDbFaultsTest, ADamagedManifestIsRefusedAtOpenWithTheWayOut) {
  RocksDbOptions options = Options();
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<RocksDb> db, RocksDb::Open(options));
    ASSERT_OK(db->Commit(Put(*db, "k")));
  }
  std::vector<std::filesystem::path> manifests = FilesOf(options.path, "MANIFEST-");
  ASSERT_EQ(manifests.size(), 1u);
  FlipByteAt(manifests[0], std::filesystem::file_size(manifests[0]) / 2);

  absl::StatusOr<std::unique_ptr<RocksDb>> db = RocksDb::Open(options);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kDataLoss) << db.status();
  EXPECT_TRUE(absl::StrContains(db.status().message(), "MANIFEST")) << db.status();
  EXPECT_TRUE(absl::StrContains(db.status().message(), "restore the last good backup"))
      << db.status();
}

TEST(RocksDbInfoLogTest, WarningsAndErrorsGoToTheServiceLogInfoDoesNot) {
  std::vector<std::string> lines;
  Logger log("test", [&](absl::string_view line) { lines.emplace_back(line); });
  std::shared_ptr<rocksdb::Logger> info_log = NewRocksDbInfoLog(log);
  rocksdb::Log(rocksdb::InfoLogLevel::INFO_LEVEL, info_log, "flush %d done", 7);
  rocksdb::Log(rocksdb::InfoLogLevel::WARN_LEVEL, info_log, "stall: %s", "L0 files");
  rocksdb::Log(rocksdb::InfoLogLevel::ERROR_LEVEL, info_log, "background error %d", 28);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(absl::StrContains(lines[0], "\"level\":\"warn\"")) << lines[0];
  EXPECT_TRUE(absl::StrContains(lines[0], "\"rocksdb\":\"stall: L0 files\"")) << lines[0];
  EXPECT_TRUE(absl::StrContains(lines[1], "\"level\":\"error\"")) << lines[1];
  EXPECT_TRUE(absl::StrContains(lines[1], "background error 28")) << lines[1];
}

}  // namespace
}  // namespace ecoplan::common
