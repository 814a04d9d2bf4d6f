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
#include "common/concurrency/keyed_serializer.h"
#include "common/time/clock.h"
#include "services/progress/domain/model.h"
#include "services/progress/domain/plan_view.h"
#include "services/progress/domain/problem.h"
#include "services/progress/domain/problem_csv.h"
#include "services/progress/domain/problem_store.h"
#include "services/progress/domain/progress_recorder.h"

namespace ecoplan::progress {

// Filters of List; unset filters match all.
struct ProblemFilter {
  std::string measure_id;
  std::string org_id;
  ProblemState state = ProblemState::kUnspecified;
  bool unresolved_only = false;  // not VERIFIED or CLOSED
  bool overdue_only = false;
  ProblemCategory category = ProblemCategory::kUnspecified;
  std::string code;
};

struct ProblemPage {
  std::vector<ProblemItem> items;
  std::string next_page_token;
  int total_size = 0;
};

// The answer of an import: the items created (none with validate_only) and
// the rows refused.
struct ProblemImportResult {
  std::vector<ProblemItem> items;
  int rows = 0;
  int accepted = 0;
  std::vector<ImportRowError> errors;
};

// Counts of items of one measure, one organization or all.
struct ProblemTally {
  std::string key;  // measure id or organization id; empty for all
  std::string display_name;
  int total = 0;
  int open = 0;
  int rectifying = 0;
  int claimed = 0;
  int verified = 0;
  int closed = 0;
  int overdue = 0;
  int reopened = 0;
};

struct ProblemSummary {
  std::vector<ProblemTally> by_measure;       // by measure id
  std::vector<ProblemTally> by_organization;  // by display name
  ProblemTally total;
};

// The use cases of the problem ledgers (问题清单): create, import from CSV,
// take a step (problem.h's transition table), and the reads.
//
// Writes follow the write model of SupervisionDesk: validated first on the
// caller's thread against the PlanDirectory (nothing is written on a bad
// request), then serialised per plan (creating and importing: the next id
// and the codes) or per item (steps), and per request id, by a
// common::KeyedSerializer; committed with their events and request record
// through ProblemStore::CommitProblemsAsync and answered through `done` once
// durable. A retry with the same request id and content answers as the first
// call did (the items as they are now) and writes nothing.
//
// Overdue is computed against `clock` in the plan's time zone.
// Thread-safe. `store`, `plans` and `clock` must outlive the ledger;
// `dispatch` runs queued work (see KeyedSerializer).
class ProblemLedger {
 public:
  ProblemLedger(ProblemStore* store, const PlanDirectory* plans, const common::Clock* clock,
                std::function<void(std::function<void()>)> dispatch);

  // Creates one item (OPEN) and appends ProblemItemOpened. Errors: see
  // CreateProblemItem in progress_service.proto.
  void Create(const std::string& plan_id, const ProblemDraft& draft, const Caller& caller,
              Callback<ProblemItem> done);
  // Reads `file` (a CSV file or an .xlsx workbook, problem_csv.h) and
  // creates the accepted rows in one write, one ProblemItemOpened each
  // (nothing with `validate_only`). Errors: see ImportProblemItems in
  // progress_service.proto.
  void Import(const std::string& plan_id, ProblemFile file, const std::string& measure_id,
              bool validate_only, const Caller& caller, Callback<ProblemImportResult> done);
  // Takes one step and appends ProblemItemTransitioned. Errors: see
  // TransitionProblemItem in progress_service.proto.
  void Transition(const std::string& plan_id, const std::string& problem_id,
                  const ProblemStepRequest& step, const std::string& etag, const Caller& caller,
                  Callback<ProblemItem> done);

  // Reads, as `caller` may see them (a reporter: its own organization's
  // items). Errors: NotFound / Unavailable (plan), NotFound (item),
  // PermissionDenied (another organization's item; a reporter filtering by
  // another organization), InvalidArgument (paging).
  absl::StatusOr<ProblemItem> Get(const std::string& plan_id, const std::string& problem_id,
                                  const Caller& caller);
  absl::StatusOr<ProblemPage> List(const std::string& plan_id, ProblemFilter filter,
                                   const PageRequest& page, const Caller& caller);
  absl::StatusOr<ProblemSummary> Summarize(const std::string& plan_id,
                                           const std::string& measure_id, const Caller& caller);

  // The service clock's now and the plan's time zone (what overdue is
  // computed against; UTC+8 for an unknown plan).
  absl::Time Now() const { return clock_->Now(); }
  absl::TimeZone Zone(absl::string_view plan_id) const;
  // The plan's view, or nullptr (for display names).
  std::shared_ptr<const PlanInfo> Plan(absl::string_view plan_id) const {
    return plans_->Find(plan_id);
  }

 private:
  void RunSerialized(const Caller& caller, const std::string& key,
                     std::function<void(std::shared_ptr<void>)> fn);
  absl::StatusOr<std::optional<RequestRecord>> CheckRequest(const Caller& caller,
                                                            absl::string_view method,
                                                            absl::string_view fingerprint);

  ProblemStore* const store_;
  const PlanDirectory* const plans_;
  const common::Clock* const clock_;
  common::KeyedSerializer serializer_;
};

}  // namespace ecoplan::progress
