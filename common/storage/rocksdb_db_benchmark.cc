// Synced group-commit throughput of RocksDb: each iteration is one Commit of a
// small entity plus one event, waiting for its fsync. With several threads the
// committer folds all waiting requests into one synced write.
//
//   ninja -C build-infra rocksdb_db_benchmark && build-infra/common/storage/rocksdb_db_benchmark
//
// Set TMPDIR to put the database on the disk you want to measure.

#include <benchmark/benchmark.h>

#include <atomic>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/storage/rocksdb_db.h"
#include "common/testing/temp_dir.h"

namespace ecoplan::common {
namespace {

struct Shared {
  TempDir dir;
  std::unique_ptr<RocksDb> db;
  std::atomic<uint64_t> counter{0};
  std::atomic<uint64_t> groups{0};  // Synced writes: one listener call each.
};

Shared* shared = nullptr;

void BM_SyncedCommit(benchmark::State& state) {
  // Thread 0 sets up before the loop and tears down after it; Google Benchmark
  // puts a barrier at both ends of the loop, so the other threads never see a
  // half-built or destroyed `shared`.
  if (state.thread_index() == 0) {
    shared = new Shared;
    RocksDbOptions options;
    options.path = shared->dir.Sub("db");
    options.column_families = {"items"};
    options.event_source = "benchmark";
    options.sync = true;
    shared->db = std::move(RocksDb::Open(options)).value();
    shared->db->AddCommitListener([](uint64_t) { shared->groups.fetch_add(1); });
  }
  const std::string value(200, 'v');
  for (auto _ : state) {
    RocksDb& db = *shared->db;
    const uint64_t n = shared->counter.fetch_add(1);
    WriteRequest request;
    request.batch.Put(db.Cf("items"), absl::StrCat("i/", n), value).PermitUncheckedError();
    ecoplan::common::v1::Event event;
    event.set_type("benchmark.Thing");
    event.set_resource(absl::StrCat("i/", n));
    request.events.push_back(std::move(event));
    absl::StatusOr<CommitResult> r = db.Commit(std::move(request));
    if (!r.ok()) state.SkipWithError("commit failed");
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    shared->db.reset();
    const double groups = static_cast<double>(shared->groups.load());
    state.counters["commits_per_fsync"] =
        groups > 0 ? static_cast<double>(shared->counter.load()) / groups : 0;
    delete shared;
    shared = nullptr;
  }
}

BENCHMARK(BM_SyncedCommit)->Threads(1)->Threads(16)->Threads(64)->UseRealTime();

}  // namespace
}  // namespace ecoplan::common

BENCHMARK_MAIN();
