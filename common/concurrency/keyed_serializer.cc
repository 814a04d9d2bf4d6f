#include "common/concurrency/keyed_serializer.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace ecoplan::common {

void KeyedSerializer::Run(const std::string& key, Fn fn) {
  {
    absl::MutexLock lock(&mu_);
    auto [it, inserted] = held_.try_emplace(key);
    if (!inserted) {
      if (it->second == nullptr) it->second = std::make_unique<std::deque<Fn>>();
      it->second->push_back(std::move(fn));
      return;
    }
  }
  fn(std::make_shared<Lease>(this, key));
}

void KeyedSerializer::Release(const std::string& key) {
  Fn next;
  {
    absl::MutexLock lock(&mu_);
    auto it = held_.find(key);
    if (it == held_.end()) return;
    if (it->second == nullptr || it->second->empty()) {
      held_.erase(it);
      return;
    }
    next = std::move(it->second->front());
    it->second->pop_front();
  }
  // The key stays held and passes to `next`.
  auto lease = std::make_shared<Lease>(this, key);
  dispatch_(
      [next = std::move(next), lease = std::move(lease)]() mutable { next(std::move(lease)); });
}

void KeyedSerializer::RunForRequest(const std::string& request_id, const std::string& key, Fn fn) {
  if (request_id.empty()) {
    Run(key, std::move(fn));
    return;
  }
  Run(absl::StrCat("q/", request_id), [this, key,
                                       fn = std::move(fn)](std::shared_ptr<Lease> request) mutable {
    Run(key, [request = std::move(request), fn = std::move(fn)](std::shared_ptr<Lease> resource) {
      // Members are destroyed last to first: the resource's key goes first.
      auto both = std::make_shared<std::pair<std::shared_ptr<Lease>, std::shared_ptr<Lease>>>(
          request, resource);
      fn(std::shared_ptr<Lease>(both, resource.get()));
    });
  });
}

size_t KeyedSerializer::held_keys() const {
  absl::MutexLock lock(&mu_);
  return held_.size();
}

}  // namespace ecoplan::common
