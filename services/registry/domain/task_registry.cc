#include "services/registry/domain/task_registry.h"

// The registry's shared machinery: loading, the immutable view of each plan
// and its publication, request ids. The use cases are in the task_registry_*.cc
// files beside it, one concept each.

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/calendar/checkpoints.h"
#include "common/status/status_macros.h"
#include "common/text/normalize.h"

namespace ecoplan::registry {

TaskRegistry::TaskRegistry(PlanStore* store, const common::Clock* clock,
                           std::function<void(std::function<void()>)> dispatch)
    : store_(store),
      clock_(clock),
      state_(std::make_shared<State>()),
      writes_(dispatch ? std::move(dispatch) : [](std::function<void()> fn) { fn(); }) {}

std::shared_ptr<const TaskRegistry::PlanView> TaskRegistry::MakeView(StoredPlan stored) {
  auto view = std::make_shared<PlanView>();
  view->stored = std::move(stored);
  for (size_t t = 0; t < view->stored.tasks.size(); ++t) {
    const Task& task = view->stored.tasks[t];
    view->task_index[task.id] = t;
    for (size_t m = 0; m < task.measures.size(); ++m) {
      view->measure_index[task.measures[m].id] = {t, m};
    }
  }
  view->measures_by_organization = IndexMeasuresByOrganization(view->stored.tasks);
  return view;
}

namespace {

// Plans stored before measures had checkpoints get those of their texts (the
// same as a fresh import would give); corrected lists are kept.
void AddMissingCheckpoints(StoredPlan* plan) {
  for (Task& task : plan->tasks) {
    for (Measure& m : task.measures) {
      if (!m.checkpoints.empty() || m.checkpoints_corrected) continue;
      m.checkpoints = common::ExtractCheckpoints(
                          common::NormalizeDocumentText(m.text),
                          CheckpointContextOf(plan->plan.year, plan->plan.issue_date, m.deadline))
                          .checkpoints;
    }
  }
}

}  // namespace

absl::Status TaskRegistry::Load() {
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<StoredPlan> plans, store_->LoadPlans());
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<Organization> orgs, store_->LoadOrganizations());
  auto state = std::make_shared<State>();
  for (StoredPlan& plan : plans) {
    AddMissingCheckpoints(&plan);
    std::string id = plan.plan.id;
    state->plans[id] = MakeView(std::move(plan));
  }
  state->organizations = std::make_shared<const OrganizationDirectory>(std::move(orgs));
  absl::MutexLock lock(&state_mu_);
  state_ = std::move(state);
  return absl::OkStatus();
}

std::shared_ptr<const TaskRegistry::State> TaskRegistry::Snapshot() const {
  absl::MutexLock lock(&state_mu_);
  return state_;
}

absl::StatusOr<std::shared_ptr<const TaskRegistry::PlanView>> TaskRegistry::FindPlan(
    const State& state, absl::string_view plan_id) const {
  auto it = state.plans.find(plan_id);
  if (it == state.plans.end()) {
    return absl::NotFoundError(absl::StrCat("plan \"plans/", plan_id, "\" does not exist"));
  }
  return it->second;
}

absl::StatusOr<std::optional<std::string>> TaskRegistry::CheckRequest(
    absl::string_view request_id, absl::string_view method, absl::string_view fingerprint) {
  if (request_id.empty()) return std::optional<std::string>();
  ECOPLAN_ASSIGN_OR_RETURN(std::optional<RequestRecord> seen, store_->FindRequest(request_id));
  ECOPLAN_ASSIGN_OR_RETURN(common::RequestDecision decision,
                           common::RequestLedger::Decide({request_id, method, "", fingerprint},
                                                         seen ? &*seen : nullptr));
  if (decision == common::RequestDecision::kFresh) return std::optional<std::string>();
  return std::optional<std::string>(seen->resource);
}

void TaskRegistry::Publish(std::shared_ptr<const State> next) {
  absl::MutexLock lock(&state_mu_);
  state_ = std::move(next);
}

}  // namespace ecoplan::registry
