#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "services/registry/domain/plan_store.h"

namespace ecoplan::registry {

// In-memory PlanStore for domain and handler tests. Records every event
// committed, and can be told to fail the next commit (as a full disk would).
class FakePlanStore final : public PlanStore {
 public:
  using Event = std::variant<PlanImported, MeasureUpdated, SupervisionTaskCreated>;

  absl::StatusOr<std::vector<StoredPlan>> LoadPlans() override {
    absl::MutexLock lock(&mu_);
    std::vector<StoredPlan> out;
    for (const auto& [id, plan] : plans_) out.push_back(plan);
    return out;
  }
  absl::StatusOr<std::vector<Organization>> LoadOrganizations() override {
    absl::MutexLock lock(&mu_);
    std::vector<Organization> out;
    for (const auto& [id, org] : organizations_) out.push_back(org);
    return out;
  }
  absl::StatusOr<std::optional<RequestRecord>> FindRequest(absl::string_view request_id) override {
    absl::MutexLock lock(&mu_);
    auto it = requests_.find(std::string(request_id));
    if (it == requests_.end()) return std::optional<RequestRecord>();
    return std::optional<RequestRecord>(it->second);
  }
  absl::StatusOr<std::vector<MeasureRevision>> ListRevisions(
      absl::string_view plan_id, absl::string_view measure_id) override {
    absl::MutexLock lock(&mu_);
    return revisions_[std::string(plan_id) + "/" + std::string(measure_id)];
  }
  // Each commit is stored at once; `done` runs before Commit* returns, or with
  // hold_commits(true), when ReleaseCommits() is called (a commit in flight).
  void CommitImport(const StoredPlan& plan, const std::vector<Organization>& organizations,
                    const std::optional<RequestRecord>& request, const PlanImported& event,
                    const ChangeContext& context, Done done) override {
    Answer(std::move(done), StoreImport(plan, organizations, request, event, context));
  }
  void CommitMeasureUpdate(absl::string_view plan_id, const Task& task,
                           const MeasureRevision& revision,
                           const std::optional<RequestRecord>& request, const MeasureUpdated& event,
                           const ChangeContext& context, Done done) override {
    Answer(std::move(done), StoreMeasureUpdate(plan_id, task, revision, request, event, context));
  }
  void CommitSupervisionTask(absl::string_view plan_id, const Task& task,
                             const std::optional<RequestRecord>& request,
                             const SupervisionTaskCreated& event, const ChangeContext& context,
                             Done done) override {
    Answer(std::move(done), StoreSupervisionTask(plan_id, task, request, event, context));
  }
  absl::Status StoreImport(const StoredPlan& plan, const std::vector<Organization>& organizations,
                           const std::optional<RequestRecord>& request, const PlanImported& event,
                           const ChangeContext& context) {
    absl::MutexLock lock(&mu_);
    if (absl::Status s = TakeFailure(); !s.ok()) return s;
    plans_[plan.plan.id] = plan;
    for (const Organization& org : organizations) organizations_[org.id] = org;
    Remember(request, context);
    events_.push_back(event);
    return absl::OkStatus();
  }
  absl::Status StoreMeasureUpdate(absl::string_view plan_id, const Task& task,
                                  const MeasureRevision& revision,
                                  const std::optional<RequestRecord>& request,
                                  const MeasureUpdated& event, const ChangeContext& context) {
    absl::MutexLock lock(&mu_);
    if (absl::Status s = TakeFailure(); !s.ok()) return s;
    for (Task& t : plans_[std::string(plan_id)].tasks) {
      if (t.id == task.id) t = task;
    }
    revisions_[std::string(plan_id) + "/" + revision.after.id].push_back(revision);
    Remember(request, context);
    events_.push_back(event);
    return absl::OkStatus();
  }
  absl::Status StoreSupervisionTask(absl::string_view plan_id, const Task& task,
                                    const std::optional<RequestRecord>& request,
                                    const SupervisionTaskCreated& event,
                                    const ChangeContext& context) {
    absl::MutexLock lock(&mu_);
    if (absl::Status s = TakeFailure(); !s.ok()) return s;
    StoredPlan& plan = plans_[std::string(plan_id)];
    plan.tasks.push_back(task);
    ++plan.plan.summary.supervision_task_count;
    Remember(request, context);
    events_.push_back(event);
    return absl::OkStatus();
  }

  // The next commit fails with `status` and writes nothing.
  void hold_commits(bool hold) {
    absl::MutexLock lock(&mu_);
    hold_ = hold;
  }
  size_t held_commits() const {
    absl::MutexLock lock(&mu_);
    return held_.size();
  }
  // Answers the held commits, in order.
  void ReleaseCommits() {
    std::vector<std::pair<Done, absl::Status>> held;
    {
      absl::MutexLock lock(&mu_);
      held.swap(held_);
    }
    for (auto& [done, status] : held) done(status);
  }
  void FailNextCommit(absl::Status status) {
    absl::MutexLock lock(&mu_);
    next_failure_ = std::move(status);
  }
  std::vector<Event> events() const {
    absl::MutexLock lock(&mu_);
    return events_;
  }
  size_t plan_count() const {
    absl::MutexLock lock(&mu_);
    return plans_.size();
  }

 private:
  void Answer(Done done, absl::Status status) {
    {
      absl::MutexLock lock(&mu_);
      if (hold_) {
        held_.emplace_back(std::move(done), std::move(status));
        return;
      }
    }
    done(std::move(status));
  }
  absl::Status TakeFailure() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    absl::Status s = next_failure_;
    next_failure_ = absl::OkStatus();
    return s;
  }
  void Remember(const std::optional<RequestRecord>& request, const ChangeContext& context)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (request && !context.request_id.empty()) requests_[context.request_id] = *request;
  }

  mutable absl::Mutex mu_;
  std::map<std::string, StoredPlan> plans_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Organization> organizations_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, RequestRecord> requests_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::vector<MeasureRevision>> revisions_ ABSL_GUARDED_BY(mu_);
  std::vector<Event> events_ ABSL_GUARDED_BY(mu_);
  absl::Status next_failure_ ABSL_GUARDED_BY(mu_);
  bool hold_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::pair<Done, absl::Status>> held_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ecoplan::registry
