#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/idempotency/request_ledger.h"
#include "services/registry/domain/events.h"
#include "services/registry/domain/model.h"

namespace ecoplan::registry {

// Everything stored for one plan, as loaded at start-up.
struct StoredPlan {
  Plan plan;
  std::vector<Task> tasks;  // document tasks in document order, then supervision tasks by number
};

// The outcome of a request id seen before (common/idempotency/request_ledger.h):
// which method produced which resource name, and a fingerprint of the request so
// that a reuse with other content is refused. `revision` is not used here.
using RequestRecord = common::RequestRecord;

// Storage port of the task registry. Each Commit* writes the entity, its
// indexes, the request record (if a request id is given) and the event in
// one durable atomic write: all or nothing. It returns without waiting for
// the disk and calls `done` once the write is durable (or failed), on the
// storage's committer thread or inline; `done` must be quick and must not
// block. The arguments are read before Commit* returns. Implementations are
// thread-safe; the registry serialises its own writes.
class PlanStore {
 public:
  using Done = std::function<void(absl::Status)>;

  virtual ~PlanStore() = default;

  // Every plan with its tasks, for the registry's in-memory view.
  virtual absl::StatusOr<std::vector<StoredPlan>> LoadPlans() = 0;
  // Every organization.
  virtual absl::StatusOr<std::vector<Organization>> LoadOrganizations() = 0;
  // The request record stored under `request_id`, or nullopt.
  virtual absl::StatusOr<std::optional<RequestRecord>> FindRequest(
      absl::string_view request_id) = 0;
  // Revisions of a measure, oldest first.
  virtual absl::StatusOr<std::vector<MeasureRevision>> ListRevisions(
      absl::string_view plan_id, absl::string_view measure_id) = 0;

  // Stores a new plan, its tasks, and the organizations (inserted or replaced by id).
  virtual void CommitImport(const StoredPlan& plan, const std::vector<Organization>& organizations,
                            const std::optional<RequestRecord>& request, const PlanImported& event,
                            const ChangeContext& context, Done done) = 0;
  // Replaces one task (holding the changed measure) and appends the revision.
  virtual void CommitMeasureUpdate(absl::string_view plan_id, const Task& task,
                                   const MeasureRevision& revision,
                                   const std::optional<RequestRecord>& request,
                                   const MeasureUpdated& event, const ChangeContext& context,
                                   Done done) = 0;
  // Stores a new supervision task.
  virtual void CommitSupervisionTask(absl::string_view plan_id, const Task& task,
                                     const std::optional<RequestRecord>& request,
                                     const SupervisionTaskCreated& event,
                                     const ChangeContext& context, Done done) = 0;
};

}  // namespace ecoplan::registry
