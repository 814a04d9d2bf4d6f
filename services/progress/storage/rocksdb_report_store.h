#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/storage/rocksdb_db.h"
#include "services/progress/domain/indicator_view.h"
#include "services/progress/domain/plan_view.h"
#include "services/progress/domain/problem_store.h"
#include "services/progress/domain/report_store.h"
#include "services/progress/domain/supervision_store.h"

namespace ecoplan::progress {

// ReportStore on RocksDB. Key layout (column family: key → value):
//   reports:      <plan_id>/<period>/<org_id>              → storage.ReportRecord (current)
//   revisions:    <plan_id>/<org_id>_<period>/<rev: u64 BE> → storage.RevisionRecord
//   extensions:   <plan_id>/<measure_id>/<n: u64 BE>        → storage.ExtensionRecord
//   completions:  <plan_id>/<measure_id>/<n: u64 BE>        → storage.CompletionRecord
//   calendars:    <plan_id>                                 → storage.CalendarRecord
//   holidays:     <year, 4 digits>                          → storage.HolidaysRecord
//   plan_views:   <plan_id>                                 → storage.PlanViewRecord
//   indicator_views: <plan_id>/<indicator_id>               → storage.IndicatorViewRecord
//   supervision_orders: <plan_id>/<order_id>                → storage.SupervisionOrderRecord
//   problem_items: <plan_id>/<problem_id>                   → storage.ProblemItemRecord
//   meta:         req/<request_id>                          → storage.RequestRecord
//                 imp/<request_id>                          → storage.ProblemImportRecord
//                 cursor/<name>                             → u64 BE (EventFollower)
//                 view/indicator_complete                   → "" (IndicatorViewUpdater)
//   events:       <seq: u64 BE>                             → common.v1.Event (RocksDb)
// Every CommitAsync is one RocksDb::CommitAsync: entity, revision, request
// record and event in one synced WriteBatch, grouped by the committer with
// other concurrent commits. The code is one file per concept: reads
// (rocksdb_report_store.cc), the write of a Change (_write.cc, with the
// serialize-once framing of report_framing.h), the plan and indicator views
// (_views.cc), supervision orders (_supervision.cc: the SupervisionStore
// port, whose commits share the request ids and the event log), problem
// ledgers (_problems.cc: the ProblemStore port, likewise); keys in
// report_store_keys.h.
// Thread-safe; `db` must outlive the store.
class RocksDbReportStore final : public ReportStore, public SupervisionStore, public ProblemStore {
 public:
  // Column families this store needs; pass them to RocksDb::Open.
  static std::vector<std::string> ColumnFamilies();
  // The value of Event.source for this service.
  static constexpr char kEventSource[] = "ecoplan.progress.v1.ProgressService";

  explicit RocksDbReportStore(common::RocksDb* db) : db_(db) {}

  absl::StatusOr<std::optional<Report>> GetReport(absl::string_view plan_id,
                                                  absl::string_view report_id) override;
  // The stored v1.Report's bytes, copied out of the record as they are.
  absl::StatusOr<std::optional<std::string>> GetReportBytes(absl::string_view plan_id,
                                                            absl::string_view report_id) override;
  absl::StatusOr<std::vector<Report>> ListReports(absl::string_view plan_id,
                                                  absl::string_view period) override;
  absl::StatusOr<std::optional<ReportRevision>> GetRevision(absl::string_view plan_id,
                                                            absl::string_view report_id,
                                                            int revision) override;
  absl::StatusOr<std::vector<ReportRevision>> ListRevisions(absl::string_view plan_id,
                                                            absl::string_view report_id) override;
  absl::StatusOr<std::vector<Extension>> ListExtensions(absl::string_view plan_id,
                                                        absl::string_view measure_id) override;
  absl::StatusOr<std::vector<Completion>> ListCompletions(absl::string_view plan_id,
                                                          absl::string_view measure_id) override;
  absl::StatusOr<std::vector<std::pair<std::string, CalendarRule>>> ListCalendars() override;
  absl::StatusOr<std::vector<HolidayYear>> ListHolidays() override;
  absl::StatusOr<std::optional<RequestRecord>> FindRequest(absl::string_view request_id) override;
  // The database's last sequence number: every write, of any column family, moves it.
  std::optional<uint64_t> ReadVersion() override;
  void CommitAsync(Change change, std::function<void(absl::Status)> done) override;

  // SupervisionStore (FindRequest above serves both ports).
  absl::StatusOr<std::optional<SupervisionOrder>> GetOrder(absl::string_view plan_id,
                                                           absl::string_view order_id) override;
  absl::StatusOr<std::vector<SupervisionOrder>> ListOrders(absl::string_view plan_id) override;
  void CommitOrderAsync(SupervisionChange change, std::function<void(absl::Status)> done) override;
  // Builds the write of `change` (exposed for tests). Errors: Internal.
  absl::StatusOr<common::WriteRequest> BuildOrderWrite(const SupervisionChange& change);

  // ProblemStore (FindRequest above serves it too).
  absl::StatusOr<std::optional<ProblemItem>> GetProblem(absl::string_view plan_id,
                                                        absl::string_view problem_id) override;
  absl::StatusOr<std::vector<ProblemItem>> ListProblems(absl::string_view plan_id) override;
  absl::StatusOr<std::optional<ImportOutcome>> FindImport(absl::string_view request_id) override;
  void CommitProblemsAsync(ProblemChange change, std::function<void(absl::Status)> done) override;
  // Builds the write of `change` (exposed for tests). Errors: Internal.
  absl::StatusOr<common::WriteRequest> BuildProblemWrite(const ProblemChange& change);

  // The stored views of registry plans (see RegistryViewUpdater).
  absl::StatusOr<std::vector<std::shared_ptr<PlanInfo>>> LoadPlanViews();
  // Adds the write of `plan`'s view to `batch` (in format kPlanViewFormat).
  absl::Status PutPlanView(rocksdb::WriteBatch& batch, const PlanInfo& plan);
  // Writes `plan`'s view alone, synced (a view refreshed at start, outside any
  // event). Blocking. Errors: from RocksDB.
  absl::Status WritePlanView(const PlanInfo& plan);

  // The stored view of the indicator service (see IndicatorViewUpdater).
  absl::StatusOr<std::vector<std::shared_ptr<IndicatorFacts>>> LoadIndicatorViews();
  // Adds the write of `indicator`'s view to `batch`.
  absl::Status PutIndicatorView(rocksdb::WriteBatch& batch, const IndicatorFacts& indicator);
  // Whether the indicator view was recorded complete (caught up once with the
  // indicator service), and recording it (synced, blocking). Errors: from RocksDB.
  absl::StatusOr<bool> IndicatorViewCompleted();
  absl::Status MarkIndicatorViewCompleted();

  // Builds the write of `change` (exposed for tests). Errors: Internal.
  absl::StatusOr<common::WriteRequest> BuildWrite(const Change& change);

 private:
  common::RocksDb* const db_;
};

}  // namespace ecoplan::progress
