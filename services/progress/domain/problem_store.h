#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/progress/domain/model.h"
#include "services/progress/domain/plan_view.h"
#include "services/progress/domain/problem.h"
#include "services/progress/domain/problem_csv.h"
#include "services/progress/domain/report_store.h"

namespace ecoplan::progress {

// One item written by a change, with its event: ProblemItemOpened when
// `from_state` is kUnspecified (a new item), else ProblemItemTransitioned
// from it (the item's last step is the event's).
struct ProblemWrite {
  std::shared_ptr<const ProblemItem> item;
  ProblemState from_state = ProblemState::kUnspecified;
};

// What an import answered, kept under its request id so that a retry
// answers the same (with the items as they are then).
struct ImportOutcome {
  std::vector<std::string> item_ids;  // created, in file order
  int rows = 0;
  std::vector<ImportRowError> errors;
};

// One durable change of the problem ledgers: the items, their events, the
// request record and (for an import) its outcome, in one atomic batch.
struct ProblemChange {
  std::vector<ProblemWrite> writes;
  std::optional<RequestRecord> request;    // stored under caller.request_id when set
  std::optional<ImportOutcome> import;     // stored under caller.request_id when set
  Caller caller;                           // request id and actor for the events
  absl::Time time = absl::InfinitePast();  // of the change: the events show the items as of then
  // The plan and its time zone, for the events' display names and overdue.
  std::shared_ptr<const PlanInfo> plan;
  absl::TimeZone zone = absl::UTCTimeZone();
};

// Storage port of the problem ledgers (beside ReportStore and
// SupervisionStore; the RocksDB adapter implements all three over one
// database, so request ids and events share one ledger and one log). Reads
// see only durable data. Implementations are thread-safe; ProblemLedger
// serialises conflicting writes.
class ProblemStore {
 public:
  virtual ~ProblemStore() = default;

  // The item or nullopt.
  virtual absl::StatusOr<std::optional<ProblemItem>> GetProblem(absl::string_view plan_id,
                                                                absl::string_view problem_id) = 0;
  // The plan's items by id.
  virtual absl::StatusOr<std::vector<ProblemItem>> ListProblems(absl::string_view plan_id) = 0;
  // The request record stored under `request_id`, or nullopt.
  virtual absl::StatusOr<std::optional<RequestRecord>> FindRequest(
      absl::string_view request_id) = 0;
  // The outcome of the import stored under `request_id`, or nullopt.
  virtual absl::StatusOr<std::optional<ImportOutcome>> FindImport(absl::string_view request_id) = 0;
  // Commits `change` durably and then calls `done` (on any thread; quick).
  // On error nothing of the change is written.
  virtual void CommitProblemsAsync(ProblemChange change,
                                   std::function<void(absl::Status)> done) = 0;
};

}  // namespace ecoplan::progress
