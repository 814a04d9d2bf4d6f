#pragma once

// MonthlyAssessments: the use cases of the plan's scoring rules, month closing
// (月度结账) and contests (申诉) — services/indicator/domain/monthly_assessment.h
// says what each means. Behind two ports: PlanScoring (the plan evaluation:
// lights and scorecards with their facts, as of a day, under given rules) and
// AssessmentStore (durable records; the adapter appends each write's event in
// the same synced batch).
//
// Writes of one plan run one at a time, in arrival order (a
// common::KeyedSerializer keyed by the plan):
// each is decided against the state including every earlier write, made
// durable, then published, and only then answered. The deciding (which
// evaluates the plan) and the answering run on `executor`, never on the
// caller's thread or the store's commit thread. A request id already
// used answers the resource it produced (a retry after a lost answer).
// Thread-safe. `scoring`, `store`, `clock` and `executor` must outlive it.
// Errors, as returned: InvalidArgument (naming the field), NotFound,
// AlreadyExists, FailedPrecondition (the state does not allow it), Aborted
// (stale revision), PermissionDenied (a reporter for another organization is
// the handler's), from storage.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/concurrency/keyed_serializer.h"
#include "common/concurrency/serial_executor.h"
#include "common/idempotency/request_ledger.h"
#include "common/time/clock.h"
#include "services/indicator/domain/monthly_assessment.h"
#include "services/indicator/domain/scoring_rules.h"

namespace ecoplan::indicator {

// A plan's scoring rules as the bureau set them.
struct PlanScoringRules {
  std::string plan_id;
  ScoringRules rules;
  int64_t revision = 0;  // 0: the defaults, never set
  std::string updated_by;
  absl::Time updated_at;
  std::string reason;
};

// Port: the plan evaluation, as month closing needs it.
class PlanScoring {
 public:
  virtual ~PlanScoring() = default;
  // Lights and scorecards, with the facts of every score, as of `as_of`
  // under `rules`. Errors: NotFound (no such plan).
  virtual absl::StatusOr<MonthScores> Score(const std::string& plan_id, absl::CivilDay as_of,
                                            const ScoringRules& rules) const = 0;
  virtual bool KnowsPlan(const std::string& plan_id) const = 0;
  virtual std::optional<absl::CivilDay> IssueDate(const std::string& plan_id) const = 0;
};

// One durable change: new rules, a closed month, or a contest filed or decided.
struct AssessmentWrite {
  std::string plan_id;
  std::optional<PlanScoringRules> rules;
  std::optional<MonthAssessment> closed_month;
  std::optional<Contest> contest;
  std::string request_id;  // empty: none
  // What the request did, for retries, as stored: StoredAssessmentRequest.
  std::string resource;
  std::string actor;
};

// Everything stored, for Load.
struct AssessmentRecords {
  std::vector<PlanScoringRules> rules;
  std::vector<MonthAssessment> months;
  std::vector<Contest> contests;
  std::map<std::string, std::string> requests;  // request id → StoredAssessmentRequest
};

// A request record (common/idempotency/request_ledger.h) as the assessment store keeps it:
// "<Method> <resource name>", e.g. "CloseMonth plans/p/months/2026-05". Releases before the
// shared rule stored the resource name alone; such a value loads as a record without a method,
// which matches a call on the same resource (as those releases answered it).
std::string StoredAssessmentRequest(const common::RequestRecord& record);
common::RequestRecord LoadedAssessmentRequest(const std::string& request_id,
                                              const std::string& stored);

// Port: durable storage of the records.
class AssessmentStore {
 public:
  virtual ~AssessmentStore() = default;
  virtual absl::StatusOr<AssessmentRecords> Load() const = 0;
  // Makes `write` durable with its event; `done` may run on another thread.
  virtual void Commit(AssessmentWrite write, std::function<void(absl::Status)> done) = 0;
};

template <typename T>
using AssessmentDone = std::function<void(absl::StatusOr<T>)>;

class MonthlyAssessments {
 public:
  // `zone`: the district's (Asia/Shanghai), for "today".
  MonthlyAssessments(const PlanScoring* scoring, AssessmentStore* store, const common::Clock* clock,
                     absl::TimeZone zone, common::SerialExecutor* executor);

  // Loads the stored records. Call once before serving.
  absl::Status Load();

  // --- Scoring rules. RulesFor: the plan's, or the defaults (revision 0).
  PlanScoringRules RulesFor(const std::string& plan_id) const;
  // Sets the plan's rules. `expected_revision` ≥ 0 must match the current
  // revision (Aborted otherwise); -1 skips the check. A reason is required.
  void UpdateRules(const std::string& plan_id, ScoringRules rules, int64_t expected_revision,
                   std::string reason, std::string actor, std::string request_id,
                   AssessmentDone<PlanScoringRules> done);

  // --- Months. GetMonth: the closed month as frozen, or the open month as
  // the data say now (as of its last day, or today when earlier).
  absl::StatusOr<MonthAssessment> GetMonth(const std::string& plan_id,
                                           absl::CivilMonth month) const;
  // The plan's closed months, oldest first.
  std::vector<MonthAssessment> ClosedMonths(const std::string& plan_id) const;
  void CloseMonth(const std::string& plan_id, absl::CivilMonth month, std::string reason,
                  std::string actor, std::string request_id, AssessmentDone<MonthAssessment> done);

  // --- Contests.
  // `contest`: plan_id, month, organization, item, reason set by the caller.
  void FileContest(Contest contest, std::string actor, std::string request_id,
                   AssessmentDone<Contest> done);
  void DecideContest(const std::string& plan_id, int number, bool accept, double points,
                     std::string comment, std::string actor, std::string request_id,
                     AssessmentDone<Contest> done);
  absl::StatusOr<Contest> GetContest(const std::string& plan_id, int number) const;
  // The plan's contests, by number; `month` / `organization` filter when set.
  std::vector<Contest> ListContests(const std::string& plan_id,
                                    std::optional<absl::CivilMonth> month,
                                    const std::string& organization) const;

 private:
  struct PlanState {
    std::optional<PlanScoringRules> rules;
    std::map<absl::CivilMonth, MonthAssessment> closed;
    std::map<int, Contest> contests;
  };
  absl::CivilDay Today() const;
  // Runs `op` on the executor once it holds the plan's key (after the plan's
  // writes ahead of it); `op` calls Finish, which releases the key.
  void Enqueue(const std::string& plan_id, std::function<void()> op);
  void Finish(const std::string& plan_id);
  // Commits `write`; on success applies it, then answers `answer()`.
  template <typename T>
  void CommitThen(AssessmentWrite write, std::function<T()> answer, AssessmentDone<T> done);
  void Apply(const AssessmentWrite& write) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The record of the first call when `call` is a retry of it; nullopt when its
  // id is new or empty. Errors: InvalidArgument (common::RequestLedger::Decide).
  absl::StatusOr<std::optional<common::RequestRecord>> Retried(
      const common::RequestCall& call) const;
  // The month's assessment computed from the data (not closed).
  absl::StatusOr<MonthAssessment> Compute(const std::string& plan_id, absl::CivilMonth month,
                                          absl::CivilDay as_of) const;
  void DoClose(const std::string& plan_id, absl::CivilMonth month, std::string reason,
               std::string actor, std::string request_id, AssessmentDone<MonthAssessment> done);

  const PlanScoring* const scoring_;
  AssessmentStore* const store_;
  const common::Clock* const clock_;
  const absl::TimeZone zone_;
  common::SerialExecutor* const executor_;

  mutable absl::Mutex mu_;
  std::map<std::string, PlanState> plans_ ABSL_GUARDED_BY(mu_);
  common::RequestLedger requests_ ABSL_GUARDED_BY(mu_);
  // The key of each plan whose write runs now (held from Enqueue to Finish).
  std::map<std::string, std::shared_ptr<common::KeyedSerializer::Lease>> leases_
      ABSL_GUARDED_BY(mu_);
  common::KeyedSerializer serializer_;  // queued writes resume on executor_
};

}  // namespace ecoplan::indicator
