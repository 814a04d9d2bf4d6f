#pragma once

// AreaMemo: what evaluations derive from one area's daily values — each day's
// AQI under a caliber, the seasonal profile of the past years — computed once
// and kept beside those days. ObservationBook hands out one memo with each
// area's shared days (SharedArea) and drops both together whenever the
// readings or the stations change, so a memo never outlives the days it was
// computed from and needs no invalidation of its own. What it holds must
// depend on nothing but those days and its key (the caller's duty: a key
// names every other input, e.g. the caliber and the profile's rules).
// Thread-safe: evaluations under a shared lock fill it together.

#include <memory>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace ecoplan::indicator {

class AreaMemo {
 public:
  // The value under `key`, computed by `compute()` (returning a T) at the
  // first call. Two callers may compute it at once: the first one stored is
  // kept (the same value, computed from the same days). One key, one T.
  template <typename T, typename Compute>
  std::shared_ptr<const T> Get(const std::string& key, Compute compute) {
    {
      absl::MutexLock lock(&mu_);
      auto it = values_.find(key);
      if (it != values_.end()) return std::static_pointer_cast<const T>(it->second);
    }
    std::shared_ptr<const void> value = std::make_shared<const T>(compute());
    absl::MutexLock lock(&mu_);
    auto it = values_.emplace(key, std::move(value)).first;
    return std::static_pointer_cast<const T>(it->second);
  }

  // How many values are held (tests).
  size_t size() const {
    absl::MutexLock lock(&mu_);
    return values_.size();
  }

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<const void>> values_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ecoplan::indicator
