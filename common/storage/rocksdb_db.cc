#include "common/storage/rocksdb_db.h"

#include <google/protobuf/timestamp.pb.h>
#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/mapping/proto_values.h"
#include "common/status/rocksdb_status.h"
#include "common/storage/key_codec.h"
#include "common/storage/rocksdb_info_log.h"

namespace ecoplan::common {
namespace {

namespace v1 = ::ecoplan::common::v1;

constexpr char kEventsCf[] = "events";
constexpr char kMetaCf[] = "meta";
// Written by common/audit's AuditLog; created here so that every service's
// database has it without listing it, and backups carry it.
constexpr char kAuditCf[] = "audit";
constexpr char kEventSeqKey[] = "event_seq";
// In the database directory while a process has it open (OpenReport).
constexpr char kOpenMarker[] = "ECOPLAN-OPEN";
constexpr int kMaxOpenTableFiles = 256;

using DoneFn = std::function<void(absl::StatusOr<CommitResult>)>;

// Picks the best compression this librocksdb was built with. LZ4 is cheap
// enough to leave on for every level of a small service's data.
rocksdb::CompressionType BestCompression() {
  const std::vector<rocksdb::CompressionType> supported = rocksdb::GetSupportedCompressions();
  for (rocksdb::CompressionType wanted : {rocksdb::kLZ4Compression, rocksdb::kSnappyCompression}) {
    for (rocksdb::CompressionType have : supported) {
      if (have == wanted) return wanted;
    }
  }
  return rocksdb::kNoCompression;
}

// Options shared by every column family: one LRU block cache (so the memory
// bound is per DB, not per family), bloom filters for point lookups (request
// ids, entities by id), index and filter blocks kept in the cache so they are
// bounded too.
rocksdb::ColumnFamilyOptions MakeCfOptions(const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  table.format_version = 5;
  rocksdb::ColumnFamilyOptions cf;
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf.compression = BestCompression();
  cf.write_buffer_size = 16 << 20;
  cf.max_write_buffer_number = 3;
  cf.level_compaction_dynamic_level_bytes = true;
  return cf;
}

rocksdb::DBOptions MakeDbOptions(std::shared_ptr<rocksdb::Logger> info_log) {
  rocksdb::DBOptions db;
  db.info_log = std::move(info_log);
  db.create_if_missing = true;
  db.create_missing_column_families = true;
  // Two cores at most per service: one flush and one compaction.
  db.max_background_jobs = 2;
  // Every acknowledged write was synced before its answer, so after a crash
  // the WAL holds all of them followed, at worst, by a torn tail (the write in
  // progress, never acknowledged). kPointInTimeRecovery replays up to the first
  // bad record and opens: it loses only unacknowledged data. kAbsoluteConsistency
  // would refuse to open after an ordinary power loss, making the service
  // unavailable until an operator intervenes, for no gain in durability.
  db.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  // Bounds the WAL when a column family (e.g. "meta") is written rarely: older
  // memtables are flushed once the WAL exceeds this.
  db.max_total_wal_size = 64 << 20;
  // The table cache keeps at most this many SST files open (the default, -1, keeps every one: a
  // service's descriptors then grow with its data, 551 for a 1.9 GB database in the soak). Index
  // and filter blocks live in the block cache, so reopening an evicted table is one footer read.
  db.max_open_files = kMaxOpenTableFiles;
  db.keep_log_file_num = 5;
  db.max_log_file_size = 16 << 20;
  return db;
}

// Copies every record of a request's batch into the group's batch. The public
// WriteBatch API has no Append, so the records are replayed through a Handler.
class BatchCopier : public rocksdb::WriteBatch::Handler {
 public:
  BatchCopier(rocksdb::WriteBatch* out,
              const absl::flat_hash_map<uint32_t, rocksdb::ColumnFamilyHandle*>* cfs)
      : out_(out), cfs_(cfs) {}

  rocksdb::Status PutCF(uint32_t id, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    rocksdb::ColumnFamilyHandle* cf;
    if (!Find(id, &cf)) return Unknown(id);
    return out_->Put(cf, key, value);
  }
  rocksdb::Status DeleteCF(uint32_t id, const rocksdb::Slice& key) override {
    rocksdb::ColumnFamilyHandle* cf;
    if (!Find(id, &cf)) return Unknown(id);
    return out_->Delete(cf, key);
  }
  rocksdb::Status SingleDeleteCF(uint32_t id, const rocksdb::Slice& key) override {
    rocksdb::ColumnFamilyHandle* cf;
    if (!Find(id, &cf)) return Unknown(id);
    return out_->SingleDelete(cf, key);
  }
  rocksdb::Status DeleteRangeCF(uint32_t id, const rocksdb::Slice& begin,
                                const rocksdb::Slice& end) override {
    rocksdb::ColumnFamilyHandle* cf;
    if (!Find(id, &cf)) return Unknown(id);
    return out_->DeleteRange(cf, begin, end);
  }
  // No column family has a merge operator: a Merge would pass the WAL and then
  // fail in the memtable, leaving the DB read-only and the WAL unreplayable.
  rocksdb::Status MergeCF(uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
    return rocksdb::Status::InvalidArgument("Merge is not supported (no merge operator)");
  }
  void LogData(const rocksdb::Slice& blob) override { out_->PutLogData(blob); }

 private:
  bool Find(uint32_t id, rocksdb::ColumnFamilyHandle** cf) const {
    auto it = cfs_->find(id);
    if (it == cfs_->end()) return false;
    *cf = it->second;
    return true;
  }
  static rocksdb::Status Unknown(uint32_t id) {
    return rocksdb::Status::InvalidArgument(absl::StrCat("unknown column family id ", id));
  }

  rocksdb::WriteBatch* out_;
  const absl::flat_hash_map<uint32_t, rocksdb::ColumnFamilyHandle*>* cfs_;
};

}  // namespace

class RocksDb::Impl {
 public:
  struct Pending {
    WriteRequest request;
    DoneFn done;
  };

  explicit Impl(const RocksDbOptions& options) : options_(options) {
    if (options_.clock == nullptr) {
      owned_clock_ = std::make_unique<RealClock>();
      options_.clock = owned_clock_.get();
    }
  }

  ~Impl() {
    Shutdown();
    if (db_ != nullptr) {
      for (auto& [name, handle] : cf_by_name_) {
        db_->DestroyColumnFamilyHandle(handle);
      }
      cf_by_name_.clear();
      const bool closed = db_->Close().ok();
      delete db_;
      std::error_code ec;
      if (closed && !marker_.empty()) std::filesystem::remove(marker_, ec);
    }
  }

  absl::Status Open() {
    cache_ = rocksdb::NewLRUCache(options_.block_cache_bytes);
    const rocksdb::ColumnFamilyOptions cf_options = MakeCfOptions(cache_);
    rocksdb::DBOptions db_options = MakeDbOptions(NewRocksDbInfoLog(
        options_.log != nullptr
            ? *options_.log
            : Logger(options_.event_source.empty() ? "storage" : options_.event_source)));
    if (options_.env != nullptr) db_options.env = options_.env;

    std::vector<std::string> names = {rocksdb::kDefaultColumnFamilyName, kEventsCf, kMetaCf,
                                      kAuditCf};
    for (const std::string& name : options_.column_families) {
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
    // Column families that exist on disk but that this version no longer lists
    // must still be opened (RocksDB refuses otherwise); they are kept as-is.
    std::vector<std::string> existing;
    if (rocksdb::DB::ListColumnFamilies(db_options, options_.path, &existing).ok()) {
      for (const std::string& name : existing) {
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
      }
    }
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const std::string& name : names) descriptors.emplace_back(name, cf_options);

    std::error_code ec;
    std::filesystem::create_directories(options_.path, ec);
    if (ec) {
      return absl::InternalError(
          absl::StrCat("create directory ", options_.path, ": ", ec.message()));
    }
    // The marker exists while a process has the database open: found at
    // start, the previous run ended without closing it.
    const std::filesystem::path marker = std::filesystem::path(options_.path) / kOpenMarker;
    report_.previous_run_unclean = std::filesystem::exists(marker, ec);
    const absl::Time started = absl::Now();
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::Status s = rocksdb::DB::Open(db_options, options_.path, descriptors, &handles, &db_);
    report_.open_duration = absl::Now() - started;
    if (!s.ok()) {
      db_ = nullptr;
      return OpenFailure(s);
    }
    // Every table file read once: a damaged SST is found now, with its name,
    // not by the first read that touches it (a partial database, silently).
    // The databases are small (tens of MB); OpenReport.open_duration tells.
    s = db_->VerifyChecksum();
    if (!s.ok()) {
      for (rocksdb::ColumnFamilyHandle* handle : handles) db_->DestroyColumnFamilyHandle(handle);
      db_->Close().PermitUncheckedError();
      delete db_;
      db_ = nullptr;
      return OpenFailure(s);
    }
    report_.open_duration = absl::Now() - started;
    // Best effort: on a full volume the marker may not be written; the
    // database itself is what matters.
    std::ofstream(marker).put('\n');
    marker_ = marker;
    for (size_t i = 0; i < handles.size(); ++i) {
      cf_by_name_[names[i]] = handles[i];
      cf_by_id_[handles[i]->GetID()] = handles[i];
    }
    events_cf_ = cf_by_name_[kEventsCf];
    meta_cf_ = cf_by_name_[kMetaCf];
    return RecoverLastSequence();
  }

  // A database that does not open says which file is at fault (RocksDB's
  // message names it) and the way out.
  absl::Status OpenFailure(const rocksdb::Status& s) const {
    const absl::Status status = FromRocksDb(s, absl::StrCat("open ", options_.path));
    if (!s.IsCorruption()) return status;
    return absl::DataLossError(absl::StrCat(
        status.message(),
        "; the database is damaged: restore the last good backup into an empty directory "
        "(docs/OPERATIONS.md, \"Backup and restore\"); do not delete files from it"));
  }

  // The last sequence is the larger of the "meta" counter and the last key of
  // "events": both are written in the same batch so they agree, but if events
  // are ever pruned the counter still remembers, and if the counter were lost
  // the log itself still tells.
  absl::Status RecoverLastSequence() {
    uint64_t last = 0;
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), meta_cf_, kEventSeqKey, &value);
    if (s.ok()) {
      std::optional<uint64_t> decoded = DecodeUint64(value);
      if (!decoded) return absl::DataLossError("meta/event_seq is not 8 bytes");
      last = *decoded;
    } else if (!s.IsNotFound()) {
      return FromRocksDb(s, "read meta/event_seq");
    }
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), events_cf_));
    it->SeekToLast();
    if (it->Valid()) {
      std::optional<uint64_t> decoded =
          DecodeUint64(absl::string_view(it->key().data(), it->key().size()));
      if (!decoded) return absl::DataLossError("events key is not 8 bytes");
      last = std::max(last, *decoded);
    }
    if (!it->status().ok()) return FromRocksDb(it->status(), "scan events");
    last_sequence_.store(last);
    next_sequence_ = last + 1;
    committer_ = std::thread([this] { CommitterLoop(); });
    committer_id_ = committer_.get_id();
    return absl::OkStatus();
  }

  rocksdb::DB* db() const { return db_; }
  const OpenReport& report() const { return report_; }

  rocksdb::ColumnFamilyHandle* Cf(absl::string_view name) const {
    auto it = cf_by_name_.find(std::string(name));
    if (it == cf_by_name_.end()) {
      std::fprintf(stderr, "RocksDb::Cf: unknown column family \"%.*s\"\n",
                   static_cast<int>(name.size()), name.data());
      std::abort();
    }
    return it->second;
  }

  void CommitAsync(WriteRequest request, DoneFn done) {
    if (request.contributor == nullptr) {
      if (const std::shared_ptr<CommitContributor>* current = CommitContributorScope::Current()) {
        request.contributor = *current;
      }
    }
    {
      absl::MutexLock lock(&queue_mu_);
      if (!stopping_) {
        queue_.push_back(Pending{std::move(request), std::move(done)});
        return;
      }
    }
    done(absl::UnavailableError("database is shutting down"));
  }

  uint64_t LastEventSequence() const { return last_sequence_.load(std::memory_order_acquire); }

  uint64_t AddCommitListener(std::function<void(uint64_t)> listener) {
    absl::MutexLock lock(&listeners_mu_);
    const uint64_t id = ++next_listener_id_;
    listeners_.emplace(id, std::make_shared<std::function<void(uint64_t)>>(std::move(listener)));
    return id;
  }

  void RemoveCommitListener(uint64_t id) {
    absl::MutexLock lock(&listeners_mu_);
    listeners_.erase(id);
    // A notification round may hold a copy of the listener. Wait until that
    // round is over, unless this is the committer itself (a listener removing
    // itself), which would wait for its own return.
    if (!notifying_ || std::this_thread::get_id() == committer_id_) return;
    struct RoundOver {
      const Impl* impl;
      uint64_t round;
      bool Done() const { return impl->completed_round_ >= round; }
    };
    const RoundOver round_over{this, notify_round_};
    listeners_mu_.Await(absl::Condition(&round_over, &RoundOver::Done));
  }

  void Shutdown() {
    {
      absl::MutexLock lock(&queue_mu_);
      if (stopping_) {
        // Another caller is stopping it; wait for the committer to be gone.
        queue_mu_.Await(absl::Condition(&stopped_));
        return;
      }
      stopping_ = true;
    }
    if (committer_.joinable()) committer_.join();
    absl::MutexLock lock(&queue_mu_);
    stopped_ = true;
  }

 private:
  bool HasWorkOrStopping() const { return !queue_.empty() || stopping_; }

  void CommitterLoop() {
    std::vector<Pending> group;
    while (true) {
      {
        absl::MutexLock lock(&queue_mu_);
        queue_mu_.Await(absl::Condition(this, &Impl::HasWorkOrStopping));
        if (queue_.empty()) return;  // Stopping and drained.
        // Everything that arrived while the previous group was syncing goes
        // into this group: that is what makes one fsync serve many callers.
        group.assign(std::make_move_iterator(queue_.begin()),
                     std::make_move_iterator(queue_.end()));
        queue_.clear();
      }
      CommitGroup(group);
      group.clear();
    }
  }

  void CommitGroup(std::vector<Pending>& group) {
    const absl::Time now = options_.clock->Now();
    const google::protobuf::Timestamp commit_time = TimeToProto(now);

    // Sized once: growing the group's batch by doubling copied it again and
    // again (a group at 64 clients holds ≈ 0.5 MB). The requests' own
    // records, their events (about as large, as they carry the entity) and
    // an audit record each.
    size_t reserve = 0;
    for (const Pending& p : group) reserve += 2 * p.request.batch.GetDataSize() + 512;
    rocksdb::WriteBatch batch(reserve);
    std::vector<absl::StatusOr<CommitResult>> results(group.size());
    std::vector<bool> contributed(group.size(), false);
    uint64_t seq = next_sequence_;
    std::string value;
    for (size_t i = 0; i < group.size(); ++i) {
      Pending& p = group[i];
      batch.SetSavePoint();
      BatchCopier copier(&batch, &cf_by_id_);
      rocksdb::Status s = p.request.batch.Iterate(&copier);
      if (!s.ok()) {
        // A malformed request fails alone; the rest of the group proceeds.
        batch.RollbackToSavePoint().PermitUncheckedError();
        results[i] = absl::InvalidArgumentError(
            absl::StrCat("write batch not supported by the committer: ", s.ToString()));
        continue;
      }
      batch.PopSavePoint().PermitUncheckedError();
      contributed[i] = p.request.contributor != nullptr;
      CommitResult result;
      result.commit_time = now;
      for (v1::Event& event : p.request.events) {
        event.set_sequence(seq);
        *event.mutable_commit_time() = commit_time;
        event.set_source(options_.event_source);
        event.SerializeToString(&value);
        batch.Put(events_cf_, EncodeUint64(seq), value);
        if (result.first_sequence == 0) result.first_sequence = seq;
        result.last_sequence = seq;
        ++seq;
      }
      // After the events have their sequences: the contributor (the call's
      // audit record) may name them.
      if (contributed[i]) p.request.contributor->Contribute(result, p.request.events, &batch);
      results[i] = result;
    }
    const uint64_t last = seq - 1;
    const bool added_events = seq != next_sequence_;
    if (added_events) batch.Put(meta_cf_, kEventSeqKey, EncodeUint64(last));

    rocksdb::Status s = rocksdb::Status::OK();
    if (batch.Count() > 0) {
      rocksdb::WriteOptions write_options;
      write_options.sync = options_.sync;
      s = db_->Write(write_options, &batch);
    }
    if (!s.ok()) {
      // One batch: nothing of any request was applied, and the sequences are
      // reused by the next group, so the log keeps no gaps.
      const absl::Status error = FromRocksDb(s, "group commit");
      for (size_t i = 0; i < group.size(); ++i) {
        if (results[i].ok()) results[i] = error;
      }
    } else if (added_events) {
      next_sequence_ = seq;
      last_sequence_.store(last, std::memory_order_release);
    }
    // Listeners first: when a caller learns its commit is done, every follower
    // has already been told about it.
    if (batch.Count() > 0 && options_.on_group_written) {
      options_.on_group_written(s.ok() ? absl::OkStatus() : FromRocksDb(s, "group commit"));
    }
    if (s.ok() && added_events) NotifyListeners(last);
    for (size_t i = 0; i < group.size(); ++i) {
      if (contributed[i]) group[i].request.contributor->Written(s.ok());
    }
    for (size_t i = 0; i < group.size(); ++i) {
      group[i].done(std::move(results[i]));
    }
  }

  void NotifyListeners(uint64_t last) {
    std::vector<std::shared_ptr<std::function<void(uint64_t)>>> copy;
    {
      absl::MutexLock lock(&listeners_mu_);
      if (listeners_.empty()) return;
      notifying_ = true;
      ++notify_round_;
      copy.reserve(listeners_.size());
      for (auto& [id, fn] : listeners_) copy.push_back(fn);
    }
    // Called without the lock so that a listener may add or remove listeners.
    for (auto& fn : copy) (*fn)(last);
    absl::MutexLock lock(&listeners_mu_);
    notifying_ = false;
    completed_round_ = notify_round_;
  }

  RocksDbOptions options_;
  OpenReport report_;
  std::filesystem::path marker_;
  std::unique_ptr<RealClock> owned_clock_;
  std::shared_ptr<rocksdb::Cache> cache_;
  rocksdb::DB* db_ = nullptr;
  std::map<std::string, rocksdb::ColumnFamilyHandle*> cf_by_name_;
  absl::flat_hash_map<uint32_t, rocksdb::ColumnFamilyHandle*> cf_by_id_;
  rocksdb::ColumnFamilyHandle* events_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* meta_cf_ = nullptr;

  std::atomic<uint64_t> last_sequence_{0};
  uint64_t next_sequence_ = 1;  // Committer thread only (set before it starts).

  absl::Mutex queue_mu_;
  std::deque<Pending> queue_ ABSL_GUARDED_BY(queue_mu_);
  bool stopping_ ABSL_GUARDED_BY(queue_mu_) = false;
  bool stopped_ ABSL_GUARDED_BY(queue_mu_) = false;
  std::thread committer_;
  std::thread::id committer_id_;

  absl::Mutex listeners_mu_;
  std::map<uint64_t, std::shared_ptr<std::function<void(uint64_t)>>> listeners_
      ABSL_GUARDED_BY(listeners_mu_);
  uint64_t next_listener_id_ ABSL_GUARDED_BY(listeners_mu_) = 0;
  bool notifying_ ABSL_GUARDED_BY(listeners_mu_) = false;
  uint64_t notify_round_ ABSL_GUARDED_BY(listeners_mu_) = 0;
  uint64_t completed_round_ ABSL_GUARDED_BY(listeners_mu_) = 0;
};

namespace {
thread_local const std::shared_ptr<CommitContributor>* current_contributor = nullptr;
}  // namespace

CommitContributorScope::CommitContributorScope(std::shared_ptr<CommitContributor> contributor)
    : contributor_(std::move(contributor)), previous_(current_contributor) {
  current_contributor = contributor_ != nullptr ? &contributor_ : nullptr;
}

CommitContributorScope::~CommitContributorScope() { current_contributor = previous_; }

const std::shared_ptr<CommitContributor>* CommitContributorScope::Current() {
  return current_contributor;
}

absl::StatusOr<std::unique_ptr<RocksDb>> RocksDb::Open(const RocksDbOptions& options) {
  if (options.path.empty()) return absl::InvalidArgumentError("RocksDb: empty path");
  auto impl = std::make_unique<Impl>(options);
  absl::Status s = impl->Open();
  if (!s.ok()) return s;
  return std::unique_ptr<RocksDb>(new RocksDb(std::move(impl)));
}

RocksDb::RocksDb(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

RocksDb::~RocksDb() = default;

rocksdb::DB* RocksDb::db() const { return impl_->db(); }

const OpenReport& RocksDb::open_report() const { return impl_->report(); }

rocksdb::ColumnFamilyHandle* RocksDb::Cf(absl::string_view name) const { return impl_->Cf(name); }

absl::StatusOr<std::string> RocksDb::Get(absl::string_view cf, absl::string_view key) const {
  rocksdb::PinnableSlice value;
  rocksdb::Status s = impl_->db()->Get(rocksdb::ReadOptions(), impl_->Cf(cf),
                                       rocksdb::Slice(key.data(), key.size()), &value);
  if (!s.ok()) return FromRocksDb(s, absl::StrCat("get ", cf));
  return std::string(value.data(), value.size());
}

absl::StatusOr<CommitResult> RocksDb::Commit(WriteRequest request) {
  absl::Notification done;
  absl::StatusOr<CommitResult> result;
  impl_->CommitAsync(std::move(request), [&](absl::StatusOr<CommitResult> r) {
    result = std::move(r);
    done.Notify();
  });
  done.WaitForNotification();
  return result;
}

void RocksDb::CommitAsync(WriteRequest request, DoneFn done) {
  impl_->CommitAsync(std::move(request), std::move(done));
}

uint64_t RocksDb::LastEventSequence() const { return impl_->LastEventSequence(); }

absl::StatusOr<std::vector<v1::Event>> RocksDb::ReadEvents(uint64_t after, size_t limit) const {
  std::vector<v1::Event> events;
  if (limit == 0 || after == UINT64_MAX) return events;
  rocksdb::ReadOptions read_options;
  // Events are read once by each follower: keep them out of the block cache.
  read_options.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db()->NewIterator(read_options, impl_->Cf(kEventsCf)));
  const std::string start = EncodeUint64(after + 1);
  for (it->Seek(start); it->Valid() && events.size() < limit; it->Next()) {
    v1::Event& event = events.emplace_back();
    if (!event.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(
          absl::StrCat("event at key ", it->key().ToString(/*hex=*/true), " does not parse"));
    }
  }
  if (!it->status().ok()) return FromRocksDb(it->status(), "read events");
  return events;
}

uint64_t RocksDb::AddCommitListener(std::function<void(uint64_t)> listener) {
  return impl_->AddCommitListener(std::move(listener));
}

void RocksDb::RemoveCommitListener(uint64_t id) { impl_->RemoveCommitListener(id); }

absl::Status RocksDb::Checkpoint(const std::string& dir) const {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) {
    return absl::AlreadyExistsError(absl::StrCat("checkpoint directory ", dir, " exists"));
  }
  rocksdb::Checkpoint* raw = nullptr;
  rocksdb::Status s = rocksdb::Checkpoint::Create(impl_->db(), &raw);
  if (!s.ok()) return FromRocksDb(s, "create checkpoint object");
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // log_size_for_flush = 0: flush the memtables first, so the checkpoint is
  // made of SST files only (hard links) and opens without replaying a WAL.
  s = checkpoint->CreateCheckpoint(dir, /*log_size_for_flush=*/0);
  if (!s.ok()) return FromRocksDb(s, absl::StrCat("checkpoint into ", dir));
  return absl::OkStatus();
}

void RocksDb::Shutdown() { impl_->Shutdown(); }

}  // namespace ecoplan::common
