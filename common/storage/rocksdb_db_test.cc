#include "common/storage/rocksdb_db.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/storage/key_codec.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"

namespace ecoplan::common {
namespace {

namespace v1 = ::ecoplan::common::v1;

// EXPECT_STATUS_CODE in status_matchers.h names its parameter `code`, which
// also replaces the `.code()` call inside it; this local one avoids that.
#define EXPECT_CODE(expr, expected)                                        \
  EXPECT_EQ(::ecoplan::testing_internal::GetStatus(expr).code(), expected) \
      << ::ecoplan::testing_internal::GetStatus(expr)

// Returns a new second on every call, so that the commit time of an event
// tells which group (one Now() per group) committed it.
class TickingClock final : public Clock {
 public:
  absl::Time Now() const override {
    return absl::FromUnixSeconds(1774915200 + ticks_.fetch_add(1));
  }

 private:
  mutable std::atomic<int64_t> ticks_{0};
};

// A file system whose WAL appends fail while `fail` is set.
class FailingWalFs : public rocksdb::FileSystemWrapper {
 public:
  class File : public rocksdb::FSWritableFileWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile> file, const std::atomic<bool>* fail)
        : FSWritableFileWrapper(file.get()), owned_(std::move(file)), fail_(fail) {}
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
      if (*fail_) return rocksdb::IOStatus::IOError("injected WAL failure");
      return FSWritableFileWrapper::Append(data, options, dbg);
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             const rocksdb::DataVerificationInfo& info,
                             rocksdb::IODebugContext* dbg) override {
      if (*fail_) return rocksdb::IOStatus::IOError("injected WAL failure");
      return FSWritableFileWrapper::Append(data, options, info, dbg);
    }

   private:
    std::unique_ptr<rocksdb::FSWritableFile> owned_;
    const std::atomic<bool>* fail_;
  };

  FailingWalFs() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  const char* Name() const override { return "FailingWalFs"; }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->NewWritableFile(name, options, result, dbg);
    if (s.ok() && absl::EndsWith(name, ".log")) {
      *result = std::make_unique<File>(std::move(*result), &fail);
    }
    return s;
  }

  std::atomic<bool> fail{false};
};

v1::Event TestEvent(absl::string_view resource) {
  v1::Event event;
  event.set_type("ecoplan.testing.v1.Thing");
  event.set_resource(std::string(resource));
  return event;
}

WriteRequest PutWithEvents(absl::string_view key, absl::string_view value, int events,
                           RocksDb& db) {
  WriteRequest request;
  EXPECT_TRUE(request.batch
                  .Put(db.Cf("items"), rocksdb::Slice(key.data(), key.size()),
                       rocksdb::Slice(value.data(), value.size()))
                  .ok());
  for (int i = 0; i < events; ++i) request.events.push_back(TestEvent(absl::StrCat(key, "#", i)));
  return request;
}

class RocksDbTest : public ::testing::Test {
 protected:
  RocksDbOptions Options() {
    RocksDbOptions options;
    options.path = dir_.Sub("db");
    options.column_families = {"items"};
    options.event_source = "ecoplan.testing.v1.TestService";
    options.clock = &clock_;
    return options;
  }

  std::unique_ptr<RocksDb> OpenDb() {
    absl::StatusOr<std::unique_ptr<RocksDb>> db = RocksDb::Open(Options());
    EXPECT_OK(db);
    return db.ok() ? std::move(*db) : nullptr;
  }

  std::vector<v1::Event> AllEvents(RocksDb& db) {
    std::vector<v1::Event> all;
    uint64_t after = 0;
    while (true) {
      absl::StatusOr<std::vector<v1::Event>> page = db.ReadEvents(after, 100);
      EXPECT_OK(page);
      if (!page.ok() || page->empty()) return all;
      after = page->back().sequence();
      for (auto& e : *page) all.push_back(std::move(e));
    }
  }

  TempDir dir_;
  TickingClock clock_;
};

TEST_F(RocksDbTest, OpensWithServiceAndBuiltInColumnFamilies) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  for (const char* name : {"default", "events", "meta", "items"}) {
    EXPECT_EQ(db->Cf(name)->GetName(), name);
  }
  EXPECT_EQ(db->LastEventSequence(), 0u);
  EXPECT_CODE(db->Get("items", "missing"), absl::StatusCode::kNotFound);
}

TEST_F(RocksDbTest, RejectsEmptyPath) {
  EXPECT_CODE(RocksDb::Open(RocksDbOptions{}), absl::StatusCode::kInvalidArgument);
}

TEST_F(RocksDbTest, CommitsKeysAndEventsTogether) {
  auto db = OpenDb();
  ASSERT_OK_AND_ASSIGN(CommitResult first, db->Commit(PutWithEvents("i/a", "A", 2, *db)));
  EXPECT_EQ(first.first_sequence, 1u);
  EXPECT_EQ(first.last_sequence, 2u);
  ASSERT_OK_AND_ASSIGN(CommitResult no_events, db->Commit(PutWithEvents("i/b", "B", 0, *db)));
  EXPECT_EQ(no_events.first_sequence, 0u);
  EXPECT_EQ(no_events.last_sequence, 0u);
  ASSERT_OK_AND_ASSIGN(CommitResult third, db->Commit(PutWithEvents("i/c", "C", 1, *db)));
  EXPECT_EQ(third.first_sequence, 3u);

  EXPECT_EQ(*db->Get("items", "i/a"), "A");
  EXPECT_EQ(*db->Get("items", "i/b"), "B");
  EXPECT_EQ(db->LastEventSequence(), 3u);
  EXPECT_EQ(DecodeUint64(*db->Get("meta", "event_seq")), 3u);

  std::vector<v1::Event> events = AllEvents(*db);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].resource(), "i/a#0");
  EXPECT_EQ(events[1].resource(), "i/a#1");
  EXPECT_EQ(events[2].resource(), "i/c#0");
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].sequence(), i + 1);
    EXPECT_EQ(events[i].source(), "ecoplan.testing.v1.TestService");
  }
  EXPECT_EQ(google::protobuf::util::TimeUtil::TimestampToSeconds(events[0].commit_time()),
            absl::ToUnixSeconds(first.commit_time));
  EXPECT_EQ(*db->Get("events", EncodeUint64(3)), events[2].SerializeAsString());

  ASSERT_OK_AND_ASSIGN(auto after_two, db->ReadEvents(2, 10));
  ASSERT_EQ(after_two.size(), 1u);
  EXPECT_EQ(after_two[0].sequence(), 3u);
  ASSERT_OK_AND_ASSIGN(auto limited, db->ReadEvents(0, 2));
  EXPECT_EQ(limited.size(), 2u);
}

TEST_F(RocksDbTest, CommitsEverythingWaitingInOneSyncedWrite) {
  auto db = OpenDb();
  // The first request's callback holds the committer, so the next requests
  // all queue up behind it and must be taken as one group.
  absl::Notification release;
  absl::Notification first_entered;
  absl::Notification first_done;
  db->CommitAsync(PutWithEvents("i/first", "x", 1, *db), [&](absl::StatusOr<CommitResult> r) {
    EXPECT_OK(r);
    first_entered.Notify();
    release.WaitForNotification();
    first_done.Notify();
  });
  // Only once the committer is inside the first callback: otherwise, on a
  // busy machine, it may wake late and take some of the queue with the first.
  first_entered.WaitForNotification();
  constexpr int kQueued = 50;
  absl::Mutex mu;
  std::vector<CommitResult> results(kQueued);
  int answered = 0;
  for (int i = 0; i < kQueued; ++i) {
    db->CommitAsync(PutWithEvents(absl::StrCat("i/", i), "v", 1, *db),
                    [&, i](absl::StatusOr<CommitResult> r) {
                      ASSERT_OK(r);
                      absl::MutexLock lock(&mu);
                      results[i] = *r;
                      ++answered;
                    });
  }
  release.Notify();
  first_done.WaitForNotification();
  {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(
        +[](int* n) { return *n == kQueued; }, &answered));
  }
  for (int i = 0; i < kQueued; ++i) {
    // Queue order is commit order, and one Now() per group: one commit time.
    EXPECT_EQ(results[i].first_sequence, static_cast<uint64_t>(i + 2));
    EXPECT_EQ(results[i].commit_time, results[0].commit_time);
  }
}

TEST_F(RocksDbTest, ConcurrentCommitsGetEverySequenceOnceInCommitOrder) {
  auto db = OpenDb();
  constexpr int kThreads = 8;
  constexpr int kPerThread = 60;
  std::vector<std::vector<CommitResult>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // Some requests carry no events and some two, to exercise the numbering.
        const int events = (i % 5 == 0) ? 0 : (i % 7 == 0 ? 2 : 1);
        absl::StatusOr<CommitResult> r =
            db->Commit(PutWithEvents(absl::StrCat("t", t, "/", i), "v", events, *db));
        ASSERT_OK(r);
        results[t].push_back(*r);
      }
    });
  }
  for (auto& th : threads) th.join();

  std::vector<v1::Event> events = AllEvents(*db);
  ASSERT_EQ(events.size(), db->LastEventSequence());
  std::map<uint64_t, const v1::Event*> by_seq;
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].sequence(), i + 1);  // 1..N, each once, in order.
    by_seq[events[i].sequence()] = &events[i];
  }
  std::set<int64_t> groups;
  for (int t = 0; t < kThreads; ++t) {
    uint64_t previous = 0;
    for (int i = 0; i < kPerThread; ++i) {
      const CommitResult& r = results[t][i];
      EXPECT_OK(db->Get("items", absl::StrCat("t", t, "/", i)));
      groups.insert(absl::ToUnixSeconds(r.commit_time));
      if (r.first_sequence == 0) continue;
      // A thread's later commit comes later in the log.
      EXPECT_GT(r.first_sequence, previous);
      previous = r.last_sequence;
      for (uint64_t s = r.first_sequence; s <= r.last_sequence; ++s) {
        ASSERT_EQ(by_seq.count(s), 1u);
        EXPECT_EQ(by_seq[s]->resource(), absl::StrCat("t", t, "/", i, "#", s - r.first_sequence));
        EXPECT_EQ(google::protobuf::util::TimeUtil::TimestampToSeconds(by_seq[s]->commit_time()),
                  absl::ToUnixSeconds(r.commit_time));
      }
    }
  }
  // How much grouping happens depends on the disk; the deterministic check is
  // CommitsEverythingWaitingInOneSyncedWrite.
  RecordProperty("groups", static_cast<int>(groups.size()));
}

TEST_F(RocksDbTest, FailedGroupAppliesNothingAndAnswersEveryone) {
  FailingWalFs* fs = new FailingWalFs();
  std::shared_ptr<rocksdb::FileSystem> fs_ptr(fs);
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs_ptr);
  RocksDbOptions options = Options();
  options.env = env.get();
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<RocksDb> db, RocksDb::Open(options));
  ASSERT_OK(db->Commit(PutWithEvents("i/ok", "v", 1, *db)));

  absl::Notification release;
  absl::Notification held;
  db->CommitAsync(PutWithEvents("i/hold", "v", 0, *db), [&](absl::StatusOr<CommitResult> r) {
    held.Notify();
    release.WaitForNotification();
  });
  held.WaitForNotification();
  fs->fail = true;
  constexpr int kQueued = 5;
  absl::Mutex mu;
  std::vector<absl::Status> statuses;
  for (int i = 0; i < kQueued; ++i) {
    db->CommitAsync(PutWithEvents(absl::StrCat("i/bad", i), "v", 1, *db),
                    [&](absl::StatusOr<CommitResult> r) {
                      absl::MutexLock lock(&mu);
                      statuses.push_back(r.status());
                    });
  }
  release.Notify();
  {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(
        +[](std::vector<absl::Status>* s) { return s->size() == kQueued; }, &statuses));
  }
  for (const absl::Status& s : statuses) EXPECT_FALSE(s.ok());
  for (int i = 0; i < kQueued; ++i) {
    EXPECT_CODE(db->Get("items", absl::StrCat("i/bad", i)), absl::StatusCode::kNotFound);
  }
  EXPECT_EQ(db->LastEventSequence(), 1u);
  EXPECT_EQ(AllEvents(*db).size(), 1u);
  fs->fail = false;
  db.reset();

  options.env = nullptr;
  ASSERT_OK_AND_ASSIGN(db, RocksDb::Open(options));
  EXPECT_EQ(db->LastEventSequence(), 1u);
  EXPECT_OK(db->Get("items", "i/ok"));
  EXPECT_CODE(db->Get("items", "i/bad0"), absl::StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(CommitResult next, db->Commit(PutWithEvents("i/next", "v", 1, *db)));
  EXPECT_EQ(next.first_sequence, 2u);  // No gap where the failed group was.
}

TEST_F(RocksDbTest, UnsupportedBatchRecordFailsOnlyItsRequest) {
  auto db = OpenDb();
  WriteRequest merge;
  ASSERT_TRUE(merge.batch.Merge(db->Cf("items"), "i/m", "x").ok());
  merge.events.push_back(TestEvent("m"));
  EXPECT_CODE(db->Commit(std::move(merge)), absl::StatusCode::kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(CommitResult r, db->Commit(PutWithEvents("i/a", "A", 1, *db)));
  EXPECT_EQ(r.first_sequence, 1u);
  EXPECT_CODE(db->Get("items", "i/m"), absl::StatusCode::kNotFound);
}

TEST_F(RocksDbTest, DataAndLastSequenceSurviveReopen) {
  {
    auto db = OpenDb();
    for (int i = 0; i < 5; ++i)
      ASSERT_OK(db->Commit(PutWithEvents(absl::StrCat("i/", i), "v", 2, *db)));
  }
  auto db = OpenDb();
  EXPECT_EQ(db->LastEventSequence(), 10u);
  EXPECT_EQ(*db->Get("items", "i/4"), "v");
  ASSERT_OK_AND_ASSIGN(CommitResult r, db->Commit(PutWithEvents("i/5", "v", 1, *db)));
  EXPECT_EQ(r.first_sequence, 11u);
  EXPECT_EQ(AllEvents(*db).size(), 11u);
}

TEST_F(RocksDbTest, CheckpointOpensWithTheData) {
  auto db = OpenDb();
  ASSERT_OK(db->Commit(PutWithEvents("i/a", "A", 3, *db)));
  const std::string checkpoint = dir_.Sub("checkpoint");
  ASSERT_OK(db->Checkpoint(checkpoint));
  EXPECT_CODE(db->Checkpoint(checkpoint), absl::StatusCode::kAlreadyExists);
  ASSERT_OK(db->Commit(PutWithEvents("i/b", "B", 1, *db)));  // After the checkpoint.

  RocksDbOptions options = Options();
  options.path = checkpoint;
  ASSERT_OK_AND_ASSIGN(auto copy, RocksDb::Open(options));
  EXPECT_EQ(*copy->Get("items", "i/a"), "A");
  EXPECT_CODE(copy->Get("items", "i/b"), absl::StatusCode::kNotFound);
  EXPECT_EQ(copy->LastEventSequence(), 3u);
  EXPECT_EQ(AllEvents(*copy).size(), 3u);
}

TEST_F(RocksDbTest, CommitAfterShutdownIsUnavailable) {
  auto db = OpenDb();
  ASSERT_OK(db->Commit(PutWithEvents("i/a", "A", 1, *db)));
  db->Shutdown();
  db->Shutdown();  // Idempotent.
  EXPECT_CODE(db->Commit(PutWithEvents("i/b", "B", 1, *db)), absl::StatusCode::kUnavailable);
  EXPECT_EQ(*db->Get("items", "i/a"), "A");  // Reads still work.
}

TEST_F(RocksDbTest, ShutdownDrainsPendingCommits) {
  auto db = OpenDb();
  absl::Notification release;
  db->CommitAsync(PutWithEvents("i/hold", "v", 1, *db),
                  [&](absl::StatusOr<CommitResult>) { release.WaitForNotification(); });
  std::atomic<int> ok{0};
  for (int i = 0; i < 10; ++i) {
    db->CommitAsync(PutWithEvents(absl::StrCat("i/", i), "v", 1, *db),
                    [&](absl::StatusOr<CommitResult> r) { ok += r.ok(); });
  }
  std::thread shutdown([&] { db->Shutdown(); });
  release.Notify();
  shutdown.join();
  EXPECT_EQ(ok.load(), 10);
  EXPECT_EQ(db->LastEventSequence(), 11u);
}

TEST_F(RocksDbTest, ListenersSeeEveryCommitAndCanBeRemoved) {
  auto db = OpenDb();
  absl::Mutex mu;
  std::vector<uint64_t> seen;
  const uint64_t id = db->AddCommitListener([&](uint64_t last) {
    EXPECT_GE(db->LastEventSequence(), last);
    EXPECT_EQ(db->ReadEvents(last - 1, 1)->size(), 1u);  // Already readable.
    absl::MutexLock lock(&mu);
    seen.push_back(last);
  });
  ASSERT_OK(db->Commit(PutWithEvents("i/a", "A", 2, *db)));
  ASSERT_OK(db->Commit(PutWithEvents("i/b", "B", 0, *db)));  // No events: no call.
  ASSERT_OK(db->Commit(PutWithEvents("i/c", "C", 1, *db)));
  db->RemoveCommitListener(id);
  ASSERT_OK(db->Commit(PutWithEvents("i/d", "D", 1, *db)));
  absl::MutexLock lock(&mu);
  EXPECT_THAT(seen, ::testing::ElementsAre(2u, 3u));
}

TEST_F(RocksDbTest, ListenerMayRemoveItself) {
  auto db = OpenDb();
  std::atomic<int> calls{0};
  uint64_t id = 0;
  id = db->AddCommitListener([&](uint64_t) {
    ++calls;
    db->RemoveCommitListener(id);
  });
  ASSERT_OK(db->Commit(PutWithEvents("i/a", "A", 1, *db)));
  ASSERT_OK(db->Commit(PutWithEvents("i/b", "B", 1, *db)));
  EXPECT_EQ(calls.load(), 1);
}

}  // namespace
}  // namespace ecoplan::common
