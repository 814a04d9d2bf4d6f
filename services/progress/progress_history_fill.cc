// progress_history_fill: fills a progress database with years of monthly
// reports, to measure how the reads' cost grows with history
// (docs/PERFORMANCE.md, "Progress reads at 64 clients"). For each of the
// --years years ending with the plan's year, every (organization, month) slot
// loadgen's SubmitReport would use (the registry's plan at --registry: every
// organization that owns measures, --entries entries of about 1.9 KB with 5)
// becomes one submitted, on-time report with its first revision and its
// ReportSubmitted event, committed through RocksDbReportStore as the server
// commits them. Earlier years keep the plan's id, so their keys sit beside
// the plan year's (the worst case for a scan of one period). Writes unsynced,
// then flushes every column family to table files. Run it on a database no
// server has open, before starting progress_server on it:
//
//   progress_history_fill --registry=127.0.0.1:50051 --db_path=/tmp/p10 --years=10

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/storage/rocksdb_db.h"
#include "rocksdb/db.h"
#include "services/progress/proto_mapping.h"
#include "services/progress/storage/rocksdb_report_store.h"
#include "tools/loadgen/plan_requests.h"

ABSL_FLAG(std::string, registry, "127.0.0.1:50051", "Registry whose plan names the slots");
ABSL_FLAG(std::string, plan, "", "plans/{plan}; default: the registry's newest plan");
ABSL_FLAG(std::string, db_path, "", "The progress database to fill (created if missing)");
ABSL_FLAG(int, years, 10, "Years of monthly reports, ending with the plan's year");
ABSL_FLAG(int, entries, 5, "Entries per report (capped by what the organization owns)");

namespace {

namespace progress = ::ecoplan::progress;

// The report `request` would create, as of `period` (in year `year`).
absl::StatusOr<progress::Report> ReportOf(const progress::v1::SubmitReportRequest& request,
                                          int year) {
  progress::Report r;
  absl::StatusOr<std::string> plan = progress::ParsePlanName(request.parent(), "parent");
  if (!plan.ok()) return plan.status();
  absl::StatusOr<std::string> org =
      progress::ParseOrganizationName(request.organization(), "organization");
  if (!org.ok()) return org.status();
  r.plan_id = *plan;
  r.org_id = *org;
  r.period = absl::StrCat(year, request.period().substr(4));  // "YYYY-MM"
  r.state = progress::ReportState::kSubmitted;
  for (const progress::v1::ReportEntry& e : request.entries()) {
    absl::StatusOr<progress::ReportEntry> entry = progress::FromProto(r.plan_id, e, "entries");
    if (!entry.ok()) return entry.status();
    r.entries.push_back(*std::move(entry));
  }
  r.summary = request.summary();
  r.revision = 1;
  const absl::Time at = absl::FromCivil(
      absl::CivilSecond(year, std::stoi(request.period().substr(5, 2)), 20, 9, 0, 0),
      absl::FixedTimeZone(8 * 3600));
  r.create_time = r.update_time = at;
  r.first_submit_time = r.last_submit_time = at;
  r.due_time = at + absl::Hours(24 * 5);
  r.timeliness = progress::Timeliness::kOnTime;
  r.submitted_by = "history-fill";
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string db_path = absl::GetFlag(FLAGS_db_path);
  const int years = absl::GetFlag(FLAGS_years);
  if (db_path.empty() || years < 1 || years > 100) {
    std::cerr << "progress_history_fill: --db_path and --years=1..100 are required\n";
    return 2;
  }
  absl::StatusOr<std::vector<ecoplan::loadgen::Slot>> slots = ecoplan::loadgen::BuildSlots(
      absl::GetFlag(FLAGS_registry), absl::GetFlag(FLAGS_plan), absl::GetFlag(FLAGS_entries));
  if (!slots.ok() || slots->empty()) {
    std::cerr << "progress_history_fill: no slots: " << slots.status() << "\n";
    return 1;
  }
  const int plan_year = std::stoi(slots->front().request.period().substr(0, 4));

  ecoplan::common::RocksDbOptions options;
  options.path = db_path;
  options.column_families = progress::RocksDbReportStore::ColumnFamilies();
  options.event_source = progress::RocksDbReportStore::kEventSource;
  options.sync = false;  // a fill, flushed below
  absl::StatusOr<std::unique_ptr<ecoplan::common::RocksDb>> db =
      ecoplan::common::RocksDb::Open(options);
  if (!db.ok()) {
    std::cerr << "progress_history_fill: " << db.status() << "\n";
    return 1;
  }
  progress::RocksDbReportStore store(db->get());

  const absl::Time start = absl::Now();
  int64_t written = 0;
  absl::Mutex mu;
  absl::Status failed;
  // Every year gets the months of the plan year's slots (the months begun).
  for (int year = plan_year - years + 1; year <= plan_year; ++year) {
    std::vector<progress::Change> changes;
    for (const ecoplan::loadgen::Slot& slot : *slots) {
      absl::StatusOr<progress::Report> report = ReportOf(slot.request, year);
      if (!report.ok()) {
        std::cerr << "progress_history_fill: " << report.status() << "\n";
        return 1;
      }
      progress::Change change;
      auto shared = std::make_shared<progress::Report>(*std::move(report));
      progress::RevisionNote note;
      note.revision = 1;
      note.action = progress::RevisionAction::kSubmitted;
      note.time = *shared->first_submit_time;
      note.actor = shared->submitted_by;
      change.report = std::move(shared);
      change.revision = note;
      change.events = {progress::EventType::kReportSubmitted};
      change.caller.actor = note.actor;
      changes.push_back(std::move(change));
    }
    // One year at a time, all in flight: the committer groups them.
    absl::BlockingCounter done(static_cast<int>(changes.size()));
    for (progress::Change& change : changes) {
      store.CommitAsync(std::move(change), [&](absl::Status s) {
        if (!s.ok()) {
          absl::MutexLock lock(&mu);
          failed = s;
        }
        done.DecrementCount();
      });
    }
    done.Wait();
    written += static_cast<int64_t>(changes.size());
  }
  if (!failed.ok()) {
    std::cerr << "progress_history_fill: " << failed << "\n";
    return 1;
  }
  rocksdb::FlushOptions flush;
  for (const std::string& cf : progress::RocksDbReportStore::ColumnFamilies()) {
    rocksdb::Status s = (*db)->db()->Flush(flush, (*db)->Cf(cf));
    if (!s.ok()) {
      std::cerr << "progress_history_fill: flush " << cf << ": " << s.ToString() << "\n";
      return 1;
    }
  }
  std::cout << absl::StrFormat("%d reports (%d slots × %d years, %d–%d) in %s\n", written,
                               slots->size(), years, plan_year - years + 1, plan_year,
                               absl::FormatDuration(absl::Now() - start));
  return 0;
}
