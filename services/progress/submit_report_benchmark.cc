// SubmitReport's own work without gRPC: the recorder (checks, request-id lookup, fingerprint, the
// next revision) over the real RocksDbReportStore and its group committer, synced. Each
// iteration submits one revision of each of 64 reports at once — as 64 clients would, so the
// committer folds them into few synced writes — and waits for the 64 answers. Reported: the
// process's CPU per submission (every thread: the caller, the committer, RocksDB's flushes and
// compactions), which is what the gRPC figures' "server CPU per call" holds besides gRPC, the
// interceptors and the handler's parse (docs/PERFORMANCE.md, "SubmitReport's own work").
//
//   ninja -C build submit_report_benchmark && build/services/progress/submit_report_benchmark
//
// Set TMPDIR to put the database on the disk you want to measure.

#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/storage/rocksdb_db.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "services/progress/domain/plan_view.h"
#include "services/progress/domain/progress_recorder.h"
#include "services/progress/storage/rocksdb_report_store.h"

namespace ecoplan::progress {
namespace {

constexpr int kReports = 64;
constexpr char kPlanId[] = "2026-bench";

std::string OrgId(int i) { return absl::StrFormat("o-%02d", i); }

// Five measures, each led by all 64 organizations, so that every report holds five entries
// (as loadgen's requests do).
std::shared_ptr<PlanInfo> BenchmarkPlan() {
  auto plan = std::make_shared<PlanInfo>();
  plan->id = kPlanId;
  plan->title = "美丽门头沟建设2026年行动计划";
  plan->year = 2026;
  std::vector<std::string> orgs;
  for (int i = 0; i < kReports; ++i) {
    orgs.push_back(OrgId(i));
    plan->organizations[OrgId(i)] = absl::StrCat("单位", i);
  }
  const char* texts[] = {"推进新能源货车推广应用", "加强施工扬尘治理", "推进垃圾分类",
                         "开展餐饮油烟治理", "加强河道巡查"};
  for (int m = 0; m < 5; ++m) {
    MeasureInfo measure;
    measure.id = absl::StrCat("a1-t1-m", m + 1);
    measure.order = m;
    measure.text = texts[m];
    measure.deadline_raw = "年底前";
    measure.deadline_kind = 1;
    measure.due = absl::CivilDay(2026, 12, 31);
    measure.lead_org_ids = orgs;
    plan->measures.push_back(std::move(measure));
  }
  plan->Index();
  return plan;
}

// What loadgen sends (tools/loadgen/plan_requests.cc): five entries of texts, a figure and a link.
ReportSubmission Submission(int report, int revision) {
  ReportSubmission s;
  s.plan_id = kPlanId;
  s.org_id = OrgId(report);
  s.period = "2026-05";
  for (int m = 0; m < 5; ++m) {
    ReportEntry e;
    e.measure_id = absl::StrCat("a1-t1-m", m + 1);
    e.status = MeasureStatus::kInProgress;
    e.percent_done = 40 + revision % 50;
    e.work_done = "本月按计划推进，完成新能源货车推广、扬尘点位巡查和问题整改台账更新。";
    e.problems = "部分点位整改进度滞后。";
    e.next_steps = "下月继续推进，加强督导检查。";
    e.values.push_back({"新能源货车占比", static_cast<double>(40 + revision % 50), "%"});
    e.evidence_links.push_back("https://www.bjmtg.gov.cn/evidence/loadgen");
    s.entries.push_back(std::move(e));
  }
  if (revision > 0) s.etag = absl::StrCat("r", revision);
  return s;
}

void BM_SubmitReportWithoutGrpc(benchmark::State& state) {
  common::TempDir dir;
  common::RocksDbOptions options;
  options.path = dir.Sub("progress");
  options.column_families = RocksDbReportStore::ColumnFamilies();
  options.event_source = RocksDbReportStore::kEventSource;
  std::unique_ptr<common::RocksDb> db = std::move(common::RocksDb::Open(options)).value();
  RocksDbReportStore store(db.get());
  PlanDirectory plans;
  plans.Put(BenchmarkPlan());
  plans.SetConnected(true);
  absl::TimeZone shanghai;
  absl::LoadTimeZone("Asia/Shanghai", &shanghai);
  common::FakeClock clock(absl::FromCivil(absl::CivilSecond(2026, 5, 20, 10, 0, 0), shanghai));
  ProgressRecorder recorder(&store, &plans, &clock, [](std::function<void()> fn) { fn(); });
  if (!recorder.Load().ok()) return state.SkipWithError("recorder did not load");

  Caller caller;
  caller.role = Caller::Role::kAdministrator;
  caller.actor = "benchmark";
  std::vector<int> revision(kReports, 0);
  int64_t calls = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<ReportSubmission> submissions;
    for (int r = 0; r < kReports; ++r) submissions.push_back(Submission(r, revision[r]));
    state.ResumeTiming();
    absl::Mutex mu;
    int answered = 0;
    bool failed = false;
    for (int r = 0; r < kReports; ++r) {
      caller.request_id = absl::StrCat("bench-", calls++);
      recorder.SubmitReportShared(std::move(submissions[r]), caller,
                                  [&, r](absl::StatusOr<std::shared_ptr<const Report>> report) {
                                    absl::MutexLock lock(&mu);
                                    if (report.ok()) {
                                      revision[r] = (*report)->revision;
                                    } else {
                                      failed = true;
                                    }
                                    ++answered;
                                  });
    }
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(
        +[](int* n) { return *n == kReports; }, &answered));
    if (failed) return state.SkipWithError("a submission failed");
  }
  state.SetItemsProcessed(state.iterations() * kReports);
  // Seconds of the process's CPU per submission (printed with its SI prefix, e.g. "48.7us").
  state.counters["cpu_per_submission"] =
      benchmark::Counter(static_cast<double>(state.iterations() * kReports),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

}  // namespace

// Process CPU time: the committer's thread and RocksDB's background threads do most of the work.
BENCHMARK(BM_SubmitReportWithoutGrpc)->MeasureProcessCPUTime()->Unit(benchmark::kMillisecond);

}  // namespace ecoplan::progress

BENCHMARK_MAIN();
