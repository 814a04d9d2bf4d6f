#pragma once

// In-memory ProblemStore for domain and handler tests: items, request
// records, import outcomes and the events of every commit, applied together
// (or not at all when a failure is injected). Thread-safe.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "services/progress/domain/problem_store.h"

namespace ecoplan::progress {

class FakeProblemStore final : public ProblemStore {
 public:
  // One committed event: the item after the change and the state before it
  // (kUnspecified: opened).
  struct Event {
    ProblemItem item;
    ProblemState from_state;
  };

  absl::StatusOr<std::optional<ProblemItem>> GetProblem(absl::string_view plan_id,
                                                        absl::string_view id) override {
    absl::MutexLock lock(&mu_);
    auto it = items_.find({std::string(plan_id), std::string(id)});
    if (it == items_.end()) return std::optional<ProblemItem>();
    return std::optional<ProblemItem>(it->second);
  }
  absl::StatusOr<std::vector<ProblemItem>> ListProblems(absl::string_view plan_id) override {
    absl::MutexLock lock(&mu_);
    std::vector<ProblemItem> out;
    for (const auto& [key, item] : items_) {
      if (key.first == plan_id) out.push_back(item);
    }
    return out;
  }
  absl::StatusOr<std::optional<RequestRecord>> FindRequest(absl::string_view request_id) override {
    absl::MutexLock lock(&mu_);
    auto it = requests_.find(std::string(request_id));
    if (it == requests_.end()) return std::optional<RequestRecord>();
    return std::optional<RequestRecord>(it->second);
  }
  absl::StatusOr<std::optional<ImportOutcome>> FindImport(absl::string_view request_id) override {
    absl::MutexLock lock(&mu_);
    auto it = imports_.find(std::string(request_id));
    if (it == imports_.end()) return std::optional<ImportOutcome>();
    return std::optional<ImportOutcome>(it->second);
  }
  void CommitProblemsAsync(ProblemChange change, std::function<void(absl::Status)> done) override {
    absl::Status failed;
    {
      absl::MutexLock lock(&mu_);
      failed = fail_next_;
      fail_next_ = absl::OkStatus();
    }
    if (!failed.ok()) return done(failed);
    {
      absl::MutexLock lock(&mu_);
      for (const ProblemWrite& w : change.writes) {
        items_[{w.item->plan_id, w.item->id}] = *w.item;
        events_.push_back({*w.item, w.from_state});
      }
      if (!change.caller.request_id.empty()) {
        if (change.request) requests_[change.caller.request_id] = *change.request;
        if (change.import) imports_[change.caller.request_id] = *change.import;
      }
      ++commits_;
    }
    done(absl::OkStatus());
  }

  void FailNextCommit(absl::Status status) {
    absl::MutexLock lock(&mu_);
    fail_next_ = std::move(status);
  }
  std::vector<Event> events() const {
    absl::MutexLock lock(&mu_);
    return events_;
  }
  int commits() const {
    absl::MutexLock lock(&mu_);
    return commits_;
  }

 private:
  mutable absl::Mutex mu_;
  std::map<std::pair<std::string, std::string>, ProblemItem> items_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, RequestRecord> requests_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, ImportOutcome> imports_ ABSL_GUARDED_BY(mu_);
  std::vector<Event> events_ ABSL_GUARDED_BY(mu_);
  absl::Status fail_next_ ABSL_GUARDED_BY(mu_);
  int commits_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace ecoplan::progress
