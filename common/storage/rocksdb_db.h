#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/log/log.h"
#include "common/time/clock.h"
#include "ecoplan/common/v1/event.pb.h"

namespace ecoplan::common {

// Options for RocksDb::Open.
struct RocksDbOptions {
  // Directory of the database; created if missing.
  std::string path;
  // Column families the service uses, besides "default". The families
  // "events" (the event log), "meta" (counters, request ids) and "audit"
  // (common/audit's AuditLog) always exist.
  std::vector<std::string> column_families;
  // Sync the WAL before acknowledging a commit. Only tests of throughput
  // without durability may turn this off.
  bool sync = true;
  // Name of the emitting service, written into Event.source.
  std::string event_source;
  // Stamps Event.commit_time. Not owned; must outlive the RocksDb. nullptr
  // means the system clock (RocksDb then owns a RealClock).
  const Clock* clock = nullptr;
  // Size of the LRU block cache shared by all column families of this DB.
  size_t block_cache_bytes = 32 << 20;
  // RocksDB environment (file system); nullptr means rocksdb::Env::Default().
  // Not owned; must outlive the RocksDb. Tests use it to inject I/O errors.
  rocksdb::Env* env = nullptr;
  // Receives RocksDB's warnings and errors (common/storage/rocksdb_info_log.h:
  // never a LOG file on the data volume). Not owned; copied at Open. nullptr:
  // a stderr logger named after event_source.
  const Logger* log = nullptr;
  // Called on the committer thread after every group write that reached
  // RocksDB, with its outcome (OK, or the error every request of the group
  // got). Must be quick and must not block. For the storage metrics and the
  // log line when writes start and stop failing (ServerFoundation).
  std::function<void(const absl::Status&)> on_group_written;
};

// What RocksDb::Open found.
struct OpenReport {
  // True when the previous process did not close the database (a crash, a
  // kill, a power loss): RocksDB replayed its write-ahead log.
  bool previous_run_unclean = false;
  // How long opening took, WAL replay included.
  absl::Duration open_duration;
};

// Outcome of a durable commit.
struct CommitResult {
  // Sequence of the change's first and last event; both 0 when it had none.
  uint64_t first_sequence = 0;
  uint64_t last_sequence = 0;
  // The commit time stamped on the events.
  absl::Time commit_time;
};

// Something that adds its own records to the batch of a change, on the
// committer thread, in commit order: the audit record of the call that makes
// the change (common/audit/audit_log.h), whose sequence and chain hash must
// follow the previous record's in the order the records are written.
//
// Contribute() runs once the request's batch is in the group and its events
// have their sequences and commit time; it may Put into `batch` (the group's
// batch, so its records are applied atomically with the change) and must be
// quick. Written() then runs, before the request's `done`, with whether the
// group's write was applied; it is not called when Contribute() was not (a
// request refused alone, see RocksDb::Commit). Both run on the committer
// thread only.
class CommitContributor {
 public:
  virtual ~CommitContributor() = default;
  virtual void Contribute(const CommitResult& result,
                          const std::vector<ecoplan::common::v1::Event>& events,
                          rocksdb::WriteBatch* batch) = 0;
  virtual void Written(bool applied) = 0;
};

// What one logical change writes: its keys and its events, applied atomically.
struct WriteRequest {
  rocksdb::WriteBatch batch;
  // Events of the change. `sequence`, `commit_time` and `source` are filled
  // in by the committer, in commit order.
  std::vector<ecoplan::common::v1::Event> events;
  // Adds its records to this request's batch at commit (may be null). When
  // null, RocksDb::CommitAsync takes the CommitContributorScope active on the
  // calling thread, if any.
  std::shared_ptr<CommitContributor> contributor;
};

// While alive, every WriteRequest committed from this thread without a
// contributor of its own gets `contributor`. The audit capture opens one
// around a call's handler, so that the change the handler commits carries the
// call's audit record in its own batch (docs/SECURITY.md "Audit"). Scopes
// nest (the inner one wins until it ends). Not movable; ends on its thread.
class CommitContributorScope {
 public:
  explicit CommitContributorScope(std::shared_ptr<CommitContributor> contributor);
  ~CommitContributorScope();
  CommitContributorScope(const CommitContributorScope&) = delete;
  CommitContributorScope& operator=(const CommitContributorScope&) = delete;

  // The contributor of the innermost scope on this thread, or null.
  static const std::shared_ptr<CommitContributor>* Current();

 private:
  std::shared_ptr<CommitContributor> contributor_;
  const std::shared_ptr<CommitContributor>* previous_;
};

// A RocksDB database with column families, a group-committing writer and an
// event log.
//
// Writes go through one committer thread: it takes every WriteRequest that is
// waiting, assigns event sequences in order, appends each event under
// "events" as key <sequence: 8 bytes big-endian> → serialized common.v1.Event,
// and applies all of them in one synced write. A caller is answered only once
// its write is on disk. Event sequences therefore become visible in order
// with no gaps. The last sequence is also kept in "meta" under "event_seq".
// A request's CommitContributor (the call's audit record) adds its records to
// the same group batch, after the request's events got their sequences.
//
// Thread-safe. Reads go straight to RocksDB and see only committed data.
class RocksDb {
 public:
  // Opens (creating if needed) the database, replaying its write-ahead log up
  // to the last complete record (a torn tail, the write in progress at a
  // crash, was never acknowledged), and reads every table file once to check
  // its checksums. Errors: DataLoss when a file is damaged (the message names
  // it and says to restore a backup), Internal / Unavailable from RocksDB,
  // InvalidArgument for an empty path.
  static absl::StatusOr<std::unique_ptr<RocksDb>> Open(const RocksDbOptions& options);

  // Drains pending writes, stops the committer and closes the database.
  ~RocksDb();

  RocksDb(const RocksDb&) = delete;
  RocksDb& operator=(const RocksDb&) = delete;

  rocksdb::DB* db() const;
  // What opening found (an unclean previous run, the time it took).
  const OpenReport& open_report() const;
  // The handle of a column family given at Open (or "default", "events", "meta", "audit").
  // Crashes on an unknown name: that is a programming error.
  rocksdb::ColumnFamilyHandle* Cf(absl::string_view name) const;

  // Reads one key. Errors: NotFound, or the mapped RocksDB error.
  absl::StatusOr<std::string> Get(absl::string_view cf, absl::string_view key) const;

  // Commits durably, blocking until the write is synced. Errors: Unavailable
  // after Shutdown(); InvalidArgument if the batch holds records other than
  // Put/Delete/SingleDelete/DeleteRange/PutLogData (only that request
  // fails); ResourceExhausted ("disk full: …") while the volume is full —
  // RocksDB resumes writing by itself once space returns —, Unavailable for
  // other I/O errors, Internal / DataLoss from RocksDB. On any error nothing of the
  // request is applied; if the grouped write fails, every request of the group
  // gets the same error. Must not be called from a `done` callback or a commit
  // listener (they run on the committer thread: it would deadlock).
  absl::StatusOr<CommitResult> Commit(WriteRequest request);
  // Same, answering through `done` on the committer thread (or inline with
  // Unavailable after Shutdown()). `done` must be quick and must not block.
  void CommitAsync(WriteRequest request, std::function<void(absl::StatusOr<CommitResult>)> done);

  // Sequence of the last committed event, 0 when there is none.
  uint64_t LastEventSequence() const;
  // Up to `limit` committed events with sequence > after, in order.
  absl::StatusOr<std::vector<ecoplan::common::v1::Event>> ReadEvents(uint64_t after,
                                                                     size_t limit) const;
  // Calls `listener(last_sequence)` on the committer thread after every commit
  // that added events, once the events are readable and LastEventSequence()
  // returns at least `last_sequence`. Returns an id for RemoveCommitListener.
  // `listener` must be quick and must not block (no I/O, no Commit).
  uint64_t AddCommitListener(std::function<void(uint64_t)> listener);
  // Removes a listener. When it returns (from any thread other than the
  // committer), the listener is not running and will not be called again, so
  // what it captured may be destroyed. Therefore never call it while holding a
  // lock that the listener takes. Unknown ids are ignored.
  void RemoveCommitListener(uint64_t id);

  // Writes a consistent RocksDB checkpoint (hard links where possible) into
  // `dir`, which must not exist; the result opens with RocksDb::Open (same
  // column families). Errors: AlreadyExists, Internal.
  absl::Status Checkpoint(const std::string& dir) const;

  // Refuses new commits with Unavailable, commits the pending ones and stops
  // the committer. Reads keep working until destruction. Idempotent.
  void Shutdown();

 private:
  class Impl;
  explicit RocksDb(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ecoplan::common
