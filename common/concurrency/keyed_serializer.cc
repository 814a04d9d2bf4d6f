#include "common/concurrency/keyed_serializer.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace ecoplan::common {

KeyedSerializer::KeyedSerializer(std::function<void(std::function<void()>)> dispatch)
    : state_(std::make_shared<State>(std::move(dispatch))) {}

KeyedSerializer::~KeyedSerializer() {
  std::vector<std::unique_ptr<std::deque<Fn>>> dropped;  // destroyed outside the lock
  absl::MutexLock lock(&state_->mu);
  state_->closed = true;
  for (auto& [key, waiting] : state_->held) {
    if (waiting != nullptr) dropped.push_back(std::move(waiting));
  }
}

void KeyedSerializer::Run(const std::string& key, Fn fn) {
  {
    absl::MutexLock lock(&state_->mu);
    auto [it, inserted] = state_->held.try_emplace(key);
    if (!inserted) {
      if (it->second == nullptr) it->second = std::make_unique<std::deque<Fn>>();
      it->second->push_back(std::move(fn));
      return;
    }
  }
  fn(std::make_shared<Lease>(state_, key));
}

void KeyedSerializer::State::Release(const std::shared_ptr<State>& self, const std::string& key) {
  Fn next;
  {
    absl::MutexLock lock(&mu);
    auto it = held.find(key);
    if (it == held.end()) return;
    if (closed || it->second == nullptr || it->second->empty()) {
      held.erase(it);  // with whatever waited: after the serializer, nothing runs
      return;
    }
    next = std::move(it->second->front());
    it->second->pop_front();
  }
  // The key stays held and passes to `next`.
  auto lease = std::make_shared<Lease>(self, key);
  dispatch(
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
  absl::MutexLock lock(&state_->mu);
  return state_->held.size();
}

}  // namespace ecoplan::common
