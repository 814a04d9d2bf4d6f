#pragma once

// In-memory SupervisionStore for domain and handler tests: orders, request
// records and the events of every commit, applied together (or not at all
// when a failure is injected). Thread-safe.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "services/progress/domain/supervision_store.h"

namespace ecoplan::progress {

class FakeSupervisionStore final : public SupervisionStore {
 public:
  // One committed event: its type, the order after the change and the
  // organization of a reply event.
  struct Event {
    SupervisionEventType type;
    SupervisionOrder order;
    std::string org_id;
  };

  absl::StatusOr<std::optional<SupervisionOrder>> GetOrder(absl::string_view plan_id,
                                                           absl::string_view order_id) override {
    absl::MutexLock lock(&mu_);
    auto it = orders_.find({std::string(plan_id), std::string(order_id)});
    if (it == orders_.end()) return std::optional<SupervisionOrder>();
    return std::optional<SupervisionOrder>(it->second);
  }
  absl::StatusOr<std::vector<SupervisionOrder>> ListOrders(absl::string_view plan_id) override {
    absl::MutexLock lock(&mu_);
    std::vector<SupervisionOrder> out;
    for (const auto& [key, order] : orders_) {
      if (key.first == plan_id) out.push_back(order);
    }
    return out;
  }
  absl::StatusOr<std::optional<RequestRecord>> FindRequest(absl::string_view request_id) override {
    absl::MutexLock lock(&mu_);
    auto it = requests_.find(std::string(request_id));
    if (it == requests_.end()) return std::optional<RequestRecord>();
    return std::optional<RequestRecord>(it->second);
  }
  void CommitOrderAsync(SupervisionChange change, std::function<void(absl::Status)> done) override {
    absl::Status failed;
    {
      absl::MutexLock lock(&mu_);
      failed = fail_next_;
      fail_next_ = absl::OkStatus();
    }
    if (!failed.ok()) return done(failed);
    {
      absl::MutexLock lock(&mu_);
      const SupervisionOrder& o = *change.order;
      orders_[{o.plan_id, o.id}] = o;
      if (change.request && !change.caller.request_id.empty()) {
        requests_[change.caller.request_id] = *change.request;
      }
      for (SupervisionEventType type : change.events) events_.push_back({type, o, change.org_id});
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
  std::map<std::pair<std::string, std::string>, SupervisionOrder> orders_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, RequestRecord> requests_ ABSL_GUARDED_BY(mu_);
  std::vector<Event> events_ ABSL_GUARDED_BY(mu_);
  absl::Status fail_next_ ABSL_GUARDED_BY(mu_);
  int commits_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace ecoplan::progress
